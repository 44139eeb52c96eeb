"""The dns check against a real DNS server on 127.0.0.1 (UDP and TCP, ephemeral port)."""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from checks.base import ProbeContext
from checks.dns import DnsMonitor, _qname, parse_resolver, probe
from checks.result import ErrorKind, Observation, Status
from checks.runner import RunSettings, check_one
from tests.servers import UP_ADDRESS, dns_server


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with dns_server() as server_port:
        yield server_port


def _monitor(query: str, resolver: str | None, **fields: object) -> DnsMonitor:
    return DnsMonitor.model_validate(
        {"type": "dns", "id": "dns", "name": "DNS", "query": query, "timeout": "1s"}
        | ({"resolver": resolver} if resolver else {})
        | fields
    )


def _probe(monitor: DnsMonitor) -> Observation:
    return asyncio.run(probe(monitor, ProbeContext()))


def test_a_record_is_up_with_the_address(port: int) -> None:
    observation = _probe(_monitor("up.example", f"127.0.0.1:{port}"))
    assert observation.error_kind is None
    assert observation.values["DNS_RCODE"] == "NOERROR"
    assert observation.values["ANSWERS"] == [UP_ADDRESS]
    assert observation.values["BODY"] == UP_ADDRESS
    assert observation.values["CONNECTED"] is True
    assert isinstance(observation.values["RESPONSE_TIME"], float)
    assert observation.response_time_ms is not None


def test_tcp_protocol(port: int) -> None:
    observation = _probe(_monitor("up.example.", f"127.0.0.1:{port}", protocol="tcp"))
    assert observation.error_kind is None
    assert observation.values["BODY"] == UP_ADDRESS


def test_nxdomain_is_down_and_keeps_the_rcode(port: int) -> None:
    observation = _probe(_monitor("missing.example", f"127.0.0.1:{port}"))
    assert observation.error_kind is ErrorKind.DNS
    assert observation.error_message == "missing.example does not exist (NXDOMAIN)"
    assert observation.values["DNS_RCODE"] == "NXDOMAIN"
    assert observation.values["BODY"] == ""


def test_servfail_is_down(port: int) -> None:
    observation = _probe(_monitor("broken.example", f"127.0.0.1:{port}"))
    assert observation.error_kind is ErrorKind.DNS
    assert observation.values["DNS_RCODE"] == "SERVFAIL"
    assert observation.error_message == "SERVFAIL for broken.example A"


def test_empty_answer_is_down(port: int) -> None:
    observation = _probe(_monitor("empty.example", f"127.0.0.1:{port}"))
    assert observation.error_kind is ErrorKind.DNS
    assert observation.values["DNS_RCODE"] == "NOERROR"
    assert observation.error_message == "no A record for empty.example"


def test_silent_server_times_out(port: int) -> None:
    started = time.perf_counter()
    observation = _probe(_monitor("slow.example", f"127.0.0.1:{port}", timeout="300ms"))
    assert observation.error_kind is ErrorKind.TIMEOUT
    assert observation.error_message == "no answer within 0.3s"
    assert time.perf_counter() - started < 1.5


def test_refused_tcp_connection_is_connect_error() -> None:
    with socket.socket() as sock:  # a port nothing listens on once it is closed
        sock.bind(("127.0.0.1", 0))
        free_port = sock.getsockname()[1]
    observation = _probe(_monitor("up.example", f"127.0.0.1:{free_port}", protocol="tcp"))
    assert observation.error_kind is ErrorKind.CONNECT
    assert "DNS_RCODE" not in observation.values


def test_rcode_condition_lets_nxdomain_be_up(port: int) -> None:
    monitor = _monitor(
        "missing.example", f"127.0.0.1:{port}", conditions=["[DNS_RCODE] == NXDOMAIN"]
    )
    result = asyncio.run(check_one(monitor, ProbeContext(), RunSettings("test", "run")))
    assert result.status is Status.UP
    assert result.error_kind is None


def test_rcode_condition_judges_noerror(port: int) -> None:
    monitor = _monitor("up.example", f"127.0.0.1:{port}", conditions=["[DNS_RCODE] == NXDOMAIN"])
    result = asyncio.run(check_one(monitor, ProbeContext(), RunSettings("test", "run")))
    assert result.status is Status.DOWN
    assert result.error_kind is ErrorKind.ASSERTION


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.1.1.1", ("1.1.1.1", 53)),
        ("127.0.0.1:5353", ("127.0.0.1", 5353)),
        ("2606:4700::1111", ("2606:4700::1111", 53)),
        ("[::1]:5353", ("::1", 5353)),
    ],
)
def test_resolver_formats(text: str, expected: tuple[str, int]) -> None:
    assert parse_resolver(text) == expected
    assert _monitor("up.example", text).resolver == text


@pytest.mark.parametrize(
    "text", ["dns.google", "1.1.1.1:", "1.1.1.1:0", "1.1.1.1:70000", "[::1", "1.1.1.1:53x"]
)
def test_resolver_rejected(text: str) -> None:
    message = f'expected a resolver like "1.1.1.1" or "127.0.0.1:5353", got "{text}"'
    with pytest.raises(ValidationError, match=re.escape(message)):
        _monitor("up.example", text)


def test_query_must_be_a_name() -> None:
    with pytest.raises(ValidationError, match="expected a domain name"):
        _monitor("a..b", None)


def test_target() -> None:
    assert _monitor("example.com", None).target == "example.com A"
    monitor = _monitor("example.com", "1.1.1.1", record_type="MX")
    assert monitor.target == "example.com MX @1.1.1.1"


def test_ptr_query_of_an_address_is_reversed() -> None:
    monitor = _monitor("192.0.2.10", None, record_type="PTR")
    assert _qname(monitor).to_text() == "10.2.0.192.in-addr.arpa."
