"""A run split over worker processes (`runner.processes`) against a real HTTP server on
127.0.0.1: the same results as in one process, a worker that dies, small runs in one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from checks.http import HttpMonitor
from checks.processes import AUTO_THRESHOLD, process_count, run_in_processes
from checks.result import ErrorKind, Result, Status
from checks.runner import FixedClock, RunSettings, run_checks
from checks.schedule import in_shard
from generator import main
from tests.loopback_http import LoopbackServer, QuietHandler, serving

NOW = datetime(2026, 12, 5, 22, 0, tzinfo=UTC)
SETTINGS = RunSettings("eu", "eu-run", concurrency=8)


class _Handler(QuietHandler):
    def do_GET(self) -> None:
        self.send_response(503 if self.path == "/fail" else 200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with serving(LoopbackServer(_Handler)) as running:
        yield running


def _monitors(server: LoopbackServer, count: int) -> list[HttpMonitor]:
    return [
        HttpMonitor.model_validate(
            {
                "type": "http",
                "id": f"m{i:02d}",
                "name": f"M{i}",
                "url": server.url("/fail" if _expected(f"m{i:02d}") is Status.DOWN else "/ok"),
                "timeout": "5s",
            }
        )
        for i in range(count)
    ]


def _expected(monitor_id: str) -> Status:
    return Status.DOWN if int(monitor_id[1:]) % 3 == 0 else Status.UP


def _outcome(results: list[Result]) -> list[tuple[str, Status, int | None, str]]:
    return [(r.monitor_id, r.status, r.status_code, r.run_id) for r in results]


def _dying(connection: Connection) -> None:
    """A worker that dies as soon as it has its share."""
    connection.recv()
    os._exit(3)


def test_two_processes_give_the_results_of_one(server: LoopbackServer) -> None:
    monitors = _monitors(server, 30)
    clock = FixedClock(NOW)
    one = run_in_processes(monitors, SETTINGS, 1, clock)
    two = run_in_processes(monitors, SETTINGS, 2, clock)
    assert _outcome(two) == _outcome(one)  # the same results, in the order given
    assert {r.status for r in two} == {Status.UP, Status.DOWN}
    assert {r.checked_at for r in two} == {NOW}  # the clock reached the workers


def test_a_worker_that_dies_leaves_its_monitors_unknown(
    server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    monitors = _monitors(server, 12)
    results = run_in_processes(monitors, SETTINGS, 2, FixedClock(NOW), work=_dying)
    assert "worker process 2 of 2: died (exit status 3)" in caplog.messages
    assert [r.monitor_id for r in results] == [m.id for m in monitors]
    lost = {m.id for m in in_shard(monitors, 2, 2)}  # the worker's; this process checks 1/2
    assert lost and lost != {m.id for m in monitors}
    for result in results:
        if result.monitor_id in lost:  # no data, never down
            assert (result.status, result.error_kind) == (Status.UNKNOWN, ErrorKind.INTERNAL)
            message = "not checked: worker process 2 of 2 died (exit status 3)"
            assert result.error_message == message
        else:
            assert result.status is _expected(result.monitor_id)
    assert {r.run_id for r in results} == {"eu-run"}
    assert {r.checked_at for r in results} == {NOW}


def test_small_runs_stay_in_one_process(server: LoopbackServer) -> None:
    assert process_count(None, AUTO_THRESHOLD - 1) == 1
    assert process_count(None, AUTO_THRESHOLD) == len(os.sched_getaffinity(0))
    assert process_count(4, 3) == 3  # never more processes than monitors
    assert run_in_processes([], SETTINGS, 2) == []  # nothing due
    monitors = _monitors(server, 12)
    # `auto` with 12 monitors: were there a worker, `_dying` would leave its monitors unknown
    results = run_in_processes(monitors, SETTINGS, None, FixedClock(NOW), work=_dying)
    assert _outcome(results) == _outcome(run_checks(monitors, SETTINGS, FixedClock(NOW)))
    assert Status.UNKNOWN not in {r.status for r in results}


def test_a_clock_that_cannot_travel_keeps_the_run_here(server: LoopbackServer) -> None:
    monitors = _monitors(server, 12)
    results = run_in_processes(monitors, SETTINGS, 2, lambda: NOW, work=_dying)
    assert Status.UNKNOWN not in {r.status for r in results}


def test_vigil_check_with_two_processes_writes_one_result_file(
    server: LoopbackServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monitors = "".join(
        f'  - {{id: {m.id}, name: {m.name}, type: http, url: "{m.url}"}}\n'
        for m in _monitors(server, 12)
    )
    (tmp_path / "config.yaml").write_text(
        "version: 1\nregions: [{id: local, name: Loopback}]\n"
        f"runner: {{processes: 2, canary: []}}\nmonitors:\n{monitors}"
    )
    monkeypatch.chdir(tmp_path)
    command = ["check", "--region", "local", "--no-notify", "--now", "2026-12-05T22:00:00Z"]
    result = CliRunner().invoke(main, command, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [path] = (tmp_path / "data" / "results").rglob("*.parquet")
    rows = duckdb.sql(f"SELECT monitor_id, status, checked_at, run_id FROM '{path}'").fetchall()
    assert [(row[0], Status(row[1])) for row in rows] == [
        (f"m{i:02d}", _expected(f"m{i:02d}")) for i in range(12)
    ]
    assert {(row[2], row[3]) for row in rows} == {(NOW, rows[0][3])}  # one run, its clock
