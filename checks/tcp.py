"""tcp: open a connection to host:port."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from typing import Literal

from pydantic import Field

from checks.base import CheckType, ProbeContext
from checks.result import ErrorKind, Observation
from configuration.monitor import MonitorBase


class TcpMonitor(MonitorBase):
    type: Literal["tcp"] = Field(description="Check type.")
    host: str = Field(description="Host name or IP address.")
    port: int = Field(ge=1, le=65535, description="TCP port.")

    @property
    def target(self) -> str:
        return f"{self.host}:{self.port}"


async def probe(monitor: TcpMonitor, context: ProbeContext) -> Observation:
    started = time.perf_counter()
    try:
        _reader, writer = await asyncio.open_connection(monitor.host, monitor.port)
    except OSError as error:
        kind = ErrorKind.DNS if isinstance(error, socket.gaierror) else ErrorKind.CONNECT
        return Observation.failed(kind, error.strerror or str(error))
    elapsed_ms = (time.perf_counter() - started) * 1000
    peer = writer.get_extra_info("peername")
    writer.close()
    # The connection was made; a reset while closing says nothing about the target.
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    values: dict[str, object] = {"CONNECTED": True, "RESPONSE_TIME": elapsed_ms}
    if peer:
        values["IP"] = str(peer[0])
    return Observation(response_time_ms=elapsed_ms, values=values)


CHECK = CheckType(name="tcp", model=TcpMonitor, probe=probe)
