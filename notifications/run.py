"""One notification run: observe the consensus, decide what changed, record it in the
ledger, deliver every pending entry to every channel at once.

`after_check` is what `vigil check` calls; it never raises. `notify` is `vigil notify send`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from configuration.errors import ConfigError
from configuration.incidents import Incident, load_incidents
from configuration.models import Config
from configuration.notifications import ChannelOptions
from configuration.redaction import redact
from configuration.secrets import unset_detail
from notifications.channel import secrets_of
from notifications.decide import decide
from notifications.delivery import DeliveryOptions, Outcome, send
from notifications.events import Event, trial_event
from notifications.ledger import RETRY_FOR, Delivery, Ledger
from notifications.observe import observe
from notifications.registry import channel_type
from notifications.state import MonitorState, State, read_state, write_state

log = logging.getLogger("vigil.notifications")


@dataclass(frozen=True)
class Report:
    """What one run did: per (event, channel) the final or failed status."""

    decided: tuple[Event, ...]
    deliveries: tuple[tuple[str, str, Delivery], ...]  # (event key, channel id, record)


def after_check(
    config: Config, incidents_dir: Path, data_dir: Path, now: datetime
) -> Report | None:
    """Notify after `vigil check` wrote its results. Never raises: a notification problem
    is logged and the check still succeeds."""
    if not config.notifications:
        return None
    try:
        ids = [monitor.id for monitor in config.monitors]
        try:
            incidents = load_incidents(incidents_dir, ids)
        except ConfigError as error:
            log.warning("notifications: incident files skipped (%d problems)", len(error.problems))
            incidents = []
        return notify(config, incidents, data_dir, now)
    except Exception as error:  # the checks must never fail because of a notification
        detail = redact(f"{type(error).__name__}: {error}", config.secrets)
        log.warning("notifications failed: %s", detail)
        return None


def notify(
    config: Config,
    incidents: Sequence[Incident],
    data_dir: Path,
    now: datetime,
    options: DeliveryOptions | None = None,
) -> Report:
    """Decide from the current state, record in the ledger, deliver what is pending."""
    ledger = Ledger(data_dir)
    with ledger.lock("decide", wait=True):
        state = read_state(data_dir)
        events, new_state = decide(config, incidents, observe(config, incidents, data_dir, now),
                                   state, now)  # fmt: skip
        decided = tuple(ledger.record_event(event) for event in events if event.channels)
        write_state(data_dir, new_state)
        ledger.prune(now)
    records = asyncio.run(deliver_pending(config, ledger, new_state, now, options))
    return Report(decided, records)


async def deliver_pending(
    config: Config,
    ledger: Ledger,
    state: State,
    now: datetime,
    options: DeliveryOptions | None = None,
) -> tuple[tuple[str, str, Delivery], ...]:
    """Every channel at once; within a channel, its pending events in order."""
    options = options or DeliveryOptions()
    async with httpx.AsyncClient(
        follow_redirects=False, verify=options.ssl_context or True
    ) as client:
        per_channel = await asyncio.gather(
            *(
                _deliver_channel(config, channel, ledger, state, now, client, options)
                for channel in config.notifications
            )
        )
    return tuple(record for records in per_channel for record in records)


async def _deliver_channel(
    config: Config,
    channel: ChannelOptions,
    ledger: Ledger,
    state: State,
    now: datetime,
    client: httpx.AsyncClient,
    options: DeliveryOptions,
) -> list[tuple[str, str, Delivery]]:
    records: list[tuple[str, str, Delivery]] = []
    with ledger.lock(f"channel-{channel.id}", wait=False) as mine:
        if not mine:
            log.info("notifications: another run is delivering to %s", channel.id)
            return records
        for event in ledger.pending(channel.id):
            record = await _deliver_one(config, channel, event, ledger, state, now, client, options)
            if record is None:
                continue  # waiting for min_duration
            record = ledger.record_delivery(event.key, channel.id, record)
            records.append((event.key, channel.id, record))
            if record.status == "failed":
                log.warning(
                    "notification %s to %s failed: %s", event.key, channel.id, record.detail
                )
                break  # the rest stays pending, in order, for the next run
    return records


async def _deliver_one(
    config: Config,
    channel: ChannelOptions,
    event: Event,
    ledger: Ledger,
    state: State,
    now: datetime,
    client: httpx.AsyncClient,
    options: DeliveryOptions,
) -> Delivery | None:
    gate = _gate(channel, event, ledger, state, now)
    if gate == "wait":
        return None
    if gate:
        return Delivery(status="skipped" if gate != "expired" else "expired", at=now, detail=gate)
    return await _send_now(config, channel, event, now, client, options)


async def _send_now(
    config: Config,
    channel: ChannelOptions,
    event: Event,
    now: datetime,
    client: httpx.AsyncClient,
    options: DeliveryOptions,
) -> Delivery:
    """Build and send the event's requests; whatever goes wrong is this channel's failure,
    an unset secret too (nothing is sent, the event stays pending until it is set)."""
    unset = config.unset_secrets("notifications", channel.id)
    if unset:
        outcome = Outcome(False, 0, unset_detail(unset))
    else:
        outcome = await _build_and_send(channel, event, client, options)
    status = "sent" if outcome.ok else "failed"
    detail = redact(outcome.detail, hidden(config, channel))
    return Delivery(
        status=status, at=now, attempts=outcome.attempts, detail=detail, retries=outcome.retries
    )


async def _build_and_send(
    channel: ChannelOptions, event: Event, client: httpx.AsyncClient, options: DeliveryOptions
) -> Outcome:
    try:
        outgoing = channel_type(channel).build(event, channel)
        timeout = channel.timeout.total_seconds()
        return await send(outgoing, client, timeout, channel.retries, options)
    except Exception as error:  # a broken channel fails alone, never the run
        return Outcome(False, 0, f"{type(error).__name__}: {error}")


def _gate(
    channel: ChannelOptions, event: Event, ledger: Ledger, state: State, now: datetime
) -> str:
    """ "" to send now, "wait" to keep it pending, else why it is not sent."""
    if now - event.at > RETRY_FOR + channel.min_duration:
        return "expired"
    if event.follow_up is not None and event.monitor:
        current = state.monitors.get(event.monitor.id)
        return _follow_up_gate(channel, event, ledger, current, now)
    if event.name == "recovered":
        sent = [ledger.delivery(key, channel.id) for key in event.resolves]
        if not any(record and record.status == "sent" for record in sent):
            return "its alert was not sent to this channel"
    if event.name in ("down", "degraded") and event.monitor:
        current = state.monitors.get(event.monitor.id)
        return _alert_gate(event, current, channel.min_duration, now)
    return ""


def _alert_gate(event: Event, current: MonitorState | None, least: timedelta, now: datetime) -> str:
    """A problem alert waits while its monitor is under maintenance; with `min_duration`
    (`least`) it is sent once the monitor has been failing that long (down or degraded,
    counted from the episode's start), or, if the episode is over, when it lasted that
    long. Only the episode's newest alert is sent: an earlier one has been superseded."""
    if current is not None and current.component == "maintenance":
        return "wait"
    if not least:
        return ""
    if current is not None and event.key in current.episode:
        if event.key != current.episode[-1]:
            return "superseded within min_duration"
        started = current.episode_start or event.at
        return "" if now - started >= least else "wait"
    ended = current.ended.get(event.key) if current is not None else None
    if ended is None or ended.end - ended.start < least:
        return "over within min_duration"
    return ""


def _follow_up_gate(
    channel: ChannelOptions,
    event: Event,
    ledger: Ledger,
    current: MonitorState | None,
    now: datetime,
) -> str:
    """A reminder or an escalation is sent while its episode is still open (it is skipped
    once the monitor recovered), after the channel's `min_duration`, never during a
    maintenance window; a reminder only to a channel that was sent the alert."""
    if current is None or not current.episode or current.episode[0] != event.alert_key:
        return "its alert was over before it was sent"
    if current.component == "maintenance":
        return "wait"
    if event.follow_up == "reminder":
        sent = [ledger.delivery(key, channel.id) for key in event.repeats]
        if not any(record and record.status == "sent" for record in sent):
            return "its alert was not sent to this channel"
    started = current.episode_start or event.at
    return "" if now - started >= channel.min_duration else "wait"


def hidden(config: Config, channel: ChannelOptions) -> list[str]:
    """What to redact from anything said about the channel: every secret (`redact` looks
    for each in every form)."""
    return [*config.secrets, *secrets_of(channel)]


def describe(config: Config, channel: ChannelOptions, event: Event) -> str:
    """What would be sent for the event, secrets redacted: the `--dry-run` output."""
    try:
        text = "".join(item.describe() for item in channel_type(channel).build(event, channel))
    except Exception as error:  # as `_send_now` would record it
        text = f"cannot be sent: {type(error).__name__}: {error}\n"
    return redact(text, hidden(config, channel))


def send_test(
    config: Config, channel: ChannelOptions, now: datetime, options: DeliveryOptions | None = None
) -> Delivery:
    """Send the test message to one channel now, outside the ledger."""
    event = trial_event(now, config.site.url).model_copy(update={"channels": (channel.id,)})
    options = options or DeliveryOptions()

    async def run() -> Delivery:
        async with httpx.AsyncClient(verify=options.ssl_context or True) as client:
            return await _send_now(config, channel, event, now, client, options)

    return asyncio.run(run())


def preview_pending(
    config: Config, incidents: Sequence[Incident], data_dir: Path, now: datetime
) -> list[tuple[Event, ChannelOptions]]:
    """What `notify` would decide now, without recording or sending anything."""
    state = read_state(data_dir)
    events, _ = decide(config, incidents, observe(config, incidents, data_dir, now), state, now)
    by_id = {channel.id: channel for channel in config.notifications}
    return [(event, by_id[channel_id]) for event in events for channel_id in event.channels]
