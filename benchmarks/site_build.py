"""Build the site for 50 and 500 monitors (90 days of hourly results from 3 regions, made by
the demo's DuckDB SQL) and load each index in headless Chromium (Debian's).

    python3 benchmarks/site_build.py [--monitors 500]

Prints one line per size, then one JSON object: build_s_500, build_cpu_s_500, index_gzip_kb_50,
index_gzip_kb_500, fcp_ms_500, widget_gzip_bytes (the built `widget.js`); with `--monitors N`
the keys end in N instead of 500, and `results_N` and `files_N` (the site's files) are added.
Targets: build_s_500 <= 10, index_gzip_kb_50 <= 25, fcp_ms_500 <= 300, widget_gzip_bytes <=
5120; build_s_2000 <= 10 (issue 20). Figures, never assertions.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from configuration.loader import load_config_text
from history.demo import write_demo_history
from history.store import ResultStore
from rendering.site import build_site
from rendering.widget import WIDGET_FILE, gzip_size

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
GROUPS = ("website", "api", "infrastructure", "data", "regions")


def config_text(monitors: int) -> str:
    lines = [
        "version: 1",
        "site: {title: Benchmark Status, timezone: Europe/Berlin}",
        "regions:",
        "  - {id: eu-west, name: Europe}",
        "  - {id: us-east, name: US East}",
        "  - {id: ap-southeast, name: Asia Pacific}",
        "groups:",
        *[f"  - {{id: {g}, name: {g.title()}}}" for g in GROUPS],
        "defaults: {interval: 1h}",
        "monitors:",
    ]
    lines += [
        f"  - {{id: m{n}, name: Service {n}, description: Service number {n}., "
        f"group: {GROUPS[n % len(GROUPS)]}, type: http, url: https://s{n}.example.com/}}"
        for n in range(monitors)
    ]
    return "\n".join(lines) + "\n"


def fcp_ms(index: Path) -> float:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        page.goto(index.as_uri())  # warm-up: the browser's own start-up is not the page's
        timings = []
        for _ in range(3):
            page.goto(index.as_uri())
            timings.append(
                page.evaluate(
                    "new Promise(done => new PerformanceObserver(list => done("
                    "list.getEntriesByName('first-contentful-paint')[0].startTime))"
                    ".observe({type: 'paint', buffered: true}))"
                )
            )
        browser.close()
    return float(sorted(timings)[1])


def run(monitors: int, folder: Path) -> dict[str, float]:
    config = load_config_text(config_text(monitors), environ={})
    store = ResultStore(folder / "data")
    results = write_demo_history(config, store, NOW)
    started, cpu_started = time.perf_counter(), time.process_time()
    index = build_site(config, [], store, folder / "site", NOW)
    build_s = time.perf_counter() - started
    # CPU time apart from the wall time: this machine's disk alone can make writing the
    # site's ~12,000 files take anywhere from 1 to 8 s.
    cpu_s = time.process_time() - cpu_started
    gzip_kb = len(gzip.compress(index.read_bytes(), 9)) / 1024
    figures = {
        "results": results,
        "files": sum(1 for f in (folder / "site").rglob("*") if f.is_file()),
        "build_s": round(build_s, 2),
        "build_cpu_s": round(cpu_s, 2),
        "index_gzip_kb": round(gzip_kb, 1),
    }
    figures["fcp_ms"] = round(fcp_ms(index), 1)
    figures["widget_gzip_bytes"] = gzip_size((index.parent / WIDGET_FILE).read_text("utf-8"))
    print(f"{monitors} monitors, {results} results: {figures}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--monitors", type=int, default=500, help="the larger site's monitors")
    n = parser.parse_args().monitors
    with tempfile.TemporaryDirectory() as temp:
        small = run(50, Path(temp) / "50")
        large = run(n, Path(temp) / str(n))
    figures: dict[str, float] = {
        f"build_s_{n}": large["build_s"],
        f"build_cpu_s_{n}": large["build_cpu_s"],
        "index_gzip_kb_50": small["index_gzip_kb"],
        f"index_gzip_kb_{n}": large["index_gzip_kb"],
        f"fcp_ms_{n}": large["fcp_ms"],
        "widget_gzip_bytes": large["widget_gzip_bytes"],
    }
    if n != 500:
        figures |= {f"results_{n}": large["results"], f"files_{n}": large["files"]}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
