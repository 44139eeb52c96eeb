"""Incident and maintenance files: `incidents/<YYYY-MM-DD>-<slug>.md`, YAML front matter
between `---` lines, then the markdown write-up. Validated like config.yaml, every problem
at once with its line and column."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, Field, ValidationError, model_validator

from configuration.errors import ConfigError, Problem
from configuration.messages import did_you_mean, problem_from_error
from configuration.monitor import Identifier, Options
from configuration.source import parse_yaml

INCIDENT_STATUSES = ("investigating", "identified", "monitoring", "resolved")
MAINTENANCE_STATUSES = ("scheduled", "in_progress", "completed")
Status = Literal[
    "investigating", "identified", "monitoring", "resolved", "scheduled", "in_progress", "completed"
]
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^---[ \t]*\n?", re.DOTALL | re.MULTILINE)


class Update(Options):
    at: AwareDatetime = Field(description="When the update was posted, with a time zone.")
    status: Status = Field(description="Status from this update on.")
    message: str = Field(description="What visitors are told.")


class Incident(Options):
    """One incident or maintenance notice; `body` is the markdown after the front matter."""

    id: Identifier = Field(description="Stable id; the file name without `.md` when absent.")
    title: str = Field(description="One line saying what is affected.")
    kind: Literal["incident", "maintenance"] = Field("incident", description="What this is.")
    status: Status | None = Field(
        None, description="Current status; for maintenance derived from the clock unless set."
    )
    impact: Literal["none", "minor", "major", "critical"] = Field(
        "minor", description="How bad it is."
    )
    monitors: list[Identifier] = Field(default_factory=list, description="Affected monitor ids.")
    started_at: AwareDatetime | None = Field(None, description="When the incident began.")
    resolved_at: AwareDatetime | None = Field(None, description="When it was resolved.")
    scheduled_start: AwareDatetime | None = Field(None, description="Maintenance start.")
    scheduled_end: AwareDatetime | None = Field(None, description="Maintenance end.")
    notify: bool = Field(True, description="Send notifications about it.")
    updates: list[Update] = Field(default_factory=list, description="The timeline, oldest first.")
    body: str = Field("", description="The markdown write-up.")

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> Incident:
        allowed = INCIDENT_STATUSES if self.kind == "incident" else MAINTENANCE_STATUSES
        for status in [self.status, *(update.status for update in self.updates)]:
            if status is not None and status not in allowed:
                raise ValueError(f'status "{status}" is not one of {self.kind}: {allowed}')
        if self.kind == "incident" and self.started_at is None:
            raise ValueError("an incident needs started_at")
        if self.kind == "maintenance":
            if self.scheduled_start is None or self.scheduled_end is None:
                raise ValueError("maintenance needs scheduled_start and scheduled_end")
            if self.scheduled_end <= self.scheduled_start:
                raise ValueError("scheduled_end must be after scheduled_start")
        return self

    def current_status(self, now: datetime) -> str:
        """The written status, else the latest update's; for an incident without either,
        resolved once `resolved_at` is set; for maintenance, what the clock implies."""
        if self.status is not None:
            return self.status
        if self.kind == "incident":
            if self.resolved_at:
                return "resolved"
            return max(self.updates, key=lambda u: u.at).status if self.updates else "investigating"
        assert self.scheduled_start is not None and self.scheduled_end is not None
        if now < self.scheduled_start:
            return "scheduled"
        return "in_progress" if now < self.scheduled_end else "completed"

    def is_active(self, now: datetime) -> bool:
        """An unresolved incident, or maintenance in progress."""
        return self.current_status(now) not in ("resolved", "completed", "scheduled")

    @property
    def start(self) -> datetime:
        start = self.started_at or self.scheduled_start
        assert start is not None  # guaranteed by _fields_fit_kind
        return start


def load_incidents(directory: Path, monitor_ids: Collection[str] | None = None) -> list[Incident]:
    """Every `*.md` in `directory`, newest first. `monitor_ids` (when given) are the ids the
    files may reference. Raises ConfigError listing the problems of all files."""
    incidents: list[Incident] = []
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.md")) if directory.is_dir() else []:
        try:
            incidents.append(parse_incident(path, monitor_ids))
        except ConfigError as error:
            problems += error.problems
    if problems:
        raise ConfigError(problems)
    return sorted(incidents, key=lambda incident: incident.start, reverse=True)


def parse_incident(path: Path, monitor_ids: Collection[str] | None = None) -> Incident:
    text = path.read_text(encoding="utf-8")
    file = path.as_posix()
    match = _FRONT_MATTER.match(text)
    if match is None:
        raise ConfigError([Problem(file, 1, 1, "", "expected YAML front matter between --- lines")])
    source = parse_yaml(match.group(1), file, line_offset=1)
    data = source.data if isinstance(source.data, dict) else {}
    data = {"id": path.stem, **data, "body": text[match.end() :].strip()}
    problems = list(source.duplicates)
    for index, monitor in enumerate(data.get("monitors") or []):
        if monitor_ids is not None and isinstance(monitor, str) and monitor not in monitor_ids:
            hint = did_you_mean(monitor, monitor_ids)
            problems.append(
                source.problem(("monitors", index), f'unknown monitor "{monitor}"{hint}')
            )
    try:
        incident = Incident.model_validate(data)
    except ValidationError as error:
        problems += [
            problem_from_error(detail, data, source, Incident)
            for detail in error.errors(include_url=False)
        ]
    if problems:
        raise ConfigError(problems)
    return incident


def maintenance_windows(incidents: Sequence[Incident]) -> list[tuple[str, datetime, datetime]]:
    """(monitor id, start, end) for every maintenance window of every monitor."""
    return [
        (monitor_id, incident.scheduled_start, incident.scheduled_end)
        for incident in incidents
        if incident.kind == "maintenance" and incident.scheduled_start and incident.scheduled_end
        for monitor_id in incident.monitors
    ]
