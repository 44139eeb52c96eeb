"""The view model: everything a template shows, prepared so templates only loop and test.

Templates receive one `PageView`; every field is documented on its dataclass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from checks.result import Status
from configuration.incidents import Incident
from configuration.models import Config, Site
from configuration.monitor import MonitorBase
from history.timeline import Day, MonitorTimeline
from rendering.text import (
    MAINTENANCE_BLUE,
    NO_DATA_GREY,
    down_colour,
    human_duration,
    local_time,
    percent,
)

# Display state of a monitor: a check status, or what the page knows beyond the checks.
MAINTENANCE, NO_DATA = "maintenance", "nodata"
STATE_TEXT = {
    Status.UP.value: ("✓", "Operational"),
    Status.DEGRADED.value: ("!", "Degraded performance"),
    Status.DOWN.value: ("✕", "Down"),
    MAINTENANCE: ("🔧", "Under maintenance"),
    NO_DATA: ("?", "No data"),
}


@dataclass(frozen=True)
class Segment:
    """One day of the 90-day bar."""

    date: str  # ISO date, e.g. 2026-11-23
    state: str  # up | partial | down | maintenance | nodata
    colour: str  # CSS colour
    label: str  # the accessible tooltip: date, uptime, downtime


@dataclass(frozen=True)
class MonitorView:
    id: str
    name: str
    description: str
    state: str  # up | degraded | down | maintenance | nodata
    icon: str
    state_text: str
    uptime_label: str  # 90-day uptime, e.g. "99.95% uptime", or "no data yet"
    segments: list[Segment]  # exactly `days` segments, oldest first


@dataclass(frozen=True)
class GroupView:
    id: str
    name: str
    description: str
    collapsed: bool
    state: str  # the worst state of its monitors
    monitors: list[MonitorView]


@dataclass(frozen=True)
class IncidentView:
    id: str
    title: str
    kind: str  # incident | maintenance
    status: str
    impact: str
    when: str  # start (and end) in the page's time zone
    message: str  # the latest update, or the first paragraph of the write-up


@dataclass(frozen=True)
class RegionView:
    name: str
    location: str
    last_checked: str  # local time, or "never"


@dataclass(frozen=True)
class PageView:
    site: Site
    state: str  # up | degraded | partial | major | maintenance | nodata
    headline: str  # e.g. "All systems operational"
    groups: list[GroupView]
    active: list[IncidentView]  # unresolved incidents and maintenance in progress
    upcoming: list[IncidentView]  # maintenance announced ahead
    recent: list[IncidentView]  # the rest, newest first
    regions: list[RegionView]
    built_at: str  # local time of the build
    built_at_iso: str


def page_view(
    config: Config,
    timelines: Mapping[str, MonitorTimeline],
    incidents: Sequence[Incident],
    region_checked: Mapping[str, datetime],
    now: datetime,
) -> PageView:
    tz = config.site.timezone
    in_maintenance = {
        monitor_id
        for incident in incidents
        if incident.kind == "maintenance" and incident.is_active(now)
        for monitor_id in incident.monitors
    }
    monitors = {
        monitor.id: _monitor_view(monitor, timelines[monitor.id], monitor.id in in_maintenance)
        for monitor in config.monitors
        if monitor.public
    }
    groups = _groups(config, monitors)
    state, headline = _overall(list(monitors.values()))
    views = [_incident_view(incident, now, tz) for incident in incidents]
    return PageView(
        site=config.site,
        state=state,
        headline=headline,
        groups=groups,
        active=[v for v, i in zip(views, incidents, strict=True) if i.is_active(now)],
        upcoming=[v for v, i in zip(views, incidents, strict=True) if _upcoming(i, now)],
        recent=[
            v
            for v, i in zip(views, incidents, strict=True)
            if not i.is_active(now) and not _upcoming(i, now)
        ],
        regions=[
            RegionView(
                region.name,
                region.location,
                local_time(region_checked[region.id], tz)
                if region.id in region_checked
                else "never",
            )
            for region in config.regions
        ],
        built_at=local_time(now, tz),
        built_at_iso=now.isoformat(timespec="seconds"),
    )


def _monitor_view(
    monitor: MonitorBase, timeline: MonitorTimeline, maintenance: bool
) -> MonitorView:
    state = MAINTENANCE if maintenance else (timeline.current or NO_DATA)
    icon, text = STATE_TEXT[state]
    return MonitorView(
        id=monitor.id,
        name=monitor.name,
        description=monitor.description,
        state=state,
        icon=icon,
        state_text=text,
        uptime_label=_uptime_label(timeline.uptime()),
        segments=[_segment(day) for day in timeline.days],
    )


def _uptime_label(uptime: float | None) -> str:
    return "no data yet" if uptime is None else f"{percent(uptime)} uptime"


def _segment(day: Day) -> Segment:
    date = day.day.isoformat()
    if day.down == 0 and day.maintenance > 0:
        label = f"{date}: maintenance for {human_duration(day.maintenance)}"
        return Segment(date, MAINTENANCE, MAINTENANCE_BLUE, label)
    if day.observed == 0:
        return Segment(date, NO_DATA, NO_DATA_GREY, f"{date}: no data")
    label = f"{date}: {percent(day.uptime)} uptime"
    if day.down:
        label += f", down for {human_duration(day.down)}"
    if day.degraded:
        label += f", degraded for {human_duration(day.degraded)}"
    state = "up" if day.down == 0 else ("down" if day.down_fraction >= 0.25 else "partial")
    return Segment(date, state, down_colour(day.down_fraction), label)


def _groups(config: Config, monitors: Mapping[str, MonitorView]) -> list[GroupView]:
    declared = [(g.id, g.name, g.description, g.collapsed) for g in config.groups]
    ungrouped = [m for m in config.monitors if m.group is None and m.id in monitors]
    if ungrouped:
        declared.append(("", "Other" if declared else "Services", "", False))
    groups = []
    for group_id, name, description, collapsed in declared:
        members = [
            monitors[m.id]
            for m in config.monitors
            if m.id in monitors and (m.group or "") == group_id
        ]
        if members:
            state = _worst([m.state for m in members])
            groups.append(GroupView(group_id, name, description, collapsed, state, members))
    return groups


_SEVERITY = [Status.UP.value, NO_DATA, MAINTENANCE, Status.DEGRADED.value, Status.DOWN.value]


def _worst(states: Sequence[str]) -> str:
    return max(states, key=_SEVERITY.index, default=NO_DATA)


def _overall(monitors: Sequence[MonitorView]) -> tuple[str, str]:
    states = [m.state for m in monitors]
    down = states.count(Status.DOWN.value)
    if down and down * 2 >= len(states):
        return "major", "Major outage"
    if down:
        return "partial", "Partial outage"
    if Status.DEGRADED.value in states:
        return "degraded", "Degraded performance"
    if MAINTENANCE in states:
        return "maintenance", "Under maintenance"
    if not states or all(state == NO_DATA for state in states):
        return "nodata", "Status unknown: no recent checks"
    return "up", "All systems operational"


ANNOUNCE_BEFORE = timedelta(hours=72)


def _upcoming(incident: Incident, now: datetime) -> bool:
    return (
        incident.kind == "maintenance"
        and incident.current_status(now) == "scheduled"
        and incident.start - now <= ANNOUNCE_BEFORE
    )


def _incident_view(incident: Incident, now: datetime, timezone: str) -> IncidentView:
    end = incident.resolved_at or incident.scheduled_end
    when = local_time(incident.start, timezone)
    if end is not None:
        when += f" to {local_time(end, timezone)}"
    message = incident.updates[-1].message if incident.updates else incident.body.split("\n\n")[0]
    return IncidentView(
        id=incident.id,
        title=incident.title,
        kind=incident.kind,
        status=incident.current_status(now).replace("_", " "),
        impact=incident.impact,
        when=when,
        message=message,
    )
