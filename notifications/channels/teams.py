"""Microsoft Teams through a Workflows ("When a Teams webhook request is received") URL:
a message with one Adaptive Card attachment."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from configuration.notifications import ChannelOptions, Secret, secret
from notifications.channel import EMOJI, ChannelType, HttpRequest, Outgoing, facts
from notifications.events import Event

CARD_COLORS = {"critical": "Attention", "warning": "Warning", "info": "Accent", "ok": "Good"}


class TeamsChannel(ChannelOptions):
    type: Literal["teams"] = Field(description="Channel type.")
    webhook_url: Secret = Field(
        description="The workflow's HTTP POST URL (it carries a signature), as `${ENV}`."
    )


def card(event: Event) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": f"{EMOJI[event.severity]} {event.title}",
            "weight": "Bolder",
            "size": "Medium",
            "color": CARD_COLORS[event.severity],
            "wrap": True,
        }
    ]
    if event.text:
        body.append({"type": "TextBlock", "text": event.text, "wrap": True})
    rows = facts(event)
    if rows:
        body.append({"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in rows]})
    result: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if event.url:
        result["actions"] = [{"type": "Action.OpenUrl", "title": "Status page", "url": event.url}]
    return result


def build(event: Event, channel: TeamsChannel) -> list[Outgoing]:
    attachment = {
        "contentType": "application/vnd.microsoft.card.adaptive",
        "contentUrl": None,
        "content": card(event),
    }
    body = {"type": "message", "attachments": [attachment]}
    return [HttpRequest.json(secret(channel.webhook_url), body)]


CHANNEL = ChannelType(
    "teams",
    TeamsChannel,
    build,
    "Microsoft Teams workflow webhook (Adaptive Card)",
    example={
        "id": "teams",
        "webhook_url": "${TEAMS_WORKFLOW_URL}",
    },
)
