"""The contract between the runner and the check types."""

from __future__ import annotations

import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Generic, TypeVar

import aiohttp

from checks.result import Observation
from configuration.monitor import MonitorBase

USER_AGENT = "Vigil/0.1 (+https://github.com/vigil-status/vigil; status page checker)"
HTTP_CONNECTIONS = 256  # open connections at once; the runner's concurrency should not exceed it
M = TypeVar("M", bound=MonitorBase)
SessionFactory = Callable[[aiohttp.TCPConnector], aiohttp.ClientSession]


class ProbeContext:
    """What probes share during one run: one HTTP session with its connection pool, and the
    folder where jobs record their heartbeats (`data/heartbeats`; None: heartbeat checks are
    down)."""

    def __init__(
        self,
        *,
        heartbeats: Path | None = None,
        clock: Callable[[], datetime] | None = None,
        http_connections: int = HTTP_CONNECTIONS,
    ) -> None:
        self._session: aiohttp.ClientSession | None = None
        self.http_connections = http_connections
        self.heartbeats = heartbeats  # the folder `vigil heartbeat` writes to
        self.clock = clock or (lambda: datetime.now(UTC))

    def http_session(self, make: SessionFactory) -> aiohttp.ClientSession:
        """The run's shared session, made on first use by `make` around the run's connector.

        Verification is chosen per request (`ssl=False` turns it off), so one session serves
        monitors with and without it.
        """
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self.http_connections,
                limit_per_host=0,  # monitors on one host are still bounded by `limit`
                # A connection per check, closed after it: each check measures its own connect
                # and handshake, and memory follows the concurrency, not the monitor count.
                force_close=True,
                # The system's CAs, plus SSL_CERT_FILE / SSL_CERT_DIR when set (OpenSSL reads
                # them), so a private CA can be trusted without code.
                ssl=ssl.create_default_context(),
            )
            self._session = make(connector)
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


Probe = Callable[[M, ProbeContext], Awaitable[Observation]]


@dataclass(frozen=True)
class CheckType(Generic[M]):
    """A check type: its config model (with `type: Literal[name]`) and its probe.

    A probe makes one attempt and never raises: every failure is an `Observation` with an
    error kind. The runner applies the timeout, retries and conditions around it.
    `network`: the probe reaches out over the network, so its failures say nothing while
    the runner itself is offline (the canary); a heartbeat only reads a file.
    """

    name: str
    model: type[M]
    probe: Probe[M]
    network: bool = True
