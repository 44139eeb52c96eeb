"""The heartbeat check: recording and reading heartbeat files, and judging them at a fixed time."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from checks import heartbeat as heartbeat_module
from checks.base import ProbeContext
from checks.heartbeat import (
    Heartbeat,
    HeartbeatMonitor,
    HeartbeatStatus,
    observation_of,
    probe,
    read_heartbeat,
    record_heartbeat,
)
from checks.result import ErrorKind, Observation, Result, Status
from checks.runner import RunSettings, check_one
from generator import main
from tests.notify_receivers import http_receiver

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _monitor(**fields: object) -> HeartbeatMonitor:
    base = {"type": "heartbeat", "id": "backup", "name": "Nightly backup"}
    return HeartbeatMonitor.model_validate(base | fields)


def _beat(
    minutes_ago: float, status: HeartbeatStatus = "up", message: str | None = None
) -> Heartbeat:
    return Heartbeat("backup", status, message, NOW - timedelta(minutes=minutes_ago))


def _probe(folder: Path | None) -> Observation:
    return asyncio.run(probe(_monitor(), ProbeContext(heartbeats=folder)))


def test_recorded_heartbeat_reads_back_in_utc(tmp_path: Path) -> None:
    local = NOW.astimezone(timezone(timedelta(hours=2)))
    path = record_heartbeat(tmp_path / "heartbeats", "backup", "down", "disk full", local)
    assert path == tmp_path / "heartbeats" / "backup.json"
    assert json.loads(path.read_text()) == {
        "monitor_id": "backup",
        "status": "down",
        "message": "disk full",
        "at": "2026-11-23T12:00:00+00:00",
    }
    beat = read_heartbeat(tmp_path / "heartbeats", "backup")
    assert beat == Heartbeat("backup", "down", "disk full", NOW)
    assert beat is not None and beat.at.tzinfo is UTC


def test_record_replaces_atomically_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    record_heartbeat(tmp_path, "backup", "down", "failed", NOW - timedelta(hours=1))
    record_heartbeat(tmp_path, "backup", "up", None, NOW)
    assert [p.name for p in tmp_path.iterdir()] == ["backup.json"]
    assert read_heartbeat(tmp_path, "backup") == Heartbeat("backup", "up", None, NOW)


def test_failed_write_keeps_the_old_heartbeat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_heartbeat(tmp_path, "backup", "up", None, NOW)

    def disk_full(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError):
        record_heartbeat(tmp_path, "backup", "down", None, NOW + timedelta(minutes=5))
    assert [p.name for p in tmp_path.iterdir()] == ["backup.json"]
    assert read_heartbeat(tmp_path, "backup") == Heartbeat("backup", "up", None, NOW)


def test_record_refuses_a_naive_time_and_a_path_as_id(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        record_heartbeat(tmp_path, "backup", "up", None, NOW.replace(tzinfo=None))
    with pytest.raises(ValueError, match="not a monitor id"):
        record_heartbeat(tmp_path, "../backup", "up", None, NOW)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "text",
    [
        '{"monitor_id": "backup", "status": "up", "mess',  # half written
        "",
        "\xff\xfe not text",
        "[]",
        '{"monitor_id": "other", "status": "up", "message": null, "at": "2026-11-23T12:00:00Z"}',
        '{"monitor_id": "backup", "status": "fine", "message": null, "at": "2026-11-23T12:00Z"}',
        '{"monitor_id": "backup", "status": "up", "message": 3, "at": "2026-11-23T12:00:00Z"}',
        '{"monitor_id": "backup", "status": "up", "message": null, "at": "yesterday"}',
        '{"monitor_id": "backup", "status": "up", "message": null, "at": "2026-11-23T12:00:00"}',
        '{"monitor_id": "backup", "status": "up", "message": null}',
    ],
)
def test_unreadable_file_reads_as_none(tmp_path: Path, text: str) -> None:
    (tmp_path / "backup.json").write_bytes(text.encode("latin-1"))
    assert read_heartbeat(tmp_path, "backup") is None


def test_missing_file_or_folder_reads_as_none(tmp_path: Path) -> None:
    assert read_heartbeat(tmp_path, "backup") is None
    assert read_heartbeat(tmp_path / "absent", "backup") is None


def test_recent_heartbeat_is_up() -> None:
    observation = observation_of(_monitor(), _beat(minutes_ago=9), NOW)
    assert observation.error_kind is None
    assert observation.values == {"CONNECTED": True}
    assert observation.response_time_ms is None


def test_heartbeat_exactly_at_the_grace_is_still_up() -> None:
    assert observation_of(_monitor(grace="30m"), _beat(minutes_ago=30), NOW).error_kind is None


def test_late_heartbeat_is_down() -> None:
    observation = observation_of(_monitor(), _beat(minutes_ago=25), NOW)
    assert observation.error_kind is ErrorKind.TIMEOUT
    assert observation.error_message == "no heartbeat for 25 min (grace 10m)"
    assert observation.values["CONNECTED"] is False


@pytest.mark.parametrize(
    ("minutes_ago", "said"),
    [(0.75, "45 s"), (119, "119 min"), (60 * 47, "47 h"), (60 * 24 * 3 + 5, "3 days")],
)
def test_lateness_reads_in_a_sensible_unit(minutes_ago: float, said: str) -> None:
    observation = observation_of(_monitor(grace="30s"), _beat(minutes_ago), NOW)
    assert observation.error_message == f"no heartbeat for {said} (grace 30s)"


def test_late_wins_over_an_old_report_of_down() -> None:
    beat = _beat(minutes_ago=60, status="down", message="disk full")
    observation = observation_of(_monitor(), beat, NOW)
    assert observation.error_message == "no heartbeat for 60 min (grace 10m)"


def test_reported_down_is_down_with_its_message() -> None:
    beat = _beat(minutes_ago=1, status="down", message="disk full")
    observation = observation_of(_monitor(), beat, NOW)
    assert observation.error_kind is ErrorKind.ASSERTION
    assert observation.error_message == "disk full"
    silent = observation_of(_monitor(), _beat(minutes_ago=1, status="down"), NOW)
    assert silent.error_message == "the job reported down"


def test_heartbeat_from_a_clock_running_ahead_is_up() -> None:
    assert observation_of(_monitor(), _beat(minutes_ago=-3), NOW).error_kind is None


def _probe_at(folder: Path, now: datetime, **fields: object) -> Observation:
    async def run() -> Observation:
        return await probe(_monitor(**fields), ProbeContext(heartbeats=folder, clock=lambda: now))

    return asyncio.run(run())


def test_a_new_monitor_is_no_data_for_one_grace_then_down(tmp_path: Path) -> None:
    first = _probe_at(tmp_path, NOW, grace="1h")
    assert first.error_kind is ErrorKind.WAITING
    assert first.error_message == (
        "waiting for the first heartbeat since 2026-11-23 12:00 UTC (grace 1h)"
    )
    assert (tmp_path / "backup.waiting").read_text().strip() == NOW.isoformat()
    later = _probe_at(tmp_path, NOW + timedelta(minutes=59), grace="1h")
    assert later.error_kind is ErrorKind.WAITING, "the first run is remembered, not reset"
    late = _probe_at(tmp_path, NOW + timedelta(minutes=61), grace="1h")
    assert (late.error_kind, late.error_message) == (
        ErrorKind.TIMEOUT,
        "no heartbeat received in 61 min (grace 1h)",
    )
    record_heartbeat(tmp_path, "backup", "up", None, NOW + timedelta(minutes=62))
    assert _probe_at(tmp_path, NOW + timedelta(minutes=63), grace="1h").error_kind is None
    silent = _probe_at(tmp_path, NOW + timedelta(minutes=140), grace="1h")
    assert silent.error_kind is ErrorKind.TIMEOUT


def test_waiting_is_unknown_through_the_runner_never_down(tmp_path: Path) -> None:
    async def run() -> Result:
        context = ProbeContext(heartbeats=tmp_path, clock=lambda: NOW)
        return await check_one(_monitor(retries=2), context, RunSettings("eu", "r"), lambda: NOW)

    result = asyncio.run(run())
    assert (result.status, result.error_kind) == (Status.UNKNOWN, ErrorKind.WAITING)
    assert result.attempts == 1, "nothing to retry"


def test_a_marker_that_cannot_be_written_leaves_it_waiting_and_never_raises(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "heartbeats"
    folder.write_text("a file where the folder should be")  # every write below fails
    observation = _probe_at(folder, NOW, grace="1h")
    assert observation.error_kind is ErrorKind.WAITING
    assert "waiting for the first heartbeat since 2026-11-23 12:00 UTC" in str(
        observation.error_message
    )


def test_corrupt_file_is_down_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "backup.json").write_text('{"monitor_id": "bac')
    observation = _probe(tmp_path)
    assert observation.error_kind is ErrorKind.TIMEOUT
    assert observation.error_message == "heartbeat file is unreadable"


def test_run_without_a_heartbeat_folder_is_down() -> None:
    observation = _probe(None)
    assert observation.error_kind is ErrorKind.INTERNAL
    assert observation.error_message == "no heartbeat folder configured for this run"


def test_probe_judges_the_recorded_heartbeat_at_the_current_time(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    record_heartbeat(tmp_path, "backup", "up", None, now - timedelta(minutes=25, seconds=10))
    assert _probe(tmp_path).error_message == "no heartbeat for 25 min (grace 10m)"
    record_heartbeat(tmp_path, "backup", "up", None, now)
    assert _probe(tmp_path).error_kind is None


def test_recorded_heartbeat_is_up_through_the_runner(tmp_path: Path) -> None:
    record_heartbeat(tmp_path, "backup", "up", "42 files", datetime.now(UTC))
    monitor = _monitor(conditions=["[CONNECTED] == true"])

    async def run() -> Result:
        context = ProbeContext(heartbeats=tmp_path)
        return await check_one(monitor, context, RunSettings("test", "run-1"), lambda: NOW)

    result = asyncio.run(run())
    assert result.status is Status.UP, result.error_message
    assert result.response_time_ms is None


def test_defaults_and_target() -> None:
    assert _monitor().grace == timedelta(minutes=10)
    assert _monitor(grace="1h30m").target == "heartbeat within 1h30m"
    assert heartbeat_module.CHECK.name == "heartbeat"


def test_a_new_heartbeat_monitor_costs_nothing_on_its_first_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked for an hour before its first heartbeat (grace 25h): no data on the page, no
    outage, no uptime lost, nothing to alert."""
    config = (
        "version: 1\nregions: [{id: eu, name: Europe}]\nmonitors:\n"
        "  - {id: backup, name: Backup, type: heartbeat, grace: 25h, interval: 5m}\n"
    )
    (tmp_path / "config.yaml").write_text(config)
    monkeypatch.chdir(tmp_path)
    for minutes in range(0, 60, 5):
        at = (NOW + timedelta(minutes=minutes)).isoformat()
        result = CliRunner().invoke(main, ["check", "--region", "eu", "--no-notify", "--now", at])
        assert result.exit_code == 0, result.output
        assert "backup: unknown (waiting: waiting for the first heartbeat" in result.output
    built = CliRunner().invoke(main, ["build", "--now", (NOW + timedelta(hours=1)).isoformat()])
    assert built.exit_code == 0, built.output
    live = json.loads((tmp_path / "site" / "status-live.json").read_text())
    assert live["monitors"]["backup"]["state"] == "nodata"
    assert live["monitors"]["backup"]["uptime"]["24h"] is None
    incidents = json.loads((tmp_path / "site" / "api" / "v2" / "incidents.json").read_text())
    assert incidents["incidents"] == []


def test_a_new_heartbeat_monitor_alerts_only_once_its_grace_is_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`vigil check` with a channel: no alert while the new monitor waits for its first
    heartbeat; down one grace after the first check that watched for it; a heartbeat
    recovers it, and silence past the grace is down again."""
    monkeypatch.chdir(tmp_path)
    vigil = CliRunner()

    def check(minutes: int) -> None:
        at = (NOW + timedelta(minutes=minutes)).isoformat()
        result = vigil.invoke(main, ["check", "--region", "eu", "--all", "--now", at])
        assert result.exit_code == 0, result.output

    with http_receiver(200) as receiver:
        (tmp_path / "config.yaml").write_text(
            "version: 1\nregions: [{id: eu, name: Europe}]\nrunner: {canary: []}\nmonitors:\n"
            "  - {id: backup, name: Backup, type: heartbeat, grace: 30m, interval: 5m}\n"
            f"notifications: [{{id: hook, type: webhook, url: '{receiver.url}/hook'}}]\n"
        )
        for minutes in (0, 10, 25):
            check(minutes)
        waited = len(receiver.requests)
        check(35)
        beat = ["heartbeat", "backup", "--now", (NOW + timedelta(minutes=40)).isoformat()]
        assert vigil.invoke(main, beat).exit_code == 0
        check(45)
        check(75)
    assert waited == 0
    alerts = [request.json() for request in receiver.requests]
    assert [alert["status"] for alert in alerts] == ["error", "recovered", "error"]
    assert alerts[0]["errorMessage"] == "timeout: no heartbeat received in 35 min (grace 30m)"
    assert alerts[2]["errorMessage"] == "timeout: no heartbeat for 35 min (grace 30m)"
