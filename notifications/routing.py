"""Which channels an event goes to: each channel's filters (`events`, `monitors`, `groups`,
`pages`, `send_on_resolved`), and escalation: a channel named in an `escalate_to` is sent monitor
alerts only when they are escalated to it, and then the recovery that ends them.
`min_duration` and what was sent before are judged at delivery (notifications/run.py)."""

from __future__ import annotations

from configuration.models import Config
from configuration.notifications import MONITOR_ALERTS, ChannelOptions
from configuration.pages import shown_monitors
from notifications.events import Event

ESCALATE = ":escalate:"  # in the key of an escalation: <first alert key>:escalate:<channel>


def channels_for(config: Config, event: Event) -> tuple[str, ...]:
    """The channels the event is decided for; a reminder or an escalation names its own."""
    if event.follow_up is not None:
        return event.channels
    targets = escalated_to(event)
    return tuple(
        channel.id
        for channel in config.notifications
        if wants(config, channel, event)
        or (channel.id in targets and passes(config, channel, event))
    )


def wants(config: Config, channel: ChannelOptions, event: Event) -> bool:
    """Its filters let the event through, and it is not an escalation target (for those,
    a monitor alert has to be escalated first)."""
    if event.name in MONITOR_ALERTS and channel.id in escalation_targets(config):
        return False
    return passes(config, channel, event)


def passes(config: Config, channel: ChannelOptions, event: Event) -> bool:
    """The channel's own filters let the event through."""
    if event.name not in channel.events:
        return False
    if event.name == "recovered" and not channel.send_on_resolved:
        return False
    if channel.pages and not on_pages(config, channel, event):
        return False
    if not channel.monitors and not channel.groups:
        return True
    if event.monitor is not None:
        ids = [event.monitor.id]
    else:
        ids = list(event.incident.monitors) if event.incident else []
        if not ids:
            return True  # about the whole page
    groups = {m.id: m.group for m in config.monitors}
    return any(i in channel.monitors or groups.get(i) in channel.groups for i in ids)


def on_pages(config: Config, channel: ChannelOptions, event: Event) -> bool:
    """The event is shown on one of the channel's `pages`: an incident or maintenance on
    one of them, a monitor alert about a monitor one of them shows."""
    if event.incident is not None:
        return any(page in channel.pages for page in event.incident.pages)
    if event.monitor is None:
        return True
    pages = [page for page in config.pages if page.id in channel.pages]
    return any(event.monitor.id in shown_monitors(config, page) for page in pages)


def escalation_targets(config: Config) -> set[str]:
    return {target for channel in config.notifications for target in channel.escalate_to}


def escalation_key(first: str, target: str) -> str:
    return f"{first}{ESCALATE}{target}"


def escalated_to(event: Event) -> set[str]:
    """The channels a recovery's episode was escalated to (from the keys it resolves)."""
    return {key.rpartition(ESCALATE)[2] for key in event.resolves if ESCALATE in key}
