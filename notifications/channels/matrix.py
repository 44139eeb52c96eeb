"""Matrix client-server API: `PUT /rooms/{room}/send/m.room.message/{txnId}`. The txnId is
derived from the event key, so the homeserver drops a repeat of the same notification."""

from __future__ import annotations

import hashlib
from html import escape
from typing import Literal
from urllib.parse import quote

from pydantic import Field

from configuration.notifications import ChannelOptions, HttpUrl, Secret, secret
from notifications.channel import EMOJI, ChannelType, HttpRequest, Outgoing, facts, plain
from notifications.events import Event


class MatrixChannel(ChannelOptions):
    type: Literal["matrix"] = Field(description="Channel type.")
    homeserver: HttpUrl = Field(description="Homeserver URL, e.g. `https://matrix.org`.")
    room_id: str = Field(description="Room id, e.g. `!abcdef:matrix.org`.")
    access_token: Secret = Field(description="Access token of the bot account, as `${ENV}`.")


def formatted(event: Event) -> str:
    parts = [f"{EMOJI[event.severity]} <strong>{escape(event.title)}</strong>"]
    if event.text:
        parts.append(escape(event.text))
    parts += [f"<b>{escape(k)}:</b> {escape(v)}" for k, v in facts(event)]
    if event.url:
        parts.append(f'<a href="{escape(event.url)}">Status page</a>')
    return "<br>".join(parts)


def build(event: Event, channel: MatrixChannel) -> list[Outgoing]:
    txn = hashlib.sha256(f"{event.key}/{channel.id}".encode()).hexdigest()[:32]
    url = (
        f"{channel.homeserver.rstrip('/')}/_matrix/client/v3/rooms/"
        f"{quote(channel.room_id, safe='')}/send/m.room.message/{txn}"
    )
    body = {
        "msgtype": "m.text",
        "body": plain(event),
        "format": "org.matrix.custom.html",
        "formatted_body": formatted(event),
    }
    headers = {"Authorization": f"Bearer {secret(channel.access_token)}"}
    return [HttpRequest.json(url, body, headers, method="PUT")]


CHANNEL = ChannelType(
    "matrix",
    MatrixChannel,
    build,
    "Matrix client-server API (m.room.message)",
    example={
        "id": "matrix",
        "homeserver": "https://matrix.org",
        "room_id": "!abcdef:matrix.org",
        "access_token": "${MATRIX_ACCESS_TOKEN}",
    },
)
