"""The maintenance calendars (`maintenance.ics`, `monitors/<id>/maintenance.ics`): RFC 5545
that the `icalendar` library and a second, independent parser (vobject) both read; a window
moved or cancelled through the commands keeps its UID with a higher SEQUENCE, across
stateless builds; a recurrence keeps local wall time (its RRULE and overrides give exactly
the windows of the one maintenance rule); nothing is dated after the build."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import vobject  # type: ignore[import-untyped]
from dateutil.rrule import rrulestr

from configuration.incidents import parse_incident_text
from rendering.feeds.calendar import calendar_bytes, maintenance_events
from tests.conftest import NOW
from tests.site_fixture import build_fixture_site
from tests.test_incident_commands import project, vigil

__all__ = ["project"]  # a fixture: a git repository with the small config, as the cwd
MID = "2026-11-25-database-upgrade"


def _both(path: Path) -> tuple[icalendar.Calendar, Any]:
    text = path.read_text("utf-8")
    return icalendar.Calendar.from_ical(text), vobject.readOne(text)


def _events(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return list(calendar.walk("VEVENT"))


def _build(folder: Path, now: str) -> Path:
    result = vigil("build", "--out", "site", now=now)
    assert result.exit_code == 0, result.output
    return folder / "site" / "maintenance.ics"


def test_the_page_and_each_monitor_have_a_calendar_both_parsers_read(tmp_path: Path) -> None:
    build_fixture_site(tmp_path / "site")
    page, second = _both(tmp_path / "site" / "maintenance.ics")
    assert page["version"] == "2.0" and page["prodid"]
    uids = sorted(str(event["uid"]) for event in _events(page))
    assert [u.split("@")[0] for u in uids] == ["2026-11-18-db", "2026-11-24-network"]
    assert sorted(str(event.uid.value) for event in second.vevent_list) == uids
    for event in _events(page):
        assert event.decoded("dtstamp") <= NOW and event.decoded("last-modified") <= NOW
        assert event.decoded("dtstart").tzinfo is not None  # times carry their zone
        assert str(event["status"]) == "CONFIRMED"
    api, _ = _both(tmp_path / "site" / "monitors" / "api" / "maintenance.ics")
    db, _ = _both(tmp_path / "site" / "monitors" / "db" / "maintenance.ics")
    assert [str(e["summary"]) for e in _events(api)] == ["Database upgrade"]
    assert [str(e["summary"]) for e in _events(db)] == ["Network maintenance"]
    network = _events(db)[0]
    assert network.decoded("dtstart") == datetime(2026, 11, 24, 2, tzinfo=UTC)
    assert network.decoded("dtend") == datetime(2026, 11, 24, 3, tzinfo=UTC)
    assert "Affected: Database" in str(network["description"])
    headers = (tmp_path / "site" / "_headers").read_text()
    assert "/maintenance.ics\n  Access-Control-Allow-Origin: *" in headers
    assert "Content-Type: text/calendar; charset=utf-8" in headers


def _one(path: Path) -> tuple[icalendar.Event, Any]:
    calendar, second = _both(path)
    (event,) = _events(calendar)
    (other,) = second.vevent_list
    assert str(other.uid.value) == str(event["uid"])
    assert int(other.sequence.value) == int(event["sequence"])
    assert other.dtstart.value.astimezone(UTC) == event.decoded("dtstart").astimezone(UTC)
    assert str(other.status.value) == str(event["status"])
    return event, other


def test_a_moved_and_a_cancelled_window_keep_their_uid_with_a_higher_sequence(
    project: Path,
) -> None:
    new = vigil("maintenance", "new", "--title", "Database upgrade", "--start",
                "2026-11-25T02:00:00Z", "--duration", "2h", "--monitor", "db")  # fmt: skip
    assert new.exit_code == 0, new.output
    first, _ = _one(_build(project, "2026-11-23T10:00:00Z"))
    again, _ = _one(_build(project, "2026-11-23T11:00:00Z"))  # a build changes nothing
    assert (again["uid"], again["sequence"]) == (first["uid"], first["sequence"])
    assert str(first["status"]) == "CONFIRMED"

    moved = vigil("maintenance", "update", MID, "--start", "2026-11-26T02:00:00Z", "--end",
                  "2026-11-26T05:00:00Z", now="2026-11-24T09:00:00Z")  # fmt: skip
    assert moved.exit_code == 0, moved.output
    after_move, _ = _one(_build(project, "2026-11-24T10:00:00Z"))
    assert after_move["uid"] == first["uid"]
    assert int(after_move["sequence"]) > int(first["sequence"])
    assert after_move.decoded("dtstart") == datetime(2026, 11, 26, 2, tzinfo=UTC)
    assert after_move.decoded("dtend") == datetime(2026, 11, 26, 5, tzinfo=UTC)
    assert after_move.decoded("dtstamp") == datetime(2026, 11, 24, 9, tzinfo=UTC)

    cancelled = vigil("maintenance", "update", MID, "--status", "completed",
                      now="2026-11-25T09:00:00Z")  # fmt: skip
    assert cancelled.exit_code == 0, cancelled.output
    after_cancel, other = _one(_build(project, "2026-11-25T10:00:00Z"))
    assert after_cancel["uid"] == first["uid"]
    assert int(after_cancel["sequence"]) > int(after_move["sequence"])
    assert str(after_cancel["status"]) == "CANCELLED" and other.status.value == "CANCELLED"
    assert after_cancel.decoded("dtstart") == datetime(2026, 11, 26, 2, tzinfo=UTC)


BACKUPS = """\
---
title: Backups
kind: maintenance
monitors: [api]
scheduled_start: 2026-03-01T00:00:00Z
recurrence: {start: "02:00", duration: 2h, timezone: Europe/Berlin, every: [Sunday]}
updates:
  - at: 2026-11-22T01:30:00Z
    status: completed
    message: Done early.
---
Weekly backups.
"""


def _expanded(calendar: icalendar.Calendar, end: datetime) -> list[tuple[datetime, datetime]]:
    """The windows a calendar app shows: the RRULE's instances (each as long as the first),
    each replaced by its override (matched by RECURRENCE-ID), cancelled ones left out."""
    master, *overrides = _events(calendar)
    start, length = master.decoded("dtstart"), master.decoded("dtend") - master.decoded("dtstart")
    by_id = {o.decoded("recurrence-id").astimezone(UTC): o for o in overrides}
    rule = rrulestr(master["rrule"].to_ical().decode(), dtstart=start)
    windows = []
    for instance in rule.between(start - timedelta(seconds=1), end):
        override = by_id.pop(instance.astimezone(UTC), None)
        if override is None:
            windows.append((instance.astimezone(UTC), (instance + length).astimezone(UTC)))
        elif str(override["status"]) != "CANCELLED":
            span = (override.decoded("dtstart"), override.decoded("dtend"))
            windows.append((span[0].astimezone(UTC), span[1].astimezone(UTC)))
    assert by_id == {}, "every override belongs to an instance of the rule"
    return windows


def test_a_recurrence_is_one_rule_in_its_zone_whose_instances_are_the_maintenance_windows(
    tmp_path: Path,
) -> None:
    """Across the daylight-saving changes of 2026 and spring 2027, and with one occurrence ended
    early by an update: what a calendar app expands is exactly `Incident.windows`."""
    context = build_fixture_site(tmp_path / "site")
    incident = parse_incident_text(BACKUPS, Path("2026-03-01-backups.md"))
    data = calendar_bytes("Backups", maintenance_events(incident, context))
    calendar = icalendar.Calendar.from_ical(data)
    master = _events(calendar)[0]
    assert master["rrule"].to_ical() == b"FREQ=WEEKLY;BYDAY=SU"
    assert master["dtstart"].params["TZID"] == "Europe/Berlin"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    end = datetime(2027, 4, 1, tzinfo=UTC)  # within RECURRENCE_HORIZON of its start
    assert _expanded(calendar, end) == incident.windows(None, end)
    spring = datetime(2026, 3, 29, 1, tzinfo=UTC)  # 02:00 does not exist: 03:00-04:00 CEST
    assert (spring, spring + timedelta(hours=1)) in incident.windows(None, end)
    early = (datetime(2026, 11, 22, 1, tzinfo=UTC), datetime(2026, 11, 22, 1, 30, tzinfo=UTC))
    assert early in _expanded(calendar, end)
    assert vobject.readOne(data.decode()).vevent_list[0].rrule.value == "FREQ=WEEKLY;BYDAY=SU"


def test_a_calendar_says_nothing_about_a_change_that_has_not_happened_yet(
    tmp_path: Path,
) -> None:
    """An update posted after the build is not counted in DTSTAMP."""
    text = textwrap.dedent(BACKUPS).replace("2026-11-22T01:30:00Z", "2026-12-20T01:30:00Z")
    incident = parse_incident_text(text, Path("2026-03-01-backups.md"))
    context = build_fixture_site(tmp_path / "site")
    stamps = {event.stamp for event in maintenance_events(incident, context)}
    assert stamps == {datetime(2026, 3, 1, tzinfo=UTC)}
