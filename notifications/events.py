"""What is notified: a monitor alert or a page event, with everything a channel needs to
say it in the service's own format. Events are stored in the ledger as JSON (no channel
settings, so no secrets) and read back by the run that delivers them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from configuration.impacts import STATE

Severity = Literal["critical", "warning", "info", "ok"]
# How a monitor's status reads on the page and in the component events: up is operational...
COMPONENT_STATUS = {state: str(impact) for impact, state in STATE.items()}


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MonitorInfo(Frozen):
    id: str
    name: str
    target: str  # URL, host:port or name: what is checked
    group: str | None = None
    status: str  # up degraded partial down maintenance
    old_status: str | None = None
    error: str | None = None  # "kind: message" of the newest failing result
    latency_ms: float | None = None
    status_code: int | None = None
    regions: tuple[str, ...] = ()  # regions that saw it fail


class UpdateInfo(Frozen):
    at: AwareDatetime
    status: str
    message: str


class IncidentInfo(Frozen):
    id: str
    title: str
    kind: Literal["incident", "maintenance"]
    status: str
    impact: str
    monitors: tuple[str, ...] = ()
    started_at: AwareDatetime | None = None
    resolved_at: AwareDatetime | None = None
    scheduled_start: AwareDatetime | None = None
    scheduled_end: AwareDatetime | None = None
    updates: tuple[UpdateInfo, ...] = ()  # oldest first
    pages: tuple[str, ...] = ()  # ids of the `pages:` it is shown on; none without pages

    @property
    def message(self) -> str:
        return self.updates[-1].message if self.updates else ""


class Event(Frozen):
    """One thing to tell. `key` is derived from the transition (never from the clock of the
    run that saw it), so every region and every re-run names the same event the same way."""

    name: str  # an EventName, or "test"
    key: str
    at: AwareDatetime  # when it was first decided
    title: str
    text: str
    severity: Severity
    alert_key: str  # ties a problem to its resolution: dedup key, alias, alert uid
    resolves: tuple[str, ...] = ()  # keys of the problem events a recovery ends
    follow_up: Literal["reminder", "escalation"] | None = None  # says an open alert again
    repeats: tuple[str, ...] = ()  # a reminder's: keys of the problem events it repeats
    url: str | None = None
    monitor: MonitorInfo | None = None
    incident: IncidentInfo | None = None
    channels: tuple[str, ...] = ()  # the channel ids it was decided for

    @property
    def resolved(self) -> bool:
        """A recovery, a resolved incident, a completed maintenance: closes an alert."""
        return self.severity == "ok"

    def summary(self) -> str:
        """Title and text in one block of plain text (SMS, push notifications)."""
        return f"{self.title}\n{self.text}" if self.text else self.title


def trial_event(now: datetime, page_url: str | None) -> Event:
    """The message `vigil notify test` sends."""
    stamp = f"{now:%Y%m%dT%H%M%SZ}"
    return Event(
        name="test",
        key=f"test:{stamp}",
        at=now,
        title="Test notification from Vigil",
        text="If you can read this, the channel is set up correctly.",
        severity="info",
        alert_key=f"test-{stamp}",
        url=page_url,
    )
