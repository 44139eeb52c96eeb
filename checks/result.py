"""What a check produces: an `Observation` per attempt, a `Result` per monitor and run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from checks.conditions import ConditionOutcome

RESULT_SCHEMA_VERSION = 1


class Status(StrEnum):
    UP = "up"
    DEGRADED = "degraded"
    DOWN = "down"
    UNKNOWN = "unknown"  # the check could not tell (the runner was offline): counts as no data


class ErrorKind(StrEnum):
    """Why a check failed; stored with the result so the page can say exactly why."""

    TIMEOUT = "timeout"
    CONNECT = "connect"
    DNS = "dns"
    TLS = "tls"
    HTTP_STATUS = "http_status"
    ASSERTION = "assertion"
    PROTOCOL = "protocol"
    ICMP_NOT_PERMITTED = "icmp_not_permitted"
    RUNNER_OFFLINE = "runner_offline"
    WAITING = "waiting"  # nothing to judge yet (a new heartbeat monitor): no data, never down
    INTERNAL = "internal"


@dataclass(frozen=True)
class Timings:
    """Phases of one request in milliseconds; None where a phase did not happen (a reused
    connection has no DNS, connect or TLS phase)."""

    dns_ms: float | None = None
    connect_ms: float | None = None
    tls_ms: float | None = None
    ttfb_ms: float | None = None
    total_ms: float | None = None


@dataclass(frozen=True)
class Observation:
    """What one probe attempt saw. `error_kind` is None when the target answered as expected;
    `degraded` says why a working target counts as degraded (e.g. a certificate about to
    expire); `values` feed the monitor's conditions (`STATUS`, `BODY`, `IP`, ...)."""

    response_time_ms: float | None = None
    status_code: int | None = None
    error_kind: ErrorKind | None = None
    error_message: str | None = None
    degraded: str | None = None
    values: Mapping[str, object] = field(default_factory=dict)
    timings: Timings | None = None
    peer_ip: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)  # the few worth keeping
    certificate_expires_at: datetime | None = None

    @classmethod
    def failed(
        cls, kind: ErrorKind, message: str, response_time_ms: float | None = None
    ) -> Observation:
        return cls(
            response_time_ms=response_time_ms,
            error_kind=kind,
            error_message=message,
            values={"CONNECTED": False},
        )


@dataclass(frozen=True)
class Result:
    """One monitor checked once from one region: the row stored in the history."""

    monitor_id: str
    region: str
    run_id: str
    checked_at: datetime
    status: Status
    response_time_ms: float | None = None
    status_code: int | None = None
    error_kind: ErrorKind | None = None
    error_message: str | None = None  # why it is down, or degraded
    attempts: int = 1
    timings: Timings | None = None
    peer_ip: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    certificate_expires_at: datetime | None = None
    conditions: tuple[ConditionOutcome, ...] = ()

    def __post_init__(self) -> None:
        if self.checked_at.tzinfo is None:
            raise ValueError("Result.checked_at must be timezone-aware (UTC)")
