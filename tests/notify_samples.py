"""Events (those the docs show), configs and one sample setting of every channel type,
which the notification tests share. SAMPLES must name every registered channel (see
test_notify_registry.py)."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx
import yaml

from configuration.loader import load_config_text
from configuration.models import Config
from configuration.notifications import ChannelOptions
from notifications.delivery import DeliveryOptions, Outcome, send
from notifications.events import Event
from notifications.registry import channel_type
from notifications.samples import DOWN, INCIDENT, NOW, RECOVERED

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


TOKEN = "s3cr3t-token-value"
ENV = {"TOKEN": TOKEN}


def _email(url: str) -> dict[str, Any]:
    """`url` is `smtp://127.0.0.1:<port>`."""
    return {
        "host": urlsplit(url).hostname, "port": urlsplit(url).port, "security": "starttls",
        "username": "status@example.com", "password": "${TOKEN}",
        "from": "Status <status@example.com>", "to": ["ops@example.com", "cto@example.com"],
    }  # fmt: skip


# Per channel type: its settings (a secret as ${TOKEN}) given a loopback receiver's URL.
SAMPLES: dict[str, Callable[[str], dict[str, Any]]] = {
    "webhook": lambda url: {"url": f"{url}/hook", "headers": {"X-Team": "ops"},
                            "secret": "${TOKEN}"},
    "slack": lambda url: {"webhook_url": f"{url}/services/T/B/${{TOKEN}}"},
    "discord": lambda url: {"webhook_url": f"{url}/api/webhooks/1/${{TOKEN}}"},
    "teams": lambda url: {"webhook_url": f"{url}/workflows/1?sig=${{TOKEN}}"},
    "google_chat": lambda url: {
        "webhook_url": f"{url}/v1/spaces/S/messages?key=k&token=${{TOKEN}}"},
    "mattermost": lambda url: {"webhook_url": f"{url}/hooks/${{TOKEN}}"},
    "rocketchat": lambda url: {"webhook_url": f"{url}/hooks/1/${{TOKEN}}"},
    "telegram": lambda url: {"bot_token": "${TOKEN}", "chat_id": "-100123", "api_url": url},
    "ntfy": lambda url: {"topic": "alerts", "server": url, "token": "${TOKEN}"},
    "gotify": lambda url: {"server": url, "token": "${TOKEN}"},
    "pushover": lambda url: {"token": "${TOKEN}", "user": "u-key", "api_url": url},
    "pagerduty": lambda url: {"routing_key": "${TOKEN}", "api_url": url},
    "opsgenie": lambda url: {"api_key": "${TOKEN}", "api_url": url, "tags": ["ops"]},
    "email": _email,
    "matrix": lambda url: {"homeserver": url, "room_id": "!room:example.org",
                           "access_token": "${TOKEN}"},
    "zulip": lambda url: {"site": url, "bot_email": "bot@example.zulipchat.com",
                          "api_key": "${TOKEN}", "stream": "ops"},
    "webex": lambda url: {"token": "${TOKEN}", "room_id": "room-1", "api_url": url},
    "twilio": lambda url: {"account_sid": "AC123", "auth_token": "${TOKEN}",
                           "from": "+15005550006", "to": ["+4917000001", "+4917000002"],
                           "api_url": url},
    "grafana_oncall": lambda url: {
        "webhook_url": f"{url}/integrations/v1/formatted_webhook/${{TOKEN}}/"},
    "apprise": lambda url: {"urls": [url.replace("http://", "json://vigil:${TOKEN}@")
                                     + "/apprise"]},
}  # fmt: skip


def sample_channel(
    name: str, url: str, environ: Mapping[str, str] = ENV, **extra: Any
) -> ChannelOptions:
    """The sample channel of type `name` sending to `url`, loaded like config.yaml."""
    entry = {"id": "c", "type": name, **SAMPLES[name](url), **extra}
    return config_with([entry], environ).notifications[0]


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


__all__ = ["DOWN", "INCIDENT", "NOW", "RECOVERED"]  # re-exported for the tests
