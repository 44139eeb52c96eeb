"""View models of the pages beyond the index: a monitor, an incident, the incident history
and the maintenance list."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from checks.result import Status
from configuration.models import Config
from configuration.monitor import MonitorBase
from configuration.redaction import redact
from history.slo import ErrorBudget
from history.timeline import (
    ALL_REGIONS,
    LATENCY_WINDOWS,
    UPTIME_WINDOWS,
    MonitorTimeline,
    Outage,
)
from rendering.text.i18n import N_, Locale
from rendering.views.budget import BudgetView, budget_view, monitor_budget
from rendering.views.chart import Chart, chart
from rendering.views.entries import Entry
from rendering.views.index import (
    NO_DATA,
    STATE_TEXT,
    STATUS_TEXT,
    IncidentView,
    MonitorView,
    incident_view,
)
from rendering.views.year import YearView, year_view

WINDOW_NAMES = {
    "24h": N_("24 hours"),
    "7d": N_("7 days"),
    "30d": N_("30 days"),
    "90d": N_("90 days"),
    "365d": N_("1 year"),
}
IMPACT_TEXT = {
    "none": N_("No impact"),
    "minor": N_("Minor"),
    "major": N_("Major"),
    "critical": N_("Critical"),
}
PERCENTILES = ("p50", "p75", "p90", "p95", "p99")
V = TypeVar("V")


@dataclass(frozen=True)
class LatencyRow:
    region: str
    values: list[str]  # PERCENTILES, localised milliseconds


@dataclass(frozen=True)
class ChartView:
    window: str  # 24h | 7d | 30d
    name: str  # localised, e.g. "24 hours"
    chart: Chart
    latency: list[LatencyRow]


@dataclass(frozen=True)
class RegionLatestView:
    region: str
    state: str
    state_text: str
    checked_at: str
    checked_at_iso: str
    response_time: str
    error: str | None


@dataclass(frozen=True)
class OutageView:
    id: str
    start: str
    duration: str
    ongoing: bool
    regions: str
    error: str | None  # None when the monitor hides its errors
    conditions: list[str]


@dataclass(frozen=True)
class MonitorPage:
    monitor: MonitorView
    target: str | None  # None when hidden
    conditions: list[str]
    last_error: str | None
    windows: list[tuple[str, str]]  # (window name, uptime)
    charts: list[ChartView]
    latest: list[RegionLatestView]
    outages: list[OutageView]
    incidents: list[IncidentView]
    year: YearView  # the last 12 months, a calendar grid each
    budget: BudgetView | None = None  # this month's error budget, with an objective


def monitor_page(
    config: Config,
    monitor: MonitorBase,
    view: MonitorView,
    timeline: MonitorTimeline,
    entries: Sequence[Entry],
    now: datetime,
    locale: Locale,
    bodies: Mapping[str, str],
) -> MonitorPage:
    """`bodies`: the written incidents' write-ups by id, for the cards' first paragraph."""
    names = {region.id: region.name for region in config.regions}
    latest = [
        RegionLatestView(
            names.get(region, region),
            (state := _state_of(result.status)),
            locale.gettext(STATE_TEXT[state]),
            locale.datetime(result.checked_at),
            result.checked_at.isoformat(timespec="seconds"),
            locale.milliseconds(result.response_time_ms),
            None if monitor.hide_errors else result.error,
        )
        for region, result in _in_region_order(timeline.latest, names)
    ]
    mine = [e for e in entries if monitor.id in e.monitors]
    errors = [r.error for r in latest if r.error]
    if not errors and timeline.outages and not monitor.hide_errors:
        errors = [e for e in [timeline.outages[-1].first_error] if e]
    return MonitorPage(
        monitor=view,
        target=None if monitor.hide_target else _target(monitor, config.secrets),
        conditions=[]
        if monitor.hide_target
        else [*monitor.conditions, *monitor.degraded_conditions],
        last_error=errors[0] if errors else None,
        windows=[
            (locale.gettext(WINDOW_NAMES[w]), locale.percent(timeline.window_uptime(w)))
            for w in UPTIME_WINDOWS
        ],
        charts=[_chart_view(timeline, w, names, now, locale) for w in LATENCY_WINDOWS],
        latest=latest,
        outages=[_outage_view(o, monitor, names, now, locale) for o in reversed(timeline.outages)],
        incidents=[incident_view(e, locale, bodies.get(e.id, "")) for e in mine],
        year=year_view(timeline.year, mine, now, locale),
        budget=_budget(monitor_budget(config, monitor, timeline, now), locale),
    )


def _budget(budget: ErrorBudget | None, locale: Locale) -> BudgetView | None:
    return None if budget is None else budget_view(budget, locale)


def _target(monitor: MonitorBase, secrets: Iterable[str]) -> str | None:
    """What is checked, as the page shows it: a secret in it (a token in the URL) masked."""
    try:
        return redact(monitor.target, secrets)
    except NotImplementedError:
        return None


def _state_of(status: Status) -> str:
    """A result's state on the page: `unknown` (the runner was offline, or a heartbeat
    monitor awaits its first heartbeat) shows as no data."""
    return NO_DATA if status is Status.UNKNOWN else status.value


def _chart_view(
    timeline: MonitorTimeline,
    window: str,
    names: Mapping[str, str],
    now: datetime,
    locale: Locale,
) -> ChartView:
    start = now - UPTIME_WINDOWS[window]

    def label(moment: datetime) -> str:
        local = moment.astimezone(locale.zone)
        return locale.time(moment) if window == "24h" else locale.date(local.date())

    drawn = chart(timeline.series.get(window, {}), names, start, now, label, locale.milliseconds)
    rows = [
        LatencyRow(
            locale.gettext("All regions") if region == ALL_REGIONS else names.get(region, region),
            [locale.milliseconds(getattr(latency, p)) for p in PERCENTILES],
        )
        for region, latency in _in_region_order(timeline.latency.get(window, {}), names)
    ]
    return ChartView(window, locale.gettext(WINDOW_NAMES[window]), drawn, rows)


def _in_region_order(by_region: Mapping[str, V], names: Mapping[str, str]) -> list[tuple[str, V]]:
    """The items of `by_region` in the order of the config's regions (`names`), then regions
    no longer configured by id, then all regions together; the database's order is any."""
    order = {region: index for index, region in enumerate(names)}

    def place(item: tuple[str, V]) -> tuple[bool, int, str]:
        return item[0] == ALL_REGIONS, order.get(item[0], len(order)), item[0]

    return sorted(by_region.items(), key=place)


def _outage_view(
    outage: Outage,
    monitor: MonitorBase,
    names: Mapping[str, str],
    now: datetime,
    locale: Locale,
) -> OutageView:
    return OutageView(
        id=outage_id(outage),  # the anchor of the outage on its monitor's page
        start=locale.datetime(outage.start),
        duration=locale.duration(outage.duration(now).total_seconds()),
        ongoing=outage.end is None,
        regions=", ".join(names.get(r, r) for r in outage.regions),
        error=None if monitor.hide_errors else outage.first_error,
        conditions=[] if monitor.hide_errors else list(outage.failed_conditions),
    )


def outage_id(outage: Outage) -> str:
    return f"{outage.monitor_id}-{int(outage.start.timestamp())}"


@dataclass(frozen=True)
class UpdateView:
    at: str
    at_iso: str
    status: str
    message: str


@dataclass(frozen=True)
class IncidentPage:
    incident: IncidentView
    updates: list[UpdateView]  # newest first
    monitors: list[tuple[str, str]]  # (name, href) of the affected public monitors
    duration: str | None  # None while it lasts
    impact: str
    body_html: str  # sanitised


def incident_page(
    config: Config, entry: Entry, now: datetime, locale: Locale, body: str = ""
) -> IncidentPage:
    """The written timeline first (newest first), then the detected facts (newest first)."""
    public = {m.id: m.name for m in config.monitors if m.public}
    written = [u for u in entry.updates if not u.detected]
    detected = [u for u in entry.updates if u.detected]
    return IncidentPage(
        incident=incident_view(entry, locale, body),
        updates=[
            UpdateView(
                locale.datetime(u.at),
                u.at.isoformat(timespec="seconds"),
                locale.gettext(STATUS_TEXT[u.status]),
                u.message,
            )
            for u in [*written[::-1], *detected[::-1]]
        ],
        monitors=[(public[m], f"monitors/{m}/") for m in entry.monitors if m in public],
        duration=locale.duration(entry.duration(now).total_seconds()) if entry.end else None,
        impact=locale.gettext(IMPACT_TEXT[entry.impact]),
        body_html=entry.body_html,
    )


@dataclass(frozen=True)
class Month:
    name: str
    incidents: list[IncidentView]


def by_month(
    views: Sequence[IncidentView], entries: Sequence[Entry], locale: Locale
) -> list[Month]:
    months: list[Month] = []
    for view, entry in zip(views, entries, strict=True):
        name = locale.month(entry.start)
        if not months or months[-1].name != name:
            months.append(Month(name, []))
        months[-1].incidents.append(view)
    return months
