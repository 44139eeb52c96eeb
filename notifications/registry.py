"""Every channel type, by the name used in `type:`. Adding a channel is one module in
`channels/` and one line here; tests/test_notify_registry.py fails when a piece is missing
(options, a receiver test, the docs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Union

from pydantic import Field

from configuration.notifications import ChannelOptions
from notifications.channel import ChannelType
from notifications.channels import (
    apprise,
    discord,
    email,
    google_chat,
    gotify,
    grafana_oncall,
    matrix,
    mattermost,
    ntfy,
    opsgenie,
    pagerduty,
    pushover,
    rocketchat,
    slack,
    teams,
    telegram,
    twilio,
    webex,
    webhook,
    zulip,
)

CHANNELS: dict[str, ChannelType[Any]] = {
    channel.name: channel
    for channel in (
        webhook.CHANNEL,
        slack.CHANNEL,
        discord.CHANNEL,
        teams.CHANNEL,
        google_chat.CHANNEL,
        mattermost.CHANNEL,
        rocketchat.CHANNEL,
        telegram.CHANNEL,
        ntfy.CHANNEL,
        gotify.CHANNEL,
        pushover.CHANNEL,
        pagerduty.CHANNEL,
        opsgenie.CHANNEL,
        email.CHANNEL,
        matrix.CHANNEL,
        zulip.CHANNEL,
        webex.CHANNEL,
        twilio.CHANNEL,
        grafana_oncall.CHANNEL,
        apprise.CHANNEL,
    )
}

if TYPE_CHECKING:
    AnyChannel = ChannelOptions
else:
    # One model per registered channel type, told apart by `type:`.
    AnyChannel = Annotated[
        Union[tuple(channel.model for channel in CHANNELS.values())],  # noqa: UP007
        Field(discriminator="type"),
    ]


def channel_type(channel: ChannelOptions) -> ChannelType[Any]:
    return CHANNELS[channel.type]
