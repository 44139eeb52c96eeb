"""The http check against a real threaded HTTP(S) server on 127.0.0.1 (ephemeral port)."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import socket
import ssl
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import trustme
from pydantic import ValidationError

from checks.base import ProbeContext
from checks.http import MAX_BODY_BYTES, HttpMonitor, probe
from checks.result import ErrorKind, Observation, Result, Status
from checks.runner import RunSettings, check_one
from tests.loopback_http import SLOW_CAP, LoopbackServer, QuietHandler, serving

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
OK_BODY = {"status": "ok", "items": [1, 2]}
BIG_CAP = 64 * MAX_BODY_BYTES  # /big stops after this even if nobody hangs up
BOMB_BYTES = 20 * MAX_BODY_BYTES  # /bomb: ~20 KB of gzip that inflates to this many zeros
DRIP_BYTES = 100  # /drip sends one byte every 50 ms


def _gzip_zeros(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip wrapper
    block = bytes(MAX_BODY_BYTES)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    return b"".join([*parts, compressor.flush()])


BOMB = _gzip_zeros(BOMB_BYTES)


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class _Server(LoopbackServer):
    request_queue_size = 128

    def __init__(self) -> None:
        super().__init__(_Handler)
        self.seen: list[Seen] = []
        self.big_sent = 0

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def url(self, path: str, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"


class _Handler(QuietHandler):
    server: _Server

    def _serve(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = Seen(self.command, url.path, dict(self.headers.items()), body)
        self.server.seen.append(seen)
        if url.path == "/ok":
            self._send(200, json.dumps(OK_BODY).encode(), "application/json")
        elif url.path == "/fail":
            self._send(503, b"maintenance")
        elif url.path == "/slow":
            self.server.release.wait(SLOW_CAP)
            self._send(200, b"late")
        elif url.path == "/slowish":
            self.server.release.wait(int(parse_qs(url.query)["ms"][0]) / 1000)
            self._send(200, json.dumps(OK_BODY).encode(), "application/json")
        elif url.path == "/redirect":
            self._redirect("/ok")
        elif url.path == "/big":
            self._stream_big()
        elif url.path == "/gzip":
            payload = gzip.compress(json.dumps(OK_BODY).encode())
            self._send(200, payload, "application/json", {"Content-Encoding": "gzip"})
        elif url.path == "/headers":
            kept = {"Cache-Control": "no-store", "X-Request-Id": "req-42", "X-Internal": "secret"}
            self._send(200, b"{}", "application/json", kept)
        elif url.path == "/loop":
            self._redirect("/loop")
        elif url.path == "/to":
            self._redirect(parse_qs(url.query)["url"][0])
        elif url.path == "/chain":
            left = int(parse_qs(url.query)["n"][0])
            if left:
                self._redirect(f"/chain?n={left - 1}")
            else:
                self._send(200, b"end")
        elif url.path == "/bomb":
            self._send(200, BOMB, "application/octet-stream", {"Content-Encoding": "gzip"})
        elif url.path == "/drip":
            self._drip()
        elif url.path == "/latin1":
            self._send(200, "café".encode("latin-1") + b" \xff", "text/plain")
        elif url.path == "/charset":
            charset = parse_qs(url.query)["c"][0]
            self._send(200, "café".encode("latin-1"), f"text/plain; charset={charset}")
        elif url.path == "/echo":
            echo = {"method": self.command, "body": body.decode()}
            self._send(200, json.dumps(echo).encode(), "application/json")
        else:
            self._send(404, b"not found")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

    def _send(
        self, status: int, body: bytes, content_type: str = "text/plain", extra: Any = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _drip(self) -> None:
        # Headers at once, then a byte every 50 ms: only a timeout on the body bounds it.
        self.send_response(200)
        self.send_header("Content-Length", str(DRIP_BYTES))
        self.end_headers()
        for _ in range(DRIP_BYTES):
            self.wfile.write(b".")
            self.wfile.flush()
            if self.server.release.wait(0.05):
                return

    def _stream_big(self) -> None:
        # HTTP/1.0 without Content-Length: the body ends when the server closes, i.e. never
        # before BIG_CAP unless the client hangs up first.
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        block = b"x" * 65536
        while self.server.big_sent < BIG_CAP:
            self.wfile.write(block)
            self.server.big_sent += len(block)


@contextlib.contextmanager
def _serving(tls: ssl.SSLContext | None = None) -> Iterator[_Server]:
    server = _Server()
    if tls is not None:
        # Handshake in the handler thread, not in the accept loop.
        server.socket = tls.wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )
    with serving(server):
        yield server


@pytest.fixture
def server() -> Iterator[_Server]:
    with _serving() as running:
        yield running


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def https_server(ca: trustme.CA) -> Iterator[_Server]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    with _serving(context) as running:
        yield running


@pytest.fixture
def trusting(ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The probe trusts `ca`: OpenSSL reads SSL_CERT_FILE when the context is made."""
    pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))


@contextlib.contextmanager
def _https(ca: trustme.CA, *names: str, not_after: datetime | None = None) -> Iterator[_Server]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names, not_after=not_after).configure_cert(context)
    with _serving(context) as running:
        yield running


@pytest.fixture
def closed_port() -> int:
    """A port that was just free: nothing listens on it, so connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _monitor(url: str, **fields: object) -> HttpMonitor:
    base = {"type": "http", "id": "api", "name": "API", "url": url, "timeout": "2s"}
    return HttpMonitor.model_validate(base | fields)


def _probe(monitor: HttpMonitor) -> Observation:
    async def run() -> Observation:
        context = ProbeContext()
        try:
            return await probe(monitor, context)
        finally:
            await context.aclose()

    return asyncio.run(run())


def _check(monitor: HttpMonitor) -> Result:
    """One check through the runner: its timeout, retries, conditions and status."""

    async def run() -> Result:
        context = ProbeContext()
        try:
            return await check_one(monitor, context, RunSettings("test", "run-1"), lambda: NOW)
        finally:
            await context.aclose()

    return asyncio.run(run())


def test_up_fills_the_values_for_conditions(server: _Server) -> None:
    observation = _probe(_monitor(server.url("/ok")))
    assert observation.error_kind is None, observation.error_message
    assert observation.status_code == 200
    assert observation.response_time_ms is not None and observation.response_time_ms > 0
    assert observation.values["STATUS"] == 200
    assert json.loads(str(observation.values["BODY"])) == OK_BODY
    assert observation.values["IP"] == "127.0.0.1"
    assert observation.values["CONNECTED"] is True


def test_up_through_the_runner(server: _Server) -> None:
    result = _check(_monitor(server.url("/ok")))
    assert result.status is Status.UP
    assert (result.status_code, result.error_kind, result.error_message) == (200, None, None)
    assert result.response_time_ms is not None and result.response_time_ms > 0
    assert (result.monitor_id, result.region, result.run_id) == ("api", "test", "run-1")
    assert result.checked_at == NOW
    assert result.attempts == 1


def test_unexpected_status_is_down(server: _Server) -> None:
    result = _check(_monitor(server.url("/fail")))
    assert result.status is Status.DOWN
    assert result.error_kind is ErrorKind.HTTP_STATUS
    assert result.status_code == 503
    assert result.error_message is not None and "503" in result.error_message


def test_expected_status_can_accept_an_error_code(server: _Server) -> None:
    result = _check(_monitor(server.url("/fail"), expected_status=["200-299", 503]))
    assert result.status is Status.UP
    assert result.status_code == 503


@pytest.mark.parametrize(
    ("follow", "expected", "status", "code"),
    [
        (False, ["200-299"], Status.DOWN, 302),
        (False, ["200-399"], Status.UP, 302),
        (True, ["200-299"], Status.UP, 200),
        (True, [302], Status.DOWN, 200),
    ],
)
def test_expected_status_and_redirects(
    server: _Server, follow: bool, expected: list[int | str], status: Status, code: int
) -> None:
    monitor = _monitor(server.url("/redirect"), follow_redirects=follow, expected_status=expected)
    result = _check(monitor)
    assert (result.status, result.status_code) == (status, code)
    assert result.error_kind is (ErrorKind.HTTP_STATUS if status is Status.DOWN else None)


@pytest.mark.parametrize("value", ["2xx", "200-", "-299", "abc", "300-200"])
def test_expected_status_must_be_codes_or_ranges(value: str) -> None:
    with pytest.raises(ValidationError, match="expected a status code or a range"):
        _monitor("http://127.0.0.1/", expected_status=[value])


def test_refused_connection_is_connect_error(closed_port: int) -> None:
    result = _check(_monitor(f"http://127.0.0.1:{closed_port}/ok"))
    assert result.status is Status.DOWN
    assert result.error_kind is ErrorKind.CONNECT
    assert result.status_code is None
    assert result.error_message


def test_slow_server_times_out(server: _Server) -> None:
    started = time.perf_counter()
    result = _check(_monitor(server.url("/slow"), timeout="300ms"))
    elapsed = time.perf_counter() - started
    assert result.status is Status.DOWN
    assert result.error_kind is ErrorKind.TIMEOUT
    assert result.error_message is not None and "0.3s" in result.error_message
    assert elapsed < 1.5


def test_conditions_that_hold_keep_it_up(server: _Server) -> None:
    conditions = ["[STATUS] == 200", "[BODY].status == ok", "len([BODY].items) == 2"]
    result = _check(_monitor(server.url("/ok"), conditions=conditions))
    assert result.status is Status.UP
    assert result.error_kind is None


def test_failed_condition_is_assertion_with_explanation(server: _Server) -> None:
    conditions = ["[STATUS] == 200", "[BODY].status == bad"]
    result = _check(_monitor(server.url("/ok"), conditions=conditions))
    assert result.status is Status.DOWN
    assert result.error_kind is ErrorKind.ASSERTION
    assert result.status_code == 200
    assert result.error_message == "[BODY].status (ok) == bad"


def test_conditions_read_a_compressed_body(server: _Server) -> None:
    result = _check(_monitor(server.url("/gzip"), conditions=["[BODY].status == ok"]))
    assert result.error_kind is None, result.error_message
    assert result.status is Status.UP


def test_slow_success_is_degraded(server: _Server) -> None:
    result = _check(_monitor(server.url("/slowish?ms=150"), degraded_after="50ms"))
    assert result.status is Status.DEGRADED
    assert result.error_kind is None
    assert result.response_time_ms is not None and result.response_time_ms >= 150
    assert str(result.error_message).startswith("slow: answered in ")
    assert str(result.error_message).endswith(", over 50 ms")


def test_fast_success_is_not_degraded(server: _Server) -> None:
    result = _check(_monitor(server.url("/ok"), degraded_after="1s"))
    assert result.status is Status.UP


def test_body_is_read_at_most_max_body_bytes(server: _Server) -> None:
    observation = _probe(_monitor(server.url("/big")))
    assert observation.error_kind is None, observation.error_message
    assert len(str(observation.values["BODY"])) == MAX_BODY_BYTES
    assert server.big_sent < BIG_CAP  # the probe hung up instead of reading it all


def test_method_body_and_headers_are_sent(server: _Server) -> None:
    monitor = _monitor(
        server.url("/echo"),
        method="POST",
        body='{"ping": 1}',
        headers={"X-Vigil-Test": "yes", "Content-Type": "application/json"},
        conditions=["[BODY].method == POST"],
    )
    result = _check(monitor)
    assert result.status is Status.UP, result.error_message
    [seen] = server.seen
    assert (seen.method, seen.path, seen.body) == ("POST", "/echo", b'{"ping": 1}')
    assert seen.headers["X-Vigil-Test"] == "yes"
    assert seen.headers["Content-Type"] == "application/json"
    assert seen.headers["User-Agent"].startswith("Vigil/")


def test_untrusted_certificate_is_tls_error(https_server: _Server) -> None:
    result = _check(_monitor(https_server.url("/ok", "https"), verify_tls=True))
    assert result.status is Status.DOWN
    assert result.error_kind is ErrorKind.TLS
    assert https_server.seen == []  # no request went over the unverified connection


def test_without_verification_an_untrusted_certificate_is_up(https_server: _Server) -> None:
    observation = _probe(_monitor(https_server.url("/ok", "https"), verify_tls=False))
    assert observation.error_kind is None, observation.error_message
    assert observation.status_code == 200
    assert json.loads(str(observation.values["BODY"])) == OK_BODY
    assert [seen.path for seen in https_server.seen] == ["/ok"]


def test_target_is_the_url() -> None:
    assert _monitor("https://example.test/health").target == "https://example.test/health"


def test_timings_are_recorded_in_order(server: _Server) -> None:
    observation = _probe(_monitor(server.url("/ok").replace("127.0.0.1", "localhost")))
    assert observation.error_kind is None, observation.error_message
    timings = observation.timings
    assert timings is not None
    assert timings.dns_ms is not None and timings.dns_ms >= 0  # a name, resolved
    assert timings.connect_ms is not None and timings.connect_ms >= 0
    assert timings.tls_ms is None  # plain http; over https the handshake is in connect_ms
    assert timings.ttfb_ms is not None and timings.total_ms is not None
    assert timings.dns_ms + timings.connect_ms <= timings.ttfb_ms <= timings.total_ms
    assert observation.response_time_ms == timings.total_ms


def test_an_ip_address_has_no_dns_phase(server: _Server) -> None:
    timings = _probe(_monitor(server.url("/ok"))).timings
    assert timings is not None
    assert timings.dns_ms is None
    assert timings.connect_ms is not None


def test_selected_headers_are_kept_and_all_are_values(server: _Server) -> None:
    result = _check(_monitor(server.url("/headers")))
    assert result.status is Status.UP, result.error_message
    assert set(result.headers) == {
        "content-type", "content-length", "server", "cache-control", "x-request-id"
    }  # fmt: skip
    assert result.headers["x-request-id"] == "req-42"
    assert result.headers["cache-control"] == "no-store"
    observation = _probe(_monitor(server.url("/headers")))
    headers = observation.values["HEADERS"]
    assert isinstance(headers, dict)
    assert headers["x-internal"] == "secret"  # conditions see every header
    assert "x-internal" not in observation.headers


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_peer_ip_even_without_a_body(server: _Server, method: str) -> None:
    # HTTP/1.0: the server closes after an empty body, before the probe looks at the answer.
    observation = _probe(_monitor(server.url("/ok"), method=method))
    assert observation.error_kind is None, observation.error_message
    assert observation.peer_ip == "127.0.0.1"
    assert observation.values["IP"] == "127.0.0.1"


def test_certificate_expiry_over_verified_https(ca: trustme.CA, trusting: None) -> None:
    not_after = datetime(2036, 1, 2, 3, 4, 5, tzinfo=UTC)
    with _https(ca, "127.0.0.1", not_after=not_after) as https:
        result = _check(_monitor(https.url("/ok", "https")))
        observation = _probe(_monitor(https.url("/ok", "https")))
    assert result.status is Status.UP, result.error_message
    assert result.certificate_expires_at == not_after
    assert observation.certificate_expires_at == not_after
    remaining = observation.values["CERTIFICATE_EXPIRATION"]
    assert isinstance(remaining, timedelta)
    assert abs(remaining - (not_after - datetime.now(UTC))) < timedelta(minutes=1)


def test_certificate_expiry_without_verification(https_server: _Server) -> None:
    observation = _probe(_monitor(https_server.url("/ok", "https"), verify_tls=False))
    assert observation.error_kind is None, observation.error_message
    assert observation.certificate_expires_at is not None  # read from the DER certificate
    assert observation.certificate_expires_at > datetime.now(UTC)
    assert observation.peer_ip == "127.0.0.1"


def test_plain_http_has_no_certificate(server: _Server) -> None:
    observation = _probe(_monitor(server.url("/ok")))
    assert observation.certificate_expires_at is None
    assert "CERTIFICATE_EXPIRATION" not in observation.values


@pytest.mark.parametrize(
    ("names", "expired", "reason"),
    [
        (("example.test",), False, "mismatch, certificate is not valid for '127.0.0.1'"),
        (("127.0.0.1",), True, "expired"),
    ],
)
def test_tls_errors_say_why(
    ca: trustme.CA, trusting: None, names: tuple[str, ...], expired: bool, reason: str
) -> None:
    not_after = datetime(2020, 1, 1, tzinfo=UTC) if expired else None
    with _https(ca, *names, not_after=not_after) as https:
        result = _check(_monitor(https.url("/ok", "https")))
    assert result.error_kind is ErrorKind.TLS
    assert reason in str(result.error_message).lower()


def test_untrusted_certificate_says_why(https_server: _Server) -> None:
    result = _check(_monitor(https_server.url("/ok", "https")))
    assert result.error_kind is ErrorKind.TLS
    message = str(result.error_message)
    assert message.startswith("certificate of 127.0.0.1 rejected: "), message
    assert "issuer" in message or "self-signed" in message


@pytest.mark.parametrize(("limit", "status"), [(3, Status.UP), (2, Status.DOWN)])
def test_redirects_are_followed_up_to_max_redirects(
    server: _Server, limit: int, status: Status
) -> None:
    result = _check(_monitor(server.url("/chain?n=3"), max_redirects=limit))
    assert result.status is status
    if status is Status.DOWN:
        assert result.error_kind is ErrorKind.PROTOCOL
        assert result.error_message == "too many redirects (more than 2)"


def test_redirect_loop_is_a_protocol_error(server: _Server) -> None:
    started = time.perf_counter()
    result = _check(_monitor(server.url("/loop"), max_redirects=5))
    assert (result.status, result.error_kind) == (Status.DOWN, ErrorKind.PROTOCOL)
    assert result.error_message == "too many redirects (more than 5)"
    assert len(server.seen) == 6  # the first request and five redirects followed
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    "metadata",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fd00:ec2::254]/latest/meta-data/",
    ],
)
def test_a_redirect_to_a_metadata_address_is_refused_unless_allowed(
    server: _Server, metadata: str
) -> None:
    url = server.url(f"/to?url={metadata}")
    refused = _check(_monitor(url))
    assert (refused.status, refused.error_kind) == (Status.DOWN, ErrorKind.PROTOCOL)
    assert refused.error_message is not None
    assert refused.error_message.startswith("refused a redirect to ")
    assert "allow_link_local_redirects: true" in refused.error_message
    allowed = _check(_monitor(url, allow_link_local_redirects=True, timeout="1s"))
    # Followed: it tried to connect (refused here: the tests reach only loopback).
    assert allowed.error_kind in {ErrorKind.CONNECT, ErrorKind.TIMEOUT}, allowed.error_message


def test_a_link_local_address_asked_for_directly_is_checked(server: _Server) -> None:
    result = _check(_monitor("http://169.254.169.254/", timeout="1s"))
    assert result.error_kind in {ErrorKind.CONNECT, ErrorKind.TIMEOUT}


def test_zero_redirects_allowed_fails_on_the_first(server: _Server) -> None:
    result = _check(_monitor(server.url("/redirect"), max_redirects=0))
    assert result.error_kind is ErrorKind.PROTOCOL


def test_gzip_bomb_is_cut_off_at_max_body_bytes(server: _Server) -> None:
    assert len(BOMB) < 64 * 1024 < BOMB_BYTES

    async def run() -> tuple[Observation, int]:
        context = ProbeContext()
        tracemalloc.start()
        try:
            observation = await probe(_monitor(server.url("/bomb")), context)
            return observation, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            await context.aclose()

    observation, peak = asyncio.run(run())
    assert observation.error_kind is None, observation.error_message
    body = str(observation.values["BODY"])
    assert body == "\0" * MAX_BODY_BYTES
    assert peak < 4 * MAX_BODY_BYTES  # never near the 20 MiB the payload inflates to


def test_max_body_bytes_cuts_a_body_without_error(server: _Server) -> None:
    observation = _probe(_monitor(server.url("/ok"), max_body_bytes=9))
    assert observation.error_kind is None
    assert observation.values["BODY"] == json.dumps(OK_BODY)[:9]
    result = _check(
        _monitor(server.url("/ok"), max_body_bytes=9, conditions=["[BODY].status == ok"])
    )
    assert result.error_kind is ErrorKind.ASSERTION  # conditions see what was read


def test_a_dripping_body_times_out(server: _Server) -> None:
    started = time.perf_counter()
    observation = _probe(_monitor(server.url("/drip"), timeout="300ms"))
    elapsed = time.perf_counter() - started
    assert observation.error_kind is ErrorKind.TIMEOUT
    assert observation.error_message == "no response within 0.3s"
    assert elapsed < 1.0


def test_a_body_that_is_not_utf8_is_decoded_with_replacements(server: _Server) -> None:
    observation = _probe(_monitor(server.url("/latin1")))
    assert observation.error_kind is None, observation.error_message
    assert observation.values["BODY"] == "caf\ufffd \ufffd"


@pytest.mark.parametrize(("charset", "body"), [("latin-1", "café"), ("no-such-codec", "caf\ufffd")])
def test_the_declared_charset_decodes_the_body(server: _Server, charset: str, body: str) -> None:
    observation = _probe(_monitor(server.url(f"/charset?c={charset}")))
    assert observation.values["BODY"] == body
