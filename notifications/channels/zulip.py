"""Zulip: `POST /api/v1/messages` as a bot (HTTP basic auth), to a stream topic."""

from __future__ import annotations

import base64
from typing import Literal

from pydantic import Field

from configuration.notifications import ChannelOptions, HttpUrl, Secret, secret
from notifications.channel import ChannelType, HttpRequest, Outgoing, markdown
from notifications.events import Event


class ZulipChannel(ChannelOptions):
    type: Literal["zulip"] = Field(description="Channel type.")
    site: HttpUrl = Field(description="Zulip server, e.g. `https://example.zulipchat.com`.")
    bot_email: str = Field(description="The bot's email address.")
    api_key: Secret = Field(description="The bot's API key, as `${ENV}`.")
    stream: str = Field(description="Stream (channel) the message goes to.")
    topic: str = Field("status", description="Topic within the stream.")


def basic_auth(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def build(event: Event, channel: ZulipChannel) -> list[Outgoing]:
    fields = {
        "type": "stream",
        "to": channel.stream,
        "topic": channel.topic,
        "content": markdown(event),
    }
    headers = basic_auth(channel.bot_email, secret(channel.api_key))
    return [HttpRequest.form(f"{channel.site.rstrip('/')}/api/v1/messages", fields, headers)]


CHANNEL = ChannelType(
    "zulip",
    ZulipChannel,
    build,
    "Zulip messages API (stream topic)",
    example={
        "id": "zulip",
        "site": "https://example.zulipchat.com",
        "bot_email": "status-bot@example.zulipchat.com",
        "api_key": "${ZULIP_API_KEY}",
        "stream": "ops",
    },
)
