"""Mattermost incoming webhook: markdown text plus a Slack-style coloured attachment."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from configuration.notifications import ChannelOptions, Secret, secret
from notifications.channel import (
    COLORS,
    EMOJI,
    ChannelType,
    HttpRequest,
    Outgoing,
    facts,
    without_mentions,
)
from notifications.events import Event


class MattermostChannel(ChannelOptions):
    type: Literal["mattermost"] = Field(description="Channel type.")
    webhook_url: Secret = Field(
        description="Incoming webhook URL, `https://mattermost.example.com/hooks/…`, as `${ENV}`."
    )
    channel: str | None = Field(None, description="Channel name overriding the webhook's own.")
    username: str = Field("Vigil", description="Name the message is posted under.")


def build(event: Event, channel: MattermostChannel) -> list[Outgoing]:
    title = without_mentions(event.title)  # target text may say @channel or <!here>
    attachment = {
        "fallback": title,
        "color": COLORS[event.severity],
        "title": title,
        "title_link": event.url,
        "text": without_mentions(event.text),
        "fields": [
            {"short": len(v) < 40, "title": k, "value": without_mentions(v)}
            for k, v in facts(event)
        ],
    }
    body = {
        "text": f"{EMOJI[event.severity]} **{title}**",
        "username": channel.username,
        "attachments": [attachment],
    }
    if channel.channel:
        body["channel"] = channel.channel
    return [HttpRequest.json(secret(channel.webhook_url), body)]


CHANNEL = ChannelType(
    "mattermost",
    MattermostChannel,
    build,
    "Mattermost incoming webhook",
    example={
        "id": "mattermost",
        "webhook_url": "${MATTERMOST_WEBHOOK_URL}",
        "channel": "status",
    },
)
