"""tcp: open a connection to host:port; optionally speak TLS, send a payload and expect a
substring in the answer (a banner, a PONG)."""

from __future__ import annotations

import asyncio
import time
from typing import Literal

from pydantic import Field

from checks.base import CheckType, ProbeContext
from checks.connection import close, connect, ssl_context, start_tls
from checks.result import ErrorKind, Observation, Timings
from configuration.monitor import MonitorBase

MAX_ANSWER_BYTES = 64 * 1024  # enough for any banner; a stream must not fill memory


class TcpMonitor(MonitorBase):
    type: Literal["tcp"] = Field(description="Check type.")
    host: str = Field(description="Host name or IP address.")
    port: int = Field(ge=1, le=65535, description="TCP port.")
    send: str | None = Field(
        None, description='Text sent once connected, e.g. `"PING\\r\\n"` (double-quoted YAML).'
    )
    expect: str | None = Field(
        None, description="Text the answer must contain, e.g. `+PONG`; read until it arrives."
    )
    tls: bool = Field(False, description="Speak TLS on the connection.")
    verify_tls: bool = Field(True, description="With `tls`: verify the server's certificate.")

    @property
    def target(self) -> str:
        return f"{self.host}:{self.port}"


async def probe(monitor: TcpMonitor, context: ProbeContext) -> Observation:
    started = time.perf_counter()
    connection = await connect(monitor.host, monitor.port)
    if isinstance(connection, Observation):
        return connection
    reader, writer = connection
    try:
        observation = await _talk(monitor, reader, writer, started)
    except asyncio.CancelledError:
        writer.transport.abort()  # the runner's timeout struck: no time for a polite close
        raise
    await close(writer)
    return observation


async def _talk(
    monitor: TcpMonitor,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    started: float,
) -> Observation:
    if monitor.tls:
        failed = await start_tls(writer, ssl_context(monitor.verify_tls), monitor.host)
        if failed:
            return failed
    connected_ms = (time.perf_counter() - started) * 1000
    try:
        answer = await _converse(monitor, reader, writer)
    except OSError as error:
        return Observation.failed(ErrorKind.CONNECT, f"connection lost: {error.strerror or error}")
    return _observe(monitor, writer, answer, connected_ms, started)


async def _converse(
    monitor: TcpMonitor, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> bytes:
    """Send the payload, then read until the expected text arrived, the peer closed, or the
    answer reached its size limit (the runner's timeout bounds the wait)."""
    if monitor.send:
        writer.write(monitor.send.encode())
        await writer.drain()
    if monitor.expect is None and monitor.send is None:
        return b""
    expected = (monitor.expect or "").encode()
    answer = b""
    while len(answer) < MAX_ANSWER_BYTES:
        chunk = await reader.read(MAX_ANSWER_BYTES - len(answer))
        answer += chunk
        if not chunk or (expected and expected in answer) or (not expected and answer):
            break
    return answer


def _observe(
    monitor: TcpMonitor,
    writer: asyncio.StreamWriter,
    answer: bytes,
    connected_ms: float,
    started: float,
) -> Observation:
    elapsed_ms = (time.perf_counter() - started) * 1000
    peer = writer.get_extra_info("peername")
    text = answer.decode("utf-8", errors="replace")
    values: dict[str, object] = {"CONNECTED": True, "RESPONSE_TIME": elapsed_ms, "BODY": text}
    if peer:
        values["IP"] = str(peer[0])
    error_kind, message = None, None
    if monitor.expect is not None and monitor.expect not in text:
        error_kind = ErrorKind.ASSERTION
        message = f'expected "{monitor.expect}" in the answer, got "{text[:80]}"'
    return Observation(
        response_time_ms=elapsed_ms,
        error_kind=error_kind,
        error_message=message,
        values=values,
        peer_ip=str(peer[0]) if peer else None,
        timings=Timings(connect_ms=connected_ms, total_ms=elapsed_ms),
    )


CHECK = CheckType(name="tcp", model=TcpMonitor, probe=probe)
