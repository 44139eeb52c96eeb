"""The view model of the index page: everything a template shows, prepared so templates only
loop and test. Words come from the language's catalog, numbers and dates from its formats."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from markupsafe import Markup

from checks.result import Status
from configuration.announcements import Announcement
from configuration.impacts import PARTIAL, Impact, shown_state
from configuration.incidents import Incident
from configuration.models import Config, Site
from configuration.monitor import MonitorBase
from configuration.times import utc_iso
from configuration.written import written_status
from history.timeline import UPTIME_WINDOWS, MonitorTimeline
from rendering.text.i18n import N_, Locale
from rendering.text.markdown import render_markdown
from rendering.views.budget import BudgetView, budget_view, group_budget
from rendering.views.entries import Entry
from rendering.views.honesty import honesty_line
from rendering.views.segments import Link, Segment, segments

# Display state of a monitor: a check status, or what the page knows beyond the checks.
MAINTENANCE, NO_DATA = "maintenance", "nodata"
STATE_TEXT = {
    Status.UP.value: N_("Operational"),
    Status.DEGRADED.value: N_("Degraded performance"),
    PARTIAL: N_("Partial outage"),
    Status.DOWN.value: N_("Down"),
    MAINTENANCE: N_("Under maintenance"),
    NO_DATA: N_("No data"),
}
HEADLINES = {
    "up": N_("All systems operational"),
    "degraded": N_("Degraded performance"),
    "partial": N_("Partial outage"),
    "major": N_("Major outage"),
    "maintenance": N_("Under maintenance"),
    "nodata": N_("Status unknown: no recent checks"),
}
# The dot of the default favicon by page state, as hex digits without `#` (the template
# writes them into an SVG data URL, where `#` is `%23`); any other state is grey.
FAVICON_COLOURS = {
    "up": "2da44e",
    "degraded": "e3a008",
    "partial": "dd7516",
    "major": "d1242f",
    "maintenance": "3b82f6",
}
FAVICON_GREY = "8c959f"
SHOWN_WINDOWS = ("24h", "7d", "30d", "90d")
STALE_AFTER_INTERVALS = 3

__all__ = ["Link", "PageView", "Segment", "page_view"]


@dataclass(frozen=True)
class MonitorView:
    id: str
    name: str
    description: str
    state: str  # up | degraded | partial | down | maintenance | nodata
    state_text: str
    uptime_label: str  # 90-day uptime, e.g. "99.95%", or "no data"
    uptime: dict[str, str]  # by SHOWN_WINDOWS key, localised
    segments: list[Segment]  # one per day, oldest first
    href: str  # its page, relative to the language's root


@dataclass(frozen=True)
class GroupView:
    id: str
    name: str
    description: str
    collapsed: bool
    state: str  # the worst state of its monitors
    monitors: list[MonitorView]
    budget: BudgetView | None = None  # this month's error budget, with an objective


@dataclass(frozen=True)
class IncidentView:
    id: str
    title: str
    kind: str  # incident | maintenance | outage (detected, nothing written about it)
    status: str  # localised
    impact: str
    when: str  # start (and end) in the page's time zone and language
    message: str  # the latest update, or the first paragraph of the write-up
    href: str  # its page, relative to the language's root
    honesty: Markup  # a written incident's detection line (`rendering.views.honesty`); "" for none


@dataclass(frozen=True)
class AnnouncementView:
    """An announcement pinned above the services (`Announcement.shown_at` now)."""

    id: str
    title: str
    level: str  # info | warning
    message_html: str  # sanitised HTML of its Markdown; "" without a message
    since: str  # its `from`, in the page's time zone and language
    since_iso: str


@dataclass(frozen=True)
class RegionView:
    id: str
    name: str
    location: str
    last_checked: str  # localised time, or "never"
    last_checked_iso: str  # "" when never


@dataclass(frozen=True)
class PageView:
    site: Site
    state: str  # up | degraded | partial | major | maintenance | nodata
    headline: str  # e.g. "All systems operational"
    favicon_colour: str  # the default favicon's dot for `state`: hex digits, no `#`
    icon: str  # the state's icon: partial and major outages share the "down" one
    groups: list[GroupView]
    active: list[IncidentView]  # unresolved incidents and maintenance in progress
    upcoming: list[IncidentView]  # maintenance announced ahead
    recent: list[IncidentView]  # the rest, newest first
    regions: list[RegionView]
    built_at: str  # localised time of the build
    built_at_iso: str
    locale: Locale
    newest_iso: str = ""  # the newest result of any monitor; "" without any
    stale_after_s: int = 0  # newest older than this: the data may be stale
    stale: bool = False  # already stale at build time
    entries: Sequence[Entry] = field(default_factory=list)  # the build's, newest first
    announcements: list[AnnouncementView] = field(default_factory=list)  # shown now, oldest first


def page_view(
    config: Config,
    timelines: Mapping[str, MonitorTimeline],
    incidents: Sequence[Incident],
    entries: Sequence[Entry],
    region_checked: Mapping[str, datetime],
    now: datetime,
    locale: Locale | None = None,
) -> PageView:
    """`entries` are `incident_entries(incidents, timelines, config, now, locale)`: the build's
    in its own language, else those of `BuildContext.in_language(locale)`."""
    locale = locale or Locale(config.site.language, config.site.timezone)
    written = written_status(incidents, now)
    monitors = {
        monitor.id: _monitor_view(
            monitor, timelines[monitor.id], written.get(monitor.id), entries, now, locale
        )
        for monitor in config.monitors
        if monitor.public
    }
    state, headline = _overall(list(monitors.values()), entries)
    bodies = {incident.id: incident.body for incident in incidents}
    views = [incident_view(entry, locale, bodies.get(entry.id, "")) for entry in entries]
    newest = max((t.last_checked for t in timelines.values() if t.last_checked), default=None)
    stale_after = STALE_AFTER_INTERVALS * min(
        (m.interval for m in config.monitors if m.checked), default=timedelta(minutes=5)
    )
    return PageView(
        site=config.site,
        state=state,
        headline=locale.gettext(headline),
        favicon_colour=FAVICON_COLOURS.get(state, FAVICON_GREY),
        icon=state if state in STATE_TEXT else Status.DOWN.value,
        groups=_groups(config, monitors, locale, timelines, now),
        active=[v for v, e in zip(views, entries, strict=True) if e.active],
        upcoming=[v for v, e in zip(views, entries, strict=True) if e.upcoming],
        recent=[v for v, e in zip(views, entries, strict=True) if not e.active and not e.upcoming],
        regions=[
            _region_view(r.id, r.name, r.location, region_checked, locale) for r in config.regions
        ],
        built_at=locale.datetime(now),
        built_at_iso=now.isoformat(timespec="seconds"),
        locale=locale,
        newest_iso=newest.isoformat(timespec="seconds") if newest else "",
        stale_after_s=int(stale_after.total_seconds()),
        stale=newest is not None and now - newest > stale_after,
        entries=entries,
        announcements=[
            _announcement_view(announcement, locale)
            for announcement in sorted(config.announcements, key=lambda a: a.starts)
            if announcement.shown_at(now)
        ],
    )


def _announcement_view(announcement: Announcement, locale: Locale) -> AnnouncementView:
    return AnnouncementView(
        id=announcement.id,
        title=announcement.title,
        level=announcement.level.value,
        message_html=render_markdown(announcement.message) if announcement.message else "",
        since=locale.datetime(announcement.starts),
        since_iso=utc_iso(announcement.starts),
    )


def _region_view(
    region_id: str,
    name: str,
    location: str,
    region_checked: Mapping[str, datetime],
    locale: Locale,
) -> RegionView:
    checked = region_checked.get(region_id)
    return RegionView(
        region_id,
        name,
        location,
        locale.datetime(checked) if checked else locale.gettext("never"),
        checked.isoformat(timespec="seconds") if checked else "",
    )


def _monitor_view(
    monitor: MonitorBase,
    timeline: MonitorTimeline,
    written: Impact | None,
    entries: Sequence[Entry],
    now: datetime,
    locale: Locale,
) -> MonitorView:
    checks = timeline.current.value if timeline.current is not None else None
    state = shown_state(checks, written) or NO_DATA
    uptime = {
        window: locale.percent(
            timeline.window_uptime(window)
            if window in timeline.windows
            else timeline.uptime(UPTIME_WINDOWS[window].days or 1)
        )
        for window in SHOWN_WINDOWS
    }
    mine = [entry for entry in entries if monitor.id in entry.monitors]
    return MonitorView(
        id=monitor.id,
        name=monitor.name,
        description=monitor.description,
        state=state,
        state_text=locale.gettext(STATE_TEXT[state]),
        uptime_label=uptime["90d"],
        uptime=uptime,
        segments=segments(timeline.days, mine, now, locale),
        href=f"monitors/{monitor.id}/",
    )


def _groups(
    config: Config,
    monitors: Mapping[str, MonitorView],
    locale: Locale,
    timelines: Mapping[str, MonitorTimeline],
    now: datetime,
) -> list[GroupView]:
    declared = [(g.id, g.name, g.description, g.collapsed) for g in config.groups]
    ungrouped = [m for m in config.monitors if m.group is None and m.id in monitors]
    if ungrouped:
        name = locale.gettext("Other") if declared else locale.gettext("Services")
        declared.append(("", name, "", False))
    groups = []
    for group_id, name, description, collapsed in declared:
        members = [
            monitors[m.id]
            for m in config.monitors
            if m.id in monitors and (m.group or "") == group_id
        ]
        if members:
            state = worst([m.state for m in members])
            budget = group_budget(config, group_id, [m.id for m in members], timelines, now)
            shown = budget_view(budget, locale) if budget else None
            groups.append(GroupView(group_id, name, description, collapsed, state, members, shown))
    return groups


_SEVERITY = [
    Status.UP.value, NO_DATA, MAINTENANCE, Status.DEGRADED.value, PARTIAL, Status.DOWN.value
]  # fmt: skip
# The page's states from least to most severe, and the least an open incident's impact
# raises the page to, as Statuspage raises its indicator to the worst open impact.
_PAGE_RANK = ["nodata", "up", "maintenance", "degraded", "partial", "major"]
_RAISED_BY_IMPACT = {"minor": "degraded", "major": "partial", "critical": "major"}


def worst(states: Sequence[str]) -> str:
    return max(states, key=_SEVERITY.index, default=NO_DATA)


def _overall(monitors: Sequence[MonitorView], entries: Sequence[Entry]) -> tuple[str, str]:
    """The page's state from its monitors', raised to what the worst open incident's
    impact says (an incident without monitors still tells of trouble)."""
    states = [m.state for m in monitors]
    down = states.count(Status.DOWN.value)
    if down and down * 2 >= len(states):
        state = "major"
    elif down or PARTIAL in states:
        state = "partial"
    elif Status.DEGRADED.value in states:
        state = "degraded"
    elif MAINTENANCE in states:
        state = "maintenance"
    elif not states or all(state == NO_DATA for state in states):
        state = "nodata"
    else:
        state = "up"
    raised = [
        _RAISED_BY_IMPACT[entry.impact]
        for entry in entries
        if entry.active and entry.kind != "maintenance" and entry.impact in _RAISED_BY_IMPACT
    ]
    state = max([state, *raised], key=_PAGE_RANK.index)
    return state, HEADLINES[state]


STATUS_TEXT = {
    "investigating": N_("Investigating"),
    "identified": N_("Identified"),
    "monitoring": N_("Monitoring"),
    "resolved": N_("Resolved"),
    "scheduled": N_("Scheduled"),
    "in_progress": N_("In progress"),
    "completed": N_("Completed"),
}


def incident_view(entry: Entry, locale: Locale, body: str = "") -> IncidentView:
    """`body` is the written incident's markdown write-up, if any (its first paragraph is
    shown when nothing was posted); the latest written update wins, then detected facts."""
    when = locale.datetime(entry.start)
    if entry.end is not None:
        when = locale.gettext("%(start)s to %(end)s") % {
            "start": when,
            "end": locale.datetime(entry.end),
        }
    written = [update.message for update in entry.updates if not update.detected]
    detected = [update.message for update in entry.updates if update.detected]
    messages = written or ([body.split("\n\n")[0]] if body else detected)
    message = messages[-1] if messages else ""
    return IncidentView(
        id=entry.id,
        title=entry.title,
        kind=entry.kind,
        status=locale.gettext(STATUS_TEXT[entry.status]),
        impact=entry.impact,
        when=when,
        message=message,
        href=f"incidents/{entry.id}/",
        honesty=honesty_line(entry.detection, locale),
    )
