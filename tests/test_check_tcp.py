"""The tcp check against a real asyncio server on 127.0.0.1 (ephemeral port)."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime, timedelta
from typing import NoReturn

import pytest
from pydantic import ValidationError

from checks.base import ProbeContext
from checks.result import ErrorKind, Observation, Result, Status
from checks.runner import RunSettings, check_one
from checks.tcp import TcpMonitor, probe

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def closed_port() -> int:
    """A port that was just free: nothing listens on it, so connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _monitor(**fields: object) -> TcpMonitor:
    base = {"type": "tcp", "id": "db", "name": "Database", "host": "127.0.0.1", "timeout": "1s"}
    return TcpMonitor.model_validate(base | fields)


def _check(monitor: TcpMonitor) -> Result:
    async def run() -> Result:
        return await check_one(monitor, ProbeContext(), RunSettings("test", "run-1"), lambda: NOW)

    return asyncio.run(run())


async def _probe_server() -> tuple[Observation, int]:
    """Probe a fresh server; also return how many connections the server accepted."""
    accepted = 0
    connected = asyncio.Event()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal accepted
        accepted += 1
        connected.set()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        observation = await probe(_monitor(port=port), ProbeContext())
        await asyncio.wait_for(connected.wait(), 1)
    return observation, accepted


def test_open_port_is_up() -> None:
    observation, accepted = asyncio.run(_probe_server())
    assert observation.error_kind is None, observation.error_message
    assert observation.values["CONNECTED"] is True
    assert observation.values["IP"] == "127.0.0.1"
    assert observation.response_time_ms is not None and observation.response_time_ms > 0
    assert observation.values["RESPONSE_TIME"] == observation.response_time_ms
    assert accepted == 1


def test_open_port_is_up_through_the_runner() -> None:
    async def run() -> Result:
        server = await asyncio.start_server(lambda _r, w: w.close(), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            monitor = _monitor(port=port, conditions=["[CONNECTED] == true"])
            return await check_one(monitor, ProbeContext(), RunSettings("test", "run-1"))

    result = asyncio.run(run())
    assert result.status is Status.UP
    assert result.error_kind is None
    assert result.checked_at.utcoffset() == timedelta(0)  # the default clock is aware UTC


def test_refused_connection_is_connect_error(closed_port: int) -> None:
    result = _check(_monitor(port=closed_port))
    assert result.status is Status.DOWN
    assert result.error_kind is ErrorKind.CONNECT
    assert result.error_message
    assert result.checked_at == NOW


def test_refused_connection_fails_a_connected_condition(closed_port: int) -> None:
    observation = asyncio.run(probe(_monitor(port=closed_port), ProbeContext()))
    assert observation.error_kind is ErrorKind.CONNECT
    assert observation.values["CONNECTED"] is False


def test_unresolvable_host_is_dns_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests never leave loopback, so the resolver's answer is faked: name resolution fails.
    def no_such_name(*args: object, **kwargs: object) -> NoReturn:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    result = _check(_monitor(host="no-such-host.invalid", port=80))
    assert result.status is Status.DOWN
    assert result.error_kind is ErrorKind.DNS
    assert result.error_message == "Name or service not known"


@pytest.mark.parametrize("port", [0, 65536])
def test_port_must_be_valid(port: int) -> None:
    with pytest.raises(ValidationError):
        _monitor(port=port)


def test_target() -> None:
    assert _monitor(host="db.internal", port=5432).target == "db.internal:5432"
