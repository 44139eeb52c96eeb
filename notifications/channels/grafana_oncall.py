"""Grafana OnCall "Formatted webhook" integration: `alert_uid` groups an alert with its
resolution, `state` is `alerting` or `ok`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from configuration.notifications import ChannelOptions, Secret, secret
from notifications.channel import ChannelType, HttpRequest, Outgoing, plain
from notifications.events import Event


class GrafanaOnCallChannel(ChannelOptions):
    type: Literal["grafana_oncall"] = Field(description="Channel type.")
    webhook_url: Secret = Field(
        description="The integration's URL, `https://oncall…/integrations/v1/formatted_webhook/…/`."
    )


def build(event: Event, channel: GrafanaOnCallChannel) -> list[Outgoing]:
    body = {
        "alert_uid": f"vigil-{event.alert_key}",
        "title": event.title,
        "image_url": None,
        "state": "ok" if event.resolved else "alerting",
        "link_to_upstream_details": event.url,
        "message": plain(event),
    }
    return [HttpRequest.json(secret(channel.webhook_url), body)]


CHANNEL = ChannelType(
    "grafana_oncall",
    GrafanaOnCallChannel,
    build,
    "Grafana OnCall formatted webhook",
    example={
        "id": "oncall",
        "webhook_url": "${GRAFANA_ONCALL_WEBHOOK_URL}",
    },
)
