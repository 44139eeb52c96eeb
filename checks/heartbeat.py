"""heartbeat: for jobs that report in rather than being polled (backups, cron jobs, imports).

The job runs `vigil heartbeat MONITOR_ID [--status down --message TEXT]` when it finishes,
which records its latest heartbeat as `<folder>/<monitor_id>.json` (normally
`data/heartbeats/`). The probe only reads that file and judges its age:

- no heartbeat folder configured for the run: down, error kind `internal` (a wiring problem of
  the run, not the job's);
- no heartbeat yet: no data (`waiting`, never down) for one `grace` after the first run
  that watched for it, which it remembers as `<folder>/<monitor_id>.waiting`; then down,
  `timeout`;
- an unreadable file, or the last heartbeat older than `grace`: down, `timeout` (the job
  has gone quiet);
- a last heartbeat that reported down: down, `assertion`, with the job's own message;
- otherwise up, with `CONNECTED` true and no response time (nothing was timed).
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field

from checks.base import CheckType, ProbeContext
from checks.result import ErrorKind, Observation
from configuration.durations import format_duration
from configuration.files import write_atomically
from configuration.monitor import Duration, MonitorBase

HeartbeatStatus = Literal["up", "down"]
# The config's monitor id pattern: it also keeps every file name inside the folder.
_MONITOR_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")


class HeartbeatMonitor(MonitorBase):
    type: Literal["heartbeat"] = Field(description="Check type.")
    grace: Duration = Field(
        timedelta(minutes=10), description="Down when no heartbeat arrived within this."
    )

    @property
    def target(self) -> str:
        return f"heartbeat within {format_duration(self.grace)}"


@dataclass(frozen=True)
class Heartbeat:
    """The latest report of a job; `at` is aware UTC."""

    monitor_id: str
    status: HeartbeatStatus
    message: str | None
    at: datetime


def heartbeat_path(directory: Path, monitor_id: str) -> Path:
    """The file of a monitor's heartbeat; ValueError if `monitor_id` is not a monitor id."""
    if not _MONITOR_ID.fullmatch(monitor_id):
        raise ValueError(f'not a monitor id: "{monitor_id}"')
    return directory / f"{monitor_id}.json"


def record_heartbeat(
    directory: Path,
    monitor_id: str,
    status: HeartbeatStatus,
    message: str | None,
    now: datetime,
) -> Path:
    """Record a heartbeat, replacing the previous one atomically; returns the file written."""
    if now.tzinfo is None:
        raise ValueError("a heartbeat's time must be timezone-aware")
    path = heartbeat_path(directory, monitor_id)
    document = {
        "monitor_id": monitor_id,
        "status": status,
        "message": message,
        "at": now.astimezone(UTC).isoformat(),
    }
    directory.mkdir(parents=True, exist_ok=True)
    write_atomically(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return path


def read_heartbeat(directory: Path, monitor_id: str) -> Heartbeat | None:
    """The latest heartbeat of a monitor; None if there is none or its file is unreadable."""
    try:
        text = heartbeat_path(directory, monitor_id).read_text(encoding="utf-8")
        return _parse(json.loads(text), monitor_id)
    except (OSError, ValueError):  # JSON and Unicode decode errors are ValueErrors
        return None


def _parse(document: object, monitor_id: str) -> Heartbeat | None:
    if not isinstance(document, dict) or document.get("monitor_id") != monitor_id:
        return None
    status, message, at = document.get("status"), document.get("message"), document.get("at")
    if status not in ("up", "down") or not isinstance(at, str):
        return None
    if message is not None and not isinstance(message, str):
        return None
    moment = datetime.fromisoformat(at)
    if moment.tzinfo is None:
        return None
    return Heartbeat(monitor_id, status, message, moment.astimezone(UTC))


async def probe(monitor: HeartbeatMonitor, context: ProbeContext) -> Observation:
    if context.heartbeats is None:
        return Observation.failed(ErrorKind.INTERNAL, "no heartbeat folder configured for this run")
    heartbeat = read_heartbeat(context.heartbeats, monitor.id)
    if heartbeat is None:
        if heartbeat_path(context.heartbeats, monitor.id).exists():
            return Observation.failed(ErrorKind.TIMEOUT, "heartbeat file is unreadable")
        return _before_the_first(monitor, context.heartbeats, context.clock())
    return observation_of(monitor, heartbeat, context.clock())


def _before_the_first(monitor: HeartbeatMonitor, folder: Path, now: datetime) -> Observation:
    """No heartbeat yet: no data for one grace after the first run that watched for it (a
    new monitor is not down on its first day), then down. That first run is written down
    beside the heartbeats (`<id>.waiting`), so every later run knows it."""
    since = _watched_since(folder, monitor.id, now)
    grace = format_duration(monitor.grace)
    if now - since <= monitor.grace:
        waited = f"waiting for the first heartbeat since {since:%Y-%m-%d %H:%M} UTC (grace {grace})"
        return Observation.failed(ErrorKind.WAITING, waited)
    return Observation.failed(
        ErrorKind.TIMEOUT, f"no heartbeat received in {_age(now - since)} (grace {grace})"
    )


def _watched_since(folder: Path, monitor_id: str, now: datetime) -> datetime:
    marker = folder / f"{monitor_id}.waiting"
    try:
        since = datetime.fromisoformat(marker.read_text(encoding="utf-8").strip())
        if since.tzinfo is not None:
            return min(since, now)
    except (OSError, ValueError):
        pass
    with contextlib.suppress(OSError):  # unwritable: still waiting, never down for it
        write_atomically(marker, now.astimezone(UTC).isoformat() + "\n")
    return now


def observation_of(monitor: HeartbeatMonitor, heartbeat: Heartbeat, now: datetime) -> Observation:
    """What the latest heartbeat says at `now`."""
    age = now - heartbeat.at  # negative when the recorder's clock ran ahead: fresh
    if age > monitor.grace:
        grace = format_duration(monitor.grace)
        return Observation.failed(
            ErrorKind.TIMEOUT, f"no heartbeat for {_age(age)} (grace {grace})"
        )
    if heartbeat.status == "down":
        return Observation.failed(ErrorKind.ASSERTION, heartbeat.message or "the job reported down")
    return Observation(values={"CONNECTED": True})


def _age(age: timedelta) -> str:
    seconds = int(age.total_seconds())
    minutes, hours = seconds // 60, seconds // 3600
    if minutes < 1:
        return f"{seconds} s"
    if minutes < 120:
        return f"{minutes} min"
    return f"{hours} h" if hours < 48 else f"{hours // 24} days"


CHECK = CheckType(name="heartbeat", model=HeartbeatMonitor, probe=probe, network=False)
