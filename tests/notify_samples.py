"""Events and configs the notification tests share."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
import yaml

from configuration.loader import load_config_text
from configuration.models import Config
from configuration.notifications import ChannelOptions
from notifications.delivery import DeliveryOptions, Outcome, send
from notifications.events import Event, IncidentInfo, MonitorInfo, UpdateInfo
from notifications.registry import channel_type

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
BASE_CONFIG = textwrap.dedent(
    """\
    version: 1
    site: {title: Example Status, url: "https://status.example.com"}
    regions:
      - {id: eu-west, name: Europe}
      - {id: us-east, name: US East}
    groups:
      - {id: core, name: Core}
    monitors:
      - {id: api, name: API, group: core, type: http, url: "https://api.example.com/health",
         interval: 5m}
      - {id: db, name: Database, type: tcp, host: db.example.com, port: 5432, interval: 5m}
    """
)


async def _no_sleep(seconds: float) -> None:
    SLEPT.append(seconds)


SLEPT: list[float] = []
NO_WAIT = DeliveryOptions(backoff=1.0, sleep=_no_sleep)


def config_with(
    channels: Sequence[Mapping[str, Any]], environ: Mapping[str, str] | None = None
) -> Config:
    text = BASE_CONFIG + yaml.safe_dump({"notifications": [dict(c) for c in channels]})
    return load_config_text(text, "config.yaml", environ or {})


def deliver(event: Event, channel: ChannelOptions, options: DeliveryOptions = NO_WAIT) -> Outcome:
    """Build the channel's request(s) for the event and send them for real."""

    async def run() -> Outcome:
        async with httpx.AsyncClient(verify=options.ssl_context or True) as client:
            outgoing = channel_type(channel).build(event, channel)
            timeout = channel.timeout.total_seconds()
            return await send(outgoing, client, timeout, channel.retries, options)

    return asyncio.run(run())


API = MonitorInfo(
    id="api",
    name="API",
    target="https://api.example.com/health",
    group="core",
    status="down",
    old_status="up",
    error="http_status: 503 Service Unavailable",
    latency_ms=812.4,
    status_code=503,
    regions=("eu-west", "us-east"),
)
DOWN = Event(
    name="down",
    key="monitor.api.1.down",
    at=NOW,
    title="API is down",
    text="http_status: 503 Service Unavailable",
    severity="critical",
    alert_key="monitor.api.1.down",
    url="https://status.example.com",
    monitor=API,
)
RECOVERED = Event(
    name="recovered",
    key="monitor.api.2.recovered",
    at=NOW,
    title="API has recovered",
    text="Up again after 10m.",
    severity="ok",
    alert_key="monitor.api.1.down",
    resolves=("monitor.api.1.down",),
    url="https://status.example.com",
    monitor=API.model_copy(update={"status": "up", "old_status": "down", "error": None}),
)
INCIDENT = Event(
    name="incident.created",
    key="incident.2026-11-23-errors.created",
    at=NOW,
    title="Elevated error rates",
    text="We are investigating elevated 503 errors.",
    severity="critical",
    alert_key="incident.2026-11-23-errors",
    url="https://status.example.com/incidents/2026-11-23-errors/",
    incident=IncidentInfo(
        id="2026-11-23-errors",
        title="Elevated error rates",
        kind="incident",
        status="investigating",
        impact="major",
        monitors=("api",),
        started_at=NOW,
        updates=(UpdateInfo(at=NOW, status="investigating", message="We are investigating."),),
    ),
)
