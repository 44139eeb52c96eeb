"""A run split over worker processes (`runner.processes`) against a real HTTP server on
127.0.0.1: the same results as in one process, a worker that dies, small runs in one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from multiprocessing.connection import Connection

import pytest

from checks.http import HttpMonitor
from checks.processes import AUTO_THRESHOLD, process_count, run_in_processes
from checks.result import ErrorKind, Result, Status
from checks.runner import FixedClock, RunSettings, run_checks
from checks.schedule import in_shard
from tests.loopback_http import LoopbackServer, QuietHandler, serving

NOW = datetime(2026, 12, 5, 22, 0, tzinfo=UTC)
SETTINGS = RunSettings("eu", "eu-run", concurrency=8)
DOOMED = "m01"  # the worker whose share holds this monitor dies


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
                "url": server.url("/fail" if i % 3 == 0 else "/ok"),
                "timeout": "5s",
            }
        )
        for i in range(count)
    ]


def _outcome(results: list[Result]) -> list[tuple[str, Status, int | None, str]]:
    return [(r.monitor_id, r.status, r.status_code, r.run_id) for r in results]


def _dying(connection: Connection) -> None:
    """A worker that checks its share, except the one holding DOOMED: that one dies."""
    monitors, settings, clock = connection.recv()
    if any(monitor.id == DOOMED for monitor in monitors):
        os._exit(3)
    connection.send(run_checks(monitors, settings, clock))


def test_two_processes_give_the_results_of_one(server: LoopbackServer) -> None:
    monitors = _monitors(server, 30)
    clock = FixedClock(NOW)
    one = run_in_processes(monitors, SETTINGS, 1, clock)
    two = run_in_processes(monitors, SETTINGS, 2, clock)
    assert _outcome(two) == _outcome(one)  # the same results, in the order given
    assert {r.status for r in two} == {Status.UP, Status.DOWN}
    assert {r.checked_at for r in two} == {NOW}  # the clock reached the workers


def test_a_worker_that_dies_leaves_its_monitors_unknown(server: LoopbackServer) -> None:
    monitors = _monitors(server, 12)
    results = run_in_processes(monitors, SETTINGS, 2, FixedClock(NOW), work=_dying)
    number = next(n for n in (1, 2) if DOOMED in {m.id for m in in_shard(monitors, n, 2)})
    doomed = {m.id for m in in_shard(monitors, number, 2)}
    assert [r.monitor_id for r in results] == [m.id for m in monitors]
    lost = [r for r in results if r.monitor_id in doomed]
    assert {r.status for r in lost} == {Status.UNKNOWN}  # no data, never down
    assert {r.error_kind for r in lost} == {ErrorKind.INTERNAL}
    assert {r.error_message for r in lost} == {
        f"not checked: worker process {number} of 2 died (exit status 3)"
    }
    kept = [r for r in results if r.monitor_id not in doomed]
    assert kept and {r.status for r in kept} <= {Status.UP, Status.DOWN}
    assert {r.run_id for r in results} == {"eu-run"}


def test_small_runs_stay_in_one_process(server: LoopbackServer) -> None:
    assert process_count(None, AUTO_THRESHOLD - 1) == 1
    assert process_count(None, AUTO_THRESHOLD) == len(os.sched_getaffinity(0))
    assert process_count(4, 3) == 3  # never more processes than monitors
    monitors = _monitors(server, 4)
    # `auto` with 4 monitors: `_dying` would kill the worker with m01, were there one
    results = run_in_processes(monitors, SETTINGS, None, FixedClock(NOW), work=_dying)
    assert [r.status for r in results] == [Status.DOWN, Status.UP, Status.UP, Status.DOWN]


def test_a_clock_that_cannot_travel_keeps_the_run_here(server: LoopbackServer) -> None:
    monitors = _monitors(server, 4)
    results = run_in_processes(monitors, SETTINGS, 2, lambda: NOW, work=_dying)
    assert [r.status for r in results] == [Status.DOWN, Status.UP, Status.UP, Status.DOWN]
