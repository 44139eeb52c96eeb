"""Gatus maintenance (`config/maintenance/maintenance.go`), global or per endpoint, as Vigil
maintenance incident files with a weekly recurrence in the window's timezone."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from configuration.source import Path
from importers.base import Document, IncidentDraft, duration, identifier, utc_midnight
from importers.gatus.endpoints import read_duration


class Maintenance:
    def __init__(self, document: Document, now: datetime) -> None:
        self.doc = document
        self.now = now
        self.stems: set[str] = set()  # incident file names, without the date
        self.drafts: list[IncidentDraft] = []

    def add(self, path: Path, config: Any, monitor_ids: list[str]) -> None:
        windows = config if isinstance(config, list) else [config] if config else []
        for index, window in enumerate(windows):
            here = (*path, index) if isinstance(config, list) else path
            if not isinstance(window, dict) or window.get("enabled") is False or not monitor_ids:
                continue
            self.drafts.append(self.window(here, window, monitor_ids))

    def window(self, path: Path, window: dict[str, Any], monitor_ids: list[str]) -> IncidentDraft:
        start = str(window.get("start") or "")
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", start):
            raise self.doc.problem((*path, "start"), f'expected "hh:mm", got "{start}"')
        length = read_duration(self.doc, path, window.get("duration"), timedelta(0))
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
