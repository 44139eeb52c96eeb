"""One run against every kind of hostile target at once: none may crash or hang the run,
and each failure is classified. Real servers on 127.0.0.1; each monitor times out at 1 s."""

from __future__ import annotations

import asyncio
import gzip
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import trustme

from checks.registry import CHECKS
from checks.result import ErrorKind, Result, Status
from checks.runner import RunSettings, run_checks
from configuration.monitor import MonitorBase
from tests.servers import dns_server

BOMB = gzip.compress(b"\0" * (20 * 1024 * 1024))  # 20 MiB of zeros in about 20 KiB


async def _http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    request = await reader.readuntil(b"\r\n\r\n")
    path = request.split(b" ", 2)[1].decode()
    try:
        await _answer(path, writer)
    except (ConnectionError, OSError):
        pass  # the client hung up, as it should when it has seen enough
    finally:
        writer.close()


async def _answer(path: str, writer: asyncio.StreamWriter) -> None:
    def head(status: str, *headers: str) -> None:
        writer.write(
            f"HTTP/1.1 {status}\r\n{''.join(h + chr(13) + chr(10) for h in headers)}\r\n".encode()
        )

    if path == "/never":
        await asyncio.sleep(30)
    elif path == "/drip":
        head("200 OK", "Content-Length: 100")
        for _ in range(100):
            writer.write(b"x")
            await writer.drain()
            await asyncio.sleep(1)
    elif path == "/huge":
        head("200 OK", f"Content-Length: {200 * 1024 * 1024}")
        chunk = b"\0" * 65536
        for _ in range(200 * 16):
            writer.write(chunk)
            await writer.drain()
    elif path == "/loop":
        head("302 Found", "Location: /loop", "Content-Length: 0")
    elif path == "/500":
        head("500 Internal Server Error", "Content-Length: 0")
    elif path == "/badjson":
        head("200 OK", "Content-Type: application/json", "Content-Length: 9")
        writer.write(b"{not json")
    elif path == "/bomb":
        head("200 OK", "Content-Encoding: gzip", f"Content-Length: {len(BOMB)}")
        writer.write(BOMB)
    elif path == "/latin1":
        head("200 OK", "Content-Type: text/plain; charset=utf-8", "Content-Length: 5")
        writer.write(b"caf\xe9!")
    await writer.drain()


async def _silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(30)


class Servers:
    """HTTP, silent TCP and three badly certified TLS servers on one background loop."""

    def __init__(self, ca: trustme.CA) -> None:
        self.loop = asyncio.new_event_loop()
        self.servers: list[asyncio.Server] = []
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        now = datetime.now(UTC)
        expired = ca.issue_cert("127.0.0.1", not_after=now - timedelta(days=1))
        wrong_host = ca.issue_cert("other.example")
        self_signed = trustme.CA().issue_cert("127.0.0.1")  # a CA nobody trusts
        self.http = self.start(_http)
        self.silent = self.start(_silent)
        self.expired, self.wrong_host, self.self_signed = (
            self.start(_http, _server_context(cert)) for cert in (expired, wrong_host, self_signed)
        )

    def start(self, handler: Any, context: ssl.SSLContext | None = None) -> int:
        async def serve() -> asyncio.Server:
            return await asyncio.start_server(handler, "127.0.0.1", 0, ssl=context)

        server = asyncio.run_coroutine_threadsafe(serve(), self.loop).result(5)
        self.servers.append(server)
        return int(server.sockets[0].getsockname()[1])

    def stop(self) -> None:
        async def shut() -> None:
            for server in self.servers:
                server.close()
            current = asyncio.current_task()
            handlers = [task for task in asyncio.all_tasks() if task is not current]
            for task in handlers:
                task.cancel()
            await asyncio.gather(*handlers, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shut(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


def _server_context(cert: trustme.LeafCert) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    return context


@pytest.fixture
def servers() -> Iterator[Servers]:
    running = Servers(trustme.CA())
    yield running
    running.stop()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def monitor(monitor_id: str, **fields: Any) -> MonitorBase:
    data = {"id": monitor_id, "name": monitor_id, "timeout": "1s", **fields}
    return CHECKS[fields["type"]].model.model_validate(data)


def test_a_run_of_hostile_targets_ends_in_time_with_every_failure_classified(
    servers: Servers, tmp_path: Path
) -> None:
    web = f"http://127.0.0.1:{servers.http}"
    with dns_server() as dns_port:
        resolver = f"127.0.0.1:{dns_port}"
        monitors = [
            monitor("refused", type="http", url=f"http://127.0.0.1:{closed_port()}/"),
            monitor("never", type="http", url=f"{web}/never"),
            monitor("drip", type="http", url=f"{web}/drip"),
            monitor("huge", type="http", url=f"{web}/huge"),
            monitor("loop", type="http", url=f"{web}/loop"),
            monitor("error", type="http", url=f"{web}/500"),
            monitor(
                "badjson", type="http", url=f"{web}/badjson", conditions=["[BODY].status == ok"]
            ),
            monitor("bomb", type="http", url=f"{web}/bomb"),
            monitor("latin1", type="http", url=f"{web}/latin1", conditions=["[STATUS] == 200"]),
            monitor("silent", type="tcp", host="127.0.0.1", port=servers.silent, expect="220"),
            monitor("expired", type="tls", host="127.0.0.1", port=servers.expired),
            monitor("wronghost", type="tls", host="127.0.0.1", port=servers.wrong_host),
            monitor("selfsigned", type="tls", host="127.0.0.1", port=servers.self_signed),
            monitor("nxdomain", type="dns", query="missing.example", resolver=resolver),
            monitor("servfail", type="dns", query="broken.example", resolver=resolver),
            monitor("dnssilent", type="dns", query="slow.example", resolver=resolver),
        ]
        settings = RunSettings("local", "run-1", deadline=timedelta(seconds=8))
        started = time.perf_counter()
        results = {r.monitor_id: r for r in run_checks(monitors, settings)}
        elapsed = time.perf_counter() - started
    assert elapsed < 8  # bounded by the timeouts, not by the hostile servers
    kinds = {monitor_id: r.error_kind for monitor_id, r in results.items()}
    assert kinds == {
        "refused": ErrorKind.CONNECT,
        "never": ErrorKind.TIMEOUT,
        "drip": ErrorKind.TIMEOUT,
        "huge": None,  # cut off at max_body_bytes, never a crash
        "loop": ErrorKind.PROTOCOL,
        "error": ErrorKind.HTTP_STATUS,
        "badjson": ErrorKind.ASSERTION,
        "bomb": None,
        "latin1": None,
        "silent": ErrorKind.TIMEOUT,
        "expired": ErrorKind.TLS,
        "wronghost": ErrorKind.TLS,
        "selfsigned": ErrorKind.TLS,
        "nxdomain": ErrorKind.DNS,
        "servfail": ErrorKind.DNS,
        "dnssilent": ErrorKind.TIMEOUT,
    }
    assert results["latin1"].status is Status.UP
    assert "no such path" in str(results["badjson"].error_message) or "not JSON" in str(
        results["badjson"].error_message
    )
    assert all(isinstance(r, Result) for r in results.values())
