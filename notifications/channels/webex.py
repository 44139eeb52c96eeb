"""Webex Messaging API: `POST /v1/messages` with a bot token, markdown to a room or person."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from configuration.notifications import ChannelOptions, HttpUrl, Secret, secret
from notifications.channel import ChannelType, HttpRequest, Outgoing, markdown, plain
from notifications.events import Event


class WebexChannel(ChannelOptions):
    type: Literal["webex"] = Field(description="Channel type.")
    token: Secret = Field(description="Bot access token, as `${ENV}`.")
    room_id: str | None = Field(None, description="Room (space) id; or set `to_person_email`.")
    to_person_email: str | None = Field(None, description="Person to message directly.")
    api_url: HttpUrl = Field("https://webexapis.com", description="Webex API server.")

    @model_validator(mode="after")
    def _one_recipient(self) -> WebexChannel:
        if (self.room_id is None) == (self.to_person_email is None):
            raise ValueError("set exactly one of room_id and to_person_email")
        return self


def build(event: Event, channel: WebexChannel) -> list[Outgoing]:
    body: dict[str, str] = {"markdown": markdown(event), "text": plain(event)}
    if channel.room_id:
        body["roomId"] = channel.room_id
    else:
        body["toPersonEmail"] = channel.to_person_email or ""
    headers = {"Authorization": f"Bearer {secret(channel.token)}"}
    return [HttpRequest.json(f"{channel.api_url.rstrip('/')}/v1/messages", body, headers)]


CHANNEL = ChannelType(
    "webex",
    WebexChannel,
    build,
    "Webex Messaging API",
    example={
        "id": "webex",
        "token": "${WEBEX_BOT_TOKEN}",
        "to_person_email": "oncall@example.com",
    },
)
