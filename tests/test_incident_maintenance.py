"""Maintenance: recurrences across daylight-saving changes, announcements, and windows that
the history leaves out of uptime (real results in real Parquet, judged by DuckDB)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from checks.result import ErrorKind, Result, Status
from configuration.errors import ConfigError
from configuration.incidents import Incident, load_incidents
from configuration.written import maintenance_windows
from history.store import ResultStore
from history.timeline import MonitorSpec, Window, monitor_timelines

WriteFile = Callable[[str, str], Path]
BERLIN_WEEKLY = """\
---
title: Weekly database maintenance
kind: maintenance
monitors: [db]
scheduled_start: 2026-01-01T00:00:00Z
recurrence:
  start: "02:00"
  duration: 2h
  timezone: Europe/Berlin
  every: [Sunday]
---
"""


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def weekly(write_file: WriteFile, text: str = BERLIN_WEEKLY) -> Incident:
    path = write_file("incidents/weekly.md", text)
    [incident] = load_incidents(path.parent, ["db"])
    return incident


def test_a_recurring_window_keeps_local_wall_time_across_spring_forward(
    write_file: WriteFile,
) -> None:
    # 2026-03-29 is the last Sunday of March: 02:00 CET jumps to 03:00 CEST.
    windows = weekly(write_file).windows(utc(2026, 3, 20), utc(2026, 4, 6))
    assert windows == [
        (utc(2026, 3, 22, 1), utc(2026, 3, 22, 3)),  # 02:00-04:00 CET (UTC+1)
        (utc(2026, 3, 29, 1), utc(2026, 3, 29, 2)),  # 02:00 does not exist: 03:00-04:00 CEST
        (utc(2026, 4, 5, 0), utc(2026, 4, 5, 2)),  # 02:00-04:00 CEST (UTC+2)
    ]


def test_a_recurring_window_keeps_local_wall_time_across_fall_back(write_file: WriteFile) -> None:
    # 2026-10-25 is the last Sunday of October: 03:00 CEST goes back to 02:00 CET.
    windows = weekly(write_file).windows(utc(2026, 10, 17), utc(2026, 11, 2))
    assert windows == [
        (utc(2026, 10, 18, 0), utc(2026, 10, 18, 2)),  # CEST
        (utc(2026, 10, 25, 0), utc(2026, 10, 25, 3)),  # 02:00 CEST to 04:00 CET: 3 hours
        (utc(2026, 11, 1, 1), utc(2026, 11, 1, 3)),  # CET
    ]


def test_status_and_announcement_follow_the_next_window(write_file: WriteFile) -> None:
    incident = weekly(write_file)
    saturday_noon = utc(2026, 11, 28, 12)  # the next window: Sunday 29th 01:00-03:00 UTC
    assert incident.current_status(saturday_noon) == "scheduled"
    assert incident.is_upcoming(saturday_noon)  # 13 h ahead, within the default 72 h
    assert not incident.is_upcoming(utc(2026, 11, 23, 12))  # Monday: 5 days ahead
    assert incident.current_status(utc(2026, 11, 29, 2)) == "in_progress"
    assert incident.is_active(utc(2026, 11, 29, 2))
    assert not incident.is_upcoming(utc(2026, 11, 29, 2))


def test_a_recurrence_ends_at_scheduled_end_and_starts_at_scheduled_start(
    write_file: WriteFile,
) -> None:
    text = BERLIN_WEEKLY.replace(
        "scheduled_start: 2026-01-01T00:00:00Z",
        "scheduled_start: 2026-11-10T00:00:00Z\nscheduled_end: 2026-11-20T00:00:00Z\n"
        "announce_before: 1h",
    )
    incident = weekly(write_file, text)
    assert incident.windows() == [(utc(2026, 11, 15, 1), utc(2026, 11, 15, 3))]
    assert incident.current_status(utc(2026, 11, 5)) == "scheduled"
    assert not incident.is_upcoming(utc(2026, 11, 14, 23))  # 2 h ahead, announced 1 h before
    assert incident.is_upcoming(utc(2026, 11, 15, 0, 30))
    assert incident.current_status(utc(2026, 11, 16)) == "completed"


def test_maintenance_windows_expands_recurrences_over_a_range(write_file: WriteFile) -> None:
    write_file("incidents/weekly.md", BERLIN_WEEKLY)
    path = write_file(
        "incidents/once.md",
        """\
        ---
        title: Upgrade
        kind: maintenance
        monitors: [api, db]
        scheduled_start: 2026-11-24T02:00:00Z
        scheduled_end: 2026-11-24T03:00:00Z
        ---
        """,
    )
    incidents = load_incidents(path.parent, ["api", "db"])
    windows = maintenance_windows(incidents, utc(2026, 11, 20), utc(2026, 12, 7))
    assert sorted(windows) == [
        ("api", utc(2026, 11, 24, 2), utc(2026, 11, 24, 3)),
        ("db", utc(2026, 11, 22, 1), utc(2026, 11, 22, 3)),
        ("db", utc(2026, 11, 24, 2), utc(2026, 11, 24, 3)),
        ("db", utc(2026, 11, 29, 1), utc(2026, 11, 29, 3)),
        ("db", utc(2026, 12, 6, 1), utc(2026, 12, 6, 3)),
    ]
    assert maintenance_windows(incidents, utc(2026, 11, 25), utc(2026, 11, 28)) == []


def test_recurrence_mistakes_are_located(write_file: WriteFile) -> None:
    path = write_file(
        "incidents/bad.md",
        """\
        ---
        title: Bad
        kind: maintenance
        scheduled_start: 2026-11-01T00:00:00Z
        recurrence:
          start: "25:00"
          duration: 0s
          timezone: Europe/Berlinn
          every: [Sundae]
          often: true
        ---
        """,
    )
    with pytest.raises(ConfigError) as caught:
        load_incidents(path.parent, [])
    assert [str(p).replace(f"{path.parent}/", "") for p in caught.value.problems] == [
        'bad.md:6:10: recurrence.start: expected a local time like "02:00", got "25:00"',
        "bad.md:7:13: recurrence.duration: expected a duration above 0s and at most 7d",
        'bad.md:8:13: recurrence.timezone: unknown time zone "Europe/Berlinn"; '
        'expected an IANA name like "Europe/Berlin"',
        'bad.md:9:11: recurrence.every[0]: expected one of "Monday", "Tuesday", "Wednesday", '
        '"Thursday", "Friday", "Saturday" or "Sunday", got "Sundae"',
        'bad.md:10:3: recurrence.often: unknown key "often"; expected one of: '
        "duration, every, start, timezone",
    ]


def test_an_unquoted_clock_time_is_read_as_written(write_file: WriteFile) -> None:
    incident = weekly(write_file, BERLIN_WEEKLY.replace('"02:00"', "12:30"))
    assert incident.recurrence is not None and incident.recurrence.start == "12:30"


def _result(monitor: str, region: str, at: datetime, status: Status) -> Result:
    down = status is Status.DOWN
    return Result(
        monitor_id=monitor,
        region=region,
        run_id=f"run-{region}",
        checked_at=at,
        status=status,
        response_time_ms=None if down else 100.0,
        status_code=None if down else 200,
        error_kind=ErrorKind.CONNECT if down else None,
        error_message="Connection refused" if down else None,
    )


def test_recurring_maintenance_is_left_out_of_uptime(write_file: WriteFile, tmp_path: Path) -> None:
    """Sunday 2026-11-22 01:00-03:00 UTC is maintenance: the db is down then and up otherwise;
    uptime stays 100 % and the two hours count as maintenance, not down."""
    incidents = [weekly(write_file)]
    store = ResultStore(tmp_path / "data")
    day = utc(2026, 11, 22)
    for region in ("eu-west", "us-east"):
        results = [
            _result(
                "db",
                region,
                day + timedelta(minutes=10 * n),
                Status.DOWN if 6 <= n < 18 else Status.UP,  # 01:00-03:00 down
            )
            for n in range(144)
        ]
        store.append(results)
    now = utc(2026, 11, 23)
    windows = [Window(*w) for w in maintenance_windows(incidents, now - timedelta(days=3), now)]
    timelines = monitor_timelines(
        store, [MonitorSpec("db", timedelta(minutes=10))], windows, now, days=3
    )
    sunday = timelines["db"].days[-2]
    assert sunday.day == day.date()
    assert sunday.down == 0.0
    assert sunday.maintenance == 2 * 3600
    assert sunday.up == 22 * 3600
    assert timelines["db"].uptime() == 100.0
    without = monitor_timelines(store, [MonitorSpec("db", timedelta(minutes=10))], [], now, days=3)
    assert without["db"].days[-2].down == 2 * 3600  # the same results count as down otherwise
