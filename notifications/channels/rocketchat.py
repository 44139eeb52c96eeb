"""Rocket.Chat incoming webhook integration: text plus a coloured attachment."""

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


class RocketChatChannel(ChannelOptions):
    type: Literal["rocketchat"] = Field(description="Channel type.")
    webhook_url: Secret = Field(
        description="Integration URL, `https://chat.example.com/hooks/<id>/<token>`, as `${ENV}`."
    )
    alias: str = Field("Vigil", description="Name the message is posted under.")


def build(event: Event, channel: RocketChatChannel) -> list[Outgoing]:
    title = without_mentions(event.title)  # target text may say @channel or <!here>
    attachment = {
        "title": title,
        "title_link": event.url,
        "text": without_mentions(event.text),
        "color": COLORS[event.severity],
        "fields": [
            {"short": len(v) < 40, "title": k, "value": without_mentions(v)}
            for k, v in facts(event)
        ],
    }
    body = {
        "alias": channel.alias,
        "text": f"{EMOJI[event.severity]} *{title}*",
        "attachments": [attachment],
    }
    return [HttpRequest.json(secret(channel.webhook_url), body)]


CHANNEL = ChannelType(
    "rocketchat",
    RocketChatChannel,
    build,
    "Rocket.Chat incoming webhook",
    example={
        "id": "rocketchat",
        "webhook_url": "${ROCKETCHAT_WEBHOOK_URL}",
    },
)
