"""One list of what happened, for the page, the feeds and the JSON API: the written incidents
and maintenance notices, and the outages the history detected, merged so that one event is
one entry.

- A detected outage becomes an entry titled "<monitor name> is down": investigating while it
  lasts, resolved (with how long it lasted) once the monitor is back up.
- A written incident absorbs every outage of one of its monitors (`monitors` or `affects`)
  whose time overlaps its own (from `started_at` to `resolved_at`, or now while open;
  `MERGE_SLACK` either side, for an incident written a few minutes after the fact). The
  entry is the incident's: its title and status, its timeline first, then the detected
  facts, each with the written status of its time (never "resolved": only the written
  updates resolve a written incident). An outage joins one incident at most (the one it
  overlaps most), so an event is never shown twice.
- Outages of monitors with `public: false` never appear, neither alone nor inside an
  incident; a written incident lists only its public monitors.
- An outage wholly inside a maintenance window of its monitor is not shown (the history
  should not open one; this keeps the page right if it does).
- The honesty line (`Detection`): a written incident's checks saw the problem at the start of
  the earliest outage it absorbed (the rule above, so one outage speaks for one incident
  only), of a monitor that is checked (a `manual` monitor's outages are what people wrote),
  by the regions that saw that outage down. Its first word is its first written update
  posted by now, else its `started_at`. With no such outage, "not detected by checks" is
  said only where a checked monitor of it reported that local day (`observed_on`): without
  history of that day nobody knows.

Titles and messages are plain text: escape them (Jinja's autoescape does, `json.dumps`
keeps them as text). Only `body_html` is HTML, already sanitised by `render_markdown`.

What the history detected (an outage's title, its down and back-up lines) is worded in the
`Locale` the entries are made for: the page's language for the build (feeds, API, the page
at `/`), each of `site.languages` for its own pages. What people wrote stays as written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from configuration.incidents import Incident
from configuration.models import Config
from configuration.written import maintenance_windows
from history.timeline import MonitorTimeline, Outage
from rendering.text.display import human_duration
from rendering.text.i18n import Locale
from rendering.text.markdown import render_markdown

MERGE_SLACK = timedelta(minutes=15)
OUTAGE_IMPACT = "major"  # a quorum of regions saw it down


@dataclass(frozen=True)
class EntryUpdate:
    """One line of an entry's timeline."""

    at: datetime  # UTC
    status: str  # incident statuses, or maintenance ones for maintenance
    message: str  # plain text, never HTML
    detected: bool  # True: a fact from the history; False: written by a person
    # (monitor id, old, new) of each monitor whose status this written update changed
    changes: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Detection:
    """When the checks first saw a written incident's problem, against its first word."""

    first_update_at: datetime  # its first written update posted by now, else its started_at
    detected_at: datetime | None  # the start of its earliest absorbed outage; None: none
    regions: tuple[str, ...] = ()  # the region ids that saw that outage down
    watched: bool = False  # a checked monitor of it reported on the local day it started
    # The gap (first word minus detection, negative when people wrote first) is worded by
    # `rendering.views.honesty`, between the minutes it shows.


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
    announced: datetime | None = None  # maintenance: its window's start - announce_before
    body: str = ""  # the write-up as written (markdown), for the API's text fields
    detection: Detection | None = None  # written incidents only: the honesty line

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
    locale: Locale | None = None,
) -> list[Entry]:
    """Every written incident and maintenance notice and every detected outage of a public
    monitor, merged as the module says; newest start first. Detected facts are worded in
    `locale`, by default the page's language."""
    locale = locale or Locale(config.site.language, config.site.timezone)
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
    words = _Wording(names, regions, now, locale)
    checked = {monitor.id for monitor in config.monitors if monitor.checked}
    entries = [
        _written_entry(
            incident,
            absorbed[incident.id],
            words,
            _detection(incident, absorbed[incident.id], timelines, checked, words)
            if incident.kind == "incident"
            else None,
        )
        for incident in incidents
    ]
    entries += [_outage_entry(outage, words) for outage in alone]
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
        if outage.monitor_id not in incident.affected:
            continue
        start = incident.start - MERGE_SLACK
        end = (incident.resolved_at or now) + MERGE_SLACK
        overlap = min(end, outage_end) - max(start, outage.start)
        if overlap >= timedelta(0) and overlap > most:
            best, most = incident, overlap
    return best


def _detection(
    incident: Incident,
    outages: Sequence[Outage],
    timelines: Mapping[str, MonitorTimeline],
    checked: Collection[str],
    words: _Wording,
) -> Detection:
    """The honesty line's facts of a written incident (the module's rule)."""
    posted = [update.at for update in incident.updates if update.at <= words.now]
    first_word = min(posted, default=incident.start)
    seen = [outage for outage in outages if outage.monitor_id in checked]
    if seen:
        first = min(seen, key=lambda outage: outage.start)
        return Detection(first_word, first.start, first.regions, watched=True)
    day = incident.start.astimezone(words.locale.zone).date()
    watched = any(
        timelines[monitor].observed_on(day)
        for monitor in incident.affected
        if monitor in checked and monitor in words.names and monitor in timelines
    )
    return Detection(first_word, None, watched=watched)


@dataclass(frozen=True)
class _Wording:
    """What the detected facts are worded from."""

    names: Mapping[str, str]  # public monitor names by id
    regions: Mapping[str, str]  # region names by id
    now: datetime
    locale: Locale


def _detected_updates(outage: Outage, words: _Wording) -> list[EntryUpdate]:
    """What the history knows of an outage, as timeline lines."""
    name = words.names[outage.monitor_id]
    lines = [EntryUpdate(outage.start, "investigating", _down(outage, words), detected=True)]
    if outage.end is not None:
        took = _took(outage.duration(words.now).total_seconds(), words.locale)
        back = words.locale.gettext("%(monitor)s is back up after %(duration)s.")
        message = back % {"monitor": name, "duration": took}
        lines.append(EntryUpdate(outage.end, "resolved", message, detected=True))
    return lines


def _down(outage: Outage, words: _Wording) -> str:
    """`API is down from Europe, US East: <error>. Failed: <conditions>.` in the language."""
    gettext = words.locale.gettext
    where = ", ".join(words.regions.get(region, region) for region in outage.regions)
    if where and outage.first_error:
        text = gettext("%(monitor)s is down from %(regions)s: %(error)s.")
    elif where:
        text = gettext("%(monitor)s is down from %(regions)s.")
    elif outage.first_error:
        text = gettext("%(monitor)s is down: %(error)s.")
    else:
        text = gettext("%(monitor)s is down.")
    name, error = words.names[outage.monitor_id], outage.first_error
    message = text % {"monitor": name, "regions": where, "error": error}
    if outage.failed_conditions:
        failed = gettext("%(down)s Failed: %(conditions)s.")
        message = failed % {"down": message, "conditions": "; ".join(outage.failed_conditions)}
    return message


def _took(seconds: float, locale: Locale) -> str:
    """How long an outage lasted. English keeps the compact `2 h 10 min` its messages have
    always said (feed readers and API clients may match it); the other languages take CLDR's
    units (`2 Std. 10 Min.`)."""
    return human_duration(seconds) if locale.code == "en" else locale.duration(seconds)


def _outage_entry(outage: Outage, words: _Wording) -> Entry:
    title = words.locale.gettext("%(monitor)s is down") % {
        "monitor": words.names[outage.monitor_id]
    }
    return Entry(
        id=f"outage-{outage.monitor_id}-{outage.start.astimezone(UTC):%Y%m%dT%H%MZ}",
        kind="outage",
        title=title,
        status="investigating" if outage.end is None else "resolved",
        impact=OUTAGE_IMPACT,
        monitors=(outage.monitor_id,),
        start=outage.start,
        end=outage.end,
        updates=tuple(_detected_updates(outage, words)),
        body_html="",
        outages=(outage,),
        active=outage.end is None,
        upcoming=False,
        notify=True,
    )


def _written_entry(
    incident: Incident, outages: list[Outage], words: _Wording, detection: Detection | None
) -> Entry:
    outages = sorted(outages, key=lambda outage: outage.start)
    written = [
        EntryUpdate(
            update.at,
            update.status,
            update.message,
            detected=False,
            changes=tuple((m, str(old), str(new)) for m, old, new in changes if m in words.names),
        )
        for update, changes in zip(
            sorted(incident.updates, key=lambda update: update.at),
            incident.status_changes(),
            strict=True,
        )
        if update.at <= words.now  # an update dated later is not news yet
    ]
    facts = [
        replace(line, status=_written_status_at(written, line.at))
        for outage in outages
        for line in _detected_updates(outage, words)
    ]
    now = words.now
    start, end = _span(incident, now)
    return Entry(
        id=incident.id,
        kind=incident.kind,
        title=incident.title,
        status=incident.current_status(now),
        impact=incident.impact,
        monitors=tuple(monitor for monitor in incident.affected if monitor in words.names),
        start=min([start, *(outage.start for outage in outages)]),
        end=end,
        updates=(*written, *facts),
        body_html=render_markdown(incident.body) if incident.body else "",
        outages=tuple(outages),
        active=incident.is_active(now),
        upcoming=incident.is_upcoming(now),
        notify=incident.notify,
        announced=start - incident.announce_before if incident.kind == "maintenance" else None,
        body=incident.body.strip(),
        detection=detection,
    )


def _written_status_at(written: Sequence[EntryUpdate], at: datetime) -> str:
    """The status a detected fact has inside a written incident: that of the latest written
    update before it, "investigating" before any. Never "resolved": only people resolve a
    written incident, so a monitor back up does not add a second "Resolved" line."""
    said = [u.status for u in written if u.at <= at and u.status != "resolved"]
    return said[-1] if said else "investigating"


def _span(incident: Incident, now: datetime) -> tuple[datetime, datetime | None]:
    """Start and end of a written incident, or of maintenance's current, next or last window."""
    if incident.kind == "maintenance":
        window = incident.next_window(now)
        if window is None:
            past = incident.windows(None, now)
            window = past[-1] if past else (incident.start, incident.scheduled_end or now)
        return window
    if incident.resolved_at is not None and incident.resolved_at <= now:
        return incident.start, incident.resolved_at
    if incident.current_status(now) == "resolved":
        said = [update for update in incident.updates if update.at <= now]
        resolved = [update.at for update in said if update.status == "resolved"]
        return incident.start, max(resolved, default=None)
    return incident.start, None
