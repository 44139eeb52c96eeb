"""Twilio Programmable Messaging: one SMS per recipient, form fields, basic auth."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from configuration.notifications import ChannelOptions, HttpUrl, Secret, secret
from notifications.channel import ChannelType, HttpRequest, Outgoing
from notifications.channels.zulip import basic_auth
from notifications.events import Event

SMS_LIMIT = 320  # two segments: enough for the title and the link


class TwilioChannel(ChannelOptions):
    type: Literal["twilio"] = Field(description="Channel type.")
    account_sid: str = Field(description="Account SID, `AC…`.")
    auth_token: Secret = Field(description="Auth token, as `${ENV}`.")
    sender: str = Field(
        alias="from", description="Twilio number or sender id, e.g. `+15005550006`."
    )
    to: list[str] = Field(min_length=1, description="Phone numbers in E.164, e.g. `+4917…`.")
    api_url: HttpUrl = Field("https://api.twilio.com", description="Twilio API server.")


def build(event: Event, channel: TwilioChannel) -> list[Outgoing]:
    text = event.title + (f" {event.url}" if event.url else "")
    url = f"{channel.api_url.rstrip('/')}/2010-04-01/Accounts/{channel.account_sid}/Messages.json"
    headers = basic_auth(channel.account_sid, secret(channel.auth_token))
    return [
        HttpRequest.form(
            url, {"To": number, "From": channel.sender, "Body": text[:SMS_LIMIT]}, headers
        )
        for number in channel.to
    ]


CHANNEL = ChannelType(
    "twilio",
    TwilioChannel,
    build,
    "Twilio SMS (Messages API)",
    example={
        "id": "sms",
        "account_sid": "AC0123456789abcdef0123456789abcdef",
        "auth_token": "${TWILIO_AUTH_TOKEN}",
        "from": "+15005550006",
        "to": ["+15551234567"],
        "events": ["down"],
        "monitors": ["api"],
    },
)
