"""Uptime Kuma notifications as Vigil channels (`server/notification-providers/*.js`: each
channel's fields, in the notification's `config` JSON), for the monitors that use them.
A credential is written as a `${KUMA_…}` reference instead and reported, never copied."""

from __future__ import annotations

import json
from typing import Any

from configuration.source import Path
from importers.base import Document, Untranslated, identifier, moved_secret, secret_variable

# Kuma notification type → (Vigil channel type, {Kuma field: (Vigil key, is a secret)}).
CHANNELS: dict[str, tuple[str, dict[str, tuple[str, bool]]]] = {
    "slack": ("slack", {"slackwebhookURL": ("webhook_url", True)}),
    "discord": (
        "discord",
        {"discordWebhookUrl": ("webhook_url", True), "discordUsername": ("username", False)},
    ),
    "teams": ("teams", {"webhookUrl": ("webhook_url", True)}),
    "GoogleChat": ("google_chat", {"googleChatWebhookURL": ("webhook_url", True)}),
    "mattermost": (
        "mattermost",
        {
            "mattermostWebhookUrl": ("webhook_url", True),
            "mattermostchannel": ("channel", False),
            "mattermostusername": ("username", False),
        },
    ),
    "telegram": (
        "telegram",
        {
            "telegramBotToken": ("bot_token", True),
            "telegramChatID": ("chat_id", False),
            "telegramMessageThreadID": ("message_thread_id", False),
        },
    ),
    "ntfy": (
        "ntfy",
        {
            "ntfyserverurl": ("server", False),
            "ntfytopic": ("topic", False),
            "ntfyaccesstoken": ("token", True),
        },
    ),
    "gotify": (
        "gotify",
        {"gotifyserverurl": ("server", False), "gotifyapplicationToken": ("token", True)},
    ),
    "pushover": (
        "pushover",
        {
            "pushoverapptoken": ("token", True),
            "pushoveruserkey": ("user", True),
            "pushoverdevice": ("device", False),
        },
    ),
    "PagerDuty": ("pagerduty", {"pagerdutyIntegrationKey": ("routing_key", True)}),
    "Opsgenie": ("opsgenie", {"opsgenieApiKey": ("api_key", True)}),
    "matrix": (
        "matrix",
        {
            "homeserverUrl": ("homeserver", False),
            "internalRoomId": ("room_id", False),
            "accessToken": ("access_token", True),
        },
    ),
    "webhook": ("webhook", {"webhookURL": ("url", False)}),
    "smtp": (
        "email",
        {
            "smtpHost": ("host", False),
            "smtpPort": ("port", False),
            "smtpUsername": ("username", False),
            "smtpPassword": ("password", True),
            "smtpFrom": ("from", False),
            "smtpTo": ("to", False),
        },
    ),
}
_NOTIFICATION_KEYS = {"name", "type", "isDefault", "applyExisting", "id", "active", "userId"}


class Channels:
    def __init__(self, document: Document, untranslated: list[Untranslated]) -> None:
        self.doc = document
        self.untranslated = untranslated

    def skip(self, path: Path, why: str) -> None:
        self.untranslated.append(self.doc.untranslated(path, why))

    def channels(
        self, notifications: Any, monitors: list[Any], by_kuma_id: dict[Any, str], ids: set[str]
    ) -> list[dict[str, Any]]:
        """The notifications an imported monitor uses, as channels (`ids`: taken already)."""
        out = []
        taken = set(ids)
        for index, notification in enumerate(notifications or []):
            path: Path = ("notificationList", index)
            config = notification.get("config") if isinstance(notification, dict) else None
            try:
                settings = json.loads(config) if isinstance(config, str) else dict(config or {})
            except ValueError:
                raise self.doc.problem((*path, "config"), "not a JSON object") from None
            kind = str(settings.get("type") or "")
            if kind not in CHANNELS:
                self.skip((*path, "config", "type"), f'Vigil has no "{kind}" channel: not imported')
                continue
            users = sorted(
                by_kuma_id[m.get("id")]
                for m in monitors
                if isinstance(m, dict)
                and m.get("id") in by_kuma_id
                and (m.get("notificationIDList") or {}).get(str(notification.get("id")))
            )
            if not users:
                self.skip(path, "no imported monitor uses it: not imported")
                continue
            out.append(self.channel(path, notification, kind, settings, users, taken))
        return out

    def channel(
        self,
        path: Path,
        notification: dict[str, Any],
        kind: str,
        settings: dict[str, Any],
        users: list[str],
        taken: set[str],
    ) -> dict[str, Any]:
        vigil, keys = CHANNELS[kind]
        name = str(notification.get("name") or kind)
        channel: dict[str, Any] = {"type": vigil, "id": identifier(name, taken, "channel")}
        for key, value in settings.items():
            if key not in keys and key not in _NOTIFICATION_KEYS and value not in (None, "", False):
                self.skip((*path, "config", key), f"Vigil's {vigil} channel has no such setting")
        for key, (target, is_secret) in keys.items():
            value = settings.get(key)
            if value in (None, ""):
                continue
            if is_secret:
                variable = secret_variable("kuma", f"{channel['id']}_{target}")
                self.skip((*path, "config", key), moved_secret(variable))
                value = f"${{{variable}}}"
            channel[target] = value
        if vigil == "email":
            channel["to"] = [
                part.strip() for part in str(channel.get("to", "")).split(",") if part.strip()
            ]
            channel["security"] = "ssl" if settings.get("smtpSecure") else "starttls"
            channel["port"] = int(channel.get("port") or 587)
        if vigil == "telegram" and "message_thread_id" in channel:
            channel["message_thread_id"] = int(channel["message_thread_id"])
        channel["events"] = ["down", "recovered"]
        channel["monitors"] = users
        return channel
