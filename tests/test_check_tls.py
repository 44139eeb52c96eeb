"""The tls check against real TLS servers on 127.0.0.1, with certificates from trustme."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import trustme
from cryptography import x509

from checks.base import ProbeContext
from checks.result import ErrorKind, Observation, Result, Status
from checks.runner import RunSettings, check_one
from checks.tls import TlsMonitor, der_not_after, expiry_verdict, probe

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TRUSTME_EXPIRY = datetime(3000, 1, 1, tzinfo=UTC)  # trustme's default notAfter


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def _server_context(cert: trustme.LeafCert) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    return context


async def _until_eof(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):  # a client that aborts the connection resets it
        await reader.read()
    writer.close()


async def _not_tls(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    await writer.drain()
    writer.close()


async def _serve_and_probe(
    server_ssl: ssl.SSLContext | None, fields: dict[str, object], handler: Handler = _until_eof
) -> Observation:
    server = await asyncio.start_server(handler, "127.0.0.1", 0, ssl=server_ssl)
    port = server.sockets[0].getsockname()[1]
    async with server:
        return await probe(_monitor(port=port, **fields), ProbeContext())


def _monitor(**fields: object) -> TlsMonitor:
    base = {"type": "tls", "id": "tls", "name": "TLS", "host": "127.0.0.1", "timeout": "2s"}
    return TlsMonitor.model_validate(base | fields)


def _probe(cert: trustme.LeafCert, **fields: object) -> Observation:
    return asyncio.run(_serve_and_probe(_server_context(cert), fields))


def test_valid_certificate_is_up(ca: trustme.CA, ca_file: str) -> None:
    observation = _probe(ca.issue_cert("localhost", "127.0.0.1"), ca_file=ca_file)
    assert observation.error_kind is None, observation.error_message
    expiration = observation.values["CERTIFICATE_EXPIRATION"]
    assert isinstance(expiration, timedelta)
    assert abs(expiration - (TRUSTME_EXPIRY - datetime.now(UTC))) < timedelta(minutes=1)
    assert str(observation.values["TLS_VERSION"]).startswith("TLSv1.")
    assert observation.values["CONNECTED"] is True
    assert observation.values["IP"] == "127.0.0.1"
    assert "DEGRADED" not in observation.values


def test_server_name_is_matched(ca: trustme.CA, ca_file: str) -> None:
    cert = ca.issue_cert("status.example")
    assert _probe(cert, ca_file=ca_file, server_name="status.example").error_kind is None


def test_hostname_mismatch_is_tls_error(ca: trustme.CA, ca_file: str) -> None:
    cert = ca.issue_cert("localhost", "127.0.0.1")
    observation = _probe(cert, ca_file=ca_file, server_name="other.example")
    assert observation.error_kind is ErrorKind.TLS
    assert "certificate not valid: Hostname mismatch" in str(observation.error_message)


def test_untrusted_ca_is_tls_error(ca: trustme.CA) -> None:
    observation = _probe(ca.issue_cert("localhost", "127.0.0.1"))
    assert observation.error_kind is ErrorKind.TLS
    assert str(observation.error_message).startswith("certificate not valid: ")


def test_expired_certificate_fails_verification(ca: trustme.CA, ca_file: str) -> None:
    now = datetime.now(UTC)
    cert = ca.issue_cert(
        "127.0.0.1", not_before=now - timedelta(days=30), not_after=now - timedelta(days=1)
    )
    observation = _probe(cert, ca_file=ca_file)
    assert observation.error_kind is ErrorKind.TLS
    assert observation.error_message == "certificate not valid: certificate has expired"


def test_without_verify_the_expiry_is_still_judged(ca: trustme.CA) -> None:
    cert = ca.issue_cert("127.0.0.1", not_after=datetime.now(UTC) + timedelta(days=2, hours=1))
    observation = _probe(cert, verify=False)  # untrusted CA: only the expiry can fail it
    assert observation.error_kind is ErrorKind.TLS
    assert str(observation.error_message).startswith("certificate expires in 2 days (")


def test_expiring_soon_is_degraded_with_its_reason(ca: trustme.CA, ca_file: str) -> None:
    not_after = datetime.now(UTC) + timedelta(days=10, hours=1)
    observation = _probe(ca.issue_cert("127.0.0.1", not_after=not_after), ca_file=ca_file)
    assert observation.error_kind is None
    day = not_after.date().isoformat()
    assert observation.degraded == f"certificate expires in 10 days ({day})"


def test_plain_tcp_server_is_tls_error() -> None:
    observation = asyncio.run(_serve_and_probe(None, {"verify": False}, _not_tls))
    assert observation.error_kind is ErrorKind.TLS
    assert str(observation.error_message).startswith("TLS handshake failed: ")


def test_silent_server_times_out_in_the_runner() -> None:
    async def check() -> Result:
        # A plain server that never answers the ClientHello: the handshake hangs.
        server = await asyncio.start_server(_until_eof, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            monitor = _monitor(port=port, timeout="300ms")
            return await check_one(monitor, ProbeContext(), RunSettings("test", "run"))

    started = time.perf_counter()
    result = asyncio.run(check())
    assert (result.status, result.error_kind) == (Status.DOWN, ErrorKind.TIMEOUT)
    assert time.perf_counter() - started < 1.5


def test_refused_connection_is_connect_error() -> None:
    with socket.socket() as sock:  # a port nothing listens on once it is closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    observation = asyncio.run(probe(_monitor(port=port), ProbeContext()))
    assert observation.error_kind is ErrorKind.CONNECT


def test_missing_ca_file_is_reported(tmp_path: Path) -> None:
    monitor = _monitor(ca_file=str(tmp_path / "missing.pem"))
    observation = asyncio.run(probe(monitor, ProbeContext()))
    assert observation.error_kind is ErrorKind.INTERNAL
    assert "cannot load ca_file" in str(observation.error_message)


@pytest.mark.parametrize(
    "not_after", [datetime(2049, 12, 31, 23, 59, 59, tzinfo=UTC), TRUSTME_EXPIRY]
)
def test_der_not_after_reads_utc_and_generalized_time(ca: trustme.CA, not_after: datetime) -> None:
    pem = ca.issue_cert("127.0.0.1", not_after=not_after).cert_chain_pems[0].bytes()
    der = ssl.PEM_cert_to_DER_cert(pem.decode())
    assert der_not_after(der) == not_after
    assert der_not_after(der) == x509.load_pem_x509_certificate(pem).not_valid_after_utc


def test_verdict_far_from_expiry() -> None:
    assert expiry_verdict(NOW + timedelta(days=30), NOW, _monitor()) == (None, None, None)


def test_verdict_within_degraded_window() -> None:
    verdict = expiry_verdict(NOW + timedelta(days=10), NOW, _monitor())
    assert verdict == (None, None, "certificate expires in 10 days (2026-12-03)")


def test_verdict_within_down_window() -> None:
    verdict = expiry_verdict(NOW + timedelta(days=2), NOW, _monitor())
    assert verdict == (ErrorKind.TLS, "certificate expires in 2 days (2026-11-25)", None)


def test_verdict_hours_left() -> None:
    verdict = expiry_verdict(NOW + timedelta(hours=1, minutes=5), NOW, _monitor())
    assert verdict == (ErrorKind.TLS, "certificate expires in 1 hour (2026-11-23)", None)


def test_verdict_already_expired() -> None:
    verdict = expiry_verdict(NOW - timedelta(days=3), NOW, _monitor())
    assert verdict == (ErrorKind.TLS, "certificate expired 3 days ago (2026-11-20)", None)


def test_verdict_uses_the_monitor_windows() -> None:
    monitor = _monitor(degraded_within="30d", down_within="20d")
    assert expiry_verdict(NOW + timedelta(days=25), NOW, monitor)[2] is not None
    assert expiry_verdict(NOW + timedelta(days=15), NOW, monitor)[0] is ErrorKind.TLS


def test_target() -> None:
    assert _monitor(host="example.com").target == "example.com:443"
