"""Opsgenie Alert API: create an alert with an `alias` (the alert key), close it by alias."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from pydantic import Field

from configuration.notifications import ChannelOptions, HttpUrl, Secret, secret
from notifications.channel import ChannelType, HttpRequest, Outgoing, facts
from notifications.events import Event

PRIORITY = {"critical": "P1", "warning": "P3", "info": "P5", "ok": "P5"}


class OpsgenieChannel(ChannelOptions):
    type: Literal["opsgenie"] = Field(description="Channel type.")
    api_key: Secret = Field(description="API key of an API integration, as `${ENV}`.")
    api_url: HttpUrl = Field(
        "https://api.opsgenie.com",
        description="API server; `https://api.eu.opsgenie.com` in the EU.",
    )
    tags: list[str] = Field(default_factory=list, description="Tags added to every alert.")


def build(event: Event, channel: OpsgenieChannel) -> list[Outgoing]:
    alias = f"vigil-{event.alert_key}"[:512]
    base = f"{channel.api_url.rstrip('/')}/v2/alerts"
    headers = {"Authorization": f"GenieKey {secret(channel.api_key)}"}
    if event.resolved:
        url = f"{base}/{quote(alias, safe='')}/close?identifierType=alias"
        body: dict[str, object] = {"source": "Vigil", "note": event.title}
        return [HttpRequest.json(url, body, headers)]
    body = {
        "message": event.title[:130],
        "alias": alias,
        "description": event.text[:15000],
        "priority": PRIORITY[event.severity],
        "source": "Vigil",
        "tags": [*channel.tags, event.name],
        "details": dict(facts(event)),
    }
    if event.monitor is not None:
        body["entity"] = event.monitor.id
    return [HttpRequest.json(base, body, headers)]


CHANNEL = ChannelType(
    "opsgenie",
    OpsgenieChannel,
    build,
    "Opsgenie Alert API (create/close)",
    example={
        "id": "opsgenie",
        "api_key": "${OPSGENIE_API_KEY}",
        "tags": ["status-page"],
        "events": ["down", "recovered"],
    },
)
