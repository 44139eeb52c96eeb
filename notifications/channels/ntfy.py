"""ntfy: JSON publishing to the server root (`{topic, title, message, priority, tags, click}`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from configuration.notifications import ChannelOptions, HttpUrl, Secret, secret
from notifications.channel import ChannelType, HttpRequest, Outgoing, plain
from notifications.events import Event

PRIORITY = {"critical": 5, "warning": 4, "info": 3, "ok": 3}
TAGS = {"critical": "rotating_light", "warning": "warning", "info": "information_source",
        "ok": "white_check_mark"}  # fmt: skip


class NtfyChannel(ChannelOptions):
    type: Literal["ntfy"] = Field(description="Channel type.")
    topic: str = Field(description="Topic subscribers listen to.")
    server: HttpUrl = Field("https://ntfy.sh", description="ntfy server.")
    token: Secret | None = Field(None, description="Access token of a protected topic, `${ENV}`.")


def build(event: Event, channel: NtfyChannel) -> list[Outgoing]:
    text = plain(event).split("\n", 1)
    body: dict[str, object] = {
        "topic": channel.topic,
        "title": event.title,
        "message": text[1] if len(text) > 1 else event.title,
        "priority": PRIORITY[event.severity],
        "tags": [TAGS[event.severity]],
    }
    if event.url:
        body["click"] = event.url
    headers = {"Authorization": f"Bearer {secret(channel.token)}"} if channel.token else {}
    return [HttpRequest.json(channel.server.rstrip("/") + "/", body, headers)]


CHANNEL = ChannelType(
    "ntfy",
    NtfyChannel,
    build,
    "ntfy JSON publish",
    example={
        "id": "ntfy",
        "topic": "example-status",
        "token": "${NTFY_TOKEN}",
    },
)
