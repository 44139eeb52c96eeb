"""Gatus `alerting:` providers and endpoint `alerts:` as Vigil notification channels.

A provider becomes a channel whose `monitors` are the endpoints with an alert of its type
(Gatus sends nothing for an endpoint without one), events `down` and `recovered` (Gatus
alerts on nothing else). A provider's `overrides` (per group) become channels of their own
for that group's endpoints. An alert takes the fields it leaves unset from the provider's
`default-alert` (alerting/provider/provider.go, ParseWithDefaultAlert); then
failure-threshold 3, success-threshold 2, send-on-resolved false (alerting/alert/alert.go).
A credential written in the Gatus file (not `${ENV}`) is written as `${GATUS_…}` instead,
and reported: its value never reaches config.yaml, the output or the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from configuration.source import Path
from importers.base import (
    Document,
    Untranslated,
    duration,
    identifier,
    moved_secret,
    secret_variable,
)

# Gatus provider → (Vigil channel type, {Gatus key: (Vigil key, is a secret)}).
PROVIDERS: dict[str, tuple[str, dict[str, tuple[str, bool]]]] = {
    "slack": ("slack", {"webhook-url": ("webhook_url", True)}),
    "discord": ("discord", {"webhook-url": ("webhook_url", True)}),
    "teams": ("teams", {"webhook-url": ("webhook_url", True)}),
    "teams-workflows": ("teams", {"webhook-url": ("webhook_url", True)}),
    "googlechat": ("google_chat", {"webhook-url": ("webhook_url", True)}),
    "mattermost": (
        "mattermost",
        {"webhook-url": ("webhook_url", True), "channel": ("channel", False)},
    ),
    "rocketchat": ("rocketchat", {"webhook-url": ("webhook_url", True)}),
    "telegram": (
        "telegram",
        {
            "token": ("bot_token", True),
            "id": ("chat_id", False),
            "topic-id": ("message_thread_id", False),
            "api-url": ("api_url", False),
        },
    ),
    "ntfy": (
        "ntfy",
        {"topic": ("topic", False), "url": ("server", False), "token": ("token", True)},
    ),
    "gotify": ("gotify", {"server-url": ("server", False), "token": ("token", True)}),
    "pushover": (
        "pushover",
        {
            "application-token": ("token", True),
            "user-key": ("user", True),
            "device": ("device", False),
        },
    ),
    "pagerduty": ("pagerduty", {"integration-key": ("routing_key", True)}),
    "opsgenie": ("opsgenie", {"api-key": ("api_key", True), "tags": ("tags", False)}),
    "email": (
        "email",
        {
            "from": ("from", False),
            "username": ("username", False),
            "password": ("password", True),
            "host": ("host", False),
            "port": ("port", False),
            "to": ("to", False),
        },
    ),
    "matrix": (
        "matrix",
        {
            "server-url": ("homeserver", False),
            "access-token": ("access_token", True),
            "internal-room-id": ("room_id", False),
        },
    ),
    "zulip": (
        "zulip",
        {
            "bot-email": ("bot_email", False),
            "bot-api-key": ("api_key", True),
            "domain": ("site", False),
            "channel-id": ("stream", False),
            "topic": ("topic", False),
        },
    ),
    "twilio": (
        "twilio",
        {
            "sid": ("account_sid", False),
            "token": ("auth_token", True),
            "from": ("sender", False),
            "to": ("to", False),
        },
    ),
    "custom": ("webhook", {"url": ("url", False), "headers": ("headers", False)}),
}
DEFAULTS = {"matrix": {"homeserver": "https://matrix-client.matrix.org"}}
_REFERENCE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}")
_SETTINGS = ("default-alert", "overrides", "group")


@dataclass(frozen=True)
class Use:
    """One endpoint alert: which monitor, its group, where it was written, its settings."""

    kind: str
    monitor: str
    group: str
    path: Path
    alert: dict[str, Any]
    interval: timedelta


class Alerts:
    """Collects the endpoints' alerts, then makes the channels of the `alerting:` section."""

    def __init__(self, document: Document, untranslated: list[Untranslated]) -> None:
        self.doc = document
        self.untranslated = untranslated
        self.uses: list[Use] = []

    def skip(self, path: Path, why: str) -> None:
        self.untranslated.append(self.doc.untranslated(path, why))

    def collect(
        self, path: Path, alerts: Any, monitor: str, group: Any, interval: timedelta
    ) -> None:
        for index, alert in enumerate(alerts or []):
            if isinstance(alert, dict) and alert.get("type"):
                here = (*path, "alerts", index)
                self.uses.append(
                    Use(str(alert["type"]), monitor, str(group or ""), here, alert, interval)
                )

    def channels(self, alerting: Any, ids: set[str]) -> list[dict[str, Any]]:
        alerting = alerting if isinstance(alerting, dict) else {}
        for use in self.uses:
            if use.kind not in alerting:
                self.skip(use.path, f'no "{use.kind}" provider under alerting: Gatus sends nothing')
        taken = set(ids)
        channels: list[dict[str, Any]] = []
        for provider, config in alerting.items():
            if provider not in PROVIDERS:
                self.skip(
                    ("alerting", provider),
                    f'Vigil has no "{provider}" channel; see docs/notifications.md',
                )
            elif isinstance(config, dict):
                channels += self.provider(provider, config, taken)
        return channels

    def provider(
        self, provider: str, config: dict[str, Any], taken: set[str]
    ) -> list[dict[str, Any]]:
        written = config.get("default-alert")
        default: dict[str, Any] = written if isinstance(written, dict) else {}
        uses = [
            u
            for u in self.uses
            if u.kind == provider and _merged(u.alert, default).get("enabled", True)
        ]
        if not uses:
            self.skip(("alerting", provider), "no endpoint alerts through it: not imported")
            return []
        path: Path = ("alerting", provider)
        overrides = [o for o in config.get("overrides") or [] if isinstance(o, dict)]
        groups = {str(o.get("group")) for o in overrides}
        found = []
        base = [u for u in uses if u.group not in groups]
        if base:
            found.append(self.channel(provider, path, config, base, default, taken, provider))
        for index, override in enumerate(overrides):
            members = [u for u in uses if u.group == str(override.get("group"))]
            if members:
                settings = {**config, **override}
                name = f"{provider}-{override.get('group')}"
                found.append(
                    self.channel(
                        provider,
                        (*path, "overrides", index),
                        settings,
                        members,
                        default,
                        taken,
                        name,
                    )
                )
        return found

    def channel(
        self,
        provider: str,
        path: Path,
        config: dict[str, Any],
        uses: list[Use],
        default: dict[str, Any],
        taken: set[str],
        name: str,
    ) -> dict[str, Any]:
        kind, keys = PROVIDERS[provider]
        channel: dict[str, Any] = {"type": kind, "id": identifier(name, taken, "channel")}
        channel.update(DEFAULTS.get(provider, {}))
        for key, value in config.items():
            if key in keys:
                vigil, is_secret = keys[key]
                channel[vigil] = self.value((*path, key), value, is_secret, name, key)
            elif key not in _SETTINGS:
                self.skip((*path, key), f"Vigil's {kind} channel has no such setting")
        _adapt(provider, channel)
        channel["events"] = ["down", "recovered"]
        channel["monitors"] = sorted({use.monitor for use in uses})
        channel.update(self.thresholds(uses, default))
        return channel

    def value(self, path: Path, value: Any, is_secret: bool, name: str, key: str) -> Any:
        if not is_secret or (isinstance(value, str) and _REFERENCE.fullmatch(value)):
            return value
        variable = secret_variable("gatus", name, key)
        why = moved_secret(variable)
        self.skip(path, why)
        return f"${{{variable}}}"

    def thresholds(self, uses: list[Use], default: dict[str, Any]) -> dict[str, Any]:
        """send_on_resolved and min_duration from the alerts' settings."""
        alerts = [(use, _merged(use.alert, default)) for use in uses]
        for use in uses:
            for key, why in (
                ("success-threshold", "Vigil sends `recovered` at the first check that is up"),
                ("description", "Vigil's alert says what failed in its own words"),
                ("provider-override", "one channel per provider: make a channel of its own"),
            ):
                if key in use.alert:
                    self.skip((*use.path, key), why)
        resolved = [bool(alert.get("send-on-resolved", False)) for _, alert in alerts]
        if len(set(resolved)) > 1:
            self.skip(
                uses[0].path, "send-on-resolved differs between endpoints: Vigil sends it for all"
            )
        failures = max(int(alert.get("failure-threshold") or 3) for _, alert in alerts)
        interval = max(use.interval for use in uses)
        settings: dict[str, Any] = {"send_on_resolved": any(resolved)}
        if failures > 1:
            settings["min_duration"] = duration(interval * (failures - 1))
            why = (
                f"{failures} failures in a row: Vigil alerts once a monitor has been down "
                f"{settings['min_duration']} (min_duration), about the same time"
            )
            self.skip((*uses[0].path, "failure-threshold"), why)
        return settings


def _merged(alert: dict[str, Any], default: dict[str, Any]) -> dict[str, Any]:
    return {**default, **{key: value for key, value in alert.items() if value is not None}}


def _adapt(provider: str, channel: dict[str, Any]) -> None:
    """Values whose shape differs: a comma-separated `to`, a bare domain, a port's security."""
    if provider in ("email", "twilio") and isinstance(channel.get("to"), str):
        channel["to"] = [part.strip() for part in channel["to"].split(",") if part.strip()]
    if provider == "email":
        channel["security"] = "ssl" if int(channel.get("port") or 587) == 465 else "starttls"
    if provider == "zulip" and "site" in channel and "://" not in str(channel["site"]):
        channel["site"] = f"https://{channel['site']}"
    if provider == "telegram" and "message_thread_id" in channel:
        channel["message_thread_id"] = int(channel["message_thread_id"])
    if provider == "telegram" and "chat_id" in channel:
        channel["chat_id"] = str(channel["chat_id"])
