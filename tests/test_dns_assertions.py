"""openstatus's dnsRecord assertions on `type: dns` monitors, against the loopback DNS server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from checks.base import ProbeContext
from checks.dns import DnsMonitor
from checks.result import ErrorKind, Status
from checks.runner import RunSettings, check_one
from configuration.errors import ConfigError
from configuration.loader import load_config_text
from tests.servers import dns_server


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with dns_server() as server_port:
        yield server_port


def _check(
    port: int, query: str, *assertions: dict[str, object], record_type: str = "A"
) -> tuple[Status, str | None]:
    monitor = DnsMonitor.model_validate(
        {
            "type": "dns", "id": "dns", "name": "DNS", "query": query, "timeout": "2s",
            "resolver": f"127.0.0.1:{port}", "record_type": record_type,
            "assertions": list(assertions),
        }
    )  # fmt: skip
    result = asyncio.run(check_one(monitor, ProbeContext(), RunSettings("test", "run")))
    return result.status, result.error_message


def _record(record: str, compare: str, target: str) -> dict[str, object]:
    return {"kind": "dnsRecord", "record": record, "compare": compare, "target": target}


@pytest.mark.parametrize(
    ("assertion", "status"),
    [
        (_record("A", "eq", "192.0.2.21"), Status.UP),
        (_record("A", "eq", "192.0.2.99"), Status.DOWN),
        (_record("A", "not_eq", "192.0.2.99"), Status.UP),
        (_record("A", "not_eq", "192.0.2.20"), Status.DOWN),
        (_record("AAAA", "eq", "2001:db8::1"), Status.UP),
        (_record("MX", "eq", "mx1.records.example.:10"), Status.UP),  # Go's host:preference
        (_record("MX", "contains", "mx1."), Status.UP),
        (_record("NS", "eq", "ns1.records.example."), Status.UP),
        (_record("TXT", "eq", "v=spf1 -all"), Status.UP),  # a record's strings joined
        (_record("TXT", "not_contains", "dkim"), Status.UP),
        (_record("TXT", "contains", "dkim"), Status.DOWN),
        (_record("CNAME", "not_eq", "x."), Status.UP),  # no CNAME: no record equals anything
        (_record("CNAME", "eq", "x."), Status.DOWN),
    ],
)
def test_record_assertions_read_each_record_type(
    port: int, assertion: dict[str, object], status: Status
) -> None:
    assert _check(port, "records.example", assertion)[0] is status


def test_every_assertion_must_hold_and_the_failure_names_the_records(port: int) -> None:
    status, message = _check(
        port, "records.example", _record("A", "eq", "192.0.2.20"), _record("NS", "eq", "ns2.x.")
    )
    assert status is Status.DOWN
    assert message == "NS records (ns1.records.example.) == ns2.x."


def test_a_cname_is_its_target_with_the_final_dot(port: int) -> None:
    assertion = _record("CNAME", "eq", "up.example.")
    assert _check(port, "alias.example", assertion, record_type="CNAME")[0] is Status.UP


def test_a_name_that_does_not_exist_is_down_before_any_assertion(port: int) -> None:
    status, message = _check(port, "missing.example", _record("A", "not_eq", "192.0.2.1"))
    assert status is Status.DOWN
    assert message == "missing.example does not exist (NXDOMAIN)"


def test_error_kind_of_a_failed_record_assertion_is_assertion(port: int) -> None:
    monitor = DnsMonitor.model_validate(
        {
            "type": "dns", "id": "dns", "name": "DNS", "query": "records.example",
            "timeout": "2s", "resolver": f"127.0.0.1:{port}",
            "assertions": [_record("AAAA", "eq", "2001:db8::2")],
        }
    )  # fmt: skip
    result = asyncio.run(check_one(monitor, ProbeContext(), RunSettings("test", "run")))
    assert result.error_kind is ErrorKind.ASSERTION


CONFIG = """\
regions: [{id: eu, name: Europe}]
monitors:
  - {id: site, name: Site, type: http, url: "https://example.com",
     assertions: [{kind: dnsRecord, record: A, compare: eq, target: 192.0.2.1}]}
  - {id: name, name: Name, type: dns, query: example.com,
     assertions: [{type: dnsRecord, record: SRV, compare: eq, target: x}]}
  - {id: json, name: Json, type: http, url: "https://example.com",
     assertions: [{kind: sslCertificate, compare: eq, target: x}]}
"""


def test_misplaced_and_unknown_assertions_are_located_config_errors() -> None:
    with pytest.raises(ConfigError) as error:
        load_config_text(CONFIG, "config.yaml")
    lines = [str(problem) for problem in error.value.problems]
    assert any(
        line.startswith("config.yaml:4:") and "dnsRecord assertions apply to type: dns" in line
        for line in lines
    ), lines
    assert any(
        line.startswith("config.yaml:6:") and "record must be one of A, AAAA" in line
        for line in lines
    ), lines
    assert any(
        line.startswith("config.yaml:8:") and "assertion kind must be one of" in line
        for line in lines
    ), lines
