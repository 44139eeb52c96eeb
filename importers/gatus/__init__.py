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
language).

This module walks the top level; the parts are `files` (reading and merging),
`endpoints` (monitors), `alerting` (channels) and `maintenance` (incident files).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from configuration.source import Path
from importers.base import Document, Imported, Importer, skeleton
from importers.gatus.alerting import Alerts
from importers.gatus.endpoints import Endpoints, Watched
from importers.gatus.files import expand_env, read
from importers.gatus.maintenance import Maintenance

# Top-level keys Vigil has nothing for, and why.
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
HANDLED = ("endpoints", "external-endpoints", "alerting", "ui", "maintenance", "connectivity")


def run(location: str, now: datetime) -> Imported:
    document = read(location)
    if not isinstance(document.data, dict):
        raise document.problem((), "expected a Gatus config: a mapping with endpoints")
    document.data = expand_env(document.data)
    return Translation(document, now).imported()


class Translation:
    """One Gatus config turned into Vigil's, collecting what does not carry over."""

    def __init__(self, document: Document, now: datetime) -> None:
        self.doc = document
        self.result = Imported(skeleton("Status"))
        self.endpoints = Endpoints(document, self.result.untranslated)
        self.alerts = Alerts(document, self.result.untranslated)
        self.maintenance = Maintenance(document, now)

    def imported(self) -> Imported:
        data = self.doc.data
        for key in data:
            if key in TOP_LEVEL:
                self.skip((key,), TOP_LEVEL[key])
            elif key not in HANDLED:
                self.skip((key,), "not a Gatus key Vigil knows")
        monitors = self.result.config.setdefault("monitors", [])
        for index, endpoint in enumerate(_entries(data, "endpoints", self.doc)):
            monitors += self.watched(("endpoints", index), endpoint, self.endpoints.endpoint)
        for index, endpoint in enumerate(_entries(data, "external-endpoints", self.doc)):
            monitors += self.watched(
                ("external-endpoints", index), endpoint, self.endpoints.external
            )
        self.site(data.get("ui"))
        self.connectivity(data.get("connectivity"))
        if groups := self.endpoints.groups:
            self.result.config["groups"] = [
                {"id": group_id, "name": name} for name, group_id in groups.items()
            ]
        channels = self.alerts.channels(data.get("alerting"), self.endpoints.ids)
        if channels:
            self.result.config["notifications"] = channels
        self.maintenance.add(("maintenance",), data.get("maintenance"), [m["id"] for m in monitors])
        self.result.incidents += self.maintenance.drafts
        return self.result

    def skip(self, path: Path, why: str) -> None:
        self.result.untranslated.append(self.doc.untranslated(path, why))

    def watched(
        self,
        path: Path,
        endpoint: dict[str, Any],
        translate: Callable[[Path, dict[str, Any]], Watched | None],
    ) -> list[dict[str, Any]]:
        """An endpoint's monitor, with its alerts and maintenance windows noted."""
        translated = translate(path, endpoint)
        if translated is None:
            return []
        monitor, interval = translated
        self.alerts.collect(
            path, endpoint.get("alerts"), monitor["id"], endpoint.get("group"), interval
        )
        self.maintenance.add(
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


def _entries(data: dict[str, Any], key: str, document: Document) -> list[dict[str, Any]]:
    entries = data.get(key) or []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise document.problem((key,), "expected a list of mappings")
    return entries


IMPORTER = Importer(
    "gatus",
    "Gatus's config.yaml, or a folder of YAML files merged as Gatus merges them",
    run,
)
