"""Compare what is true now with `data/state.json` and name what changed: monitor alerts
(down, degraded, recovered), component status changes, and (`page_events`) incident and
maintenance events.

Pure: no I/O, no clock of its own. Event keys come from the transition, never from the
time a run saw it, so regions and re-runs that read the same state decide the same keys:

    monitor.<id>.<seq>.<down|degraded|recovered>    the seq-th alert transition
    component.<id>.<seq>.<status>                   the seq-th page status change
    incident.… and maintenance.…                     see notifications/page_events.py
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from configuration.durations import format_duration
from configuration.impacts import Impact, shown_state
from configuration.incidents import Incident
from configuration.models import Config
from configuration.monitor import MonitorBase
from configuration.redaction import redact
from notifications.events import COMPONENT_STATUS, Event, MonitorInfo
from notifications.follow_ups import follow_ups
from notifications.page_events import page_events, page_item
from notifications.routing import channels_for, escalation_key
from notifications.state import ENDED_KEPT, Episode, MonitorState, PageItemState, State


@dataclass(frozen=True)
class Observed:
    """What the history says of a monitor now."""

    status: str | None  # consensus: up, degraded, down; None without a recent result
    in_maintenance: bool = False
    written: Impact | None = None  # what open incidents say of it, maintenance aside
    error: str | None = None
    latency_ms: float | None = None
    status_code: int | None = None
    regions: tuple[str, ...] = ()  # regions whose newest result failed


def decide(
    config: Config,
    incidents: Sequence[Incident],
    observed: Mapping[str, Observed],
    state: State | None,
    now: datetime,
) -> tuple[list[Event], State]:
    """The events to send and the state to store. Without a stored state (the first run)
    incidents and maintenance are recorded as they are and announced from then on."""
    events: list[Event] = []
    monitors: dict[str, MonitorState] = {}
    previous = state.monitors if state else {}
    for monitor in config.monitors:
        seen = observed.get(monitor.id, Observed(None))
        new, found = _monitor(config, monitor, seen, previous.get(monitor.id), now)
        events += found
        if new is not None:
            monitors[monitor.id] = new
    items: dict[str, PageItemState] = {}
    for incident in incidents:
        items[incident.id] = page_item(incident, now)
        if state is not None and incident.notify:
            events += page_events(config, incident, state.incidents.get(incident.id), now)
    routed = [e.model_copy(update={"channels": channels_for(config, e)}) for e in events]
    return routed, State(monitors=monitors, incidents=items)


def _monitor(
    config: Config, monitor: MonitorBase, seen: Observed, prev: MonitorState | None, now: datetime
) -> tuple[MonitorState | None, list[Event]]:
    written = Impact.UNDER_MAINTENANCE if seen.in_maintenance else seen.written
    component = shown_state(seen.status, written)  # the page's rule: what the page shows
    status = None if seen.in_maintenance else seen.status  # maintenance freezes the alerts
    if prev is None:
        if status is None:
            return None, []
        prev = MonitorState(status="up", seq=0, since=now, component=component or "up")
    events: list[Event] = []
    new = prev
    if status is not None and status != prev.status:
        new, event = _transition(config, monitor, seen, prev, status, now)
        events.append(event)
    if component is not None and component != prev.component:
        new = new.model_copy(
            update={
                "component": component,
                "component_seq": new.component_seq + 1,
                "component_since": now,
            }
        )
        if monitor.public:
            events.append(_component_event(config, monitor, seen, prev, new, now))
    if status is not None:  # observed, outside maintenance: a reminder or escalation?
        info = _monitor_info(config, monitor, seen, new.status, None)
        new, again = follow_ups(config, info, new, now)
        events += again
    return new, events


def _transition(
    config: Config,
    monitor: MonitorBase,
    seen: Observed,
    prev: MonitorState,
    status: str,
    now: datetime,
) -> tuple[MonitorState, Event]:
    """The monitor's new state and the event of its consensus status changing to `status`."""
    seq = prev.seq + 1
    name = "recovered" if status == "up" else status
    key = f"monitor.{monitor.id}.{seq}.{name}"
    info = _monitor_info(config, monitor, seen, status, prev.status)
    if status == "up":
        return _recovery(config, monitor, prev, key, info, now)
    episode = (*prev.episode, key) if prev.status != "up" else (key,)
    event = Event(
        name=name,
        key=key,
        at=now,
        title=f"{monitor.name} is {status}",
        text=seen.error or "",
        severity="critical" if status == "down" else "warning",
        alert_key=episode[0],
        url=config.site.url,
        monitor=info,
    )
    start = prev.episode_start if prev.status != "up" else now
    new = prev.model_copy(
        update={
            "status": status,
            "seq": seq,
            "since": now,
            "episode": episode,
            "episode_start": start,
        }
    )
    return new, event


def _recovery(
    config: Config,
    monitor: MonitorBase,
    prev: MonitorState,
    key: str,
    info: MonitorInfo,
    now: datetime,
) -> tuple[MonitorState, Event]:
    """Back up: the episode ends, with the alert it began with and its escalations."""
    took = format_duration(_whole_seconds(now - (prev.episode_start or prev.since)))
    event = Event(
        name="recovered",
        key=key,
        at=now,
        title=f"{monitor.name} has recovered",
        text=f"Up again after {took}.",
        severity="ok",
        alert_key=prev.episode[0] if prev.episode else key,
        resolves=(*prev.episode, *_escalations(prev)),
        url=config.site.url,
        monitor=info,
    )
    update = {
        "status": "up",
        "seq": prev.seq + 1,
        "since": now,
        "episode": (),
        "episode_start": None,
        "ended": _ended(prev, now),
        "reminded": {},
        "escalated": (),
    }
    return prev.model_copy(update=update), event


def _escalations(prev: MonitorState) -> list[str]:
    """The keys of the escalations a recovery ends: it goes to those channels too."""
    first = prev.episode[0] if prev.episode else ""
    return [escalation_key(first, target) for target in prev.escalated if first]


def _ended(prev: MonitorState, now: datetime) -> dict[str, Episode]:
    """`prev.ended` with the episode a recovery now ends. One that ends as a maintenance
    window closes ended when the window began: the time in it is not counted as down."""
    if not prev.episode:
        return prev.ended
    paused = prev.component_since if prev.component == "maintenance" else None
    end = paused or now
    start = prev.episode_start or prev.since
    ended = {**prev.ended, prev.episode[-1]: Episode(start=start, end=max(start, end))}
    newest = sorted(ended.items(), key=lambda item: item[1].end)[-ENDED_KEPT:]
    return dict(newest)


def _component_event(
    config: Config,
    monitor: MonitorBase,
    seen: Observed,
    prev: MonitorState,
    new: MonitorState,
    now: datetime,
) -> Event:
    old_text, new_text = (
        COMPONENT_STATUS[s].replace("_", " ") for s in (prev.component, new.component)
    )
    key = f"component.{monitor.id}.{new.component_seq}.{new.component}"
    return Event(
        name="component.status_changed",
        key=key,
        at=now,
        title=f"{monitor.name}: {new_text}",
        text=f"Was {old_text}.",
        severity="ok" if new.component == "up" else "info",
        alert_key=key,
        url=config.site.url,
        monitor=_monitor_info(config, monitor, seen, new.component, prev.component),
    )


def _monitor_info(
    config: Config, monitor: MonitorBase, seen: Observed, status: str, old: str | None
) -> MonitorInfo:
    failing = status in ("down", "degraded")
    return MonitorInfo(
        id=monitor.id,
        name=monitor.name,
        target=redact(monitor.target, config.secrets),  # a URL may carry a ${TOKEN}
        group=monitor.group,
        status=status,
        old_status=old,
        error=seen.error if failing else None,
        latency_ms=seen.latency_ms,
        status_code=seen.status_code,
        regions=seen.regions if failing else (),
    )


def _whole_seconds(span: timedelta) -> timedelta:
    return timedelta(seconds=round(span.total_seconds()))
