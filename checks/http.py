"""http: request a URL and judge the status code, the response time and the body."""

from __future__ import annotations

import time
from typing import Literal

import httpx
from pydantic import Field, field_validator

from checks.base import CheckType, ProbeContext
from checks.result import ErrorKind, Observation
from configuration.monitor import MonitorBase

MAX_BODY_BYTES = 1024 * 1024  # a huge or endless body must not exhaust memory
Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"]


class HttpMonitor(MonitorBase):
    type: Literal["http"] = Field(description="Check type.")
    url: str = Field(
        pattern=r"^https?://\S+$", description="URL to request, e.g. `https://example.com/health`."
    )
    method: Method = Field("GET", description="HTTP method.")
    headers: dict[str, str] = Field(default_factory=dict, description="Request headers.")
    body: str | None = Field(None, description="Request body.")
    follow_redirects: bool = Field(True, description="Follow redirects.")
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


async def probe(monitor: HttpMonitor, context: ProbeContext) -> Observation:
    client = context.http_client(
        verify=monitor.verify_tls, follow_redirects=monitor.follow_redirects
    )
    started = time.perf_counter()
    try:
        async with client.stream(
            monitor.method,
            monitor.url,
            headers=monitor.headers,
            content=monitor.body,
            timeout=monitor.timeout.total_seconds(),
        ) as response:
            # The peer address is gone once a server that closes the connection is read to EOF.
            stream = response.extensions.get("network_stream")
            peer = stream.get_extra_info("server_addr") if stream is not None else None
            body = await _read_limited(response)
            elapsed_ms = (time.perf_counter() - started) * 1000
            return _observe(monitor, response, body, elapsed_ms, peer)
    except httpx.TimeoutException:
        seconds = monitor.timeout.total_seconds()
        return Observation.failed(ErrorKind.TIMEOUT, f"no response within {seconds:g}s")
    except httpx.TooManyRedirects as error:
        return Observation.failed(ErrorKind.PROTOCOL, f"too many redirects: {error}")
    except httpx.HTTPError as error:
        return Observation.failed(_classify(error), _describe(error))


async def _read_limited(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():  # decoded: conditions read gzip bodies too
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_BODY_BYTES:
            break
    return b"".join(chunks)[:MAX_BODY_BYTES]


def _observe(
    monitor: HttpMonitor,
    response: httpx.Response,
    body: bytes,
    elapsed_ms: float,
    peer: tuple[object, ...] | None,
) -> Observation:
    values: dict[str, object] = {
        "STATUS": response.status_code,
        "RESPONSE_TIME": elapsed_ms,
        "BODY": body.decode(response.encoding or "utf-8", errors="replace"),
        "HEADERS": dict(response.headers),
        "CONNECTED": True,
    }
    if peer:
        values["IP"] = str(peer[0])
    error_kind, message = None, None
    if not monitor.status_expected(response.status_code):
        error_kind = ErrorKind.HTTP_STATUS
        message = f"HTTP {response.status_code} {response.reason_phrase}".strip()
    return Observation(
        response_time_ms=elapsed_ms,
        status_code=response.status_code,
        error_kind=error_kind,
        error_message=message,
        values=values,
    )


def _classify(error: httpx.HTTPError) -> ErrorKind:
    text = str(error).lower()
    if any(s in text for s in ("name or service", "nodename", "getaddrinfo", "name resolution")):
        return ErrorKind.DNS
    if any(s in text for s in ("certificate", "ssl", "tls")):
        return ErrorKind.TLS
    if isinstance(error, httpx.ConnectError):
        return ErrorKind.CONNECT
    return ErrorKind.PROTOCOL


def _describe(error: httpx.HTTPError) -> str:
    return str(error) or type(error).__name__


CHECK = CheckType(name="http", model=HttpMonitor, probe=probe)
