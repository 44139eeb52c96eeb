"""Gotify: `POST /message` with an application token and markdown extras."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from configuration.notifications import ChannelOptions, HttpUrl, Secret, secret
from notifications.channel import ChannelType, HttpRequest, Outgoing, markdown
from notifications.events import Event

PRIORITY = {"critical": 8, "warning": 5, "info": 3, "ok": 3}


class GotifyChannel(ChannelOptions):
    type: Literal["gotify"] = Field(description="Channel type.")
    server: HttpUrl = Field(description="Gotify server, e.g. `https://gotify.example.com`.")
    token: Secret = Field(description="Application token, as `${ENV}`.")


def build(event: Event, channel: GotifyChannel) -> list[Outgoing]:
    extras: dict[str, Any] = {"client::display": {"contentType": "text/markdown"}}
    if event.url:
        extras["client::notification"] = {"click": {"url": event.url}}
    body = {
        "title": event.title,
        "message": markdown(event).split("\n", 1)[-1],
        "priority": PRIORITY[event.severity],
        "extras": extras,
    }
    headers = {"X-Gotify-Key": secret(channel.token)}
    return [HttpRequest.json(f"{channel.server.rstrip('/')}/message", body, headers)]


CHANNEL = ChannelType(
    "gotify",
    GotifyChannel,
    build,
    "Gotify POST /message",
    example={
        "id": "gotify",
        "server": "https://gotify.example.com",
        "token": "${GOTIFY_APP_TOKEN}",
    },
)
