"""Maintenance calendars (RFC 5545, written with the `icalendar` library): `maintenance.ics`
for the page and `monitors/<id>/maintenance.ics` for each public monitor, which calendar
apps subscribe to (`webcal://`) and refresh.

One event per maintenance file, its `UID` the file's id (stable for as long as the file
is): a one-off window is one VEVENT in UTC; a weekly (or daily) recurrence is one VEVENT
with an RRULE in the recurrence's own time zone (a VTIMEZONE is included), so calendars
keep its local wall time across daylight-saving changes. An occurrence that is not what the
RRULE says gets an override with the same UID and its `RECURRENCE-ID`: one an update
started early or ended, one cancelled (`STATUS:CANCELLED`), and one whose wall-time length
differs on the night the clocks change (within `RECURRENCE_HORIZON`).

Builds keep no state, so `SEQUENCE` comes from the file: `Incident.revision`, the number of
changes its timeline records (updates are only ever added, and moving or cancelling a
window through `vigil maintenance update` posts one). A window moved by editing the file
without an update keeps its SEQUENCE; subscribed calendars read the new times anyway.
`DTSTAMP` and `LAST-MODIFIED` are the newest update (else the scheduled start), never after
the build.

Which maintenance a monitor's calendar holds is what its feed holds: the maintenance that
names it (`Entry.monitors`, public monitors only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar

from configuration.incidents import RECURRENCE_HORIZON, Incident, Span
from configuration.models import Site
from configuration.recurrence import WEEKDAYS
from rendering.api.snapshot import page_id
from rendering.text.markup import site_link
from rendering.views.context import BuildContext

CALENDAR_FILE = "maintenance.ics"
REFRESH = timedelta(hours=1)  # how often a subscribed calendar should look again
PRODID = "-//Vigil//Vigil status page//EN"
BYDAY = {day: day[:2].upper() for day in WEEKDAYS}  # Monday: MO


@dataclass(frozen=True)
class CalendarEvent:
    """One VEVENT: a window, the master of a recurrence, or an override of one occurrence."""

    uid: str
    summary: str
    description: str
    url: str | None  # its page, when the site's URL is known
    start: datetime  # aware: UTC, or the recurrence's zone
    end: datetime
    sequence: int
    stamp: datetime  # DTSTAMP and LAST-MODIFIED
    cancelled: bool = False
    rrule: dict[str, object] | None = None
    recurrence_id: datetime | None = None


def webcal_link(site_url: str | None, folder: str = "") -> str:
    """`webcal://<host>/<folder>maintenance.ics`, which calendar apps subscribe to (and
    refresh); "" when the page's URL is not configured (a relative link can only download)."""
    if not site_url:
        return ""
    return "webcal://" + site_link(site_url, folder + CALENDAR_FILE).split("://", 1)[1]


def write_calendars(folder: Path, context: BuildContext) -> list[Path]:
    """The page's calendar and every public monitor's (empty ones too: subscribe ahead)."""
    site = context.config.site
    words = context.page.locale.gettext("Maintenance: %(title)s")
    monitors_of = {e.id: e.monitors for e in context.entries if e.kind == "maintenance"}
    events = {
        incident.id: maintenance_events(incident, context)
        for incident in context.incidents
        if incident.kind == "maintenance"
    }
    calendars = [("", site.title, list(events))]
    for monitor in context.config.monitors:
        if monitor.public:
            ids = [i for i in events if monitor.id in monitors_of.get(i, ())]
            calendars.append((f"monitors/{monitor.id}/", f"{site.title}: {monitor.name}", ids))
    written = []
    for path, title, ids in calendars:
        target = folder / path / CALENDAR_FILE
        target.parent.mkdir(parents=True, exist_ok=True)
        chosen = [event for i in sorted(ids) for event in events[i]]
        target.write_bytes(calendar_bytes(words % {"title": title}, chosen))
        written.append(target)
    return written


def maintenance_events(incident: Incident, context: BuildContext) -> list[CalendarEvent]:
    """The VEVENTs of one maintenance file: its window, or its recurrence and overrides."""
    base = CalendarEvent(
        uid=f"{incident.id}@{_host(context.config.site)}",
        summary=incident.title,
        description=_description(incident, context),
        url=_url(context.config.site, f"incidents/{incident.id}/"),
        start=context.now,
        end=context.now,
        sequence=incident.revision,
        stamp=_stamp(incident, context.now),
    )
    if incident.recurrence is None:
        ((scheduled, made),) = incident.schedule()
        return [_window(base, scheduled, made)]
    return _recurring(base, incident, context.now)


def _window(
    base: CalendarEvent, scheduled: Span, made: Span | None, recurrence_id: datetime | None = None
) -> CalendarEvent:
    """A window as the updates left it; cancelled ones keep their scheduled times."""
    cancelled = made is None or made[1] <= made[0]
    start, end = scheduled if cancelled or made is None else made
    return replace(base, start=start, end=end, cancelled=cancelled, recurrence_id=recurrence_id)


def _recurring(base: CalendarEvent, incident: Incident, now: datetime) -> list[CalendarEvent]:
    recurrence, first_day = incident.recurrence, incident.scheduled_start
    assert recurrence is not None and first_day is not None
    zone = ZoneInfo(recurrence.timezone)
    horizon = max(now, first_day) + RECURRENCE_HORIZON
    until = min(incident.scheduled_end or horizon, horizon)
    occurrences = incident.schedule(first_day, until)
    if not occurrences:
        return []
    (start, end), _ = occurrences[0]
    length = end - start  # what every RRULE instance lasts (an exact duration)
    rule: dict[str, object] = {"freq": "weekly" if recurrence.every else "daily"}
    if recurrence.every:
        rule["byday"] = [BYDAY[day] for day in recurrence.every]
    if incident.scheduled_end is not None:
        rule["until"] = (incident.scheduled_end - timedelta(seconds=1)).astimezone(UTC)
    master = replace(base, start=start.astimezone(zone), end=end.astimezone(zone), rrule=rule)
    overrides = [
        _window(
            base,
            (begin.astimezone(zone), finish.astimezone(zone)),
            made and (made[0].astimezone(zone), made[1].astimezone(zone)),
            recurrence_id=_nominal(begin, recurrence.start, zone),
        )
        for (begin, finish), made in occurrences
        if made != (begin, begin + length)
    ]
    return [master, *overrides]


def _nominal(begin: datetime, clock: str, zone: ZoneInfo) -> datetime:
    """The instance's start as the RRULE writes it: the local wall time on its day, also
    on the night the clocks jump over it (02:00 that is really 03:00)."""
    hour, minute = (int(part) for part in clock.split(":"))
    day = begin.astimezone(zone).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def _stamp(incident: Incident, now: datetime) -> datetime:
    """When the maintenance last changed as far as its file says, never after `now`."""
    posted = [update.at for update in incident.updates if update.at <= now]
    if posted:
        return max(posted)
    return min(incident.start, now)


def _host(site: Site) -> str:
    """The right-hand side of every UID: the page's host name, stable across builds."""
    host = urlsplit(site.url).hostname if site.url else None
    return host or site.cname or f"{page_id(site)}.vigil.invalid"


def _url(site: Site, path: str) -> str | None:
    return site_link(site.url, path) if site.url else None


def _description(incident: Incident, context: BuildContext) -> str:
    names = {m.id: " ".join(m.name.split()) for m in context.config.monitors if m.public}
    latest = max(incident.updates, key=lambda u: u.at).message if incident.updates else ""
    parts = [latest or incident.body.split("\n\n")[0]]
    affected = [names[m] for m in incident.monitors if m in names]
    if affected:
        words = context.page.locale.gettext("Affected: %(monitors)s")
        parts.append(words % {"monitors": ", ".join(affected)})
    return "\n\n".join(part for part in parts if part)


def calendar_bytes(name: str, events: Sequence[CalendarEvent]) -> bytes:
    """The calendar as RFC 5545 text: `name` as it shows in calendar apps, the events, and
    a VTIMEZONE for each zone they use."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for event in events:
        calendar.add_component(_vevent(event))
    if events:
        first = min(event.start for event in events).date()
        last = max(event.end for event in events).date()
        calendar.add_missing_timezones(
            date(first.year - 1, 1, 1), date(max(last.year, first.year) + 10, 1, 1)
        )
    data: bytes = calendar.to_ical()
    return data


def _vevent(event: CalendarEvent) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", event.stamp.astimezone(UTC))
    vevent.add("last-modified", event.stamp.astimezone(UTC))
    vevent.add("sequence", event.sequence)
    if event.recurrence_id is not None:
        vevent.add("recurrence-id", event.recurrence_id)
    vevent.add("dtstart", event.start)
    vevent.add("dtend", event.end)
    if event.rrule is not None:
        vevent.add("rrule", event.rrule)
    vevent.add("summary", event.summary)
    if event.description:
        vevent.add("description", event.description)
    if event.url:
        vevent.add("url", event.url)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("transp", "TRANSPARENT")  # a notice: it never makes anyone look busy
    vevent.add("categories", ["MAINTENANCE"])
    return vevent
