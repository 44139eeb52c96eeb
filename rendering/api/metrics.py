"""`metrics`: the page's figures in the Prometheus text exposition format (0.0.4), a static
file that Prometheus scrapes from the CDN like any exporter (`_headers` gives it its
content type; docs/metrics.md has the scrape config and every name).

Naming follows Prometheus' conventions: the `vigil_` prefix, base units (`_seconds`,
`_timestamp_seconds`), ratios from 0 to 1 (`_ratio`), an `_info` metric that carries the
display names as labels, and states as one series per possible state, 1 for the current
one and 0 for the others, so `vigil_monitor_status{status="down"} == 1` selects what is
down. Figures the history has no data for are left out, never written as 0.

Only public monitors, as everywhere on the site; the states are the page's (the same
`PageView` as the HTML and the API), so a graph never disagrees with the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from history.timeline import ALL_REGIONS, LATENCY_WINDOWS, UPTIME_WINDOWS
from rendering.api.snapshot import MonitorSnapshot, Snapshot, snapshot_of
from rendering.views.context import BuildContext
from rendering.views.entries import Entry

METRICS_FILE = "metrics"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MONITOR_STATES = ("up", "degraded", "down", "maintenance", "nodata")
PAGE_STATES = ("up", "degraded", "partial", "major", "maintenance", "nodata")
IMPACTS = ("none", "minor", "major", "critical")
QUANTILES = (("0.5", "p50"), ("0.75", "p75"), ("0.9", "p90"), ("0.95", "p95"), ("0.99", "p99"))
Labels = tuple[tuple[str, str], ...]


@dataclass
class Family:
    """One metric: its name, help text and samples (labels, value), all gauges."""

    name: str
    help: str
    samples: list[tuple[Labels, float]] = field(default_factory=list)

    def add(self, value: float, **labels: str) -> None:
        self.samples.append((tuple(labels.items()), value))

    def text(self) -> str:
        lines = [f"# HELP {self.name} {_escape_help(self.help)}", f"# TYPE {self.name} gauge"]
        lines += [f"{self.name}{_labels(labels)} {_number(v)}" for labels, v in self.samples]
        return "\n".join(lines) + "\n"


def write_metrics(folder: Path, context: BuildContext) -> list[Path]:
    """Write `metrics` at the root of the site."""
    snapshot = snapshot_of(
        context.config, context.page, context.timelines, context.entries, context.now
    )
    checked = {region.id: region.last_checked_iso for region in context.page.regions}
    families = [
        *page_families(snapshot, checked),
        *monitor_families(snapshot.monitors, snapshot.incidents),
    ]
    path = folder / METRICS_FILE
    path.write_text("".join(family.text() for family in families), "utf-8")
    return [path]


def page_families(snapshot: Snapshot, checked: dict[str, str]) -> list[Family]:
    status = Family("vigil_page_status", "The page's overall status: 1 for the current one.")
    _states(status, snapshot.state, PAGE_STATES)
    groups = Family("vigil_group_status", "A group's status (its worst monitor): 1 for it.")
    for group in snapshot.groups:
        _states(groups, group.state, MONITOR_STATES, group=group.id)
    incidents = Family(
        "vigil_page_open_incidents", "Open incidents and detected outages, by impact."
    )
    active = [e for e in snapshot.incidents if e.active]
    for impact in IMPACTS:
        incidents.add(sum(1 for e in active if e.impact == impact), impact=impact)
    maintenance = Family("vigil_page_maintenances_in_progress", "Maintenance windows now.")
    maintenance.add(sum(1 for e in snapshot.maintenances if e.active))
    regions = Family(
        "vigil_region_last_check_timestamp_seconds", "When the region last checked anything."
    )
    for region, iso in checked.items():
        if iso:
            regions.add(datetime.fromisoformat(iso).timestamp(), region=region)
    built = Family("vigil_site_build_timestamp_seconds", "When this file was built.")
    built.add(snapshot.now.timestamp())
    return [status, groups, incidents, maintenance, regions, built]


def monitor_families(monitors: Sequence[MonitorSnapshot], entries: Sequence[Entry]) -> list[Family]:
    info = Family("vigil_monitor_info", "A public monitor's display name and group; always 1.")
    status = Family("vigil_monitor_status", "A monitor's status on the page: 1 for it.")
    up = Family("vigil_monitor_up", "1 when up or degraded, 0 when down; absent without data.")
    incidents = Family("vigil_monitor_open_incidents", "Open incidents and outages naming it.")
    for monitor in monitors:
        info.add(1, monitor=monitor.id, name=monitor.name, group=monitor.group or "")
        _states(status, monitor.state, MONITOR_STATES, monitor=monitor.id)
        if monitor.state in ("up", "degraded", "down"):
            up.add(0 if monitor.state == "down" else 1, monitor=monitor.id)
        mine = [e for e in entries if e.active and monitor.id in e.monitors]
        incidents.add(len(mine), monitor=monitor.id)
    return [info, status, up, *_history_families(monitors), incidents]


def _history_families(monitors: Iterable[MonitorSnapshot]) -> list[Family]:
    uptime = Family(
        "vigil_monitor_uptime_ratio",
        "Time up or degraded over time observed (maintenance and no data left out).",
    )
    latency = Family(
        "vigil_monitor_response_time_seconds",
        'Response-time percentiles of the answered checks; region "all" is every region.',
    )
    samples = Family(
        "vigil_monitor_response_time_samples", "Answered checks the percentiles are taken from."
    )
    last = Family("vigil_monitor_last_check_timestamp_seconds", "Its newest check per region.")
    for monitor in monitors:
        timeline, labels = monitor.timeline, {"monitor": monitor.id}
        for window in UPTIME_WINDOWS:
            value = timeline.window_uptime(window) if window in timeline.windows else None
            if value is not None:
                uptime.add(value / 100, **labels, window=window)
        for window in LATENCY_WINDOWS:
            by_region = timeline.latency.get(window, {})
            for region in _ordered(by_region):
                figures = by_region[region]
                where = {**labels, "region": region, "window": window}
                samples.add(figures.count, **where)
                for quantile, name in QUANTILES:
                    latency.add(getattr(figures, name) / 1000, **where, quantile=quantile)
        for region in _ordered(timeline.latest):
            last.add(timeline.latest[region].checked_at.timestamp(), **labels, region=region)
    return [uptime, latency, samples, last]


def _ordered(regions: Iterable[str]) -> list[str]:
    """Region keys in one order whatever order the history returned them in (the file is
    the same for the same history): `all` first, then by id."""
    return sorted(regions, key=lambda region: (region != ALL_REGIONS, region))


def _states(family: Family, current: str, states: Sequence[str], **labels: str) -> None:
    for state in states:
        family.add(1 if state == current else 0, **labels, status=state)


def _labels(labels: Labels) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{name}="{_escape_value(value)}"' for name, value in labels) + "}"


def _escape_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 2**53 else repr(value)
