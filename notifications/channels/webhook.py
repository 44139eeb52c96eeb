"""Generic webhook: JSON to any URL, with custom headers and an optional HMAC-SHA256
signature of the body. Monitor alerts use the openstatus alert payload; page events use
`{event, timestamp, data}` with the incident, maintenance or component."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from typing import Any, Literal

from pydantic import Field

from configuration.notifications import ChannelOptions, HttpUrl, Secret, secret
from notifications.channel import ChannelType, HttpRequest, Outgoing
from notifications.events import COMPONENT_STATUS, Event

OPENSTATUS_STATUS = {"down": "error", "degraded": "degraded", "recovered": "recovered"}


class WebhookChannel(ChannelOptions):
    type: Literal["webhook"] = Field(description="Channel type.")
    url: HttpUrl = Field(description="Where the JSON is POSTed.")
    headers: dict[str, str] = Field(
        default_factory=dict, description="Extra request headers, e.g. an `Authorization`."
    )
    secret: Secret | None = Field(
        None, description="Key of the HMAC-SHA256 signature of the body; unset: not signed."
    )
    signature_header: str = Field(
        "X-Vigil-Signature",
        description="Header that carries the signature, as `sha256=<hex digest>`.",
    )


def payload(event: Event) -> dict[str, Any]:
    if event.name in OPENSTATUS_STATUS and event.monitor is not None:
        monitor = event.monitor
        body: dict[str, Any] = {
            "monitor": {"id": monitor.id, "name": monitor.name, "url": monitor.target},
            "cronTimestamp": int(event.at.timestamp() * 1000),
            "status": OPENSTATUS_STATUS[event.name],
        }
        if monitor.status_code is not None:
            body["statusCode"] = monitor.status_code
        if monitor.latency_ms is not None:
            body["latency"] = round(monitor.latency_ms)
        if monitor.error and event.name != "recovered":
            body["errorMessage"] = monitor.error
        return body
    return {"event": event.name, "timestamp": event.at.isoformat(), "data": _data(event)}


def _data(event: Event) -> dict[str, Any]:
    data: dict[str, Any] = {"title": event.title, "text": event.text, "url": event.url}
    if event.incident is not None:
        key = event.incident.kind  # "incident" or "maintenance"
        # `pages` only with `pages:` in the config: a one-page config's payload is unchanged.
        omit = set() if event.incident.pages else {"pages"}
        data[key] = event.incident.model_dump(mode="json", exclude=omit)
    if event.monitor is not None:
        monitor = event.monitor
        old = COMPONENT_STATUS.get(monitor.old_status or "")
        data["component"] = {
            "id": monitor.id,
            "name": monitor.name,
            "status": COMPONENT_STATUS.get(monitor.status, monitor.status),
            "old_status": old,
        }
    return data


def signature(key: str, body: bytes) -> str:
    return "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def build(event: Event, channel: WebhookChannel) -> list[Outgoing]:
    request = HttpRequest.json(channel.url, payload(event), channel.headers)
    if channel.secret is not None:
        signed = signature(secret(channel.secret), request.body)
        request = replace(request, headers={**request.headers, channel.signature_header: signed})
    return [request]


CHANNEL = ChannelType(
    "webhook",
    WebhookChannel,
    build,
    "any URL: JSON POST, optional HMAC",
    example={
        "id": "ops-webhook",
        "url": "https://ops.example.com/hooks/vigil",
        "headers": {"Authorization": "Bearer ${OPS_HOOK_TOKEN}"},
        "secret": "${OPS_HOOK_SECRET}",
    },
)
