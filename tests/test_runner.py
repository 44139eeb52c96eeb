"""The runner against a real threaded HTTP server on 127.0.0.1: concurrency, retries, the run
deadline, failures inside probes, secrets and due monitors."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from checks.base import CheckType, ProbeContext
from checks.http import HttpMonitor
from checks.registry import CHECKS
from checks.result import ErrorKind, Observation, Status
from checks.runner import RunSettings, run_checks
from checks.tcp import TcpMonitor
from configuration.monitor import MonitorBase
from tests.loopback_http import SLOW_CAP, LoopbackServer, QuietHandler, serving

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


class _Server(LoopbackServer):
    """/ok, /fail (503), /slow (until teardown), /slowish?ms=N, /flaky/<key>?fails=N (500 for
    the first N requests per key). Counts requests per path and the most handled at once."""

    request_queue_size = 128

    def __init__(self) -> None:
        super().__init__(_Handler)
        self.lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0


class _Handler(QuietHandler):
    server: _Server

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {name: int(values[0]) for name, values in parse_qs(url.query).items()}
        server = self.server
        with server.lock:
            server.requests[url.path] += 1
            count = server.requests[url.path]
            server.in_flight += 1
            server.max_in_flight = max(server.max_in_flight, server.in_flight)
        status = 200
        if url.path == "/fail":
            status = 503
        elif url.path == "/slow":
            server.release.wait(SLOW_CAP)
        elif url.path == "/slowish":
            server.release.wait(query["ms"] / 1000)
        elif url.path.startswith("/flaky/") and count <= query["fails"]:
            status = 500
        with server.lock:  # before answering: a client that got its answer is not in flight
            server.in_flight -= 1
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


@pytest.fixture
def server() -> Iterator[_Server]:
    with serving(_Server()) as running:
        yield running


def _http(monitor_id: str, url: str, **fields: object) -> HttpMonitor:
    base = {"type": "http", "id": monitor_id, "name": monitor_id, "url": url, "timeout": "2s"}
    return HttpMonitor.model_validate(base | fields)


def _tcp(monitor_id: str = "db") -> TcpMonitor:
    fields = {"type": "tcp", "id": monitor_id, "name": "DB", "host": "127.0.0.1", "port": 9}
    return TcpMonitor.model_validate(fields)


def _settings(**fields: Any) -> RunSettings:
    return RunSettings(region="eu", run_id="run-7", **fields)


def test_many_monitors_run_concurrently_in_order(server: _Server) -> None:
    # Later monitors answer sooner, so finishing order is the reverse of the input order.
    delays = [100 + (49 - i) * 4 for i in range(50)]
    monitors = [
        _http(f"m{i:02d}", server.url("/fail" if i % 7 == 3 else f"/slowish?ms={delay}"))
        for i, delay in enumerate(delays)
    ]
    started = time.perf_counter()
    results = run_checks(monitors, _settings(concurrency=100), clock=lambda: NOW)
    elapsed = time.perf_counter() - started
    assert [result.monitor_id for result in results] == [monitor.id for monitor in monitors]
    for i, result in enumerate(results):
        expected = Status.DOWN if i % 7 == 3 else Status.UP
        assert result.status is expected, (result.monitor_id, result.error_message)
    assert server.max_in_flight >= 10
    assert elapsed < 0.5 * sum(delays) / 1000  # a correctness check of concurrency, not a benchmark


def test_concurrency_limit_is_respected(server: _Server) -> None:
    monitors = [_http(f"m{i}", server.url("/slowish?ms=30")) for i in range(6)]
    results = run_checks(monitors, _settings(concurrency=2))
    assert [result.status for result in results] == [Status.UP] * 6
    assert server.requests["/slowish"] == 6
    assert server.max_in_flight <= 2


@pytest.mark.parametrize(
    ("retries", "status", "attempts"),
    [(2, Status.UP, 3), (5, Status.UP, 3), (1, Status.DOWN, 2), (0, Status.DOWN, 1)],
)
def test_retries_until_success(
    server: _Server, retries: int, status: Status, attempts: int
) -> None:
    monitor = _http("flaky", server.url("/flaky/a?fails=2"), retries=retries)
    [result] = run_checks([monitor], _settings())
    assert result.status is status
    assert result.attempts == attempts
    assert server.requests["/flaky/a"] == attempts
    if status is Status.DOWN:
        assert (result.error_kind, result.status_code) == (ErrorKind.HTTP_STATUS, 500)
    else:
        assert (result.error_kind, result.status_code) == (None, 200)


def test_run_deadline_stops_slow_checks_and_keeps_finished_ones(server: _Server) -> None:
    monitors = [
        _http("slow", server.url("/slow"), timeout="5s"),
        _http("fast", server.url("/ok")),
    ]
    started = time.perf_counter()
    slow, fast = run_checks(monitors, _settings(deadline=timedelta(milliseconds=300)))
    assert time.perf_counter() - started < 1.5
    assert slow.monitor_id == "slow"
    assert slow.status is Status.DOWN
    assert slow.error_kind is ErrorKind.TIMEOUT
    assert slow.error_message is not None and "run deadline" in slow.error_message
    assert slow.checked_at.tzinfo is not None
    assert (fast.monitor_id, fast.status, fast.status_code) == ("fast", Status.UP, 200)


async def _raising_probe(monitor: TcpMonitor, context: ProbeContext) -> Observation:
    raise RuntimeError(f"bug while checking with token s3cret for {monitor.id}")


@pytest.fixture
def broken_tcp(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tcp check type with a probe that raises, standing in for a bug in a probe."""
    monkeypatch.setitem(CHECKS, "tcp", CheckType("tcp", TcpMonitor, _raising_probe))


@pytest.mark.usefixtures("broken_tcp")
def test_probe_bug_is_internal_and_other_checks_go_on(server: _Server) -> None:
    monitors: list[MonitorBase] = [_tcp(), _http("web", server.url("/ok"))]
    broken, web = run_checks(monitors, _settings())
    assert broken.status is Status.DOWN
    assert broken.error_kind is ErrorKind.INTERNAL
    assert broken.error_message is not None and "RuntimeError" in broken.error_message
    assert web.status is Status.UP


@pytest.mark.usefixtures("broken_tcp")
def test_secrets_are_redacted_from_error_messages() -> None:
    [result] = run_checks([_tcp()], _settings(secrets=frozenset({"s3cret", ""})))
    assert result.error_message == "RuntimeError: bug while checking with token *** for db"


def test_fixed_clock_is_used_for_checked_at(server: _Server) -> None:
    clock_value = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    monitors = [_http("a", server.url("/ok")), _http("b", server.url("/fail"))]
    results = run_checks(monitors, _settings(), clock=lambda: clock_value)
    assert [result.checked_at for result in results] == [clock_value, clock_value]
    assert {(result.region, result.run_id) for result in results} == {("eu", "run-7")}


def test_default_clock_is_aware_utc(server: _Server) -> None:
    before = datetime.now(UTC)
    [result] = run_checks([_http("a", server.url("/ok"))], _settings())
    assert result.checked_at.utcoffset() == timedelta(0)
    assert before <= result.checked_at <= datetime.now(UTC)


def test_no_monitors_no_results() -> None:
    assert run_checks([], _settings()) == []
