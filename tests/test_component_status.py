"""Incidents set component status (issue 17): the one rule of what incidents and maintenance
say of a monitor when (`written_stretches`), how it combines with the checks, the uptime
weights on hand-computed histories read by DuckDB from real Parquet, and manual components."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from checks.result import ErrorKind, Result, Status
from configuration.errors import ConfigError
from configuration.impacts import Impact, shown_state
from configuration.incidents import load_incidents, parse_incident_text
from configuration.written import in_maintenance, written_status, written_stretches
from history.compact import compact
from history.specs import written_windows
from history.store import ResultStore
from history.timeline import MonitorSpec, monitor_timelines

DAY_START = datetime(2026, 11, 23, tzinfo=UTC)
NOW = DAY_START + timedelta(hours=23, minutes=59)  # the whole day has passed, but a minute
FIVE = timedelta(minutes=5)
MONITORS = {"api", "web", "billing"}


def at(hour: int, minute: int = 0) -> datetime:
    return DAY_START + timedelta(hours=hour, minutes=minute)


def incident(front: str, name: str = "2026-11-23-x") -> object:
    return parse_incident_text(f"---\n{front}---\n", Path(f"incidents/{name}.md"), MONITORS)


OUTAGE = """\
title: API errors
impact: minor
monitors: [web]
affects: {api: partial_outage}
started_at: 2026-11-23T12:00:00Z
updates:
  - {at: "2026-11-23T12:00:00Z", status: investigating, message: Errors for some.}
  - at: "2026-11-23T13:00:00Z"
    status: identified
    message: Errors for everyone now.
    affects: {api: major_outage}
  - {at: "2026-11-23T13:30:00Z", status: resolved, message: Fixed.}
"""


def test_an_open_incident_says_what_it_affects_and_updates_change_it() -> None:
    written = [incident(OUTAGE)]
    # A listed monitor takes the status its impact implies (minor: degraded performance);
    # `affects` gives each its own; an update changes one from its time on.
    assert written_status(written, at(11, 59)) == {}
    assert written_status(written, at(12, 30)) == {
        "api": Impact.PARTIAL_OUTAGE,
        "web": Impact.DEGRADED_PERFORMANCE,
    }
    assert written_status(written, at(13, 10)) == {
        "api": Impact.MAJOR_OUTAGE,
        "web": Impact.DEGRADED_PERFORMANCE,
    }
    assert written_status(written, at(13, 30)) == {}  # resolved: it holds nothing
    assert written_stretches(written, DAY_START, NOW) == [
        ("api", at(12), at(13), Impact.PARTIAL_OUTAGE),
        ("web", at(12), at(13, 30), Impact.DEGRADED_PERFORMANCE),
        ("api", at(13), at(13, 30), Impact.MAJOR_OUTAGE),
    ]


def test_updates_report_the_statuses_they_changed_as_statuspage_does() -> None:
    (changes_at_start, changes_at_13, changes_at_resolve) = incident(OUTAGE).status_changes()
    assert changes_at_start == [
        ("web", Impact.OPERATIONAL, Impact.DEGRADED_PERFORMANCE),
        ("api", Impact.OPERATIONAL, Impact.PARTIAL_OUTAGE),
    ]
    assert changes_at_13 == [("api", Impact.PARTIAL_OUTAGE, Impact.MAJOR_OUTAGE)]
    assert changes_at_resolve == [
        ("web", Impact.DEGRADED_PERFORMANCE, Impact.OPERATIONAL),
        ("api", Impact.MAJOR_OUTAGE, Impact.OPERATIONAL),
    ]


def test_the_worst_of_several_wins_and_outranks_maintenance() -> None:
    maintenance = incident(
        "title: Upgrade\nkind: maintenance\nmonitors: [api, web]\n"
        "scheduled_start: 2026-11-23T12:30:00Z\nscheduled_end: 2026-11-23T14:00:00Z\n",
        "2026-11-23-upgrade",
    )
    written = [incident(OUTAGE), maintenance]
    # 12:45: api partial outage (incident) over under maintenance; web degraded over it too.
    assert written_status(written, at(12, 45)) == {
        "api": Impact.PARTIAL_OUTAGE,
        "web": Impact.DEGRADED_PERFORMANCE,
    }
    assert in_maintenance(written, at(12, 45)) == set()
    assert in_maintenance(written, at(13, 45)) == {"api", "web"}  # the incident is resolved


def test_a_reopened_incident_holds_again_and_resolved_at_ends_it() -> None:
    reopened = incident(
        "title: Flaky\nmonitors: [api]\nimpact: critical\n"
        "started_at: 2026-11-23T08:00:00Z\nresolved_at: 2026-11-23T11:00:00Z\n"
        "updates:\n"
        "  - {at: '2026-11-23T09:00:00Z', status: resolved, message: Done.}\n"
        "  - {at: '2026-11-23T10:00:00Z', status: investigating, message: Back again.}\n"
    )
    assert written_stretches([reopened], DAY_START, NOW) == [
        ("api", at(8), at(9), Impact.MAJOR_OUTAGE),
        ("api", at(10), at(11), Impact.MAJOR_OUTAGE),
    ]


@pytest.mark.parametrize(
    ("front", "problem"),
    [
        (
            "title: T\nstarted_at: 2026-11-23T12:00:00Z\naffects:\n  apj: major_outage\n",
            "incidents/2026-11-23-x.md:5:3: affects.apj: "
            'unknown monitor "apj", did you mean "api"?',
        ),
        (
            "title: T\nstarted_at: 2026-11-23T12:00:00Z\nupdates:\n"
            "  - at: 2026-11-23T12:00:00Z\n    status: identified\n    message: M\n"
            "    affects: {wbe: operational}\n",
            "incidents/2026-11-23-x.md:8:15: updates[0].affects.wbe: unknown monitor",
        ),
        (
            "title: T\nstarted_at: 2026-11-23T12:00:00Z\naffects: {api: broken}\n",
            "incidents/2026-11-23-x.md:4:16: affects.api:",
        ),
    ],
)
def test_a_bad_affects_is_a_located_error(front: str, problem: str) -> None:
    with pytest.raises(ConfigError) as raised:
        incident(front)
    assert str(raised.value.problems[0]).startswith(problem), str(raised.value.problems[0])


def test_the_rule_that_combines_checks_and_writing() -> None:
    assert shown_state("up", Impact.PARTIAL_OUTAGE) == "partial"
    assert shown_state("down", Impact.PARTIAL_OUTAGE) == "down"  # the checks see worse
    assert shown_state("degraded", Impact.OPERATIONAL) == "degraded"  # writing never hides
    assert shown_state("down", Impact.UNDER_MAINTENANCE) == "maintenance"
    assert shown_state(None, Impact.MAJOR_OUTAGE) == "down"
    assert shown_state(None, None) is None


def bucket(when: datetime, status: Status) -> Result:
    down = status is Status.DOWN
    return Result(
        "api",
        "eu-west",
        "run-1",
        when,
        status,
        response_time_ms=None if down else 100.0,
        error_kind=ErrorKind.CONNECT if down else None,
        error_message="refused" if down else None,
    )


def test_written_status_over_checked_buckets_with_hand_computed_uptime(tmp_path: Path) -> None:
    """api is checked every 5 minutes all day; its checks say down 10:00-10:10 and
    12:00-12:10. The incident says partial outage 12:00-13:00, then major outage until
    13:30. Each bucket is the worse of the two: down 10:00-10:10 and 12:00-12:10 (checks),
    13:00-13:30 (written); partial 12:10-13:00."""
    store = ResultStore(tmp_path)
    down_at = {at(10), at(10, 5), at(12), at(12, 5)}
    moments = [DAY_START + FIVE * i for i in range(288)]
    store.append([bucket(m, Status.DOWN if m in down_at else Status.UP) for m in moments])
    windows = written_windows([incident(OUTAGE)], NOW, 2)
    spec = [MonitorSpec("api", FIVE)]
    timeline = monitor_timelines(store, spec, windows, NOW, days=1)["api"]
    day = timeline.days[-1]
    assert (day.down, day.partial, day.degraded) == (10 * 300, 10 * 300, 0)
    assert day.up == (288 - 20) * 300
    expected = 100 * (86400 - 3000 - 0.3 * 3000) / 86400  # 95.486…: partial weighs 0.3
    assert day.uptime == pytest.approx(expected)
    assert timeline.window_uptime("7d") == pytest.approx(expected)
    # Outages and the current status stay what the checks saw: two outages, up now.
    assert [(o.start, o.end) for o in timeline.outages] == [
        (at(10), at(10, 10)),
        (at(12), at(12, 10)),
    ]
    assert timeline.current is Status.UP


def test_a_manual_component_is_what_is_written_and_otherwise_fully_up(tmp_path: Path) -> None:
    """billing is never checked. Written: partial outage 12:00-14:00 (an incident, major
    impact), major outage 14:00-15:00 (an update), maintenance 20:00-21:00."""
    written = [
        incident(
            "title: Billing\nimpact: major\nmonitors: [billing]\n"
            "started_at: 2026-11-23T12:00:00Z\nresolved_at: 2026-11-23T15:00:00Z\nupdates:\n"
            "  - {at: '2026-11-23T14:00:00Z', status: identified, message: Worse.,"
            " affects: {billing: major_outage}}\n"
        ),
        incident(
            "title: Window\nkind: maintenance\nmonitors: [billing]\n"
            "scheduled_start: 2026-11-23T20:00:00Z\nscheduled_end: 2026-11-23T21:00:00Z\n",
            "2026-11-23-window",
        ),
    ]
    spec = [MonitorSpec("billing", FIVE, checked=False), MonitorSpec("quiet", FIVE, checked=False)]
    timelines = monitor_timelines(
        ResultStore(tmp_path), spec, written_windows(written, NOW, 2), NOW, days=2
    )
    yesterday, today = timelines["billing"].days
    assert (yesterday.up, yesterday.uptime) == (86400, 100.0)  # nothing written: all up
    elapsed = 86400 - 60
    assert (today.partial, today.down, today.maintenance) == (7200, 3600, 3600)
    assert today.up == elapsed - 7200 - 3600 - 3600
    assert today.uptime == pytest.approx(
        100 * (elapsed - 3600 - 3600 - 0.3 * 7200) / (elapsed - 3600)
    )
    assert timelines["billing"].current is Status.UP  # what its checks would say
    assert timelines["quiet"].window_uptime("24h") == 100.0
    assert timelines["quiet"].window_uptime("90d") == 100.0
    assert not (tmp_path / "results").exists()  # nothing was ever written for them


def test_loaded_files_keep_monitors_lists_working(tmp_path: Path) -> None:
    folder = tmp_path / "incidents"
    folder.mkdir()
    (folder / "2026-11-23-list.md").write_text(
        "---\ntitle: Old style\nimpact: critical\nmonitors: [api]\n"
        "started_at: 2026-11-23T12:00:00Z\n---\n"
    )
    (loaded,) = load_incidents(folder, MONITORS)
    assert loaded.affected == ("api",)
    assert written_status([loaded], at(13)) == {"api": Impact.MAJOR_OUTAGE}


def test_a_rolled_up_day_keeps_its_written_partial_outage(tmp_path: Path) -> None:
    """Three days ago api was checked hourly and up; an incident said partial outage
    10:00-12:00. Once compaction drops the raw results, the rollup still says so."""
    store = ResultStore(tmp_path)
    day = DAY_START - timedelta(days=3)
    store.append(
        [
            Result("api", "eu-west", "run-1", day + timedelta(hours=h), Status.UP, 100.0)
            for h in range(24)
        ]
    )
    written = incident(
        "title: Slow checkout\nimpact: major\nmonitors: [api]\n"
        "started_at: 2026-11-20T10:00:00Z\nresolved_at: 2026-11-20T12:00:00Z\n"
    )
    windows = written_windows([written], NOW, 10)
    spec = [MonitorSpec("api", timedelta(hours=1))]
    compact(store, spec, windows, NOW, raw_days=1)
    assert not list((tmp_path / "results").rglob("date=2026-11-20"))  # raw results dropped
    (rolled,) = [
        d
        for d in monitor_timelines(store, spec, windows, NOW, days=5, raw_days=1)["api"].days
        if d.day == day.date()
    ]
    assert (rolled.up, rolled.partial, rolled.down) == (22 * 3600, 2 * 3600, 0)
    assert rolled.uptime == pytest.approx(100 * (86400 - 0.3 * 7200) / 86400)
