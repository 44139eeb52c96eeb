"""Uptime Kuma: a backup/export JSON (Settings → Backup → Export).

Read from Uptime Kuma's source (louislam/uptime-kuma): `server/server.js` (`uploadBackup`:
the file is `{version, notificationList, monitorList, proxyList}`, newer exports add
`maintenanceList` and `statusPageList`), `server/model/monitor.js` (`toJSON`: each
monitor's fields; intervals and timeouts in seconds; `accepted_statuscodes`, `keyword`
and `invertKeyword`, `jsonPath`/`expectedValue`, `dns_resolve_type`, `upsideDown`,
`parent` for group monitors) and `server/notification-providers/*.js` (each channel's
fields, in the notification's `config` JSON). A backup holds credentials in plain text:
each is written as a `${KUMA_…}` reference instead and reported, never copied.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

from configuration.source import Path
from importers.base import (
    Document,
    Imported,
    Importer,
    duration,
    identifier,
    moved_secret,
    secret_variable,
    skeleton,
)
from importers.reading import load_json

SKIPPED_TYPES = {
    "docker",
    "mqtt",
    "sqlserver",
    "postgres",
    "mysql",
    "mongodb",
    "radius",
    "redis",
    "grpc-keyword",
    "steam",
    "gamedig",
    "real-browser",
    "tailscale-ping",
    "kafka-producer",
    "snmp",
    "rabbitmq",
    "smtp",
    "websocket-upgrade",
}
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
REASONS = {
    "retryInterval": "Vigil retries within the same run (runner.retry_backoff)",
    "resendInterval": "Vigil alerts once per outage",
    "pushToken": "Vigil takes heartbeats with `vigil heartbeat ID` in a workflow, not a URL",
    "tags": "Vigil has no tags; group: sorts monitors",
    "expiryNotification": "add a tls monitor for the certificate's expiry",
    "packetSize": "Vigil's ping sends the system's default size",
    "proxyId": "Vigil's checks use no proxy",
}
_NOTIFICATION_KEYS = {"name", "type", "isDefault", "applyExisting", "id", "active", "userId"}
_SIMPLE_PATH = re.compile(r"\$?\.?([A-Za-z_]\w*)((\.[A-Za-z_]\w*|\[\d+\])*)")
_USED = {
    "id",
    "name",
    "description",
    "type",
    "url",
    "method",
    "headers",
    "body",
    "hostname",
    "port",
    "interval",
    "timeout",
    "maxretries",
    "active",
    "keyword",
    "invertKeyword",
    "jsonPath",
    "expectedValue",
    "accepted_statuscodes",
    "maxredirects",
    "ignoreTls",
    "upsideDown",
    "dns_resolve_type",
    "dns_resolve_server",
    "notificationIDList",
    "parent",
    "basic_auth_user",
    "basic_auth_pass",
    "authMethod",
    "pathName",
    "childrenIDs",
    "forceInactive",
    "dns_last_result",
    "includeSensitiveData",
    "weight",
    "maintenance",
}


def _default(key: str, value: Any, monitor: dict[str, Any], kind: str) -> bool:
    """Whether a field holds what Kuma writes when nobody set it (nothing to report)."""
    if value in (None, "", [], {}, False, 0):
        return True
    if key == "retryInterval":
        return bool(value == monitor.get("interval"))
    return key == "packetSize" and (kind != "ping" or value == 56)


def run(location: str, now: datetime) -> Imported:
    document = load_json(location)
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("monitorList"), list):
        raise document.problem((), "expected an Uptime Kuma backup: an object with monitorList")
    return Translation(document).imported()


class Translation:
    def __init__(self, document: Document) -> None:
        self.doc = document
        self.result = Imported(skeleton("Status"))
        self.ids: set[str] = set()
        self.by_kuma_id: dict[Any, str] = {}
        self.groups: dict[Any, dict[str, str]] = {}  # Kuma group monitor id -> Vigil group
        self.secrets: set[str] = set()

    def skip(self, path: Path, why: str) -> None:
        self.result.untranslated.append(self.doc.untranslated(path, why))

    def imported(self) -> Imported:
        data = self.doc.data
        entries = list(enumerate(data["monitorList"]))
        for _, monitor in entries:
            if isinstance(monitor, dict) and monitor.get("type") == "group":
                group_id = identifier(
                    str(monitor.get("name") or "group"), {g["id"] for g in self.groups.values()}
                )
                self.groups[monitor.get("id")] = {"id": group_id, "name": str(monitor.get("name"))}
        monitors = []
        for index, monitor in entries:
            translated = self.monitor(("monitorList", index), monitor)
            if translated is not None:
                monitors.append(translated)
        self.status_pages(data.get("statusPageList"), monitors)
        groups = {g["id"]: g for g in self.groups.values()}
        if groups:
            self.result.config["groups"] = list(groups.values())
        self.result.config["monitors"] = monitors
        channels = self.channels(data.get("notificationList"), data["monitorList"])
        if channels:
            self.result.config["notifications"] = channels
        for key in ("proxyList", "maintenanceList"):
            if data.get(key):
                why = (
                    "Vigil's checks use no proxy"
                    if key == "proxyList"
                    else "write maintenance as incident files: `vigil maintenance new`"
                )
                self.skip((key,), why)
        return self.result

    def monitor(self, path: Path, monitor: Any) -> dict[str, Any] | None:
        if not isinstance(monitor, dict) or not monitor.get("name") or not monitor.get("type"):
            raise self.doc.problem(path, "a monitor needs a name and a type")
        kind = str(monitor["type"])
        if kind == "group":
            return None
        if not monitor.get("active", True):
            self.skip((*path, "active"), "paused in Uptime Kuma: not imported")
            return None
        if monitor.get("upsideDown"):
            self.skip((*path, "upsideDown"), "Vigil has no upside-down monitors: not imported")
            return None
        target = self.target(path, kind, monitor)
        if target is None:
            return None
        out: dict[str, Any] = {
            "id": identifier(str(monitor["name"]), self.ids),
            "name": str(monitor["name"]),
        }
        self.by_kuma_id[monitor.get("id")] = out["id"]
        if monitor.get("description"):
            out["description"] = str(monitor["description"])
        if monitor.get("parent") in self.groups:
            out["group"] = self.groups[monitor["parent"]]["id"]
        out.update(target)
        out.update(self.timing(path, kind, monitor))
        for key, value in monitor.items():
            if key not in _USED and not _default(key, value, monitor, kind):
                why = REASONS.get(key, f"Vigil's {out['type']} monitor has no such setting")
                self.skip((*path, key), why)
        return out

    def target(self, path: Path, kind: str, monitor: dict[str, Any]) -> dict[str, Any] | None:
        host, port = str(monitor.get("hostname") or ""), monitor.get("port")
        if kind in ("http", "keyword", "json-query"):
            return self.http(path, kind, monitor)
        if kind == "port":
            return {"type": "tcp", "host": host, "port": int(port or 0)}
        if kind == "ping":
            return {"type": "ping", "host": host}
        if kind == "dns":
            resolver = str(monitor.get("dns_resolve_server") or "1.1.1.1")
            if port and int(port) != 53:
                resolver = f"{resolver}:{int(port)}"
            return {
                "type": "dns",
                "query": host,
                "record_type": str(monitor.get("dns_resolve_type") or "A"),
                "resolver": resolver,
            }
        if kind == "push":
            return {
                "type": "heartbeat",
                "grace": duration(timedelta(seconds=int(monitor.get("interval") or 60))),
            }
        why = f'Vigil has no "{kind}" check' if kind in SKIPPED_TYPES else f'unknown type "{kind}"'
        self.skip((*path, "type"), f"{why}: not imported")
        return None

    def http(self, path: Path, kind: str, monitor: dict[str, Any]) -> dict[str, Any] | None:
        out: dict[str, Any] = {"type": "http", "url": str(monitor.get("url") or "")}
        if monitor.get("method") and str(monitor["method"]).upper() != "GET":
            out["method"] = str(monitor["method"]).upper()
        headers = self.headers(path, monitor)
        if headers:
            out["headers"] = headers
        if monitor.get("body"):
            out["body"] = str(monitor["body"])
        codes = monitor.get("accepted_statuscodes") or ["200-299"]  # Kuma's default
        out["expected_status"] = [str(code) for code in codes]
        redirects = monitor.get("maxredirects")
        if redirects == 0:
            out["follow_redirects"] = False
        elif redirects is not None:
            out["max_redirects"] = min(int(redirects), 50)
        if monitor.get("ignoreTls"):
            out["verify_tls"] = False
        if kind == "keyword" and monitor.get("keyword"):
            compare = "not_contains" if monitor.get("invertKeyword") else "contains"
            out["assertions"] = [
                {"kind": "textBody", "compare": compare, "target": str(monitor["keyword"])}
            ]
        if kind == "json-query":
            condition = self.json_query(path, monitor)
            if condition is None:
                return None
            out["conditions"] = [condition]
        return out

    def headers(self, path: Path, monitor: dict[str, Any]) -> dict[str, str]:
        headers: dict[str, str] = {}
        if monitor.get("headers"):
            try:
                parsed = json.loads(str(monitor["headers"]))
            except ValueError:
                parsed = None
            if isinstance(parsed, dict):
                headers = {str(k): str(v) for k, v in parsed.items()}
            else:
                self.skip((*path, "headers"), "not a JSON object of headers: not imported")
        if monitor.get("authMethod") == "basic" and monitor.get("basic_auth_user"):
            name = self.secret_name(f"{monitor['name']}_basic_auth")
            headers["Authorization"] = f"Basic ${{{name}}}"
            self.skip((*path, "basic_auth_pass"), moved_secret(name, "base64 of user:password"))
        elif monitor.get("authMethod") not in (None, "", "basic"):
            self.skip(
                (*path, "authMethod"), f"Vigil does no {monitor['authMethod']} authentication"
            )
        return headers

    def json_query(self, path: Path, monitor: dict[str, Any]) -> str | None:
        query = str(monitor.get("jsonPath") or "")
        match = _SIMPLE_PATH.fullmatch(query)
        if match is None:
            self.skip(
                (*path, "jsonPath"),
                "a JSONata expression Vigil's conditions cannot hold: not imported",
            )
            return None
        return f"[BODY].{match[1]}{match[2]} == {monitor.get('expectedValue', '')}"

    def timing(self, path: Path, kind: str, monitor: dict[str, Any]) -> dict[str, Any]:
        interval = timedelta(seconds=int(monitor.get("interval") or 60))
        out: dict[str, Any] = {}
        if kind != "push":
            out["interval"] = duration(interval)
        timeout = monitor.get("timeout")
        if timeout and kind != "push":
            out["timeout"] = duration(min(timedelta(seconds=float(timeout)), interval))
        retries = int(monitor.get("maxretries") or 0)
        if retries:
            out["retries"] = min(retries, 10)
            if retries > 10:
                self.skip((*path, "maxretries"), "Vigil retries at most 10 times")
        return out

    def secret_name(self, text: str) -> str:
        name = secret_variable("kuma", text)
        self.secrets.add(name)
        return name

    def status_pages(self, pages: Any, monitors: list[dict[str, Any]]) -> None:
        """The first status page's title and groups: what visitors saw."""
        if not isinstance(pages, list) or not pages:
            return
        page = pages[0] if isinstance(pages[0], dict) else {}
        config = page.get("config") or page.get("statusPage") or {}
        site = self.result.config["site"]
        if config.get("title"):
            site["title"] = str(config["title"])
        if config.get("description"):
            site["description"] = str(config["description"])
        for index in range(1, len(pages)):
            self.skip(
                ("statusPageList", index), "one page per Vigil config: only the first is imported"
            )
        by_id = {m["id"]: m for m in monitors}
        for index, group in enumerate(page.get("publicGroupList") or []):
            name = str(group.get("name") or "Services")
            group_id = identifier(name, {g["id"] for g in self.groups.values()})
            self.groups[("page", index)] = {"id": group_id, "name": name}
            for member in group.get("monitorList") or []:
                vigil_id = self.by_kuma_id.get(member.get("id"))
                if vigil_id in by_id:
                    by_id[vigil_id]["group"] = group_id

    def channels(self, notifications: Any, monitors: list[Any]) -> list[dict[str, Any]]:
        out = []
        taken = set(self.ids)
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
                self.by_kuma_id[m.get("id")]
                for m in monitors
                if isinstance(m, dict)
                and m.get("id") in self.by_kuma_id
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
                variable = self.secret_name(f"{channel['id']}_{target}")
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


IMPORTER = Importer("uptime-kuma", "an Uptime Kuma backup/export JSON", run)
