"""statuspage: an Atlassian Statuspage page, read from its public API v2 (`summary.json`,
`incidents.json`, `scheduled-maintenances.json`): a page URL (`https://status.acme.com`),
the URL of its `summary.json`, or a folder (or the `summary.json` in it) where the three
files were saved.

Components become monitors without a check (`type: manual`: their status comes from
incidents and maintenance, as on Statuspage), component groups become groups. Each incident
and maintenance becomes a file in `incidents/` with every update, oldest first, and what
each update's `affected_components` changed as that update's `affects:`. Times are written
in UTC. A `postmortem` update (Statuspage's status after resolved) becomes the write-up
below the front matter.

Read from the shapes Statuspage serves (field names, statuses, newest-first updates,
`affected_components` as `{code, name, old_status, new_status}`); the fixture in
tests/fixtures/import/statuspage says where they were taken from.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from configuration.errors import ConfigError
from configuration.incident_files import slugify
from configuration.source import Path
from importers.base import (
    Document,
    Imported,
    Importer,
    IncidentDraft,
    duration,
    identifier,
    skeleton,
)
from importers.reading import is_url, load_json

FILES = ("summary.json", "incidents.json", "scheduled-maintenances.json")
IMPACT_STATUS = {  # an incident's impact as a component status, when updates do not say
    "none": None,
    "minor": "degraded_performance",
    "major": "partial_outage",
    "critical": "major_outage",
}
MAINTENANCE_STATUS = {
    "scheduled": "scheduled",
    "in_progress": "in_progress",
    "verifying": "in_progress",
    "completed": "completed",
}
INCIDENT_STATUSES = ("investigating", "identified", "monitoring", "resolved")
OPEN_INCIDENT = ("investigating", "identified", "monitoring")


def locations(location: str) -> dict[str, str]:
    """Where each of the three files is, from what the person gave."""
    if is_url(location):
        base = location.rstrip("/")
        folder = base.rsplit("/", 1)[0] if base.endswith(".json") else f"{base}/api/v2"
        return {name: f"{folder}/{name}" for name in FILES}
    path = location.removesuffix("summary.json").rstrip("/") or "."
    return {name: f"{path}/{name}" for name in FILES}


def run(location: str, now: datetime) -> Imported:
    where = locations(location)
    summary = load_json(where["summary.json"])
    if not isinstance(summary.data, dict) or not isinstance(summary.data.get("components"), list):
        raise summary.problem((), "expected a Statuspage summary.json: {page, components, …}")
    translation = Translation(summary, now)
    translation.components()
    for name, key in (
        ("incidents.json", "incidents"),
        ("scheduled-maintenances.json", "scheduled_maintenances"),
    ):
        translation.events(summary, key)
        document = translation.optional(where[name], key)
        if document is not None:
            translation.events(document, key)
    return translation.imported()


class Translation:
    def __init__(self, summary: Document, now: datetime) -> None:
        self.summary = summary
        self.now = now
        page = summary.data.get("page") or {}
        self.result = Imported(skeleton(str(page.get("name") or "Status")))
        site = self.result.config["site"]
        if page.get("url"):
            site["url"] = str(page["url"])
        if page.get("time_zone"):
            site["timezone"] = str(page["time_zone"])
        self.monitor_ids: dict[str, str] = {}  # Statuspage component id -> monitor id
        self.open: set[str] = set()  # monitor ids an open incident or maintenance covers
        self.events_seen: dict[str, IncidentDraft] = {}  # by Statuspage id
        self.stems: set[str] = set()

    def skip(self, document: Document, path: Path, why: str) -> None:
        self.result.untranslated.append(document.untranslated(path, why))

    def optional(self, location: str, key: str) -> Document | None:
        """A sibling file; missing or unreadable is reported, not fatal."""
        try:
            document = load_json(location)
        except ConfigError as error:
            self.skip(self.summary, (key,), f"{location}: {error.problems[0].message}")
            return None
        if not isinstance(document.data, dict) or not isinstance(document.data.get(key), list):
            raise document.problem((), f"expected a Statuspage file with a list {key}")
        return document

    def imported(self) -> Imported:
        self.result.incidents = list(self.events_seen.values())
        self.result.comments += [
            "Components are monitors without a check (type: manual): incidents and",
            "maintenance set their status. Give a monitor a check (type: http, url: …)",
            "to have Vigil watch it as well.",
        ]
        self.unexplained_statuses()
        return self.result

    def components(self) -> None:
        """Groups (`group: true`) as groups, the others as manual monitors in them."""
        data: list[Any] = self.summary.data["components"]
        groups, monitors = [], []
        group_ids: dict[str, str] = {}
        taken: set[str] = set()
        for component in data:
            if isinstance(component, dict) and component.get("group"):
                group_id = identifier(str(component.get("name") or "group"), taken, "group")
                group_ids[str(component.get("id"))] = group_id
                groups.append(
                    _described({"id": group_id, "name": str(component["name"])}, component)
                )
        for index, component in enumerate(data):
            path: Path = ("components", index)
            if not isinstance(component, dict) or not component.get("name"):
                raise self.summary.problem(path, "a component needs a name")
            if component.get("group"):
                continue
            monitor_id = identifier(str(component["name"]), taken)
            self.monitor_ids[str(component.get("id"))] = monitor_id
            monitor = {"id": monitor_id, "name": str(component["name"]), "type": "manual"}
            if component.get("group_id") in group_ids:
                monitor["group"] = group_ids[component["group_id"]]
            monitors.append(_described(monitor, component))
            self.component_options(path, component)
        if groups:
            self.result.config["groups"] = groups
        self.result.config["monitors"] = monitors

    def component_options(self, path: Path, component: dict[str, Any]) -> None:
        if component.get("only_show_if_degraded"):
            why = "Vigil shows every public monitor, degraded or not"
            self.skip(self.summary, (*path, "only_show_if_degraded"), why)
        if component.get("showcase") is False:
            why = "Vigil shows every public monitor's uptime bar"
            self.skip(self.summary, (*path, "showcase"), why)

    def events(self, document: Document, key: str) -> None:
        """Every incident (or maintenance) of the file not seen yet, as an incident file."""
        for index, event in enumerate(document.data.get(key) or []):
            path: Path = (key, index)
            if not isinstance(event, dict) or not event.get("id") or not event.get("name"):
                raise document.problem(path, "an incident needs an id and a name")
            if str(event["id"]) in self.events_seen:
                continue
            maintenance = key == "scheduled_maintenances"
            draft = self.maintenance(document, path, event) if maintenance else None
            draft = draft or self.incident(document, path, event)
            self.events_seen[str(event["id"])] = draft

    def incident(self, document: Document, path: Path, event: dict[str, Any]) -> IncidentDraft:
        started = _time(
            document, (*path, "started_at"), event.get("started_at") or event.get("created_at")
        )
        impact = str(event.get("impact") or "minor")
        front: dict[str, Any] = {"title": str(event["name"]), "impact": impact}
        monitors = self.affected(event)
        updates, body = self.updates(document, path, event, INCIDENT_STATUSES)
        initial = {m: s for m, s in _first_changes(updates).items() if s}
        fallback = IMPACT_STATUS.get(impact)
        if initial or fallback:
            front["affects"] = {
                m: initial.get(m) or fallback or "degraded_performance"
                for m in dict.fromkeys([*monitors, *initial])
            }
        else:
            front["monitors"] = monitors
        front["started_at"] = started
        if event.get("status") in ("resolved", "postmortem") and event.get("resolved_at"):
            front["resolved_at"] = _time(document, (*path, "resolved_at"), event["resolved_at"])
        elif event.get("status") in OPEN_INCIDENT:
            self.open.update(front.get("affects") or monitors)
        front["updates"] = updates
        return IncidentDraft(self.stem(started, event["name"]), front, body)

    def maintenance(
        self, document: Document, path: Path, event: dict[str, Any]
    ) -> IncidentDraft | None:
        start = event.get("scheduled_for")
        if not start:
            return None  # not a maintenance after all: imported as an incident
        begins = _time(document, (*path, "scheduled_for"), start)
        front: dict[str, Any] = {
            "title": str(event["name"]),
            "kind": "maintenance",
            "monitors": self.affected(event),
            "scheduled_start": begins,
        }
        if event.get("scheduled_until"):
            front["scheduled_end"] = _time(
                document, (*path, "scheduled_until"), event["scheduled_until"]
            )
        created = event.get("created_at")
        if created:  # shown from when it was posted, as on Statuspage
            ahead = begins - _time(document, (*path, "created_at"), created)
            if ahead > timedelta(0):
                front["announce_before"] = duration(_whole_minutes(ahead))
        self.maintenance_flags(document, path, event)
        if event.get("status") in ("scheduled", "in_progress", "verifying"):
            self.open.update(front["monitors"])
        updates, body = self.updates(document, path, event, tuple(MAINTENANCE_STATUS))
        front["updates"] = [u | {"status": MAINTENANCE_STATUS[u["status"]]} for u in updates]
        for update in front["updates"]:
            update.pop("affects", None)  # maintenance puts them under maintenance itself
        return IncidentDraft(self.stem(begins, event["name"]), front, body)

    def maintenance_flags(self, document: Document, path: Path, event: dict[str, Any]) -> None:
        if event.get("scheduled_remind_prior"):
            why = "Vigil sends no reminder before a window; the notice shows from announce_before"
            self.skip(document, (*path, "scheduled_remind_prior"), why)
        for flag in ("scheduled_auto_in_progress", "scheduled_auto_completed"):
            if event.get(flag) is False:
                why = "Vigil starts and ends windows by the clock; post an update to do otherwise"
                self.skip(document, (*path, flag), why)

    def affected(self, event: dict[str, Any]) -> list[str]:
        components = event.get("components") or []
        return [
            self.monitor_ids[str(c.get("id"))]
            for c in components
            if isinstance(c, dict) and str(c.get("id")) in self.monitor_ids
        ]

    def updates(
        self, document: Document, path: Path, event: dict[str, Any], statuses: tuple[str, ...]
    ) -> tuple[list[dict[str, Any]], str]:
        """The timeline oldest first, and the write-up (a postmortem's words)."""
        updates: list[dict[str, Any]] = []
        body = ""
        listed = event.get("incident_updates") or []
        for index, update in sorted(enumerate(listed), key=lambda pair: _sort_time(pair[1])):
            here = (*path, "incident_updates", index)
            status = str(update.get("status"))
            message = str(update.get("body") or "").strip()
            if status == "postmortem":
                body = f"## Postmortem\n\n{message}\n" if message else body
                continue
            if status not in statuses:
                self.skip(document, (*here, "status"), f'"{status}" is not a Vigil status')
                continue
            at = _time(document, here, update.get("display_at") or update.get("created_at"))
            entry: dict[str, Any] = {"at": at, "status": status, "message": message or status}
            changes = self.changes(update.get("affected_components"))
            if changes:
                entry["affects"] = changes
            updates.append(entry)
        return updates, body

    def changes(self, affected: Any) -> dict[str, str]:
        """An update's `affected_components` as `{monitor id: new status}`."""
        out: dict[str, str] = {}
        for change in affected or []:
            code = str(change.get("code")) if isinstance(change, dict) else ""
            if code in self.monitor_ids and change.get("new_status"):
                out[self.monitor_ids[code]] = str(change["new_status"])
        return out

    def stem(self, day: datetime, title: object) -> str:
        stem = f"{day:%Y-%m-%d}-{slugify(str(title))}"
        candidate, number = stem, 1
        while candidate in self.stems:
            number += 1
            candidate = f"{stem}-{number}"
        self.stems.add(candidate)
        return candidate

    def unexplained_statuses(self) -> None:
        """A component shown as not operational that no open incident or maintenance names:
        Vigil shows status only through them."""
        for index, component in enumerate(self.summary.data["components"]):
            monitor_id = self.monitor_ids.get(str(component.get("id")))
            status = component.get("status")
            if monitor_id and status not in (None, "operational") and monitor_id not in self.open:
                why = (
                    f"{status} at import, with no open incident naming it: "
                    "post one (vigil incident new --affects …) to show it"
                )
                self.skip(self.summary, ("components", index, "status"), why)


def _described(entry: dict[str, Any], component: dict[str, Any]) -> dict[str, Any]:
    if component.get("description"):
        entry["description"] = str(component["description"])
    return entry


def _time(document: Document, path: Path, value: object) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise document.problem(path, f'expected a time, got "{value}"') from None
    if moment.tzinfo is None:
        raise document.problem(path, f'expected a time with its offset, got "{value}"')
    return moment.astimezone(UTC).replace(microsecond=0)


def _sort_time(update: object) -> str:
    if not isinstance(update, dict):
        return ""
    value = update.get("display_at") or update.get("created_at") or ""
    try:
        return datetime.fromisoformat(str(value)).astimezone(UTC).isoformat()
    except ValueError:
        return ""


def _whole_minutes(span: timedelta) -> timedelta:
    return timedelta(minutes=-(-span.total_seconds() // 60))


def _first_changes(updates: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Each monitor's status as the first update that changed it set it."""
    first: dict[str, str] = {}
    for update in updates:
        for monitor_id, status in (update.get("affects") or {}).items():
            first.setdefault(monitor_id, status)
    return first


IMPORTER = Importer(
    "statuspage",
    "an Atlassian Statuspage page: its api/v2 summary.json, incidents.json and "
    "scheduled-maintenances.json (a page URL, or a folder where they were saved)",
    run,
)
