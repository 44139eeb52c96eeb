"""tls: complete a TLS handshake and judge the certificate: chain, host name and expiry.

Values for conditions: `CERTIFICATE_EXPIRATION` (a timedelta until notAfter), `TLS_VERSION`
(e.g. `TLSv1.3`), `RESPONSE_TIME` (ms, connect plus handshake), `CONNECTED` and `IP`.

A certificate expiring within `down_within` (or already expired) is down with error kind `tls`,
as is a failed verification. One expiring within `degraded_within` is degraded, with the
reason in `Observation.degraded`.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import Field

from checks.base import CheckType, ProbeContext
from checks.connection import close, connect, ssl_context, start_tls
from checks.result import ErrorKind, Observation
from configuration.monitor import Duration, MonitorBase

# A server that never answers our close_notify must not hold up the probe.


class TlsMonitor(MonitorBase):
    type: Literal["tls"] = Field(description="Check type.")
    host: str = Field(description="Host name or IP address to connect to.")
    port: int = Field(443, ge=1, le=65535, description="TCP port.")
    degraded_within: Duration = Field(
        timedelta(days=14), description="A certificate expiring sooner than this is degraded."
    )
    down_within: Duration = Field(
        timedelta(days=3), description="A certificate expiring sooner than this is down."
    )
    verify: bool = Field(
        True,
        description="Verify the certificate chain and host name; the expiry is judged either way.",
    )
    server_name: str | None = Field(
        None, description="Name sent as SNI and matched against the certificate; default `host`."
    )
    ca_file: str | None = Field(
        None, description="PEM file of extra CAs to trust besides the system's, e.g. a private CA."
    )

    @property
    def target(self) -> str:
        return f"{self.host}:{self.port}"


def expiry_verdict(
    not_after: datetime, now: datetime, monitor: TlsMonitor
) -> tuple[ErrorKind | None, str | None, str | None]:
    """(error kind, error message, degraded reason) for a certificate valid until `not_after`."""
    remaining = not_after - now
    day = not_after.date().isoformat()
    if remaining <= timedelta(0):
        return ErrorKind.TLS, f"certificate expired {_span(-remaining)} ago ({day})", None
    message = f"certificate expires in {_span(remaining)} ({day})"
    if remaining <= monitor.down_within:
        return ErrorKind.TLS, message, None
    if remaining <= monitor.degraded_within:
        return None, None, message
    return None, None, None


def _span(delta: timedelta) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        count = int(delta.total_seconds() // size)
        if count >= 1:
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return "less than a minute"


async def probe(monitor: TlsMonitor, context: ProbeContext) -> Observation:
    try:
        tls_context = ssl_context(monitor.verify, monitor.ca_file)
    except OSError as error:  # ssl.SSLError is an OSError too
        message = f"cannot load ca_file {monitor.ca_file}: {error}"
        return Observation.failed(ErrorKind.INTERNAL, message)
    started = time.perf_counter()
    connection = await connect(monitor.host, monitor.port)
    if isinstance(connection, Observation):
        return connection
    _reader, writer = connection
    try:
        failed = await start_tls(writer, tls_context, monitor.server_name or monitor.host)
        observation = failed or _observe(
            monitor, writer, (time.perf_counter() - started) * 1000, context.clock()
        )
    except asyncio.CancelledError:
        writer.transport.abort()  # the runner's timeout struck: no time for a polite close
        raise
    await close(writer)
    return observation


def _observe(
    monitor: TlsMonitor, writer: asyncio.StreamWriter, elapsed_ms: float, now: datetime
) -> Observation:
    ssl_object: ssl.SSLObject = writer.get_extra_info("ssl_object")
    not_after = certificate_not_after(ssl_object)
    if not_after is None:
        return Observation.failed(ErrorKind.PROTOCOL, "no readable certificate from the server")
    error_kind, message, degraded = expiry_verdict(not_after, now, monitor)
    values: dict[str, object] = {
        "CERTIFICATE_EXPIRATION": not_after - now,
        "TLS_VERSION": ssl_object.version(),
        "RESPONSE_TIME": elapsed_ms,
        "CONNECTED": True,
    }
    peer = writer.get_extra_info("peername")
    if peer:
        values["IP"] = str(peer[0])
    return Observation(
        response_time_ms=elapsed_ms,
        error_kind=error_kind,
        error_message=message,
        degraded=degraded,
        values=values,
    )


def certificate_not_after(ssl_object: ssl.SSLObject) -> datetime | None:
    """The peer certificate's notAfter, in UTC; None if it sent none."""
    decoded = ssl_object.getpeercert()
    if decoded and "notAfter" in decoded:
        return datetime.fromtimestamp(ssl.cert_time_to_seconds(str(decoded["notAfter"])), UTC)
    # Without verification Python decodes nothing, so read the DER certificate itself.
    der = ssl_object.getpeercert(binary_form=True)
    try:
        return der_not_after(der) if der else None
    except (IndexError, ValueError):  # a malformed certificate; UnicodeError is a ValueError
        return None


def der_not_after(der: bytes) -> datetime:
    """notAfter of a DER X.509 certificate (RFC 5280: tbsCertificate.validity.notAfter)."""
    _tag, start, end = _der_element(der, 0)
    tbs = _der_children(der, start, end)[0]
    fields = _der_children(der, tbs[1], tbs[2])
    if fields[0][0] == 0xA0:  # the optional explicit [0] version comes first
        fields = fields[1:]
    validity = fields[3]  # after serialNumber, signature and issuer
    tag, start, end = _der_children(der, validity[1], validity[2])[1]
    text = der[start:end].decode("ascii")
    if tag == 0x17:  # UTCTime, two-digit year: 50-99 means 19xx (RFC 5280 4.1.2.5.1)
        text = ("19" if int(text[:2]) >= 50 else "20") + text
    return datetime.strptime(text, "%Y%m%d%H%M%SZ").replace(tzinfo=UTC)


def _der_element(data: bytes, offset: int) -> tuple[int, int, int]:
    """(tag, start, end) of the value of the DER element at `offset`."""
    tag, length, start = data[offset], data[offset + 1], offset + 2
    if length & 0x80:  # long form: the low bits count the length bytes that follow
        size = length & 0x7F
        length = int.from_bytes(data[start : start + size], "big")
        start += size
    return tag, start, start + length


def _der_children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    children = []
    while start < end:
        child = _der_element(data, start)
        children.append(child)
        start = child[2]
    return children


CHECK = CheckType(name="tls", model=TlsMonitor, probe=probe)
