"""PagerDuty Events API v2: `trigger` for a problem, `resolve` for its end, both under the
same `dedup_key` (the alert key), so PagerDuty itself also drops a duplicate."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from configuration.notifications import ChannelOptions, HttpUrl, Secret, secret
from notifications.channel import ChannelType, HttpRequest, Outgoing, facts
from notifications.events import Event

SEVERITY = {"critical": "critical", "warning": "warning", "info": "info", "ok": "info"}


class PagerDutyChannel(ChannelOptions):
    type: Literal["pagerduty"] = Field(description="Channel type.")
    routing_key: Secret = Field(
        description="Integration key of an Events API v2 integration, as `${ENV}`."
    )
    api_url: HttpUrl = Field("https://events.pagerduty.com", description="Events API server.")


def build(event: Event, channel: PagerDutyChannel) -> list[Outgoing]:
    body: dict[str, Any] = {
        "routing_key": secret(channel.routing_key),
        "event_action": "resolve" if event.resolved else "trigger",
        "dedup_key": f"vigil-{event.alert_key}",
    }
    if not event.resolved:
        payload: dict[str, Any] = {
            "summary": event.title[:1024],
            "source": event.monitor.target if event.monitor else "vigil",
            "severity": SEVERITY[event.severity],
            "timestamp": event.at.isoformat(),
            "class": event.name,
            "custom_details": {"text": event.text, **dict(facts(event))},
        }
        if event.monitor is not None:  # optional strings: absent rather than null
            payload["component"] = event.monitor.id
            if event.monitor.group:
                payload["group"] = event.monitor.group
        body["payload"] = payload
        body["client"] = "Vigil"
        if event.url:
            body["client_url"] = event.url
            body["links"] = [{"href": event.url, "text": "Status page"}]
    return [HttpRequest.json(f"{channel.api_url.rstrip('/')}/v2/enqueue", body)]


CHANNEL = ChannelType(
    "pagerduty",
    PagerDutyChannel,
    build,
    "PagerDuty Events API v2",
    example={
        "id": "pagerduty",
        "routing_key": "${PAGERDUTY_ROUTING_KEY}",
        "events": ["down", "recovered"],
        "min_duration": "5m",
    },
)
