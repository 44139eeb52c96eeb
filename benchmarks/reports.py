"""What objectives and monthly reports add to a build of 500 monitors (90 days of hourly
results from 3 regions, made by the demo's DuckDB SQL, every group with `slo: 99.9`).

    python3 benchmarks/reports.py [--monitors 500]

Times, after the history is read once (`rendering.site.collect`): this month's error budget
of every monitor (`budgets_s`, as the API and each monitor page ask for it), the build's
reports (`reports_s`: every public monitor's months of the year calendar), the reports page
in one language (`page_s`) and writing `reports/` from them (`write_s`), best of three each;
the files' sizes. Prints one JSON object. Figures, never assertions.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from site_build import GROUPS, NOW, config_text

from configuration.loader import load_config_text
from history.demo import write_demo_history
from history.store import ResultStore
from rendering.pages.reports import build_reports, reports_page, write_reports
from rendering.site import collect
from rendering.text.i18n import Locale
from rendering.views.budget import monitor_budget
from rendering.views.context import BuildContext


def best(work: Callable[[], object]) -> float:
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return round(min(timings), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--monitors", type=int, default=500)
    n = parser.parse_args().monitors
    text = config_text(n)
    for group in GROUPS:
        text = text.replace(f"{{id: {group}, name:", f"{{id: {group}, slo: 99.9, name:")
    config = load_config_text(text, environ={})
    with tempfile.TemporaryDirectory() as temp:
        store = ResultStore(Path(temp) / "data")
        write_demo_history(config, store, NOW)
        page, timelines, entries = collect(config, [], store, NOW)
        context = BuildContext(config, [], page, timelines, NOW, entries)
        reports = build_reports(context)
        locale = Locale("en", config.site.timezone)
        figures: dict[str, object] = {
            "monitors": n,
            "budgets_s": best(
                lambda: [monitor_budget(config, m, timelines[m.id], NOW) for m in config.monitors]
            ),
            "reports_s": best(lambda: build_reports(context)),
            "page_s": best(lambda: reports_page(reports, locale)),
            "write_s": best(lambda: write_reports(Path(temp) / "site", context, reports)),
            "months": len(reports),
        }
        folder = Path(temp) / "site" / "reports"
        figures["month_json_kb"] = round((folder / f"{reports[0].key}.json").stat().st_size / 1024)
        figures["month_csv_kb"] = round((folder / f"{reports[0].key}.csv").stat().st_size / 1024)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
