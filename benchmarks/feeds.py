"""Write every feed (RSS, Atom, JSON Feed for the page and each public monitor) for 5,000
and 10,000 monitors, each with one detected outage (one entry each), the way `vigil build`
writes them, against the naive way that picks each monitor's items out of all the entries.

    python3 benchmarks/feeds.py [--monitors 5000 10000] [--naive-up-to 10000]

Prints one line per size, then one JSON object with `feeds_s_<n>`, `naive_s_<n>` and
`ratio_<n>` (naive / ours) for every size, and `growth` (time per monitor at the largest
size over that at the smallest: about 1 when writing grows linearly). Figures, never
assertions.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checks.result import Status
from configuration.loader import load_config_text
from history.model import MonitorTimeline, Outage
from rendering.feeds.items import MAX_ITEMS, FeedItem, _item
from rendering.feeds.writer import FEED_FILES, _feed, atom, json_feed, rss, write_feeds
from rendering.text.markup import xml_safe
from rendering.views.context import BuildContext
from rendering.views.entries import incident_entries
from rendering.views.index import page_view

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def context(monitors: int) -> BuildContext:
    """A build of `monitors` public http monitors, each with one outage that ended."""
    lines = [
        "version: 1",
        "site: {title: Benchmark Status, url: https://status.example.com/}",
        "regions: [{id: eu-west, name: Europe}]",
        "monitors:",
        *[
            f"  - {{id: m{n}, name: Service {n}, type: http, url: https://s{n}.example.com/}}"
            for n in range(monitors)
        ],
    ]
    config = load_config_text("\n".join(lines) + "\n", environ={})
    timelines = {}
    for n, monitor in enumerate(config.monitors):
        start = NOW - timedelta(minutes=10 + n % 5000)
        outage = Outage(monitor.id, start, start + timedelta(minutes=5), ("eu-west",), "x", ())
        timelines[monitor.id] = MonitorTimeline(monitor.id, [], Status.UP, NOW, outages=(outage,))
    entries = incident_entries([], timelines, config, NOW)
    page = page_view(config, timelines, [], entries, {}, NOW)
    return BuildContext(config, [], page, timelines, NOW, entries)


def naive_items(build: BuildContext, monitor_id: str | None) -> list[FeedItem]:
    """The way feeds were written before: each feed scans every entry and builds its items."""
    public = {m.id: " ".join(m.name.split()) for m in build.config.monitors if m.public}
    chosen = [e for e in build.entries if monitor_id is None or monitor_id in e.monitors]
    items = [_item(entry, build, public, "") for entry in chosen]
    items = [item for item in items if item.updated <= build.now]
    items.sort(key=lambda item: (item.updated, item.id), reverse=True)
    return items[:MAX_ITEMS]


def write_naive(folder: Path, build: BuildContext) -> None:
    site = build.config.site
    feeds = [_feed(build, xml_safe(site.title), "", naive_items(build, None))]
    for monitor in build.config.monitors:
        title = xml_safe(f"{site.title}: {monitor.name}")
        path = f"monitors/{monitor.id}/"
        feeds.append(_feed(build, title, path, naive_items(build, monitor.id)))
    for feed in feeds:
        target = folder / feed.folder
        target.mkdir(parents=True, exist_ok=True)
        for name, data in zip(FEED_FILES, (rss(feed), atom(feed), json_feed(feed)), strict=True):
            (target / name).write_bytes(data)


def timed(write: Callable[[Path, BuildContext], object], build: BuildContext) -> tuple[float, int]:
    """Seconds to write the feeds into an empty folder, and how many files were written."""
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        write(Path(folder), build)
        seconds = time.perf_counter() - started
        files = sum(1 for path in Path(folder).rglob("feed.*"))
    return seconds, files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--monitors", type=int, nargs="+", default=[5000, 10000])
    parser.add_argument("--naive-up-to", type=int, default=10000)
    args = parser.parse_args()
    figures: dict[str, float] = {}
    per_monitor = []
    for size in args.monitors:
        build = context(size)
        seconds, files = timed(write_feeds, build)
        figures[f"feeds_s_{size}"] = round(seconds, 2)
        per_monitor.append(seconds / size)
        line = f"{size} monitors: {files} feed files in {seconds:.2f} s"
        if size <= args.naive_up_to:
            naive, naive_files = timed(write_naive, build)
            assert naive_files == files
            figures[f"naive_s_{size}"] = round(naive, 2)
            figures[f"ratio_{size}"] = round(naive / seconds, 1)
            line += f"; naive {naive:.2f} s ({naive / seconds:.1f}x)"
        print(line, flush=True)
    figures["growth"] = round(per_monitor[-1] / per_monitor[0], 2)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
