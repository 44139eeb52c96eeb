"""Gatus: its `config.yaml`, or a folder of YAML files merged as Gatus merges them.

Read from Gatus's source (TwiN/gatus): `config/config.go` (the keys; a folder is walked in
lexical order, `.yml`/`.yaml` only, and each file deep-merged into the ones before with
TwiN/deepmerge: mappings merge, lists append, a plain value written twice is an error),
`config/endpoint/endpoint.go` (the type from the URL's scheme, defaults: interval 1m,
method GET, every condition decides), `client/config.go` (timeout 10s), `config/endpoint/
ui/ui.go`, `config/endpoint/dns/dns.go`, `config/endpoint/external_endpoint.go`,
`config/maintenance/maintenance.go`, `alerting/alert/alert.go` (failure-threshold 3,
success-threshold 2, send-on-resolved false) and `alerting/provider/*/*.go`.

Gatus expands `$VAR` and `${VAR}` from its environment and reads `$$` as `$`: both forms
become Vigil's `${VAR}`, never expanded here. Conditions are copied verbatim (the same
language); because Gatus judges an HTTP answer by its conditions alone, an http monitor
accepts every status code (`expected_status: ["100-599"]`) and the conditions decide.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime, timedelta
from pathlib import Path as FilePath
from typing import Any
from urllib.parse import urlsplit

from checks.conditions import parse_condition
from configuration.durations import parse_duration
from configuration.errors import ConfigError, Problem
from configuration.source import Path, Source, parse_yaml
from importers import gatus_alerting
from importers.base import (
    Document,
    Imported,
    Importer,
    IncidentDraft,
    duration,
    identifier,
    skeleton,
    utc_midnight,
    yaml_document,
)
from importers.reading import is_url, load_yaml, read_text

DEFAULT_INTERVAL = timedelta(minutes=1)
DEFAULT_TIMEOUT = timedelta(seconds=10)  # Gatus's and Vigil's
DNS_TYPES = ("A", "AAAA", "CNAME", "MX", "NS", "TXT", "SOA", "CAA", "SRV", "PTR")
_ENV = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_BODY_NAMES = ("[ENDPOINT_NAME]", "[ENDPOINT_GROUP]", "[ENDPOINT_URL]")
# Keys Vigil has nothing for, and why (top level, then endpoint and client keys).
TOP_LEVEL = {
    "metrics": "every Vigil site has a static Prometheus `metrics` file (docs/metrics.md)",
    "storage": "Vigil keeps its history as Parquet on the data branch or in S3 (history.store)",
    "web": "Vigil serves no web server: the page is static files",
    "security": "a static page has no login; keep private monitors `public: false`",
    "remote": "Vigil reads no remote Gatus instances",
    "tunneling": "Vigil opens no SSH tunnels",
    "concurrency": "Vigil checks concurrently by default (runner.concurrency, 256)",
    "disable-monitoring-lock": "Vigil checks concurrently by default (runner.concurrency)",
    "skip-invalid-config-update": "`vigil validate` checks every change before it is used",
    "debug": "not a setting in Vigil",
    "suites": "Vigil has no multi-step suites; import each step as its own monitor",
    "announcements": "not translated yet: copy each under Vigil's `announcements:` "
    "(docs/incidents.md), or write an incident file for an outage",
}
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
HANDLED = ("endpoints", "external-endpoints", "alerting", "ui", "maintenance", "connectivity")
UI_HIDDEN = ("hide-url", "hide-hostname", "hide-port", "hide-conditions")


def run(location: str, now: datetime) -> Imported:
    document = read(location)
    if not isinstance(document.data, dict):
        raise document.problem((), "expected a Gatus config: a mapping with endpoints")
    document.data = expand_env(document.data)
    return Translation(document, now).imported()


def read(location: str) -> Document:
    """One file (or URL), or a folder merged as Gatus merges it."""
    if is_url(location) or not os.path.isdir(location):
        return load_yaml(location)
    files = list(_config_files(FilePath(location)))
    if not files:
        problem = Problem(location, 0, 0, "", "no .yml or .yaml file in this folder")
        raise ConfigError([problem])
    return merge_documents([parse_yaml(read_text(str(file)), str(file)) for file in files])


def _config_files(folder: FilePath) -> list[FilePath]:
    """`.yml`/`.yaml` files under `folder` in the order Go's filepath.WalkDir visits them."""
    found: list[FilePath] = []
    for entry in sorted(folder.iterdir(), key=lambda path: path.name):
        if entry.is_dir():
            found += _config_files(entry)
        elif entry.suffix in (".yml", ".yaml"):
            found.append(entry)
    return found


def merge_documents(sources: list[Source]) -> Document:
    """Deep-merge like TwiN/deepmerge; every merged path remembers its file and line."""
    data: dict[str, Any] = {}
    spots: dict[Path, str] = {}
    for source in sources:
        if source.data is None:
            continue  # an empty file adds nothing
        if not isinstance(source.data, dict):
            raise yaml_document(source).problem((), "expected a mapping of Gatus keys")
        offsets: dict[Path, int] = {}
        _merge(data, source.data, (), source, offsets, spots)
        for path, (line, _) in source.values.items():
            spots.setdefault(_shifted(path, offsets), f"{source.file}:{line}")

    def locate(path: Path) -> str:
        for end in range(len(path), -1, -1):
            if path[:end] in spots:
                return spots[path[:end]]
        return sources[0].file

    return Document(sources[0].file, data, locate)


def _merge(
    into: dict[str, Any],
    new: dict[str, Any],
    path: Path,
    source: Source,
    offsets: dict[Path, int],
    spots: dict[Path, str],
) -> None:
    for key, value in new.items():
        here = (*path, key)
        old = into.get(key)
        if isinstance(value, dict) and (old is None or isinstance(old, dict)):
            _merge(into.setdefault(key, {}), value, here, source, offsets, spots)
        elif isinstance(value, list) and isinstance(old, list):
            offsets[here] = len(old)
            old.extend(value)
        elif key in into and not isinstance(value, list):
            before = spots.get(_shifted(here, offsets), "another file")
            raise yaml_document(source).problem(
                here, f"also written in {before}; Gatus merges only mappings and lists"
            )
        else:
            into[key] = value


def _shifted(path: Path, offsets: dict[Path, int]) -> Path:
    shifted: list[str | int] = []
    for index, part in enumerate(path):
        if isinstance(part, int):
            part += offsets.get(path[:index], 0)
        shifted.append(part)
    return tuple(shifted)


def expand_env(value: Any) -> Any:
    """`$VAR`, `${VAR}` → `${VAR}` (kept, never expanded); `$$` → `$`."""
    if isinstance(value, str):
        return _ENV.sub(lambda m: "$" if m.group(0) == "$$" else f"${{{m[1] or m[2]}}}", value)
    if isinstance(value, dict):
        return {key: expand_env(item) for key, item in value.items()}
    if isinstance(value, list):
        return [expand_env(item) for item in value]
    return value


class Translation:
    """One Gatus config turned into Vigil's, collecting what does not carry over."""

    def __init__(self, document: Document, now: datetime) -> None:
        self.doc = document
        self.now = now
        self.result = Imported(skeleton("Status"))
        self.ids: set[str] = set()
        self.groups: dict[str, str] = {}  # Gatus group name -> Vigil group id
        self.stems: set[str] = set()  # incident file names, without the date
        self.alerts = gatus_alerting.Alerts(document, self.result.untranslated)

    def imported(self) -> Imported:
        data = self.doc.data
        for key in data:
            if key in TOP_LEVEL:
                self.skip((key,), TOP_LEVEL[key])
            elif key not in HANDLED:
                self.skip((key,), "not a Gatus key Vigil knows")
        monitors = self.result.config.setdefault("monitors", [])
        for index, endpoint in enumerate(_entries(data, "endpoints", self.doc)):
            monitors += self.endpoint(("endpoints", index), endpoint)
        for index, endpoint in enumerate(_entries(data, "external-endpoints", self.doc)):
            monitors += self.external(("external-endpoints", index), endpoint)
        self.site(data.get("ui"))
        self.connectivity(data.get("connectivity"))
        if self.groups:
            self.result.config["groups"] = [
                {"id": group_id, "name": name} for name, group_id in self.groups.items()
            ]
        channels = self.alerts.channels(data.get("alerting"), self.ids)
        if channels:
            self.result.config["notifications"] = channels
        self.maintenance(("maintenance",), data.get("maintenance"), [m["id"] for m in monitors])
        return self.result

    def skip(self, path: Path, why: str) -> None:
        self.result.untranslated.append(self.doc.untranslated(path, why))

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

    def endpoint(self, path: Path, endpoint: dict[str, Any]) -> list[dict[str, Any]]:
        monitor = self.common(path, endpoint)
        if monitor is None:
            return []
        target = self.target(path, endpoint)
        if target is None:
            self.ids.discard(monitor["id"])
            return []
        monitor.update(target)
        interval = self.interval(path, endpoint.get("interval"), DEFAULT_INTERVAL)
        monitor["interval"] = duration(interval)
        monitor.update(self.client(path, endpoint.get("client"), monitor["type"], interval))
        monitor["conditions"] = self.conditions(path, endpoint.get("conditions"))
        monitor.update(self.ui(path, endpoint.get("ui")))
        for key in endpoint:
            if key in ENDPOINT_KEYS and not (key == "ssh" and monitor["type"] == "tcp"):
                self.skip((*path, key), ENDPOINT_KEYS[key])
        self.alerts.collect(
            path, endpoint.get("alerts"), monitor["id"], endpoint.get("group"), interval
        )
        self.maintenance(
            (*path, "maintenance-windows"), endpoint.get("maintenance-windows"), [monitor["id"]]
        )
        return [monitor]

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

    def interval(self, path: Path, value: Any, default: timedelta) -> timedelta:
        if value is None:
            return default
        try:
            return parse_duration(value)
        except ValueError as error:
            raise self.doc.problem((*path, "interval"), str(error)) from None

    def client(self, path: Path, client: Any, kind: str, interval: timedelta) -> dict[str, Any]:
        client = client if isinstance(client, dict) else {}
        settings: dict[str, Any] = {}
        timeout = self.interval((*path, "client"), client.get("timeout"), DEFAULT_TIMEOUT)
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

    def external(self, path: Path, endpoint: dict[str, Any]) -> list[dict[str, Any]]:
        monitor = self.common(path, endpoint)
        if monitor is None:
            return []
        monitor["type"] = "heartbeat"
        heartbeat = endpoint.get("heartbeat") or {}
        written = heartbeat.get("interval") if isinstance(heartbeat, dict) else None
        grace = self.interval((*path, "heartbeat"), written, timedelta(minutes=10))
        if written:
            monitor["grace"] = duration(grace)
        else:
            self.skip(
                (*path, "heartbeat"), "no heartbeat interval in Gatus: Vigil waits 10m (grace)"
            )
        if "token" in endpoint:
            why = "Vigil takes heartbeats with `vigil heartbeat ID` in a workflow, not a token"
            self.skip((*path, "token"), why)
        self.alerts.collect(
            path, endpoint.get("alerts"), monitor["id"], endpoint.get("group"), grace
        )
        self.maintenance(
            (*path, "maintenance-windows"), endpoint.get("maintenance-windows"), [monitor["id"]]
        )
        return [monitor]

    def site(self, ui: Any) -> None:
        if not isinstance(ui, dict):
            return
        site = self.result.config["site"]
        for key, value in ui.items():
            vigil = {
                "title": "title",
                "description": "description",
                "logo": "logo",
                "link": "homepage_url",
            }.get(key)
            if vigil and value:
                site[vigil] = str(value)
            elif key == "favicon" and isinstance(value, dict) and value.get("default"):
                site["favicon"] = str(value["default"])
            elif key == "dark-mode":
                site["theme"] = "dark" if value else "light"
            else:
                self.skip(("ui", key), "Vigil's page has no such setting; see docs/templates.md")

    def connectivity(self, connectivity: Any) -> None:
        checker = connectivity.get("checker") if isinstance(connectivity, dict) else None
        if isinstance(checker, dict) and checker.get("target"):
            self.result.config["runner"] = {"canary": [str(checker["target"])]}
            if "interval" in checker:
                self.skip(
                    ("connectivity", "checker", "interval"),
                    "Vigil asks the canary only when a check fails",
                )

    def maintenance(self, path: Path, config: Any, monitor_ids: list[str]) -> None:
        windows = config if isinstance(config, list) else [config] if config else []
        for index, window in enumerate(windows):
            here = (*path, index) if isinstance(config, list) else path
            if not isinstance(window, dict) or window.get("enabled") is False or not monitor_ids:
                continue
            self.result.incidents.append(self.window(here, window, monitor_ids))

    def window(self, path: Path, window: dict[str, Any], monitor_ids: list[str]) -> IncidentDraft:
        start = str(window.get("start") or "")
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", start):
            raise self.doc.problem((*path, "start"), f'expected "hh:mm", got "{start}"')
        length = self.interval(path, window.get("duration"), timedelta(0))
        recurrence: dict[str, Any] = {
            "start": start,
            "duration": duration(length),
            "timezone": str(window.get("timezone") or "UTC"),
        }
        if window.get("every"):
            recurrence["every"] = [str(day) for day in window["every"]]
        name = "maintenance" if len(monitor_ids) != 1 else f"maintenance-{monitor_ids[0]}"
        stem = f"{utc_midnight(self.now):%Y-%m-%d}-{identifier(name, self.stems)}"
        front = {
            "title": "Scheduled maintenance (from Gatus)",
            "kind": "maintenance",
            "monitors": monitor_ids,
            "scheduled_start": utc_midnight(self.now),
            "recurrence": recurrence,
            "notify": False,
        }
        return IncidentDraft(stem, front, "Imported from Gatus: no alerts are sent during it.\n")


def _entries(data: dict[str, Any], key: str, document: Document) -> list[dict[str, Any]]:
    entries = data.get(key) or []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise document.problem((key,), "expected a list of mappings")
    return entries


def _key(group: str, name: str) -> str:
    """Gatus's endpoint key (config/key/key.go), without its leading `_` when ungrouped."""

    def clean(text: str) -> str:
        text = text.strip().lower()
        for char in "/_,.# +&":
            text = text.replace(char, "-")
        return text

    return f"{clean(group)}_{clean(name)}" if group else clean(name)


IMPORTER = Importer(
    "gatus",
    "Gatus's config.yaml, or a folder of YAML files merged as Gatus merges them",
    run,
)
