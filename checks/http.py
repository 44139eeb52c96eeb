"""http: request a URL and judge the status code, the response time and the body.

The engine is aiohttp, kept behind this module and `ProbeContext.http_session`: its pool
scales to 1,000 concurrent requests where httpx.AsyncClient's does not (encode/httpx#3215;
benchmarks/check_throughput.py: 0.5-0.6 s against 1.6-1.7 s here). HTTP/2 is not offered:
aiohttp speaks HTTP/1.1 only. A check makes one request on its own connection, where HTTP/2's
multiplexing gains nothing, so the measured speed was worth more than the protocol.

Recorded besides status and response time: the phases in `Observation.timings` (`dns_ms`
only when a name was looked up, not for an IP or a cached name; `connect_ms` includes the TLS
handshake, which aiohttp does not time apart, so `tls_ms` stays None; both summed over
redirects; `ttfb_ms` when the final response's headers arrived), a few response headers, the
peer's IP and, over https, the certificate's expiry (read even when not verified).

The body is read up to `max_body_bytes` after decompression, then cut off: never an error by
itself (a condition on a cut-off body may fail), and a gzip bomb stays bounded. Cookies are
not kept, so monitors on one host do not see each other's; proxy variables (HTTPS_PROXY) and
.netrc are not read.

Values for conditions: `STATUS`, `RESPONSE_TIME`, `BODY`, `HEADERS` (every header, names in
lowercase), `IP`, `CONNECTED`, and `CERTIFICATE_EXPIRATION` (a timedelta) over https.
"""

from __future__ import annotations

import codecs
import ipaddress
import os
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Literal

import aiohttp
from aiohttp.connector import Connection
from pydantic import Field, field_validator
from yarl import URL

from checks.base import USER_AGENT, CheckType, ProbeContext
from checks.result import ErrorKind, Observation, Timings
from checks.tls import certificate_not_after
from configuration.monitor import MonitorBase

MAX_BODY_BYTES = 1024 * 1024  # a huge or endless body must not exhaust memory
CHUNK_BYTES = 64 * 1024
KEPT_HEADERS = (
    "content-type", "content-length", "server", "cache-control", "location", "retry-after",
    "x-request-id",
)  # fmt: skip
Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"]
AWS_METADATA_V6 = ipaddress.IPv6Address("fd00:ec2::254")  # not link-local, same service


class HttpMonitor(MonitorBase):
    type: Literal["http"] = Field(description="Check type.")
    url: str = Field(
        pattern=r"^https?://\S+$", description="URL to request, e.g. `https://example.com/health`."
    )
    method: Method = Field("GET", description="HTTP method.")
    headers: dict[str, str] = Field(default_factory=dict, description="Request headers.")
    body: str | None = Field(None, description="Request body.")
    follow_redirects: bool = Field(True, description="Follow redirects.")
    allow_link_local_redirects: bool = Field(
        False,
        description="Follow a redirect to a link-local address (169.254.0.0/16, fe80::/10, "
        "`fd00:ec2::254`): a cloud's metadata service, refused unless set, so a target "
        "cannot make the runner fetch its credentials into the history.",
    )
    max_redirects: int = Field(
        10, ge=0, le=50, description="Redirects followed at most; one more is a protocol error."
    )
    max_body_bytes: int = Field(
        MAX_BODY_BYTES,
        ge=0,
        le=64 * MAX_BODY_BYTES,
        description="Read at most this much of the (decompressed) body; more is cut off, "
        "never an error unless conditions need it.",
    )
    verify_tls: bool = Field(True, description="Verify the server's TLS certificate.")
    expected_status: list[int | str] = Field(
        default_factory=lambda: list[int | str](["200-399"]),
        description="Status codes that count as up: codes and ranges like `200-299`.",
    )

    @field_validator("expected_status")
    @classmethod
    def _status_ranges(cls, values: list[int | str]) -> list[int | str]:
        for value in values:
            low, dash, high = str(value).partition("-")
            if not (low.isdigit() and (not dash or (high.isdigit() and int(low) <= int(high)))):
                raise ValueError(f'expected a status code or a range like "200-299", got "{value}"')
        return values

    @property
    def target(self) -> str:
        return self.url

    def status_expected(self, code: int) -> bool:
        for value in self.expected_status:
            low, _, high = str(value).partition("-")
            if int(low) <= code <= int(high or low):
                return True
        return False


class _RefusedRedirect(Exception):
    """Raised by the trace callback to stop a redirect before it connects."""


def link_local(host: str) -> bool:
    """Whether `host` is an IP address of a machine's own link: where metadata lives."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_link_local or address == AWS_METADATA_V6


@dataclass
class _Phases:
    """Per-request timing, filled by the trace callbacks (perf_counter seconds)."""

    refuse_link_local: bool = True
    dns: float | None = None
    connect: float | None = None
    dns_started: float = 0.0
    connect_started: float = 0.0
    dns_before_connect: float = 0.0


class _Response(aiohttp.ClientResponse):
    """Reads the peer while the connection is held: a response without a body releases it
    before `session.request` returns. `start` is aiohttp's hook, not public API: should it stop
    being called, peer and certificate are missing, nothing fails."""

    peer_ip: str | None = None
    not_after: datetime | None = None

    async def start(self, connection: Connection) -> aiohttp.ClientResponse:
        transport = connection.transport
        if transport is not None:
            peer = transport.get_extra_info("peername")
            self.peer_ip = str(peer[0]) if peer else None
            ssl_object = transport.get_extra_info("ssl_object")
            if isinstance(ssl_object, ssl.SSLObject):
                self.not_after = certificate_not_after(ssl_object)
        return await super().start(connection)


async def probe(monitor: HttpMonitor, context: ProbeContext) -> Observation:
    session = context.http_session(_new_session)
    phases = _Phases(refuse_link_local=not monitor.allow_link_local_redirects)
    started = time.perf_counter()
    try:
        async with session.request(
            monitor.method,
            monitor.url,
            headers=monitor.headers,
            data=monitor.body.encode() if monitor.body is not None else None,
            skip_auto_headers=("Content-Type",),  # send the body's type only when configured
            allow_redirects=monitor.follow_redirects,
            max_redirects=monitor.max_redirects + 1,  # aiohttp fails on the Nth, not after it
            ssl=monitor.verify_tls,  # True: the context's CAs; False: no verification
            timeout=aiohttp.ClientTimeout(total=monitor.timeout.total_seconds()),
            trace_request_ctx=phases,
        ) as response:
            ttfb = time.perf_counter() - started
            body = await _read_limited(response, monitor.max_body_bytes)
            total = time.perf_counter() - started
            timings = Timings(_ms(phases.dns), _ms(phases.connect), None, ttfb * 1000, total * 1000)
            return _observe(monitor, response, body, timings)
    except TimeoutError:
        seconds = monitor.timeout.total_seconds()
        return Observation.failed(ErrorKind.TIMEOUT, f"no response within {seconds:g}s")
    except aiohttp.TooManyRedirects:
        message = f"too many redirects (more than {monitor.max_redirects})"
        return Observation.failed(ErrorKind.PROTOCOL, message)
    except _RefusedRedirect as refused:
        return Observation.failed(ErrorKind.PROTOCOL, str(refused))
    except (aiohttp.ClientError, OSError, ValueError) as error:
        return Observation.failed(*_classify(error))


def _new_session(connector: aiohttp.TCPConnector) -> aiohttp.ClientSession:
    trace = aiohttp.TraceConfig()
    trace.on_request_redirect.append(_redirect)
    trace.on_dns_resolvehost_start.append(_dns_start)
    trace.on_dns_resolvehost_end.append(_dns_end)
    trace.on_connection_create_start.append(_connect_start)
    trace.on_connection_create_end.append(_connect_end)
    return aiohttp.ClientSession(
        connector=connector,
        headers={"User-Agent": USER_AGENT},
        cookie_jar=aiohttp.DummyCookieJar(),
        response_class=_Response,
        trace_configs=[trace],
    )


def _phases(context: SimpleNamespace) -> _Phases:
    phases = context.trace_request_ctx
    return phases if isinstance(phases, _Phases) else _Phases()


async def _redirect(_: object, context: SimpleNamespace, params: object) -> None:
    """Before a redirect is followed: refuse one to a link-local address."""
    response = getattr(params, "response", None)
    if response is None or not _phases(context).refuse_link_local:
        return
    location = response.headers.get("Location")
    if not location:
        return
    host = getattr(params, "url", URL()).join(URL(location)).host
    if host and link_local(host):
        response.close()
        raise _RefusedRedirect(
            f"refused a redirect to {host}, a link-local (metadata) address; "
            "allow_link_local_redirects: true follows it"
        )


async def _dns_start(_: object, context: SimpleNamespace, __: object) -> None:
    _phases(context).dns_started = time.perf_counter()


async def _dns_end(_: object, context: SimpleNamespace, __: object) -> None:
    phases = _phases(context)
    phases.dns = (phases.dns or 0.0) + time.perf_counter() - phases.dns_started


async def _connect_start(_: object, context: SimpleNamespace, __: object) -> None:
    phases = _phases(context)
    phases.connect_started = time.perf_counter()
    phases.dns_before_connect = phases.dns or 0.0


async def _connect_end(_: object, context: SimpleNamespace, __: object) -> None:
    # Making a connection includes resolving its host: that part is already in `dns`.
    phases = _phases(context)
    dns = (phases.dns or 0.0) - phases.dns_before_connect
    spent = time.perf_counter() - phases.connect_started - dns
    phases.connect = (phases.connect or 0.0) + spent


async def _read_limited(response: aiohttp.ClientResponse, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        # Decompressed chunks of at most this size, so a gzip bomb never expands in full.
        chunk = await response.content.read(min(CHUNK_BYTES, limit - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    if not response.content.at_eof():
        response.close()  # cut off: drop the connection rather than read the rest
    return b"".join(chunks)


def _observe(
    monitor: HttpMonitor, response: aiohttp.ClientResponse, body: bytes, timings: Timings
) -> Observation:
    headers: dict[str, str] = {}
    for name, value in response.headers.items():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    values: dict[str, object] = {
        "STATUS": response.status,
        "RESPONSE_TIME": timings.total_ms,
        "BODY": body.decode(_charset(response), errors="replace"),
        "HEADERS": headers,
        "CONNECTED": True,
    }
    peer_ip = response.peer_ip if isinstance(response, _Response) else None
    not_after = response.not_after if isinstance(response, _Response) else None
    if peer_ip:
        values["IP"] = peer_ip
    if not_after is not None:
        values["CERTIFICATE_EXPIRATION"] = not_after - datetime.now(UTC)
    error_kind, message = None, None
    if not monitor.status_expected(response.status):
        error_kind = ErrorKind.HTTP_STATUS
        message = f"HTTP {response.status} {response.reason or ''}".strip()
    return Observation(
        response_time_ms=timings.total_ms,
        status_code=response.status,
        error_kind=error_kind,
        error_message=message,
        values=values,
        timings=timings,
        peer_ip=peer_ip,
        headers={name: headers[name] for name in KEPT_HEADERS if name in headers},
        certificate_expires_at=not_after,
    )


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def _charset(response: aiohttp.ClientResponse) -> str:
    try:
        return codecs.lookup(response.charset or "utf-8").name
    except LookupError:  # an unknown charset in Content-Type
        return "utf-8"


def _classify(error: Exception) -> tuple[ErrorKind, str]:
    if isinstance(error, aiohttp.ClientConnectorDNSError):
        return ErrorKind.DNS, f"cannot resolve {error.host}: {error.os_error.strerror or error}"
    if isinstance(error, aiohttp.ClientConnectorCertificateError):
        reason = getattr(error.certificate_error, "verify_message", None) or "not trusted"
        return ErrorKind.TLS, f"certificate of {error.host} rejected: {reason}"
    if isinstance(error, aiohttp.ClientSSLError | ssl.SSLError):
        return ErrorKind.TLS, f"TLS failed: {_describe(error)}"
    if isinstance(error, aiohttp.ClientConnectorError):
        cause = error.os_error
        reason = os.strerror(cause.errno) if cause.errno else _describe(cause)
        return ErrorKind.CONNECT, f"cannot connect to {error.host}:{error.port}: {reason}"
    if isinstance(error, ConnectionError):  # e.g. reset while waiting for the answer
        return ErrorKind.CONNECT, _describe(error)
    if isinstance(error, aiohttp.ClientPayloadError):
        return ErrorKind.PROTOCOL, f"body cut short: {_describe(error)}"
    return ErrorKind.PROTOCOL, _describe(error)


def _describe(error: Exception) -> str:
    return str(error) or type(error).__name__


CHECK = CheckType(name="http", model=HttpMonitor, probe=probe)
