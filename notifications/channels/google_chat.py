"""Google Chat incoming webhook: a text fallback and a cardsV2 card."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from configuration.notifications import ChannelOptions, Secret, secret
from notifications.channel import EMOJI, ChannelType, HttpRequest, Outgoing, facts
from notifications.events import Event


class GoogleChatChannel(ChannelOptions):
    type: Literal["google_chat"] = Field(description="Channel type.")
    webhook_url: Secret = Field(
        description="Space webhook URL, `https://chat.googleapis.com/v1/spaces/…/messages?key=…"
        "&token=…`, as `${ENV}`."
    )


def build(event: Event, channel: GoogleChatChannel) -> list[Outgoing]:
    widgets: list[dict[str, Any]] = []
    if event.text:
        widgets.append({"textParagraph": {"text": event.text}})
    widgets += [{"decoratedText": {"topLabel": k, "text": v}} for k, v in facts(event)]
    if event.url:
        link = {"openLink": {"url": event.url}}
        widgets.append({"buttonList": {"buttons": [{"text": "Status page", "onClick": link}]}})
    card = {
        "cardId": event.key[:64],
        "card": {"header": {"title": event.title}, "sections": [{"widgets": widgets}]},
    }
    body = {"text": f"{EMOJI[event.severity]} *{event.title}*", "cardsV2": [card]}
    return [HttpRequest.json(secret(channel.webhook_url), body)]


CHANNEL = ChannelType(
    "google_chat",
    GoogleChatChannel,
    build,
    "Google Chat webhook (cardsV2)",
    example={
        "id": "google-chat",
        "webhook_url": "${GOOGLE_CHAT_WEBHOOK_URL}",
    },
)
