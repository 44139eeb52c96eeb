"""The ledger under `data/notifications/`: every decided event, and per (event, channel)
what became of it. It is what makes delivery exactly-once:

    events/<key>.json              the event, published once (temp file + hard link)
    deliveries/<key>@<channel>.json sent | skipped | failed | expired, rewritten atomically;
                                   a record that follows a failure keeps the earlier failures
    locks/<name>.lock              fcntl locks: `decide`, and one per channel

A run delivers to a channel only while holding that channel's lock, and reads the records
after taking it, so two runs on the same folder never both send an entry; an entry without
a final record (the run crashed, the service failed) is pending and the next run sends it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from configuration.files import write_atomically
from notifications.events import Event
from notifications.state import write_json_atomically

LEDGER_FOLDER = "notifications"
KEEP = timedelta(days=14)  # events older than this are pruned with their records
RETRY_FOR = timedelta(days=1)  # a pending entry older than this (after min_duration) expires
FINAL = ("sent", "skipped", "expired")
FAILURES_KEPT = 10  # earlier failed runs remembered per record


class Failure(BaseModel):
    """A run that tried to deliver and failed (the next run tried again)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: AwareDatetime = Field(description="When that run recorded the failure.")
    attempts: int = Field(0, ge=0, description="Requests made in that run.")
    detail: str = Field("", description="Why it failed; secrets redacted.")


class Delivery(BaseModel):
    """What became of one event on one channel. Records written before `retries` and
    `earlier` existed read with their defaults."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: Literal["sent", "skipped", "failed", "expired"] = Field(
        description="`failed` is tried again by the next run; the others are final."
    )
    at: AwareDatetime = Field(description="When this was recorded.")
    attempts: int = Field(0, ge=0, description="Requests made in the last run that tried.")
    detail: str = Field("", description="Why it failed or was skipped; secrets redacted.")
    retries: int = Field(
        0, ge=0, description="Of `attempts`, those repeating a request after a timeout, 429 or 5xx."
    )
    earlier: tuple[Failure, ...] = Field(
        (), description="Earlier runs that tried and failed, oldest first (the last ten)."
    )


class Ledger:
    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / LEDGER_FOLDER
        self.events_dir = self.root / "events"
        self.deliveries_dir = self.root / "deliveries"
        self.locks_dir = self.root / "locks"

    def record_event(self, event: Event) -> Event:
        """Publish the event unless one with its key exists; return the stored one, so all
        runs that decided it use the same copy (its `at`, its channels)."""
        path = self.events_dir / f"{event.key}.json"
        if write_atomically(path, event.model_dump_json(indent=2), exclusive=True):
            return event
        return self.event(path) or event

    def event(self, path: Path) -> Event | None:
        try:
            return Event.model_validate_json(path.read_bytes())
        except (OSError, ValidationError):
            return None  # vanished (pruned) or unreadable: nothing to deliver

    def events(self) -> list[Event]:
        """Every stored event, oldest first."""
        paths = sorted(self.events_dir.glob("*.json")) if self.events_dir.is_dir() else []
        found = [event for event in map(self.event, paths) if event is not None]
        return sorted(found, key=lambda event: (event.at, event.key))

    def delivery(self, key: str, channel_id: str) -> Delivery | None:
        try:
            return Delivery.model_validate_json(self._delivery_path(key, channel_id).read_bytes())
        except (OSError, ValidationError):
            return None

    def record_delivery(self, key: str, channel_id: str, delivery: Delivery) -> Delivery:
        """Store the record (under the channel's lock) and return it as stored: a failure
        it replaces is kept in its `earlier`, so the history says it was retried and why."""
        previous = self.delivery(key, channel_id)
        if previous is not None and previous.status == "failed":
            failed = Failure(at=previous.at, attempts=previous.attempts, detail=previous.detail)
            earlier = (*previous.earlier, failed)[-FAILURES_KEPT:]
            delivery = delivery.model_copy(update={"earlier": earlier})
        write_json_atomically(
            self._delivery_path(key, channel_id), delivery.model_dump(mode="json")
        )
        return delivery

    def pending(self, channel_id: str) -> list[Event]:
        """Events decided for the channel without a final record; read under its lock."""
        result = []
        for event in self.events():
            record = self.delivery(event.key, channel_id)
            if channel_id in event.channels and (record is None or record.status not in FINAL):
                result.append(event)
        return result

    @contextmanager
    def lock(self, name: str, *, wait: bool) -> Iterator[bool]:
        """Hold `locks/<name>.lock`; yields False at once when another run holds it and
        `wait` is False. The kernel releases it when a run dies, so a crash never blocks."""
        self.locks_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.locks_dir / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(descriptor)  # closing releases the lock

    def prune(self, now: datetime) -> int:
        """Remove events older than KEEP and their records; returns how many events."""
        removed = 0
        for event in self.events():
            if now - event.at <= KEEP:
                break
            for record in self.deliveries_dir.glob(f"{event.key}@*.json"):
                record.unlink(missing_ok=True)
            (self.events_dir / f"{event.key}.json").unlink(missing_ok=True)
            removed += 1
        return removed

    def _delivery_path(self, key: str, channel_id: str) -> Path:
        return self.deliveries_dir / f"{key}@{channel_id}.json"
