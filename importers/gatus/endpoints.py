"""Gatus endpoints and external endpoints as Vigil monitors: the check type from the URL's
scheme (`config/endpoint/endpoint.go`), the client settings (`client/config.go`), the
conditions copied verbatim, the `ui` flags, and a heartbeat monitor for an external endpoint.

Because Gatus judges an HTTP answer by its conditions alone, an http monitor accepts every
status code (`expected_status: ["100-599"]`) and the conditions decide.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from checks.conditions import parse_condition
from configuration.durations import parse_duration
from configuration.source import Path
from importers.base import Document, Untranslated, duration, identifier

DEFAULT_INTERVAL = timedelta(minutes=1)
DEFAULT_TIMEOUT = timedelta(seconds=10)  # Gatus's and Vigil's
DEFAULT_GRACE = timedelta(minutes=10)
DNS_TYPES = ("A", "AAAA", "CNAME", "MX", "NS", "TXT", "SOA", "CAA", "SRV", "PTR")
# A monitor and the interval its alerts count in.
Watched = tuple[dict[str, Any], timedelta]
_BODY_NAMES = ("[ENDPOINT_NAME]", "[ENDPOINT_GROUP]", "[ENDPOINT_URL]")
# Endpoint and client keys Vigil has nothing for, and why.
ENDPOINT_KEYS = {
    "extra-labels": "Vigil's `metrics` file carries no per-monitor extra labels",
    "ssh": "Vigil has no ssh check with a login; a banner check became a tcp check",
    "store": "suites only",
    "always-run": "suites only",
}
CLIENT_KEYS = {
    "proxy-url": "Vigil's checks use no proxy",
    "dns-resolver": "the http check uses the runner's resolvers",
    "oauth2": "Vigil fetches no OAuth2 tokens; put a token in headers as ${NAME}",
    "identity-aware-proxy": "Vigil fetches no Google IAP tokens",
    "kerberos": "Vigil does no Kerberos authentication",
    "tls": "Vigil sends no client certificates",
    "network": "Vigil picks IPv4 or IPv6 as the system resolves the name",
    "tunnel": "Vigil opens no SSH tunnels",
}
UI_HIDDEN = ("hide-url", "hide-hostname", "hide-port", "hide-conditions")


def read_duration(document: Document, path: Path, value: Any, default: timedelta) -> timedelta:
    """A Gatus duration (`30s`, `1m`) at `path`, or `default` when not written."""
    if value is None:
        return default
    try:
        return parse_duration(value)
    except ValueError as error:
        raise document.problem((*path, "interval"), str(error)) from None


class Endpoints:
    """Translates endpoints one at a time; each returns the monitor and the interval its
    alerts count in (None when it is not imported), and what does not carry over goes to
    `untranslated`."""

    def __init__(self, document: Document, untranslated: list[Untranslated]) -> None:
        self.doc = document
        self.untranslated = untranslated
        self.ids: set[str] = set()
        self.groups: dict[str, str] = {}  # Gatus group name -> Vigil group id

    def skip(self, path: Path, why: str) -> None:
        self.untranslated.append(self.doc.untranslated(path, why))

    def common(self, path: Path, endpoint: dict[str, Any]) -> dict[str, Any] | None:
        """id, name, group of an endpoint or external endpoint; None when disabled."""
        name = str(endpoint.get("name") or "")
        if not name:
            raise self.doc.problem(path, "an endpoint needs a name")
        if endpoint.get("enabled") is False:
            self.skip((*path, "enabled"), "disabled in Gatus: not imported")
            return None
        group = str(endpoint.get("group") or "")
        monitor: dict[str, Any] = {"id": identifier(_key(group, name), self.ids), "name": name}
        if group:
            monitor["group"] = self.groups.setdefault(
                group, identifier(group, set(self.groups.values()))
            )
        return monitor

    def endpoint(self, path: Path, endpoint: dict[str, Any]) -> Watched | None:
        monitor = self.common(path, endpoint)
        if monitor is None:
            return None
        target = self.target(path, endpoint)
        if target is None:
            self.ids.discard(monitor["id"])
            return None
        monitor.update(target)
        interval = read_duration(self.doc, path, endpoint.get("interval"), DEFAULT_INTERVAL)
        monitor["interval"] = duration(interval)
        monitor.update(self.client(path, endpoint.get("client"), monitor["type"], interval))
        monitor["conditions"] = self.conditions(path, endpoint.get("conditions"))
        monitor.update(self.ui(path, endpoint.get("ui")))
        for key in endpoint:
            if key in ENDPOINT_KEYS and not (key == "ssh" and monitor["type"] == "tcp"):
                self.skip((*path, key), ENDPOINT_KEYS[key])
        return monitor, interval

    def target(self, path: Path, endpoint: dict[str, Any]) -> dict[str, Any] | None:
        url = str(endpoint.get("url") or "")
        if not url:
            raise self.doc.problem(path, "an endpoint needs a url")
        if endpoint.get("dns") is not None:
            return self.dns(path, endpoint["dns"], url)
        scheme = url.partition("://")[0].lower()
        if scheme in ("http", "https"):
            return self.http(path, endpoint, url)
        if scheme in ("tcp", "tls", "icmp", "ssh"):
            return self.socket(path, scheme, url, endpoint)
        why = {
            "udp": "Vigil has no UDP check",
            "sctp": "Vigil has no SCTP check",
            "starttls": "Vigil's tcp check speaks TLS from the start, not STARTTLS",
            "ws": "Vigil has no WebSocket check",
            "wss": "Vigil has no WebSocket check",
        }.get(scheme, f'Vigil has no check for "{scheme}://" URLs')
        self.skip((*path, "url"), f"{why}: endpoint not imported")
        return None

    def http(self, path: Path, endpoint: dict[str, Any], url: str) -> dict[str, Any]:
        monitor: dict[str, Any] = {"type": "http", "url": url}
        if endpoint.get("method"):
            monitor["method"] = str(endpoint["method"]).upper()
        headers = {str(k): str(v) for k, v in (endpoint.get("headers") or {}).items()}
        body = self.body(path, endpoint, url)
        if endpoint.get("graphql"):
            body = json.dumps({"query": body}, separators=(",", ":"))
            headers.setdefault("Content-Type", "application/json")
        if headers:
            monitor["headers"] = headers
        if body:
            monitor["body"] = body
        monitor["expected_status"] = ["100-599"]  # the conditions decide, as in Gatus
        return monitor

    def body(self, path: Path, endpoint: dict[str, Any], url: str) -> str:
        body = str(endpoint.get("body") or "")
        values = (str(endpoint.get("name") or ""), str(endpoint.get("group") or ""), url)
        for placeholder, value in zip(_BODY_NAMES, values, strict=True):
            body = body.replace(placeholder, value)
        if "[RANDOM_STRING_" in body:
            self.skip((*path, "body"), "Vigil sends the body as written: [RANDOM_STRING_N] stays")
        return body

    def socket(
        self, path: Path, scheme: str, url: str, endpoint: dict[str, Any]
    ) -> dict[str, Any] | None:
        address = url.partition("://")[2]
        if scheme == "icmp":
            return {"type": "ping", "host": address}
        parts = urlsplit(f"//{address}")
        if not parts.hostname or parts.port is None:
            raise self.doc.problem((*path, "url"), f'expected "{scheme}://host:port", got "{url}"')
        if scheme == "tls":
            # The conditions judge the certificate, as in Gatus: no expiry rule of Vigil's own.
            return {
                "type": "tls",
                "host": parts.hostname,
                "port": parts.port,
                "degraded_within": "0s",
                "down_within": "0s",
            }
        monitor: dict[str, Any] = {"type": "tcp", "host": parts.hostname, "port": parts.port}
        ssh = endpoint.get("ssh") or {}
        if scheme == "ssh":
            if ssh.get("username") or ssh.get("password"):
                self.skip((*path, "ssh"), "Vigil has no ssh check that logs in: not imported")
                return None
            monitor["expect"] = "SSH-"  # the banner check Gatus makes without a login
        elif endpoint.get("body"):
            monitor["send"] = self.body(path, endpoint, url)
        return monitor

    def dns(self, path: Path, config: dict[str, Any], url: str) -> dict[str, Any] | None:
        record = str(config.get("query-type") or "")
        if record not in DNS_TYPES:
            why = f'Vigil asks for {" ".join(DNS_TYPES)}, not "{record}": endpoint not imported'
            self.skip((*path, "dns", "query-type"), why)
            return None
        name = str(config.get("query-name") or "")
        if not name:
            raise self.doc.problem((*path, "dns"), "a dns endpoint needs query-name")
        resolver = url.removeprefix("udp://").removeprefix("tcp://")
        monitor = {"type": "dns", "query": name.rstrip(".") or name, "record_type": record}
        monitor["resolver"] = resolver
        if url.startswith("tcp://"):
            monitor["protocol"] = "tcp"
        return monitor

    def client(self, path: Path, client: Any, kind: str, interval: timedelta) -> dict[str, Any]:
        client = client if isinstance(client, dict) else {}
        settings: dict[str, Any] = {}
        timeout = read_duration(self.doc, (*path, "client"), client.get("timeout"), DEFAULT_TIMEOUT)
        if timeout > interval and "timeout" in client:
            self.skip(
                (*path, "client", "timeout"),
                f"longer than the interval: cut to {duration(interval)}",
            )
        if min(timeout, interval) != DEFAULT_TIMEOUT:
            settings["timeout"] = duration(min(timeout, interval))
        if client.get("insecure"):
            settings["verify" if kind == "tls" else "verify_tls"] = False
        if client.get("ignore-redirect") and kind == "http":
            settings["follow_redirects"] = False
        for key in client:
            if key in CLIENT_KEYS:
                self.skip((*path, "client", key), CLIENT_KEYS[key])
        return settings

    def conditions(self, path: Path, conditions: Any) -> list[str]:
        kept = []
        for index, condition in enumerate(conditions or []):
            try:
                parse_condition(str(condition))
            except ValueError as error:
                self.skip((*path, "conditions", index), f"dropped, Vigil cannot read it: {error}")
                continue
            kept.append(str(condition))
        if not kept:
            raise self.doc.problem((*path, "conditions"), "Gatus needs at least one condition")
        return kept

    def ui(self, path: Path, ui: Any) -> dict[str, Any]:
        if not isinstance(ui, dict):
            return {}
        settings: dict[str, Any] = {}
        if any(ui.get(key) for key in UI_HIDDEN):
            settings["hide_target"] = True
        if ui.get("hide-errors"):
            settings["hide_errors"] = True
        for key in ("dont-resolve-failed-conditions", "badge"):
            if key in ui:
                why = (
                    "Vigil always explains a failed condition"
                    if key[0] == "d"
                    else ("Vigil's response-time badge has fixed colours")
                )
                self.skip((*path, "ui", key), why)
        return settings

    def external(self, path: Path, endpoint: dict[str, Any]) -> Watched | None:
        monitor = self.common(path, endpoint)
        if monitor is None:
            return None
        monitor["type"] = "heartbeat"
        heartbeat = endpoint.get("heartbeat") or {}
        written = heartbeat.get("interval") if isinstance(heartbeat, dict) else None
        grace = read_duration(self.doc, (*path, "heartbeat"), written, DEFAULT_GRACE)
        if written:
            monitor["grace"] = duration(grace)
        else:
            self.skip(
                (*path, "heartbeat"), "no heartbeat interval in Gatus: Vigil waits 10m (grace)"
            )
        if "token" in endpoint:
            why = "Vigil takes heartbeats with `vigil heartbeat ID` in a workflow, not a token"
            self.skip((*path, "token"), why)
        return monitor, grace


def _key(group: str, name: str) -> str:
    """Gatus's endpoint key (config/key/key.go), without its leading `_` when ungrouped."""

    def clean(text: str) -> str:
        text = text.strip().lower()
        for char in "/_,.# +&":
            text = text.replace(char, "-")
        return text

    return f"{clean(group)}_{clean(name)}" if group else clean(name)
