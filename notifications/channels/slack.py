"""Slack incoming webhook: `text` (the fallback for notifications) plus Block Kit blocks."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from configuration.notifications import ChannelOptions, Secret, secret
from notifications.channel import EMOJI, ChannelType, HttpRequest, Outgoing, facts, slack_text
from notifications.events import Event


class SlackChannel(ChannelOptions):
    type: Literal["slack"] = Field(description="Channel type.")
    webhook_url: Secret = Field(
        description="Incoming webhook URL, `https://hooks.slack.com/services/…`, as `${ENV}`."
    )


def blocks(event: Event) -> list[dict[str, Any]]:
    title = f"{EMOJI[event.severity]} {event.title}"
    result: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}}
    ]
    if event.text:
        text = slack_text(event.text)
        result.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    rows = facts(event)
    if rows:
        fields = [
            {"type": "mrkdwn", "text": f"*{slack_text(label)}*\n{slack_text(value)}"}
            for label, value in rows
        ]
        result.append({"type": "section", "fields": fields[:10]})
    if event.url:
        link = f"<{event.url}|Open the status page>"
        result.append({"type": "context", "elements": [{"type": "mrkdwn", "text": link}]})
    return result


def build(event: Event, channel: SlackChannel) -> list[Outgoing]:
    body = {"text": slack_text(f"{EMOJI[event.severity]} {event.title}"), "blocks": blocks(event)}
    return [HttpRequest.json(secret(channel.webhook_url), body)]


CHANNEL = ChannelType(
    "slack",
    SlackChannel,
    build,
    "Slack incoming webhook (Block Kit)",
    example={
        "id": "slack-ops",
        "webhook_url": "${SLACK_WEBHOOK_URL}",
        "events": ["down", "recovered", "incident.created", "incident.resolved"],
    },
)
