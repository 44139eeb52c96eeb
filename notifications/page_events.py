"""Page events: what changed in the incident and maintenance files since the last run.

    incident.<id>.created | .updated.<n>.<status> | .resolved
    maintenance.<id>.<scheduled|started|completed>             a one-off window
    maintenance.<id>.<window start>.<scheduled|started|completed>   one occurrence of a
                                                               recurring window

A recurring maintenance is announced as scheduled once, when it appears; then every
occurrence is started and completed on its own (its key names the occurrence's start, so
week two is not mistaken for week one). Pure: no I/O, no clock of its own.
"""

from __future__ import annotations

from datetime import datetime

from configuration.incidents import Incident
from configuration.models import Config
from configuration.pages import incident_pages, page_site
from notifications.events import Event, IncidentInfo, Severity, UpdateInfo
from notifications.state import PageItemState

IMPACT_SEVERITY: dict[str, Severity] = {
    "none": "info",
    "minor": "warning",
    "major": "critical",
    "critical": "critical",
}
PHASE_STATUS = {"scheduled": "scheduled", "started": "in_progress", "completed": "completed"}


def page_item(incident: Incident, now: datetime) -> PageItemState:
    """What is stored of an incident or maintenance to compare with the next run."""
    window = incident.next_window(now) if incident.kind == "maintenance" else None
    return PageItemState(
        status=incident.current_status(now),
        updates=len(incident.updates),
        window=window[0] if window else None,
    )


def page_events(
    config: Config, incident: Incident, prev: PageItemState | None, now: datetime
) -> list[Event]:
    item = page_item(incident, now)
    if incident.kind == "maintenance":
        return [
            _maintenance_event(config, incident, phase, start, now)
            for phase, start in maintenance_phases(incident, item, prev)
        ]
    event = _incident_event(config, incident, item, prev, now)
    return [event] if event else []


def maintenance_phases(
    incident: Incident, item: PageItemState, prev: PageItemState | None
) -> list[tuple[str, datetime | None]]:
    """(phase, window start) of each maintenance event between `prev` and `item`."""
    if prev is None:
        return [] if item.status == "completed" else [(_phase(item.status), item.window)]
    phases: list[tuple[str, datetime | None]] = []
    same_window = prev.window == item.window
    if prev.status == "in_progress" and (item.status != "in_progress" or not same_window):
        phases.append(("completed", prev.window))  # that occurrence is over
    elif prev.status == "scheduled" and item.status == "completed":
        phases.append(("completed", prev.window))  # over before a run saw it start
    if item.status == "in_progress" and not (prev.status == "in_progress" and same_window):
        phases.append(("started", item.window))
    one_off = incident.recurrence is None
    if item.status == "scheduled" and prev.status != "scheduled" and one_off:
        phases.append(("scheduled", item.window))
    return phases


def _phase(status: str) -> str:
    return {value: key for key, value in PHASE_STATUS.items()}[status]


def _maintenance_event(
    config: Config, incident: Incident, phase: str, start: datetime | None, now: datetime
) -> Event:
    info = _incident_info(config, incident, PHASE_STATUS[phase])
    occurrence = ""
    if incident.recurrence is not None and start is not None:
        occurrence = f".{start:%Y%m%dT%H%MZ}"
        windows = incident.windows(start, start + incident.recurrence.duration)
        end = next((w[1] for w in windows if w[0] == start), start + incident.recurrence.duration)
        info = info.model_copy(update={"scheduled_start": start, "scheduled_end": end})
    severity: Severity = "ok" if phase == "completed" else "info"
    title = f"Maintenance {phase}: {incident.title}"
    event = _event(config, incident, f"maintenance.{phase}", "", title, severity, info, now)
    return event.model_copy(
        update={
            "key": f"maintenance.{incident.id}{occurrence}.{phase}",
            "alert_key": f"maintenance.{incident.id}{occurrence}",
        }
    )


def _incident_event(
    config: Config,
    incident: Incident,
    item: PageItemState,
    prev: PageItemState | None,
    now: datetime,
) -> Event | None:
    status, severity = item.status, IMPACT_SEVERITY[incident.impact]
    if status == "resolved":
        if prev is not None and prev.status == "resolved":
            return None
        name, key = "incident.resolved", f"incident.{incident.id}.resolved"
        title, severity = f"Resolved: {incident.title}", "ok"
    elif prev is None:
        name, key, title = "incident.created", f"incident.{incident.id}.created", incident.title
    elif prev.status != status or prev.updates != item.updates:
        name, key = "incident.updated", f"incident.{incident.id}.updated.{item.updates}.{status}"
        title = f"{incident.title} ({status})"
    else:
        return None
    info = _incident_info(config, incident, status)
    return _event(config, incident, name, key, title, severity, info, now)


def _event(
    config: Config,
    incident: Incident,
    name: str,
    key: str,
    title: str,
    severity: Severity,
    info: IncidentInfo,
    now: datetime,
) -> Event:
    page = _page_url(config, info.pages)
    return Event(
        name=name,
        key=key,
        at=now,
        title=title,
        text=info.message or incident.body.split("\n\n")[0][:500],
        severity=severity,
        alert_key=f"{incident.kind}.{incident.id}",
        url=f"{page}/incidents/{incident.id}/" if page else None,
        incident=info,
    )


def _page_url(config: Config, pages: tuple[str, ...]) -> str | None:
    """The address of the page the event links to: the site's, or with `pages:` that of
    the first page it is shown on that has one."""
    urls = (
        [config.site.url]
        if not config.pages
        else [page_site(config.site, page).url for page in config.pages if page.id in pages]
    )
    url = next((url for url in urls if url), None)
    return url.rstrip("/") if url else None


def _incident_info(config: Config, incident: Incident, status: str) -> IncidentInfo:
    return IncidentInfo(
        id=incident.id,
        title=incident.title,
        kind=incident.kind,
        status=status,
        impact=incident.impact,
        monitors=incident.affected,
        started_at=incident.started_at,
        resolved_at=incident.resolved_at,
        scheduled_start=incident.scheduled_start,
        scheduled_end=incident.scheduled_end,
        updates=tuple(
            UpdateInfo(at=u.at, status=u.status, message=u.message) for u in incident.updates
        ),
        pages=tuple(incident_pages(config, incident)),
    )
