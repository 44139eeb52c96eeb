"""Uptime Kuma monitors as Vigil monitors (`server/model/monitor.js`, `toJSON`): intervals
and timeouts in seconds, `accepted_statuscodes`, `keyword`/`invertKeyword`,
`jsonPath`/`expectedValue`, `dns_resolve_type`, `upsideDown`, and `parent` for the members
of a group monitor. A basic-auth password becomes a `${KUMA_…}` reference, reported."""

from __future__ import annotations

import json
import re
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
REASONS = {
    "retryInterval": "Vigil retries within the same run (runner.retry_backoff)",
    "resendInterval": "Vigil alerts once per outage",
    "pushToken": "Vigil takes heartbeats with `vigil heartbeat ID` in a workflow, not a URL",
    "tags": "Vigil has no tags; group: sorts monitors",
    "expiryNotification": "add a tls monitor for the certificate's expiry",
    "packetSize": "Vigil's ping sends the system's default size",
    "proxyId": "Vigil's checks use no proxy",
}
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


class Monitors:
    """Translates monitors one at a time, remembering the Vigil id of each Kuma id and the
    groups; what does not carry over goes to `untranslated`."""

    def __init__(self, document: Document, untranslated: list[Untranslated]) -> None:
        self.doc = document
        self.untranslated = untranslated
        self.ids: set[str] = set()
        self.by_kuma_id: dict[Any, str] = {}
        self.groups: dict[Any, dict[str, str]] = {}  # Kuma group monitor id -> Vigil group

    def skip(self, path: Path, why: str) -> None:
        self.untranslated.append(self.doc.untranslated(path, why))

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
            name = secret_variable("kuma", f"{monitor['name']}_basic_auth")
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
