"""Maintenance and notifications on real results: a recurring window (every occurrence,
not just the first) freezes a monitor's alerts as a one-off window does, and each
occurrence is announced as started and completed on its own."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from checks.result import Status
from configuration.incidents import Incident
from notifications.state import read_state
from tests.notify_receivers import http_receiver
from tests.notify_samples import NOW, config_with
from tests.test_notify_run import MINUTE, record, run, statuses, webhook

DAY = timedelta(days=1)


def daily_maintenance(**fields: Any) -> Incident:
    """11:30-12:30 UTC every day, from a week before NOW on, for the monitor api."""
    return Incident.model_validate(
        {
            "id": "nightly-backup",
            "title": "Database backup",
            "kind": "maintenance",
            "monitors": ["api"],
            "scheduled_start": NOW - 7 * DAY,
            "recurrence": {"start": "11:30", "duration": "1h"},
            **fields,
        }
    )


def test_an_occurrence_of_a_recurring_maintenance_suppresses_the_down_alert(
    tmp_path: Path,
) -> None:
    maintenance = [daily_maintenance()]
    with http_receiver(200) as receiver:
        config = config_with([webhook(receiver, events=["down", "recovered"])])
        record(tmp_path, NOW - 40 * MINUTE, Status.UP)  # 11:20, before today's window
        run(config, tmp_path, NOW - 40 * MINUTE, maintenance)
        record(tmp_path, NOW, Status.DOWN)  # 12:00, inside it
        run(config, tmp_path, NOW, maintenance)
        assert receiver.requests == []
        state = read_state(tmp_path)
        assert state is not None and state.monitors["api"].component == "maintenance"
        after = NOW + 35 * MINUTE  # 12:35: the window ended, still down
        record(tmp_path, after, Status.DOWN)
        run(config, tmp_path, after, maintenance)
        run(config, tmp_path, after + MINUTE, maintenance)
    assert statuses(receiver) == ["error"]
    body = receiver.requests[0].json()
    assert body["cronTimestamp"] == int(after.timestamp() * 1000)
    assert body["statusCode"] == 503 and body["latency"] == 640
    assert body["errorMessage"] == "http_status: 503 Service Unavailable"


def test_every_occurrence_of_a_recurring_maintenance_is_started_and_completed(
    tmp_path: Path,
) -> None:
    maintenance = [daily_maintenance(announce_before="3d")]
    events = ["maintenance.scheduled", "maintenance.started", "maintenance.completed"]
    start = NOW - 2 * DAY - 2 * timedelta(hours=1)  # 10:00 two days ago
    with http_receiver(200) as receiver:
        config = config_with([webhook(receiver, events=events)])
        run(config, tmp_path, start)  # the first run records what exists, says nothing
        run(config, tmp_path, start + MINUTE, maintenance)
        for day in (start, start + DAY):
            for minutes in (105, 106, 165, 166):  # 11:45 twice, 12:45 twice
                run(config, tmp_path, day + minutes * MINUTE, maintenance)
        run(config, tmp_path, NOW + timedelta(hours=1), maintenance)  # today's window unseen
    bodies = [request.json() for request in receiver.requests]
    said = [(body["event"], body["data"]["maintenance"]["scheduled_start"]) for body in bodies]
    assert said == [
        ("maintenance.scheduled", "2026-11-21T11:30:00Z"),
        ("maintenance.started", "2026-11-21T11:30:00Z"),
        ("maintenance.completed", "2026-11-21T11:30:00Z"),
        ("maintenance.started", "2026-11-22T11:30:00Z"),
        ("maintenance.completed", "2026-11-22T11:30:00Z"),
    ]
    assert bodies[2]["data"]["maintenance"]["scheduled_end"] == "2026-11-21T12:30:00Z"
    assert bodies[2]["data"]["maintenance"]["status"] == "completed"


def test_a_one_off_maintenance_is_scheduled_started_and_completed_once(tmp_path: Path) -> None:
    maintenance = [
        Incident.model_validate(
            {
                "id": "db-upgrade",
                "title": "Database upgrade",
                "kind": "maintenance",
                "scheduled_start": NOW,
                "scheduled_end": NOW + timedelta(hours=1),
            }
        )
    ]
    with http_receiver(200) as receiver:
        config = config_with([webhook(receiver)])
        run(config, tmp_path, NOW - DAY)  # the first run records what exists, says nothing
        for minutes in (-60, -59, 1, 2, 61, 62):
            run(config, tmp_path, NOW + minutes * MINUTE, maintenance)
    bodies = [request.json() for request in receiver.requests]
    assert [body["event"] for body in bodies] == [
        "maintenance.scheduled",
        "maintenance.started",
        "maintenance.completed",
    ]
    assert [body["data"]["maintenance"]["status"] for body in bodies] == [
        "scheduled",
        "in_progress",
        "completed",
    ]
    keys = sorted(path.stem for path in (tmp_path / "notifications" / "events").iterdir())
    assert keys == [f"maintenance.db-upgrade.{phase}" for phase in ("completed", "scheduled",
                                                                    "started")]  # fmt: skip
