"""Gatus announcements (`config/announcement/announcement.go`: timestamp, type, message) as
Vigil's `announcements:`.

Gatus shows every announcement's message under its time, newest first, coloured by its type;
Vigil pins one with a title and a Markdown message while it is current. So the title is the
message's first line (cut at a word to fit one line), the message stays whole, `from` is the
timestamp (import time when unset, as Gatus defaults it), and the type becomes a level:
`outage` and `warning` → `warning`, `information`, `operational` and `none` → `info`. An
`archived` one (Gatus lists it under past announcements) ends at the import.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from configuration.source import Path
from importers.base import Document, Untranslated, identifier

LEVELS = {
    "outage": "warning",
    "warning": "warning",
    "information": "info",
    "operational": "info",
    "none": "info",
}
TITLE_LENGTH = 80
KEYS = ("timestamp", "type", "message", "archived")


class Announcements:
    def __init__(self, document: Document, now: datetime, skipped: list[Untranslated]) -> None:
        self.doc = document
        self.now = now
        self.skipped = skipped
        self.ids: set[str] = set()

    def translated(self, entries: Any) -> list[dict[str, Any]]:
        if entries is None:
            return []
        if not isinstance(entries, list):
            raise self.doc.problem(("announcements",), "expected a list of announcements")
        return [self.one(("announcements", i), entry) for i, entry in enumerate(entries)]

    def one(self, path: Path, entry: Any) -> dict[str, Any]:
        message = str(entry.get("message") or "").strip() if isinstance(entry, dict) else ""
        if not message:
            raise self.doc.problem(path, "an announcement needs a message")
        kind = str(entry.get("type") or "none")
        if kind not in LEVELS:
            expected = ", ".join(LEVELS)
            raise self.doc.problem((*path, "type"), f'expected one of {expected}, got "{kind}"')
        title = _title(message)
        out: dict[str, Any] = {
            "id": identifier(title, self.ids, fallback="announcement"),
            "title": title,
            "message": message,
            "level": LEVELS[kind],
            "from": _iso(self.moment(path, entry.get("timestamp"))),
        }
        if entry.get("archived"):
            out["until"] = _iso(max(self.now, self.moment(path, entry.get("timestamp"))))
        for key in entry:
            if key not in KEYS:
                self.skipped.append(self.doc.untranslated((*path, key), "not a Gatus key"))
        return out

    def moment(self, path: Path, value: Any) -> datetime:
        if value is None:
            return self.now
        try:
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        except ValueError:
            raise self.doc.problem((*path, "timestamp"), f'not a timestamp: "{value}"') from None
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _title(message: str) -> str:
    line = message.splitlines()[0].strip()
    if len(line) <= TITLE_LENGTH:
        return line
    return line[: TITLE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"


def _iso(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%SZ}"
