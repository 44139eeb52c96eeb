"""Incident and maintenance files: parsed, validated with locations, clock-derived status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from configuration.errors import ConfigError
from configuration.incidents import load_incidents
from configuration.written import maintenance_windows

WriteFile = Callable[[str, str], Path]


def test_an_incident_file_is_read_with_its_body_and_timeline(write_file: WriteFile) -> None:
    path = write_file(
        "incidents/2026-11-01-api-down.md",
        """\
        ---
        title: API down
        impact: major
        monitors: [api]
        started_at: 2026-11-01T10:00:00Z
        updates:
          - {at: 2026-11-01T10:05:00+01:00, status: identified, message: Found it.}
        ---
        The **write-up**.
        """,
    )
    [incident] = load_incidents(path.parent, ["api"])
    assert incident.id == "2026-11-01-api-down"
    assert incident.body == "The **write-up**."
    assert incident.updates[0].at == datetime(2026, 11, 1, 9, 5, tzinfo=UTC)
    assert incident.current_status(datetime(2026, 11, 2, tzinfo=UTC)) == "identified"
    assert incident.is_active(datetime(2026, 11, 2, tzinfo=UTC))


def test_maintenance_status_follows_the_clock(write_file: WriteFile) -> None:
    path = write_file(
        "incidents/m.md",
        """\
        ---
        title: Upgrade
        kind: maintenance
        monitors: [api, db]
        scheduled_start: 2026-11-01T02:00:00Z
        scheduled_end: 2026-11-01T04:00:00Z
        ---
        """,
    )
    [window] = load_incidents(path.parent, ["api", "db"])
    assert window.current_status(datetime(2026, 11, 1, 1, tzinfo=UTC)) == "scheduled"
    assert window.current_status(datetime(2026, 11, 1, 3, tzinfo=UTC)) == "in_progress"
    assert window.current_status(datetime(2026, 11, 1, 5, tzinfo=UTC)) == "completed"
    assert [w[0] for w in maintenance_windows([window])] == ["api", "db"]


def test_every_problem_of_every_file_at_once(write_file: WriteFile) -> None:
    write_file(
        "incidents/a.md",
        """\
        ---
        title: A
        status: fixed
        started_at: 2026-11-01 10:00
        ---
        """,
    )
    write_file(
        "incidents/b.md",
        """\
        ---
        title: B
        kind: maintenance
        monitors: [web]
        scheduled_start: 2026-11-01T04:00:00Z
        scheduled_end: 2026-11-01T02:00:00Z
        ---
        """,
    )
    path = write_file("incidents/c.md", "no front matter here\n")
    with pytest.raises(ConfigError) as caught:
        load_incidents(path.parent, ["api"])
    messages = [str(p).replace(str(path.parent) + "/", "") for p in caught.value.problems]
    assert messages[0].startswith('a.md:3:9: status: expected one of "investigating"')
    assert messages[1] == (
        "a.md:4:13: started_at: expected a time with a time zone, "
        'like "2026-11-23T10:00:00Z", got "2026-11-01 10:00"'
    )
    assert messages[2] == "b.md:2:1: scheduled_end must be after scheduled_start"
    assert messages[3] == 'b.md:4:12: monitors[0]: unknown monitor "web"; expected one of: api'
    assert messages[4] == "c.md:1:1: expected YAML front matter between --- lines"
    assert len(messages) == 5
