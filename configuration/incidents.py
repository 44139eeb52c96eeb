"""Incident and maintenance files: `incidents/<YYYY-MM-DD>-<slug>.md`, YAML front matter
between `---` lines, then the markdown write-up. Validated like config.yaml, every problem
at once with its line and column."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from configuration.errors import ConfigError, Problem
from configuration.messages import CONTROL, did_you_mean, problem_from_error
from configuration.monitor import Duration, Identifier, Options
from configuration.recurrence import Recurrence
from configuration.source import parse_yaml, read_source

INCIDENT_STATUSES = ("investigating", "identified", "monitoring", "resolved")
MAINTENANCE_STATUSES = ("scheduled", "in_progress", "completed")
Status = Literal[
    "investigating", "identified", "monitoring", "resolved", "scheduled", "in_progress", "completed"
]
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^---[ \t]*\n?", re.DOTALL | re.MULTILINE)
MAX_TITLE = 300  # characters: a title is one line, a longer story goes in the body
ANNOUNCE_BEFORE = timedelta(hours=72)
# How far ahead an open-ended recurrence is expanded when no range is given.
RECURRENCE_HORIZON = timedelta(days=400)
FIRST_YEAR, LAST_YEAR = 1970, 2999  # a time outside is a typo (and 9999 overflows windows)
INSTANT = timedelta(microseconds=1)  # the range [t, t + INSTANT) asks what holds at t
Span = tuple[datetime, datetime]  # [start, end), UTC


def _plausible(moment: datetime) -> datetime:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(
            f"expected a time in the years {FIRST_YEAR}-{LAST_YEAR}, got {moment.isoformat()}"
        )
    return moment


Moment = Annotated[AwareDatetime, AfterValidator(_plausible)]


class Update(Options):
    at: Moment = Field(description="When the update was posted, with a time zone.")
    status: Status = Field(description="Status from this update on.")
    message: str = Field(description="What visitors are told.")


class Incident(Options):
    """One incident or maintenance notice; `body` is the markdown after the front matter."""

    id: Identifier = Field(description="Stable id; the file name without `.md` when absent.")
    title: str = Field(
        min_length=1, max_length=MAX_TITLE, description="One line saying what is affected."
    )
    kind: Literal["incident", "maintenance"] = Field("incident", description="What this is.")
    status: Status | None = Field(
        None, description="Current status; maintenance: its windows decide, see docs/incidents.md."
    )
    impact: Literal["none", "minor", "major", "critical"] = Field(
        "minor", description="How bad it is."
    )
    monitors: list[Identifier] = Field(default_factory=list, description="Affected monitor ids.")
    started_at: Moment | None = Field(None, description="When the incident began.")
    resolved_at: Moment | None = Field(None, description="When it was resolved.")
    scheduled_start: Moment | None = Field(
        None, description="Maintenance start; with a recurrence, from when it applies."
    )
    scheduled_end: Moment | None = Field(
        None, description="Maintenance end; with a recurrence, until when (none: for ever)."
    )
    recurrence: Recurrence | None = Field(None, description="Maintenance that repeats weekly.")
    announce_before: Duration = Field(
        ANNOUNCE_BEFORE, description="How long before maintenance its notice appears."
    )
    notify: bool = Field(True, description="Send notifications about it.")
    updates: list[Update] = Field(default_factory=list, description="The timeline, oldest first.")
    body: str = Field("", description="The markdown write-up.")

    @field_validator("title")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if CONTROL.search(value):
            raise ValueError(
                "expected one line of text without control characters; put the details in the body"
            )
        return value

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> Incident:
        allowed = INCIDENT_STATUSES if self.kind == "incident" else MAINTENANCE_STATUSES
        for status in [self.status, *(update.status for update in self.updates)]:
            if status is not None and status not in allowed:
                raise ValueError(f'status "{status}" is not one of {self.kind}: {allowed}')
        if self.kind == "incident":
            if self.started_at is None:
                raise ValueError("an incident needs started_at")
            if self.recurrence is not None:
                raise ValueError("only maintenance can have a recurrence")
            if self.resolved_at is not None and self.resolved_at < self.started_at:
                raise ValueError("resolved_at must not be before started_at")
            return self
        if self.scheduled_start is None:
            raise ValueError("maintenance needs scheduled_start")
        if self.scheduled_end is None and self.recurrence is None:
            raise ValueError("maintenance needs scheduled_end (or a recurrence)")
        if self.scheduled_end is not None and self.scheduled_end <= self.scheduled_start:
            raise ValueError("scheduled_end must be after scheduled_start")
        return self

    def current_status(self, now: datetime) -> str:
        """An incident's written status, else its latest update's, else resolved once
        `resolved_at` is set; maintenance's is what its windows (`windows`, which count the
        written status and the updates) say at `now`."""
        if self.kind == "incident":
            if self.status is not None:
                return self.status
            if self.resolved_at:
                return "resolved"
            return max(self.updates, key=lambda u: u.at).status if self.updates else "investigating"
        window = self.next_window(now)
        if window is None:
            return "completed"
        return "in_progress" if window[0] <= now else "scheduled"

    def is_active(self, now: datetime) -> bool:
        """An unresolved incident, or maintenance in progress."""
        return self.current_status(now) not in ("resolved", "completed", "scheduled")

    def is_upcoming(self, now: datetime) -> bool:
        """Maintenance whose next window starts within `announce_before` from now."""
        if self.kind != "maintenance" or self.current_status(now) != "scheduled":
            return False
        window = self.next_window(now)
        return window is not None and window[0] - now <= self.announce_before

    @property
    def start(self) -> datetime:
        start = self.started_at or self.scheduled_start
        assert start is not None  # guaranteed by _fields_fit_kind
        return start

    def windows(self, start: datetime | None = None, end: datetime | None = None) -> list[Span]:
        """The maintenance windows (UTC, oldest first) overlapping [start, end); all of them
        when no range is given (an open-ended recurrence: `RECURRENCE_HORIZON` ahead).

        This is the one rule of "in maintenance at t", which the page, the history and the
        alerts all follow (`in_maintenance`, `maintenance_windows`): the scheduled windows
        (every occurrence of a recurrence) as its timed updates change them. `completed` at
        t ends the window in progress at t (a one-off maintenance completed before its
        window never starts); `in_progress` at t up to `announce_before` ahead of a window
        starts it at t; `scheduled` at t undoes what the updates before it changed. Each
        update changes the window it concerns, whatever the range asked for."""
        if self.kind != "maintenance" or self.scheduled_start is None:
            return []
        ahead = end + self.announce_before if end else None  # a window that may start early
        changed = self._changed_windows()
        spans = [changed.get(span, span) for span in self._scheduled(start, ahead)]
        return [
            span
            for span in spans
            if span is not None
            and span[1] > span[0]
            and (start is None or span[1] > start)
            and (end is None or span[0] < end)
        ]

    def _scheduled(self, start: datetime | None, end: datetime | None) -> list[Span]:
        assert self.scheduled_start is not None
        if self.recurrence is None:
            assert self.scheduled_end is not None
            return [(self.scheduled_start, self.scheduled_end)]
        begin = max(start, self.scheduled_start) if start else self.scheduled_start
        until = self.scheduled_end or begin + RECURRENCE_HORIZON
        return [
            span
            for span in self.recurrence.windows(begin, min(end, until) if end else until)
            if self.scheduled_start <= span[0] < until
        ]

    def _changed_windows(self) -> dict[Span, Span | None]:
        """The scheduled windows the status changes started early or ended (None: the
        window never happens), each as the last change left it."""
        changed: dict[Span, Span | None] = {}
        for at, status in self._status_changes():
            concerned = self._window_at(at, changed)
            if concerned is None:
                continue
            scheduled, (begin, finish) = concerned
            if status == "completed" and begin <= at:
                changed[scheduled] = (begin, at)
            elif status == "completed" and self.recurrence is None:
                changed[scheduled] = None
            elif status == "in_progress" and at < begin and begin - at <= self.announce_before:
                changed[scheduled] = (at, finish)
        return changed

    def _window_at(
        self, at: datetime, changed: dict[Span, Span | None]
    ) -> tuple[Span, Span] | None:
        """The scheduled window a change at `at` concerns, and that window as the changes
        before left it: the first still going at `at`, or starting within
        `announce_before` after it."""
        for scheduled in self._scheduled(at, at + self.announce_before):
            current = changed.get(scheduled, scheduled)
            if current is not None and current[1] > at:
                return scheduled, current
        return None

    def _status_changes(self) -> list[tuple[datetime, str]]:
        """(time, status) of the updates after the last `scheduled` (which puts the windows
        back on the clock), oldest first. A written `status` that differs from the latest
        update's counts at that update's time; in a file without updates only `completed`
        counts, at the scheduled start (it names no time: a one-off window never starts)."""
        timeline = self._timeline()
        resets = [i for i, (_, status) in enumerate(timeline) if status == "scheduled"]
        return timeline[resets[-1] + 1 :] if resets else timeline

    def _timeline(self) -> list[tuple[datetime, str]]:
        """(time, status) of every update, oldest first, and of a written status that counts
        on its own (as `_status_changes` says)."""
        timeline = [(u.at, str(u.status)) for u in sorted(self.updates, key=lambda u: u.at)]
        written = self.status
        if timeline and written is not None and written != timeline[-1][1]:
            timeline.append((timeline[-1][0], written))
        elif not timeline and written == "completed" and self.scheduled_start is not None:
            timeline.append((self.scheduled_start, written))
        return timeline

    @property
    def revision(self) -> int:
        """How many changes the file records: one per update, and one for a written status
        that counts on its own. Updates are only ever added (the commands append them), so
        it never goes down: a calendar's SEQUENCE, derived from the file alone."""
        return len(self._timeline())

    def schedule(
        self, start: datetime | None = None, end: datetime | None = None
    ) -> list[tuple[Span, Span | None]]:
        """Each scheduled window (every occurrence of a recurrence) overlapping [start, end),
        oldest first, with what the updates made of it: itself, started early or ended
        (`windows` holds these), or None when it never happens."""
        if self.kind != "maintenance" or self.scheduled_start is None:
            return []
        changed = self._changed_windows()
        return [(span, changed.get(span, span)) for span in self._scheduled(start, end)]

    def next_window(self, now: datetime) -> Span | None:
        """The window in progress at `now`, else the next one; None when all are over."""
        if self.recurrence is None:
            ahead = [span for span in self.windows() if span[1] > now]
        else:  # a recurrence has a window every week until its scheduled_end
            assert self.scheduled_start is not None
            ahead = self.windows(now, max(now, self.scheduled_start) + timedelta(days=8))
        return ahead[0] if ahead else None


def load_incidents(directory: Path, monitor_ids: Collection[str] | None = None) -> list[Incident]:
    """Every `*.md` in `directory`, newest first. `monitor_ids` (when given) are the ids the
    files may reference. Raises ConfigError listing the problems of all files."""
    incidents: list[Incident] = []
    problems: list[Problem] = []
    first_with_id: dict[str, Path] = {}
    for path in sorted(directory.glob("*.md")) if directory.is_dir() else []:
        try:
            incident = parse_incident(path, monitor_ids)
        except ConfigError as error:
            problems += error.problems
            continue
        if incident.id in first_with_id:
            message = f'duplicate id "{incident.id}", already used by {first_with_id[incident.id]}'
            problems.append(Problem(path.as_posix(), 1, 1, "id", message))
        first_with_id.setdefault(incident.id, path)
        incidents.append(incident)
    if problems:
        raise ConfigError(problems)
    return sorted(incidents, key=lambda incident: incident.start, reverse=True)


def parse_incident(path: Path, monitor_ids: Collection[str] | None = None) -> Incident:
    return parse_incident_text(read_source(path), path, monitor_ids)


def parse_incident_text(
    text: str, path: Path, monitor_ids: Collection[str] | None = None
) -> Incident:
    """The incident written as `text` in the file `path` (which gives its default id and
    the file name in problems). Raises ConfigError with every problem found."""
    file = path.as_posix()
    match = FRONT_MATTER.match(text)
    if match is None:
        raise ConfigError([Problem(file, 1, 1, "", "expected YAML front matter between --- lines")])
    source = parse_yaml(match.group(1), file, line_offset=1)
    if not isinstance(source.data, dict):
        raise ConfigError([source.problem((), "expected front matter of keys and values")])
    data = {"id": path.stem, **source.data, "body": text[match.end() :].strip()}
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


def in_maintenance(incidents: Sequence[Incident], at: datetime) -> set[str]:
    """The monitors in maintenance at `at`, by the one rule (`Incident.windows`) that the
    page, the history and the alerts follow."""
    return {monitor_id for monitor_id, _, _ in maintenance_windows(incidents, at, at + INSTANT)}


def maintenance_windows(
    incidents: Sequence[Incident], start: datetime | None = None, end: datetime | None = None
) -> list[tuple[str, datetime, datetime]]:
    """(monitor id, start, end) of every maintenance window of every monitor overlapping
    [start, end), recurrences expanded; without a range every window (an open-ended
    recurrence up to `RECURRENCE_HORIZON` after its scheduled_start)."""
    return [
        (monitor_id, window_start, window_end)
        for incident in incidents
        for window_start, window_end in incident.windows(start, end)
        for monitor_id in incident.monitors
    ]
