"""Incident and maintenance files: `incidents/<YYYY-MM-DD>-<slug>.md`, YAML front matter
between `---` lines, then the markdown write-up. Validated like config.yaml, every problem
at once with its line and column."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    Field,
    field_validator,
    model_validator,
)

from configuration.errors import ConfigError, Problem
from configuration.impacts import FOR_MAINTENANCE, FROM_INCIDENT_IMPACT, Impact
from configuration.messages import CONTROL, did_you_mean, validated
from configuration.monitor import Duration, Identifier, Options
from configuration.recurrence import Recurrence
from configuration.source import Source, parse_yaml, read_source

INCIDENT_STATUSES = ("investigating", "identified", "monitoring", "resolved")
MAINTENANCE_STATUSES = ("scheduled", "in_progress", "completed")
IncidentStatus = Literal[
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
# What is written of one monitor over [start, end): (monitor id, start, end, impact).
Stretch = tuple[str, datetime, datetime, Impact]
BEGINNING = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
OPEN_END = datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)  # an open incident asked without a range


def _plausible(moment: datetime) -> datetime:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(
            f"expected a time in the years {FIRST_YEAR}-{LAST_YEAR}, got {moment.isoformat()}"
        )
    return moment


Moment = Annotated[AwareDatetime, AfterValidator(_plausible)]


class Update(Options):
    at: Moment = Field(description="When the update was posted, with a time zone.")
    status: IncidentStatus = Field(description="Status from this update on.")
    message: str = Field(description="What visitors are told.")
    affects: dict[Identifier, Impact] | None = Field(
        None,
        description="Monitors whose status this update changes, from its time on, e.g. "
        "`{api: operational}`; the others keep theirs.",
    )


class Incident(Options):
    """One incident or maintenance notice; `body` is the markdown after the front matter."""

    id: Identifier = Field(description="Stable id; the file name without `.md` when absent.")
    title: str = Field(
        min_length=1, max_length=MAX_TITLE, description="One line saying what is affected."
    )
    kind: Literal["incident", "maintenance"] = Field("incident", description="What this is.")
    status: IncidentStatus | None = Field(
        None, description="Current status; maintenance: its windows decide, see docs/incidents.md."
    )
    impact: Literal["none", "minor", "major", "critical"] = Field(
        "minor", description="How bad it is."
    )
    monitors: list[Identifier] = Field(
        default_factory=list,
        description="Affected monitor ids; each shows the status its `impact` implies "
        "(maintenance: under maintenance) unless `affects` names it.",
    )
    affects: dict[Identifier, Impact] = Field(
        default_factory=dict,
        description="Affected monitors with the status each shows while it is open "
        "(maintenance: during its windows), e.g. `{api: partial_outage}`: operational, "
        "degraded_performance, partial_outage, major_outage or under_maintenance.",
    )
    pages: list[Identifier] = Field(
        default_factory=list,
        description="Ids of `pages:` it is also shown on, besides the pages that show one of "
        "its monitors; with neither, it is shown on every page.",
    )
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
        """An incident's written status, else resolved once `resolved_at` has come, else
        its latest update's so far (an update dated after `now` is not news yet);
        maintenance's is what its windows (`windows`, which count the written status and the
        updates) say at `now`."""
        if self.kind == "incident":
            if self.status is not None:
                return self.status
            if self.resolved_at is not None and self.resolved_at <= now:
                return "resolved"
            said = [update for update in self.updates if update.at <= now]
            return max(said, key=lambda u: u.at).status if said else "investigating"
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

        The windows are the "when" of the one rule of what a maintenance says of its
        monitors (`written.written_stretches`, and from it `in_maintenance` and
        `maintenance_windows`), which the page, the history and the alerts all follow: the
        scheduled windows
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

    @property
    def affected(self) -> tuple[str, ...]:
        """Every monitor it concerns, in the order written: `monitors`, then the monitors
        `affects` and the updates' `affects` name."""
        named = [key for update in self.updates for key in update.affects or {}]
        return tuple(dict.fromkeys([*self.monitors, *self.affects, *named]))

    def impact_steps(self) -> list[tuple[datetime, dict[str, Impact]]]:
        """(from when, what it says of each monitor from then on), oldest first: the written
        impacts from the beginning, then each update's `affects` merged in at its time."""
        default = (
            FOR_MAINTENANCE if self.kind == "maintenance" else FROM_INCIDENT_IMPACT[self.impact]
        )
        current = {**dict.fromkeys(self.monitors, default), **self.affects}
        steps = [(BEGINNING, current)]
        for update in sorted(self.updates, key=lambda u: u.at):
            if update.affects:
                current = {**current, **update.affects}
                steps.append((update.at, current))
        return steps

    def held_spans(self, start: datetime | None, end: datetime | None) -> list[Span]:
        """When what it says of its monitors holds, overlapping [start, end): an incident
        while it is open, maintenance during its windows (`windows`)."""
        if self.kind == "maintenance":
            return self.windows(start, end)
        return [
            (max(begin, start or begin), min(finish, end or finish))
            for begin, finish in self._open_spans(end or OPEN_END)
            if (start is None or finish > start) and (end is None or begin < end)
        ]

    def _open_spans(self, until: datetime) -> list[Span]:
        """An incident is open from `started_at` until an update says resolved (again after
        an update reopens it) and never after `resolved_at`. A written `status` that differs
        from the latest update's counts at that update's time (without updates: at the
        start, so `status: resolved` alone holds nothing)."""
        timeline = [(u.at, str(u.status)) for u in sorted(self.updates, key=lambda u: u.at)]
        if self.status is not None and (not timeline or self.status != timeline[-1][1]):
            timeline.append((timeline[-1][0] if timeline else self.start, self.status))
        spans: list[Span] = []
        opened: datetime | None = self.start
        for at, status in timeline:
            at = max(at, self.start)
            if status == "resolved" and opened is not None:
                spans.append((opened, at))
                opened = None
            elif status != "resolved" and opened is None:
                opened = at
        if opened is not None:
            spans.append((opened, until))
        closed = self.resolved_at or OPEN_END
        return [(begin, min(end, closed)) for begin, end in spans if min(end, closed) > begin]

    def claims(self, start: datetime | None = None, end: datetime | None = None) -> list[Stretch]:
        """What it says of each of its monitors, when, within [start, end)."""
        steps = self.impact_steps()
        found: list[Stretch] = []
        for begin, finish in self.held_spans(start, end):
            for index, (at, impacts) in enumerate(steps):
                until = steps[index + 1][0] if index + 1 < len(steps) else finish
                low, high = max(begin, at), min(finish, until)
                if high > low:
                    found += [(monitor, low, high, impact) for monitor, impact in impacts.items()]
        return found

    def says_at(self, at: datetime) -> dict[str, Impact]:
        """What it says of each monitor it concerns at `at`: the impact while it holds
        them, operational otherwise (not yet open, resolved, outside its windows)."""
        held = {monitor_id: impact for monitor_id, _, _, impact in self.claims(at, at + INSTANT)}
        return {
            monitor_id: held.get(monitor_id, Impact.OPERATIONAL) for monitor_id in self.affected
        }

    def status_changes(self) -> list[list[tuple[str, Impact, Impact]]]:
        """For each update, oldest first, the monitors whose status it changed as (id, old,
        new): the first against operational (before it began), each later one against the
        one before, so a resolving update returns its monitors to operational."""
        before = dict.fromkeys(self.affected, Impact.OPERATIONAL)
        changes = []
        for update in sorted(self.updates, key=lambda u: u.at):
            after = self.says_at(update.at)
            changed = [m for m in self.affected if before[m] != after[m]]
            changes.append([(m, before[m], after[m]) for m in changed])
            before = after
        return changes


def load_incidents(
    directory: Path,
    monitor_ids: Collection[str] | None = None,
    page_ids: Collection[str] | None = None,
) -> list[Incident]:
    """Every `*.md` in `directory`, newest first. `monitor_ids` and `page_ids` (when given)
    are the ids the files may reference. Raises ConfigError listing the problems of all
    files."""
    incidents: list[Incident] = []
    problems: list[Problem] = []
    first_with_id: dict[str, Path] = {}
    for path in sorted(directory.glob("*.md")) if directory.is_dir() else []:
        try:
            incident = parse_incident(path, monitor_ids, page_ids)
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


def parse_incident(
    path: Path,
    monitor_ids: Collection[str] | None = None,
    page_ids: Collection[str] | None = None,
) -> Incident:
    return parse_incident_text(read_source(path), path, monitor_ids, page_ids)


def parse_incident_text(
    text: str,
    path: Path,
    monitor_ids: Collection[str] | None = None,
    page_ids: Collection[str] | None = None,
) -> Incident:
    """The incident written as `text` in the file `path` (which gives its default id and
    the file name in problems). Raises ConfigError with every problem found."""
    source, body = read_front_matter(text, path.as_posix())
    data = {"id": path.stem, **source.data, "body": body}
    problems = list(source.duplicates)
    if monitor_ids is not None:
        problems += [
            source.problem(
                where,
                f'unknown monitor "{monitor}"{did_you_mean(monitor, monitor_ids)}',
                key=where[0] != "monitors",  # a key of an `affects` mapping
            )
            for where, monitor in _named_monitors(data)
            if monitor not in monitor_ids
        ]
    pages = data.get("pages")
    if page_ids is not None and isinstance(pages, list):
        problems += [
            source.problem(("pages", i), f'unknown page "{page}"{did_you_mean(page, page_ids)}')
            for i, page in enumerate(pages)
            if isinstance(page, str) and page not in page_ids
        ]
    return validated(Incident, data, source, problems)


def read_front_matter(text: str, file: str) -> tuple[Source, str]:
    """The front matter (a mapping, located) and the body (stripped) of a file written as YAML
    between `---` lines, then Markdown: incident and announcement files. A ConfigError when
    it is not."""
    match = FRONT_MATTER.match(text)
    if match is None:
        raise ConfigError([Problem(file, 1, 1, "", "expected YAML front matter between --- lines")])
    source = parse_yaml(match.group(1), file, line_offset=1)
    if not isinstance(source.data, dict):
        raise ConfigError([source.problem((), "expected front matter of keys and values")])
    return source, text[match.end() :].strip()


def _named_monitors(data: dict[str, object]) -> list[tuple[tuple[str | int, ...], str]]:
    """(key path, id) of every monitor id the front matter names: `monitors`, the keys of
    `affects` and of each update's `affects`."""
    named: list[tuple[tuple[str | int, ...], str]] = []
    monitors = data.get("monitors")
    if isinstance(monitors, list):
        named += [(("monitors", i), m) for i, m in enumerate(monitors) if isinstance(m, str)]
    affects = data.get("affects")
    if isinstance(affects, dict):
        named += [(("affects", key), key) for key in affects if isinstance(key, str)]
    updates = data.get("updates")
    for index, update in enumerate(updates if isinstance(updates, list) else []):
        changes = update.get("affects") if isinstance(update, dict) else None
        if isinstance(changes, dict):
            named += [(("updates", index, "affects", k), k) for k in changes if isinstance(k, str)]
    return named
