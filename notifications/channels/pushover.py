"""Pushover Message API: form fields to `/1/messages.json`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from configuration.notifications import ChannelOptions, HttpUrl, Secret, secret
from notifications.channel import ChannelType, HttpRequest, Outgoing, plain
from notifications.events import Event

PRIORITY = {"critical": "1", "warning": "0", "info": "0", "ok": "0"}


class PushoverChannel(ChannelOptions):
    type: Literal["pushover"] = Field(description="Channel type.")
    token: Secret = Field(description="Application API token, as `${ENV}`.")
    user: Secret = Field(description="User or group key, as `${ENV}`.")
    device: str | None = Field(None, description="Only this device of the user.")
    api_url: HttpUrl = Field("https://api.pushover.net", description="Pushover API server.")


def build(event: Event, channel: PushoverChannel) -> list[Outgoing]:
    fields = {
        "token": secret(channel.token),
        "user": secret(channel.user),
        "title": event.title[:250],
        "message": plain(event).split("\n", 1)[-1][:1024],
        "priority": PRIORITY[event.severity],
        "timestamp": str(int(event.at.timestamp())),
    }
    if event.url:
        fields |= {"url": event.url, "url_title": "Status page"}
    if channel.device:
        fields["device"] = channel.device
    return [HttpRequest.form(f"{channel.api_url.rstrip('/')}/1/messages.json", fields)]


CHANNEL = ChannelType(
    "pushover",
    PushoverChannel,
    build,
    "Pushover Message API",
    example={
        "id": "pushover",
        "token": "${PUSHOVER_APP_TOKEN}",
        "user": "${PUSHOVER_USER_KEY}",
    },
)
