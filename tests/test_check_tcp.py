"""The tcp check against a real asyncio server on 127.0.0.1 (ephemeral port)."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import NoReturn

import pytest
import trustme
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


async def _talk_to(
    handler: Handler, ssl_context: ssl.SSLContext | None = None, **fields: object
) -> Result:
    server = await asyncio.start_server(handler, "127.0.0.1", 0, ssl=ssl_context)
    port = server.sockets[0].getsockname()[1]
    async with server:
        monitor = _monitor(port=port, **fields)
        return await check_one(monitor, ProbeContext(), RunSettings("test", "run-1"), lambda: NOW)


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _pong(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    request = await reader.readline()
    writer.write(b"+PO")
    await writer.drain()
    await asyncio.sleep(0.01)  # the answer arrives in two pieces
    writer.write(b"NG\r\n" if request == b"PING\r\n" else b"-ERR\r\n")
    await writer.drain()
    writer.close()


def test_a_payload_is_sent_and_the_expected_answer_found() -> None:
    result = asyncio.run(_talk_to(_pong, send="PING\r\n", expect="+PONG"))
    assert result.status is Status.UP
    assert result.timings is not None and result.timings.connect_ms is not None


def test_a_wrong_answer_is_down_and_shows_what_came() -> None:
    result = asyncio.run(_talk_to(_pong, send="PONG\r\n", expect="+PONG"))
    assert result.status is Status.DOWN
    assert result.error_kind is ErrorKind.ASSERTION
    assert result.error_message == 'expected "+PONG" in the answer, got "+PO-ERR\r\n"'


def test_an_answer_that_never_comes_times_out() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # waits until the client gives up

    result = asyncio.run(_talk_to(silent, expect="220", timeout="300ms"))
    assert result.status is Status.DOWN
    assert result.error_kind is ErrorKind.TIMEOUT


def test_a_banner_feeds_body_conditions() -> None:
    async def banner(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 mail.example ESMTP ready\r\n")
        await writer.drain()
        writer.close()

    result = asyncio.run(_talk_to(banner, expect="220", conditions=["[BODY] == pat(220 *)"]))
    assert result.status is Status.UP
    assert [c.passed for c in result.conditions] == [True]


@pytest.fixture
def tls_server_context() -> ssl.SSLContext:
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


def test_tls_is_spoken_when_asked(tls_server_context: ssl.SSLContext) -> None:
    result = asyncio.run(
        _talk_to(
            _pong, tls_server_context, tls=True, verify_tls=False, send="PING\r\n", expect="+PONG"
        )
    )
    assert result.status is Status.UP


def test_tls_with_an_untrusted_certificate_is_a_tls_error(
    tls_server_context: ssl.SSLContext,
) -> None:
    result = asyncio.run(_talk_to(_pong, tls_server_context, tls=True, send="PING\r\n"))
    assert result.status is Status.DOWN
    assert result.error_kind is ErrorKind.TLS
    assert str(result.error_message).startswith("certificate not valid: ")
