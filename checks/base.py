"""The contract between the runner and the check types."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Generic, TypeVar

import httpx

from checks.result import Observation
from configuration.monitor import MonitorBase

USER_AGENT = "Vigil/0.1 (+https://github.com/vigil-status/vigil; status page checker)"
M = TypeVar("M", bound=MonitorBase)


class ProbeContext:
    """What probes share during one run: HTTP clients with pooled connections, and the folder
    where jobs record their heartbeats (`data/heartbeats`; None: heartbeat checks are down)."""

    def __init__(
        self, *, heartbeats: Path | None = None, clock: Callable[[], datetime] | None = None
    ) -> None:
        self._clients: dict[tuple[bool, bool], httpx.AsyncClient] = {}
        self.heartbeats = heartbeats  # the folder `vigil heartbeat` writes to
        self.clock = clock or (lambda: datetime.now(UTC))

    def http_client(self, *, verify: bool, follow_redirects: bool) -> httpx.AsyncClient:
        key = (verify, follow_redirects)
        if key not in self._clients:
            self._clients[key] = httpx.AsyncClient(
                verify=verify,
                follow_redirects=follow_redirects,
                headers={"User-Agent": USER_AGENT},
                limits=httpx.Limits(max_connections=None, max_keepalive_connections=100),
            )
        return self._clients[key]

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()


Probe = Callable[[M, ProbeContext], Awaitable[Observation]]


@dataclass(frozen=True)
class CheckType(Generic[M]):
    """A check type: its config model (with `type: Literal[name]`) and its probe.

    A probe makes one attempt and never raises: every failure is an `Observation` with an
    error kind. The runner applies the timeout, retries and conditions around it.
    """

    name: str
    model: type[M]
    probe: Probe[M]
