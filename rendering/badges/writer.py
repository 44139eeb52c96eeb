"""Badges for READMEs and dashboards: shields.io endpoint JSON and self-rendered SVG.

Layout under `badges/` (the page's at the top, each public monitor's in its own folder):

    badges/status.{json,svg}            badges/<monitor id>/status.{json,svg}
    badges/uptime-<w>.{json,svg}        badges/<monitor id>/uptime-<w>.{json,svg}
                                        badges/<monitor id>/response-time.{json,svg}

with `<w>` one of 24h, 7d, 30d, 90d, and every `.svg` also as `-dark.svg` (for dark
backgrounds). The `.json` files are shields.io endpoint badges
(`https://img.shields.io/endpoint?url=<url of the .json>`), shape in
`schemas/shields-endpoint.schema.json`. The page has no response-time badge: percentiles of
different monitors do not combine into one meaningful figure.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from configuration.impacts import PARTIAL
from history.timeline import ALL_REGIONS, MonitorTimeline, combined_uptime
from rendering.badges.svg import THEMES, badge_svg, fit
from rendering.text.display import percent
from rendering.text.markup import site_link
from rendering.views.context import BuildContext

UPTIME_WINDOWS = ("24h", "7d", "30d", "90d")
LATENCY_WINDOW = "24h"

MONITOR_STATUS = {
    "up": ("operational", "brightgreen"),
    "degraded": ("degraded", "yellow"),
    PARTIAL: ("partial outage", "orange"),
    "down": ("down", "red"),
    "maintenance": ("maintenance", "blue"),
    "nodata": ("no data", "lightgrey"),
}
PAGE_STATUS = {
    "up": ("operational", "brightgreen"),
    "degraded": ("degraded", "yellow"),
    "partial": ("partial outage", "orange"),
    "major": ("major outage", "red"),
    "maintenance": ("maintenance", "blue"),
    "nodata": ("no data", "lightgrey"),
}
# (lowest value, colour), first match wins.
UPTIME_COLOURS = [(99.9, "brightgreen"), (99.0, "green"), (97.0, "yellowgreen"),
                  (95.0, "yellow"), (90.0, "orange"), (0.0, "red")]  # fmt: skip
# (highest p50 in ms, colour), first match wins.
LATENCY_COLOURS = [(300.0, "brightgreen"), (600.0, "green"), (1000.0, "yellow"),
                   (2000.0, "orange"), (float("inf"), "red")]  # fmt: skip


@dataclass(frozen=True)
class Badge:
    name: str  # file name without extension, e.g. "uptime-30d"
    label: str
    message: str
    colour: str  # a shields.io colour name

    def endpoint_json(self) -> dict[str, object]:
        return {
            "schemaVersion": 1,
            "label": fit(self.label),
            "message": fit(self.message),
            "color": self.colour,
        }


def write_badges(folder: Path, context: BuildContext) -> list[Path]:
    """Write every badge of the page and of each public monitor; returns the files."""
    monitors = [m for group in context.page.groups for m in group.monitors]  # public only
    written = _write(folder / "badges", page_badges(context))
    for monitor in monitors:
        badges = monitor_badges(monitor.name, monitor.state, context.timelines[monitor.id])
        written += _write(folder / "badges" / monitor.id, badges)
    return written


def _write(folder: Path, badges: Iterable[Badge]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for badge in badges:
        path = folder / f"{badge.name}.json"
        path.write_text(json.dumps(badge.endpoint_json(), ensure_ascii=False) + "\n", "utf-8")
        written.append(path)
        for suffix, theme in THEMES.items():
            path = folder / f"{badge.name}{suffix}.svg"
            path.write_text(badge_svg(badge.label, badge.message, badge.colour, theme), "utf-8")
            written.append(path)
    return written


def page_badges(context: BuildContext) -> list[Badge]:
    public = [context.timelines[m.id] for group in context.page.groups for m in group.monitors]
    message, colour = PAGE_STATUS[context.page.state]
    uptime = _uptime_badges(lambda window: combined_uptime(public, window))
    return [Badge("status", "status", message, colour), *uptime]


def monitor_badges(name: str, state: str, timeline: MonitorTimeline) -> list[Badge]:
    message, colour = MONITOR_STATUS[state]
    badges = [Badge("status", name, message, colour), *_uptime_badges(timeline.window_uptime)]
    latency = timeline.latency.get(LATENCY_WINDOW, {}).get(ALL_REGIONS)
    if latency is None or latency.count == 0:
        badges.append(Badge("response-time", "response time", "no data", "lightgrey"))
    else:
        colour = next(c for limit, c in LATENCY_COLOURS if latency.p50 <= limit)
        badges.append(Badge("response-time", "response time", f"{latency.p50:.0f} ms", colour))
    return badges


def _uptime_badges(uptime_of: Callable[[str], float | None]) -> list[Badge]:
    badges = []
    for window in UPTIME_WINDOWS:
        uptime = uptime_of(window)
        label = f"uptime {window}"
        if uptime is None:
            badges.append(Badge(f"uptime-{window}", label, "no data", "lightgrey"))
        else:
            colour = next(c for lowest, c in UPTIME_COLOURS if uptime >= lowest)
            badges.append(Badge(f"uptime-{window}", label, percent(uptime), colour))
    return badges


def badge_snippets(site_url: str | None, monitor_id: str) -> list[tuple[str, str]]:
    """(what it shows, README snippet) for a monitor's badges, to show on its page: markdown
    images linking to the monitor's page, and the same status through shields.io."""
    page = site_link(site_url, f"monitors/{monitor_id}/")

    def image(name: str, alt: str) -> str:
        return f"[![{alt}]({site_link(site_url, f'badges/{monitor_id}/{name}.svg')})]({page})"

    snippets = [
        ("Status", image("status", "Status")),
        ("Uptime, 30 days", image("uptime-30d", "Uptime 30 days")),
        ("Response time, 24 hours", image("response-time", "Response time")),
        ("Status on dark backgrounds", image("status-dark", "Status")),
    ]
    if site_url:  # shields.io needs an absolute URL to fetch the endpoint JSON
        endpoint = quote(site_link(site_url, f"badges/{monitor_id}/status.json"), safe="")
        shields = f"[![Status](https://img.shields.io/endpoint?url={endpoint})]({page})"
        snippets.append(("Status through shields.io", shields))
    return snippets
