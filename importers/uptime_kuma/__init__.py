"""Uptime Kuma: a backup/export JSON (Settings → Backup → Export).

Read from Uptime Kuma's source (louislam/uptime-kuma): `server/server.js` (`uploadBackup`:
the file is `{version, notificationList, monitorList, proxyList}`, newer exports add
`maintenanceList` and `statusPageList`), `server/model/monitor.js` (`toJSON`: each
monitor's fields; intervals and timeouts in seconds; `accepted_statuscodes`, `keyword`
and `invertKeyword`, `jsonPath`/`expectedValue`, `dns_resolve_type`, `upsideDown`,
`parent` for group monitors) and `server/notification-providers/*.js` (each channel's
fields, in the notification's `config` JSON). A backup holds credentials in plain text:
each is written as a `${KUMA_…}` reference instead and reported, never copied.

This module walks the backup; the parts are `monitors` and `channels`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from configuration.source import Path
from importers.base import Document, Imported, Importer, identifier, skeleton
from importers.reading import load_json
from importers.uptime_kuma.channels import Channels
from importers.uptime_kuma.monitors import Monitors


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
        self.monitors = Monitors(document, self.result.untranslated)
        self.groups = self.monitors.groups

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
            translated = self.monitors.monitor(("monitorList", index), monitor)
            if translated is not None:
                monitors.append(translated)
        self.status_pages(data.get("statusPageList"), monitors)
        groups = {g["id"]: g for g in self.groups.values()}
        if groups:
            self.result.config["groups"] = list(groups.values())
        self.result.config["monitors"] = monitors
        channels = Channels(self.doc, self.result.untranslated).channels(
            data.get("notificationList"),
            data["monitorList"],
            self.monitors.by_kuma_id,
            self.monitors.ids,
        )
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
                vigil_id = self.monitors.by_kuma_id.get(member.get("id"))
                if vigil_id in by_id:
                    by_id[vigil_id]["group"] = group_id


IMPORTER = Importer("uptime-kuma", "an Uptime Kuma backup/export JSON", run)
