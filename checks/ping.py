"""ping: send ICMP echo requests to a host and wait for the replies (with icmplib).

Values for conditions: `RESPONSE_TIME` (the replies' average round trip, ms), `CONNECTED` and
`IP` (the address pinged, after name resolution).

How a ping is judged, kept simple:

- Any reply is up. If some of the `count` echo requests went unanswered it is degraded, with
  the loss in `Observation.degraded`.
- No reply at all is down with error kind `timeout`. ICMP has no refusal that would tell
  "nothing there" from "too slow", and icmplib counts an ICMP "destination unreachable" reply
  as a lost packet too, so silence is all that can honestly be reported. `connect` is kept for
  echo requests that could not even be sent (e.g. no route to the network).
- A name that does not resolve is `dns`.
- Where the system allows no ICMP socket at all (GitHub-hosted runners; containers without
  `CAP_NET_RAW` whose `net.ipv4.ping_group_range` leaves us out) the error kind is
  `not_permitted`, with a message that suggests a `tcp` check instead.

Unprivileged (datagram) ICMP sockets are tried first; as root the probe falls back to raw
sockets, which need no `ping_group_range`.
"""

from __future__ import annotations

import ipaddress
import os
import time
from typing import Literal, Protocol

from icmplib import (  # type: ignore[import-untyped]
    ICMPLibError,
    NameLookupError,
    SocketPermissionError,
    async_ping,
    async_resolve,
)
from pydantic import Field

from checks.base import CheckType, ProbeContext
from checks.result import ErrorKind, Observation
from configuration.monitor import MonitorBase

# Between echo requests: the shortest interval ping(8) allows an ordinary user.
INTERVAL_SECONDS = 0.2
# Each reply's wait is cut so that all of them end before the runner's timeout: a host that
# never answers then reads "no reply to 3 echo requests", not a bare timeout.
TIMEOUT_SHARE = 0.9
MIN_REPLY_TIMEOUT_SECONDS = 0.05
NOT_PERMITTED_MESSAGE = (
    "ICMP is not permitted on this runner (GitHub-hosted runners block it); use a tcp check instead"
)


class PingMonitor(MonitorBase):
    type: Literal["ping"] = Field(description="Check type.")
    host: str = Field(min_length=1, description="Host name or IP address.")
    count: int = Field(
        1,
        ge=1,
        le=10,
        description="Echo requests per check; any reply is up, some unanswered is degraded.",
    )

    @property
    def target(self) -> str:
        return self.host


class _Host(Protocol):
    """The part of icmplib's `Host` that is read here (icmplib ships no type hints)."""

    @property
    def packets_sent(self) -> int: ...

    @property
    def packets_received(self) -> int: ...

    @property
    def avg_rtt(self) -> float: ...


async def probe(monitor: PingMonitor, context: ProbeContext) -> Observation:
    started = time.perf_counter()
    try:
        address = await _resolve(monitor.host)
        host = await _ping(address, monitor.count, _reply_timeout(monitor))
    except NameLookupError:
        return Observation.failed(ErrorKind.DNS, f"cannot resolve {monitor.host}")
    except SocketPermissionError:
        return Observation.failed(ErrorKind.ICMP_NOT_PERMITTED, NOT_PERMITTED_MESSAGE)
    except (ICMPLibError, OSError) as error:  # e.g. no ICMPv6 socket on an IPv4-only system
        return Observation.failed(ErrorKind.CONNECT, str(error) or type(error).__name__)
    return _observe(monitor, address, host, (time.perf_counter() - started) * 1000)


async def _resolve(host: str) -> str:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        addresses: list[str] = await async_resolve(host)  # IPv4 first, then IPv6
        return addresses[0]


async def _ping(address: str, count: int, reply_timeout: float) -> _Host:
    options = {"count": count, "interval": INTERVAL_SECONDS, "timeout": reply_timeout}
    try:
        host: _Host = await async_ping(address, privileged=False, **options)
    except SocketPermissionError:
        if not _is_root():
            raise
        host = await async_ping(address, privileged=True, **options)
    return host


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _reply_timeout(monitor: PingMonitor) -> float:
    waits = monitor.count - 1
    budget = monitor.timeout.total_seconds() * TIMEOUT_SHARE - waits * INTERVAL_SECONDS
    return max(budget / monitor.count, MIN_REPLY_TIMEOUT_SECONDS)


def _observe(monitor: PingMonitor, address: str, host: _Host, elapsed_ms: float) -> Observation:
    sent, received = host.packets_sent, host.packets_received
    if sent == 0:
        return Observation.failed(ErrorKind.CONNECT, f"could not send an echo request to {address}")
    if received == 0:
        requests = f"{sent} echo request{'' if sent == 1 else 's'}"
        return Observation.failed(
            ErrorKind.TIMEOUT, f"no reply from {address} to {requests}", elapsed_ms
        )
    lost = monitor.count - received
    degraded = f"{lost} of {monitor.count} echo requests unanswered" if lost else None
    values: dict[str, object] = {"CONNECTED": True, "RESPONSE_TIME": host.avg_rtt, "IP": address}
    return Observation(response_time_ms=host.avg_rtt, degraded=degraded, values=values)


CHECK = CheckType(name="ping", model=PingMonitor, probe=probe)
