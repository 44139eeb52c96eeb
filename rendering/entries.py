"""One list of what happened, for the page, the feeds and the JSON API: the written incidents
and maintenance notices, and the outages the history detected, merged so that one event is
one entry.

- A detected outage becomes an entry titled "<monitor name> is down": investigating while it
  lasts, resolved (with how long it lasted) once the monitor is back up.
- A written incident absorbs every outage of one of its monitors whose time overlaps its own
  (from `started_at` to `resolved_at`, or now while open; `MERGE_SLACK` either side, for an
  incident written a few minutes after the fact). The entry is the incident's: its title and
  status, its timeline first, then the detected facts. An outage joins one incident at most
  (the one it overlaps most), so an event is never shown twice.
- Outages of monitors with `public: false` never appear, neither alone nor inside an
  incident; a written incident lists only its public monitors.
- An outage wholly inside a maintenance window of its monitor is not shown (the history
  should not open one; this keeps the page right if it does).

Titles and messages are plain text: escape them (Jinja's autoescape does, `json.dumps`
keeps them as text). Only `body_html` is HTML, already sanitised by `render_markdown`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from configuration.incidents import Incident, maintenance_windows
from configuration.models import Config
from history.timeline import MonitorTimeline, Outage
from rendering.markdown import render_markdown
from rendering.text import human_duration

MERGE_SLACK = timedelta(minutes=15)
OUTAGE_IMPACT = "major"  # a quorum of regions saw it down


@dataclass(frozen=True)
class EntryUpdate:
    """One line of an entry's timeline."""

    at: datetime  # UTC
    status: str  # incident statuses, or maintenance ones for maintenance
    message: str  # plain text, never HTML
    detected: bool  # True: a fact from the history; False: written by a person


@dataclass(frozen=True)
class Entry:
    """One incident, maintenance notice or detected outage, as every output shows it."""

    id: str  # the file id; `outage-<monitor id>-<start, e.g. 20261123T1005Z>` when detected
    kind: str  # incident | maintenance | outage (detected, no written incident covers it)
    title: str  # plain text
    status: str  # investigating | identified | monitoring | resolved (incident, outage);
    #              scheduled | in_progress | completed (maintenance)
    impact: str  # none | minor | major | critical; a detected outage is major
    monitors: tuple[str, ...]  # the affected public monitor ids
    start: datetime  # the earliest of the written start and the absorbed outages' starts;
    #                  maintenance: its current or next window (else its last one)
    end: datetime | None  # resolved or back up; maintenance: the window's end; None: ongoing
    updates: tuple[EntryUpdate, ...]  # the written timeline (oldest first), then detected facts
    body_html: str  # the write-up as sanitised HTML (safe to insert as is); "" without one
    outages: tuple[Outage, ...]  # the detected outages this entry stands for, oldest first
    active: bool  # an open incident or outage, or maintenance in progress
    upcoming: bool  # maintenance announced ahead of its window (see `announce_before`)
    notify: bool  # whether notifications may be sent about it

    @property
    def updated_at(self) -> datetime:
        """The newest update's time, else the start: a feed item's id changes with it."""
        return max((update.at for update in self.updates), default=self.start)

    def duration(self, now: datetime) -> timedelta:
        return (self.end or now) - self.start


def incident_entries(
    incidents: Sequence[Incident],
    timelines: Mapping[str, MonitorTimeline],
    config: Config,
    now: datetime,
) -> list[Entry]:
    """Every written incident and maintenance notice and every detected outage of a public
    monitor, merged as the module says; newest start first."""
    names = {monitor.id: monitor.name for monitor in config.monitors if monitor.public}
    regions = {region.id: region.name for region in config.regions}
    hidden = {monitor.id for monitor in config.monitors if monitor.hide_errors}
    outages = [
        # `hide_errors`: the error and the failed conditions stay off every output.
        replace(outage, first_error=None, failed_conditions=()) if outage.monitor_id in hidden
        else outage
        for timeline in timelines.values()
        for outage in timeline.outages
        if outage.monitor_id in names
    ]  # fmt: skip
    outages = _outside_maintenance(outages, incidents, now)
    absorbed: dict[str, list[Outage]] = defaultdict(list)
    alone: list[Outage] = []
    written = [incident for incident in incidents if incident.kind == "incident"]
    for outage in outages:
        match = _best_match(outage, written, now)
        if match is None:
            alone.append(outage)
        else:
            absorbed[match.id].append(outage)
    entries = [
        _written_entry(incident, absorbed[incident.id], names, regions, now)
        for incident in incidents
    ]
    entries += [_outage_entry(outage, names[outage.monitor_id], regions, now) for outage in alone]
    return sorted(entries, key=lambda entry: (entry.start, entry.id), reverse=True)


def _outside_maintenance(
    outages: list[Outage], incidents: Sequence[Incident], now: datetime
) -> list[Outage]:
    if not outages:
        return outages
    earliest = min(outage.start for outage in outages)
    windows = maintenance_windows(incidents, earliest, now)
    return [
        outage
        for outage in outages
        if not any(
            monitor_id == outage.monitor_id and start <= outage.start and (outage.end or now) <= end
            for monitor_id, start, end in windows
        )
    ]


def _best_match(outage: Outage, incidents: Sequence[Incident], now: datetime) -> Incident | None:
    """The written incident of the outage's monitor that overlaps it most, if any."""
    best, most = None, timedelta(-1)
    outage_end = outage.end or now
    for incident in incidents:
        if outage.monitor_id not in incident.monitors:
            continue
        start = incident.start - MERGE_SLACK
        end = (incident.resolved_at or now) + MERGE_SLACK
        overlap = min(end, outage_end) - max(start, outage.start)
        if overlap >= timedelta(0) and overlap > most:
            best, most = incident, overlap
    return best


def detected_updates(
    outage: Outage, monitor_name: str, regions: Mapping[str, str], now: datetime
) -> list[EntryUpdate]:
    """What the history knows of an outage, as timeline lines."""
    where = ", ".join(regions.get(region, region) for region in outage.regions)
    why = f": {outage.first_error}" if outage.first_error else ""
    failed = f" Failed: {'; '.join(outage.failed_conditions)}." if outage.failed_conditions else ""
    lines = [
        EntryUpdate(
            outage.start,
            "investigating",
            f"{monitor_name} is down{f' from {where}' if where else ''}{why}.{failed}",
            detected=True,
        )
    ]
    if outage.end is not None:
        took = human_duration(outage.duration(now).total_seconds())
        lines.append(
            EntryUpdate(outage.end, "resolved", f"{monitor_name} is back up after {took}.", True)
        )
    return lines


def _outage_entry(
    outage: Outage, monitor_name: str, regions: Mapping[str, str], now: datetime
) -> Entry:
    return Entry(
        id=f"outage-{outage.monitor_id}-{outage.start.astimezone(UTC):%Y%m%dT%H%MZ}",
        kind="outage",
        title=f"{monitor_name} is down",
        status="investigating" if outage.end is None else "resolved",
        impact=OUTAGE_IMPACT,
        monitors=(outage.monitor_id,),
        start=outage.start,
        end=outage.end,
        updates=tuple(detected_updates(outage, monitor_name, regions, now)),
        body_html="",
        outages=(outage,),
        active=outage.end is None,
        upcoming=False,
        notify=True,
    )


def _written_entry(
    incident: Incident,
    outages: list[Outage],
    names: Mapping[str, str],
    regions: Mapping[str, str],
    now: datetime,
) -> Entry:
    outages = sorted(outages, key=lambda outage: outage.start)
    written = [
        EntryUpdate(update.at, update.status, update.message, detected=False)
        for update in sorted(incident.updates, key=lambda update: update.at)
    ]
    facts = [
        line
        for outage in outages
        for line in detected_updates(outage, names[outage.monitor_id], regions, now)
    ]
    start, end = _span(incident, now)
    return Entry(
        id=incident.id,
        kind=incident.kind,
        title=incident.title,
        status=incident.current_status(now),
        impact=incident.impact,
        monitors=tuple(monitor for monitor in incident.monitors if monitor in names),
        start=min([start, *(outage.start for outage in outages)]),
        end=end,
        updates=(*written, *facts),
        body_html=render_markdown(incident.body) if incident.body else "",
        outages=tuple(outages),
        active=incident.is_active(now),
        upcoming=incident.is_upcoming(now),
        notify=incident.notify,
    )


def _span(incident: Incident, now: datetime) -> tuple[datetime, datetime | None]:
    """Start and end of a written incident, or of maintenance's current, next or last window."""
    if incident.kind == "maintenance":
        window = incident.next_window(now)
        if window is None:
            past = incident.windows(None, now)
            window = past[-1] if past else (incident.start, incident.scheduled_end or now)
        return window
    if incident.resolved_at is not None:
        return incident.start, incident.resolved_at
    if incident.current_status(now) == "resolved":
        resolved = [update.at for update in incident.updates if update.status == "resolved"]
        return incident.start, max(resolved, default=None)
    return incident.start, None
