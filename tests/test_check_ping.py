"""The ping check: real ICMP echoes to loopback; the library faked only where it must be."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime
from typing import Any, NoReturn

import pytest
from icmplib import Host, SocketPermissionError  # type: ignore[import-untyped]
from pydantic import ValidationError

from checks import ping
from checks.base import ProbeContext
from checks.ping import PingMonitor, probe
from checks.result import ErrorKind, Observation, Result, Status
from checks.runner import RunSettings, check_one

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _monitor(**fields: object) -> PingMonitor:
    base = {"type": "ping", "id": "gw", "name": "Gateway", "host": "127.0.0.1", "timeout": "1s"}
    return PingMonitor.model_validate(base | fields)


def _probe(monitor: PingMonitor) -> Observation:
    return asyncio.run(probe(monitor, ProbeContext()))


def _check(monitor: PingMonitor) -> Result:
    async def run() -> Result:
        return await check_one(monitor, ProbeContext(), RunSettings("test", "run-1"), lambda: NOW)

    return asyncio.run(run())


def _fake_ping(monkeypatch: pytest.MonkeyPatch, *answers: object) -> list[dict[str, Any]]:
    """Replace icmplib's ping: each call takes the next answer (raised if an exception)."""
    calls: list[dict[str, Any]] = []
    pending = list(answers)

    async def fake(address: str, **options: Any) -> object:
        calls.append({"address": address, **options})
        answer = pending.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(ping, "async_ping", fake)
    return calls


def test_loopback_answers() -> None:
    observation = _probe(_monitor())
    assert observation.error_kind is None, observation.error_message
    assert observation.degraded is None
    assert observation.values["CONNECTED"] is True
    assert observation.values["IP"] == "127.0.0.1"
    assert observation.response_time_ms is not None and observation.response_time_ms >= 0
    assert observation.values["RESPONSE_TIME"] == observation.response_time_ms


def test_loopback_is_up_through_the_runner_with_several_echoes() -> None:
    conditions = ["[CONNECTED] == true", "[RESPONSE_TIME] < 500", "[IP] == 127.0.0.1"]
    result = _check(_monitor(count=3, conditions=conditions))
    assert result.status is Status.UP, result.error_message
    assert result.error_kind is None
    assert result.response_time_ms is not None


def test_not_permitted_says_so_and_suggests_tcp(monkeypatch: pytest.MonkeyPatch) -> None:
    # GitHub-hosted runners allow no ICMP socket, privileged or not; that can't be made here.
    calls = _fake_ping(monkeypatch, SocketPermissionError(False), SocketPermissionError(True))
    monkeypatch.setattr(ping, "_is_root", lambda: True)
    result = _check(_monitor())
    assert result.status is Status.DOWN
    assert result.error_kind is ErrorKind.ICMP_NOT_PERMITTED
    assert result.error_message == (
        "ICMP is not permitted on this runner (GitHub-hosted runners block it); "
        "use a tcp check instead"
    )
    assert [call["privileged"] for call in calls] == [False, True]  # even root was refused


def test_not_permitted_without_root_tries_no_raw_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _fake_ping(monkeypatch, SocketPermissionError(False))
    monkeypatch.setattr(ping, "_is_root", lambda: False)
    observation = _probe(_monitor())
    assert observation.error_kind is ErrorKind.ICMP_NOT_PERMITTED
    assert [call["privileged"] for call in calls] == [False]


def test_root_falls_back_to_a_raw_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _fake_ping(monkeypatch, SocketPermissionError(False), Host("127.0.0.1", 1, [0.25]))
    monkeypatch.setattr(ping, "_is_root", lambda: True)
    observation = _probe(_monitor())
    assert observation.error_kind is None
    assert observation.response_time_ms == 0.25
    assert [call["privileged"] for call in calls] == [False, True]


def test_unresolvable_host_is_dns_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests never leave loopback, so name resolution is made to fail.
    def no_such_name(*args: object, **kwargs: object) -> NoReturn:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    result = _check(_monitor(host="no-such-host.invalid"))
    assert result.status is Status.DOWN
    assert result.error_kind is ErrorKind.DNS
    assert result.error_message == "cannot resolve no-such-host.invalid"


def test_name_is_resolved_once_and_its_address_pinged(monkeypatch: pytest.MonkeyPatch) -> None:
    def loopback(*args: object, **kwargs: object) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_DGRAM, 0, "", ("127.0.0.1", 0))]

    monkeypatch.setattr(socket, "getaddrinfo", loopback)
    calls = _fake_ping(monkeypatch, Host("127.0.0.1", 1, [1.5]))
    observation = _probe(_monitor(host="db.internal"))
    assert observation.values["IP"] == "127.0.0.1"
    assert [call["address"] for call in calls] == ["127.0.0.1"]


def test_no_reply_is_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    # Loopback always answers, so the library reports the silence of an unreachable host.
    _fake_ping(monkeypatch, Host("192.0.2.1", 2, []))
    observation = _probe(_monitor(host="192.0.2.1", count=2))
    assert observation.error_kind is ErrorKind.TIMEOUT
    assert observation.error_message == "no reply from 192.0.2.1 to 2 echo requests"
    assert observation.values["CONNECTED"] is False


def test_echo_that_could_not_be_sent_is_connect_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_ping(monkeypatch, Host("192.0.2.1", 0, []))
    observation = _probe(_monitor(host="192.0.2.1"))
    assert observation.error_kind is ErrorKind.CONNECT
    assert observation.error_message == "could not send an echo request to 192.0.2.1"


def test_some_echoes_lost_is_degraded(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_ping(monkeypatch, Host("127.0.0.1", 4, [1.0, 3.0]))
    result = _check(_monitor(count=4))
    assert result.status is Status.DEGRADED
    assert result.error_message == "2 of 4 echo requests unanswered"
    assert result.response_time_ms == 2.0


def test_replies_are_awaited_within_the_monitor_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _fake_ping(monkeypatch, Host("127.0.0.1", 3, [1.0, 1.0, 1.0]))
    _probe(_monitor(count=3, timeout="3s"))
    waits = calls[0]["timeout"] * 3 + calls[0]["interval"] * 2
    assert 2 < waits < 3


@pytest.mark.parametrize("count", [0, 11])
def test_count_must_be_1_to_10(count: int) -> None:
    with pytest.raises(ValidationError):
        _monitor(count=count)


def test_defaults_and_target() -> None:
    monitor = _monitor(host="gateway.internal")
    assert monitor.count == 1
    assert monitor.target == "gateway.internal"
