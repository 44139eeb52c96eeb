"""Build the site for 50 and 500 monitors (90 days of hourly results from 3 regions, made by
the demo's DuckDB SQL) and load each index in headless Chromium (Debian's).

    python3 benchmarks/site_build.py [--monitors 500]
    python3 benchmarks/site_build.py --pages 10


Prints one line per size, then one JSON object: build_s_500, build_cpu_s_500, index_gzip_kb_50,
index_gzip_kb_500, fcp_ms_500, widget_gzip_bytes (the built `widget.js`); with `--monitors N`
the keys end in N instead of 500, and `results_N` and `files_N` (the site's files) are added.
Targets: build_s_500 <= 10, index_gzip_kb_50 <= 25, fcp_ms_500 <= 300, widget_gzip_bytes <=
5120; build_s_2000 <= 10 (issue 20). Figures, never assertions.

With `--pages N` (issue 19) it builds, from one history of 500 monitors, N pages of 200
monitors each (`pages:` selecting by tag, each monitor on several pages) next to the one
page of all 500, and prints pages_build_s, pages_build_cpu_s, pages_judge_s (reading the
history, once for all pages), pages_judged (how often the history was read: 1),
pages_files, and the same for one_page_*.
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

from collections.abc import Callable
from typing import Any

from playwright.sync_api import sync_playwright

from configuration.loader import load_config_text
from configuration.models import Config
from history.demo import write_demo_history
from history.store import ResultStore
from rendering import site
from rendering.pages.widget import WIDGET_FILE, gzip_size
from rendering.site import build_site

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
GROUPS = ("website", "api", "infrastructure", "data", "regions")


def config_text(monitors: int, tags: Callable[[int], list[str]] | None = None) -> str:
    """`monitors` http monitors in five groups; `tags(n)`: monitor n's tags, when given."""
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
        f"group: {GROUPS[n % len(GROUPS)]}, type: http, url: https://s{n}.example.com/"
        + (f", tags: [{', '.join(tags(n))}]" if tags else "")
        + "}"
        for n in range(monitors)
    ]
    return "\n".join(lines) + "\n"


PAGE_SIZE = 200


def pages_config_text(monitors: int, pages: int) -> str:
    """`monitors` monitors and `pages` pages of PAGE_SIZE monitors each, spread evenly (a
    page shows the monitors tagged with its id)."""
    step = monitors // pages

    def tags(n: int) -> list[str]:
        return [f"p{k}" for k in range(pages) if (n - k * step) % monitors < PAGE_SIZE]

    hosts = ["github-pages"] + ["netlify"] * (pages - 1)
    lines = ["pages:"] + [
        f"  - {{id: page{k}, title: Page {k}, tags: [p{k}], host: {hosts[k]}}}"
        for k in range(pages)
    ]
    return config_text(monitors, tags) + "\n".join(lines) + "\n"


def timed_build(config: Config, store: ResultStore, out: Path) -> dict[str, float]:
    """Build `config` (its pages, or its one page) counting how often the history is read."""
    judged = {"count": 0, "s": 0.0}
    real_judge = site.judge

    def counting_judge(*args: Any) -> Any:
        started = time.perf_counter()
        try:
            return real_judge(*args)
        finally:
            judged["count"] += 1
            judged["s"] += time.perf_counter() - started

    site.judge = counting_judge
    try:
        started, cpu_started = time.perf_counter(), time.process_time()
        if config.pages:
            site.build_pages(config, [], store, out, NOW)
        else:
            site.build_site(config, [], store, out, NOW)
        build_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
    finally:
        site.judge = real_judge
    return {
        "build_s": round(build_s, 2),
        "build_cpu_s": round(cpu_s, 2),
        "judge_s": round(judged["s"], 2),
        "judged": judged["count"],
        "files": sum(1 for f in out.rglob("*") if f.is_file()),
    }


def run_pages(pages: int, folder: Path) -> dict[str, float]:
    monitors = 500
    config = load_config_text(pages_config_text(monitors, pages), environ={})
    one_page = config.model_copy(update={"pages": []})
    store = ResultStore(folder / "data")
    results = write_demo_history(config, store, NOW)
    one = timed_build(one_page, store, folder / "one")
    many = timed_build(config, store, folder / "many")
    print(f"1 page x {monitors} monitors, {results} results: {one}")
    print(f"{pages} pages x {PAGE_SIZE} monitors, same history: {many}")
    figures: dict[str, float] = {f"pages_{key}": value for key, value in many.items()}
    figures |= {f"one_page_{key}": value for key, value in one.items()}
    return figures | {"pages": pages, "results": results}


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
    parser.add_argument("--pages", type=int, default=0, help="N pages of 200 monitors instead")
    arguments = parser.parse_args()
    if arguments.pages:
        with tempfile.TemporaryDirectory() as temp:
            print(json.dumps(run_pages(arguments.pages, Path(temp))))
        return
    n = arguments.monitors
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
