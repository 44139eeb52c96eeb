"""The alert history: what the ledger says was sent, to which channel, and what became of it
(`vigil alerts`, and its `--json` file for internal pages).

One row per (event, channel the event was decided for), oldest first:

- `outcome` is `delivered` (sent at the first request), `retried` (sent, after repeating a
  request or after earlier runs failed), `failed` (the last run failed; the next run tries
  again), `skipped` (a rule kept it back: its alert was not sent to the channel, a blip
  within `min_duration`), `expired` (pending for longer than a day) or `pending` (waiting
  for `min_duration` or for the next run);
- `episode` ties the alerts of one problem together: a monitor's down and degraded alerts
  and the recovery that ends them share it (the event's `alert_key`);
- reasons are redacted again with the secrets of the config that reads them, though the
  ledger only ever stores them redacted.

The ledger keeps events for `ledger.KEEP` (14 days); older ones are not in the history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from configuration.models import Config
from configuration.redaction import redact
from configuration.times import utc_iso
from notifications.channel import secrets_of
from notifications.events import Event
from notifications.ledger import KEEP, Delivery, Failure, Ledger

OUTCOMES = ("delivered", "retried", "failed", "skipped", "expired", "pending")
JSON_VERSION = 1


@dataclass(frozen=True)
class Filters:
    """Which rows to keep: events decided at or after `since`, about `monitor` (its alerts,
    and incidents and maintenance naming it), to `channel`."""

    since: datetime
    monitor: str | None = None
    channel: str | None = None


@dataclass(frozen=True)
class AlertRow:
    event: Event
    channel: str
    channel_type: str | None  # None: the channel is no longer in the config
    outcome: str  # one of OUTCOMES
    record: Delivery | None  # None while pending

    @property
    def runs(self) -> int:
        """Runs that tried to send it (0 while pending or when a rule kept it back)."""
        if self.record is None:
            return 0
        tried = self.record.status in ("sent", "failed") or self.record.attempts > 0
        return len(self.record.earlier) + (1 if tried else 0)


def alert_rows(config: Config, ledger: Ledger, filters: Filters) -> list[AlertRow]:
    """Every (event, channel) of the ledger that passes `filters`, oldest first; reasons
    redacted with every secret of `config`."""
    types = {channel.id: channel.type for channel in config.notifications}
    hidden = _hidden(config)
    rows = []
    for event in ledger.events():
        if event.at < filters.since or not _about(event, filters.monitor):
            continue
        for channel in event.channels:
            if filters.channel in (None, channel):
                record = ledger.delivery(event.key, channel)
                record = _redacted(record, hidden) if record else None
                rows.append(AlertRow(event, channel, types.get(channel), outcome(record), record))
    return rows


def outcome(record: Delivery | None) -> str:
    if record is None:
        return "pending"
    if record.status == "sent":
        return "retried" if record.retries or record.earlier else "delivered"
    return record.status


def known_ids(ledger: Ledger) -> tuple[set[str], set[str]]:
    """The monitor ids and channel ids that the ledger's events name."""
    monitors: set[str] = set()
    channels: set[str] = set()
    for event in ledger.events():
        monitors |= set(_monitors(event))
        channels |= set(event.channels)
    return monitors, channels


def _about(event: Event, monitor: str | None) -> bool:
    return monitor is None or monitor in _monitors(event)


def _monitors(event: Event) -> tuple[str, ...]:
    if event.monitor is not None:
        return (event.monitor.id,)
    return event.incident.monitors if event.incident is not None else ()


def _hidden(config: Config) -> list[str]:
    return [*config.secrets, *(s for c in config.notifications for s in secrets_of(c))]


def _redacted(record: Delivery, hidden: Sequence[str]) -> Delivery:
    earlier = tuple(
        failure.model_copy(update={"detail": redact(failure.detail, hidden)})
        for failure in record.earlier
    )
    return record.model_copy(update={"detail": redact(record.detail, hidden), "earlier": earlier})


def subject(event: Event) -> tuple[str, str | None, str]:
    """What the event is about: (kind, id, name); kind is monitor, incident, maintenance or
    test (`vigil notify test` is never in the ledger; kept for completeness)."""
    if event.monitor is not None:
        return "monitor", event.monitor.id, event.monitor.name
    if event.incident is not None:
        return event.incident.kind, event.incident.id, event.incident.title
    return "test", None, event.title


def history_json(rows: Iterable[AlertRow], filters: Filters, now: datetime) -> dict[str, Any]:
    """The `--json` document (schemas/cli-alerts.schema.json)."""
    return {
        "version": JSON_VERSION,
        "generated_at": utc_iso(now),
        "since": utc_iso(filters.since),
        "kept_days": KEEP.days,
        "filters": {"monitor": filters.monitor, "channel": filters.channel},
        "alerts": [row_json(row) for row in rows],
    }


def row_json(row: AlertRow) -> dict[str, Any]:
    event, record = row.event, row.record
    kind, subject_id, name = subject(event)
    return {
        "at": utc_iso(event.at),
        "event": event.key,
        "name": event.name,
        "title": event.title,
        "severity": event.severity,
        "subject": {"kind": kind, "id": subject_id, "name": name},
        "episode": event.alert_key,
        "channel": {"id": row.channel, "type": row.channel_type},
        "outcome": row.outcome,
        "status": record.status if record else None,
        "recorded_at": utc_iso(record.at) if record else None,
        "attempts": record.attempts if record else 0,
        "retries": record.retries if record else 0,
        "runs": row.runs,
        "reason": record.detail if record else "",
        "earlier_failures": [_failure_json(f) for f in (record.earlier if record else ())],
    }


def _failure_json(failure: Failure) -> dict[str, Any]:
    return {"at": utc_iso(failure.at), "attempts": failure.attempts, "reason": failure.detail}


def counts(rows: Iterable[AlertRow]) -> Mapping[str, int]:
    """Rows per outcome, in OUTCOMES order, those with none left out."""
    found = {name: 0 for name in OUTCOMES}
    for row in rows:
        found[row.outcome] += 1
    return {name: count for name, count in found.items() if count}
