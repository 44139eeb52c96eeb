"""Reminders and escalations: what is said again about an alert that stays open.

Both are decided like every event, from `data/state.json` and the clock of the run, with
keys that name the episode (the key of its first alert), so two runs decide the same:

    <first alert key>:remind:<channel>:<n>    the n-th reminder to that channel
    <first alert key>:escalate:<channel>      the escalation to that channel

The n-th reminder to a channel is due `min_duration + n * remind_every` after the episode
began; a run that comes late decides only the newest one due, never a burst. The state
counts what was decided (`reminded`, `escalated`) so nothing is decided twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from configuration.durations import format_duration
from configuration.models import Config
from configuration.notifications import ChannelOptions
from notifications.events import Event, MonitorInfo
from notifications.routing import escalation_key, escalation_targets, passes
from notifications.state import MonitorState


def follow_ups(
    config: Config, info: MonitorInfo, state: MonitorState, now: datetime
) -> tuple[MonitorState, list[Event]]:
    """The reminders and escalations due now for a monitor that is down or degraded."""
    if state.status == "up" or not state.episode:
        return state, []
    alert = _said_again(info, state, now, config.site.url)
    reminders = [
        event for channel in config.notifications
        if (event := _reminder(config, channel, alert, state, now)) is not None
    ]  # fmt: skip
    escalations = _escalations(config, alert, state, now)
    reminded = {**state.reminded, **{e.channels[0]: _number(e) for e in reminders}}
    escalated = (*state.escalated, *(e.channels[0] for e in escalations))
    new = state.model_copy(update={"reminded": reminded, "escalated": escalated})
    return new, reminders + escalations


def _said_again(info: MonitorInfo, state: MonitorState, now: datetime, url: str | None) -> Event:
    """The open alert as the follow-ups repeat it (key and channels still to be set)."""
    took = format_duration(timedelta(seconds=round(_open_for(state, now).total_seconds())))
    return Event(
        name=state.status,
        key=state.episode[0],
        at=now,
        title=f"{info.name} is still {state.status}",
        text=f"{state.status.capitalize()} for {took}.",
        severity="critical" if state.status == "down" else "warning",
        alert_key=state.episode[0],
        repeats=state.episode,
        url=url,
        monitor=info,
    )


def _reminder(
    config: Config, channel: ChannelOptions, alert: Event, state: MonitorState, now: datetime
) -> Event | None:
    every = channel.remind_every
    if every is None or channel.id in escalation_targets(config):
        return None
    due = min(channel.remind_max, (_open_for(state, now) - channel.min_duration) // every)
    if due <= state.reminded.get(channel.id, 0) or not passes(config, channel, alert):
        return None
    return alert.model_copy(
        update={
            "key": f"{alert.key}:remind:{channel.id}:{due}",
            "title": f"Reminder: {alert.title}",
            "text": f"{alert.text} Reminder {due} of {channel.remind_max}.",
            "follow_up": "reminder",
            "channels": (channel.id,),
        }
    )


def _escalations(config: Config, alert: Event, state: MonitorState, now: datetime) -> list[Event]:
    """One per channel to escalate to, the first time a channel that wants the alert has
    waited its `escalate_after`; only to a channel whose own filters let the alert through."""
    by_id = {channel.id: channel for channel in config.notifications}
    found: dict[str, Event] = {}
    for channel in config.notifications:
        after = channel.escalate_after
        if after is None or _open_for(state, now) < after or not passes(config, channel, alert):
            continue
        for target in channel.escalate_to:
            if target in state.escalated or target in found:
                continue
            if passes(config, by_id[target], alert):
                found[target] = _escalation(alert, channel, target)
    return list(found.values())


def _escalation(alert: Event, channel: ChannelOptions, target: str) -> Event:
    after = format_duration(channel.escalate_after or timedelta(0))
    return alert.model_copy(
        update={
            "key": escalation_key(alert.key, target),
            "title": f"Escalated: {alert.title}",
            "text": f"{alert.text} Not resolved within {after} (escalated from {channel.id}).",
            "follow_up": "escalation",
            "channels": (target,),
        }
    )


def _open_for(state: MonitorState, now: datetime) -> timedelta:
    return now - (state.episode_start or state.since)


def _number(reminder: Event) -> int:
    return int(reminder.key.rpartition(":")[2])
