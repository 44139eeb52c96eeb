"""Discord webhook: one embed with colour, fields, link and timestamp."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from configuration.notifications import ChannelOptions, Secret, secret
from notifications.channel import ChannelType, HttpRequest, Outgoing, color_int, facts
from notifications.events import Event


class DiscordChannel(ChannelOptions):
    type: Literal["discord"] = Field(description="Channel type.")
    webhook_url: Secret = Field(
        description="Webhook URL, `https://discord.com/api/webhooks/…`, as `${ENV}`."
    )
    username: str = Field("Vigil", description="Name the message is posted under.")


def build(event: Event, channel: DiscordChannel) -> list[Outgoing]:
    embed: dict[str, Any] = {
        "title": event.title[:256],
        "description": event.text[:4096],
        "color": color_int(event),
        "timestamp": event.at.isoformat(),
        "fields": [
            {"name": label, "value": value[:1024], "inline": len(value) < 40}
            for label, value in facts(event)[:25]
        ],
    }
    if event.url:
        embed["url"] = event.url
    body = {"username": channel.username, "embeds": [embed], "allowed_mentions": {"parse": []}}
    return [HttpRequest.json(secret(channel.webhook_url), body)]


CHANNEL = ChannelType(
    "discord",
    DiscordChannel,
    build,
    "Discord webhook (embed)",
    example={
        "id": "discord",
        "webhook_url": "${DISCORD_WEBHOOK_URL}",
    },
)
