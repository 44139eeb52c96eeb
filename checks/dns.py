"""dns: resolve a name and judge the response code and the answers.

Values for conditions: `DNS_RCODE` (`NOERROR`, `NXDOMAIN`, `SERVFAIL`, ...), `ANSWERS` (the
records in presentation format, sorted, e.g. `192.0.2.10` or `10 mail.example.com.`), `BODY`
(the answers joined by newlines), `RESPONSE_TIME` (ms) and `CONNECTED`.

Which response counts as down, kept simple on purpose:

- If one of the monitor's conditions mentions `[DNS_RCODE]`, any response the server gives is a
  successful observation and the conditions alone judge it, so `[DNS_RCODE] == NXDOMAIN` can
  assert that a name does *not* exist.
- Otherwise any response code but NOERROR, or a NOERROR without records of the asked type, is
  down with error kind `dns`.

No answer at all is always down: `timeout` when the server stays silent, `connect` when it
cannot be reached (e.g. a refused TCP connection). `DNS_RCODE` is set whenever a server replied.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from dataclasses import replace
from typing import Literal

import dns.asyncresolver
import dns.exception
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdtypes.ANY.MX
import dns.rdtypes.ANY.TXT
import dns.resolver
import dns.reversename
from pydantic import Field, field_validator

from checks.assertions import dns_record_types
from checks.base import CheckType, ProbeContext
from checks.result import ErrorKind, Observation
from configuration.monitor import MonitorBase

RecordType = Literal["A", "AAAA", "CNAME", "MX", "NS", "TXT", "SOA", "CAA", "SRV", "PTR"]
DEFAULT_DNS_PORT = 53


class DnsMonitor(MonitorBase):
    type: Literal["dns"] = Field(description="Check type.")
    query: str = Field(
        min_length=1,
        description="Name to resolve, e.g. `example.com`; for `PTR` an IP address also works.",
    )
    record_type: RecordType = Field("A", description="Record type to ask for.")
    resolver: str | None = Field(
        None,
        description="Server to ask, `ip` or `ip:port` (IPv6 as `[ip]:port`), e.g. `1.1.1.1`; "
        "empty means the system's resolvers.",
    )
    protocol: Literal["udp", "tcp"] = Field("udp", description="Transport of the query.")

    @field_validator("query")
    @classmethod
    def _query_is_a_name(cls, value: str) -> str:
        try:
            dns.name.from_text(value)
        except dns.exception.DNSException:
            raise ValueError(f'expected a domain name like "example.com", got "{value}"') from None
        return value

    @field_validator("resolver")
    @classmethod
    def _resolver_address(cls, value: str | None) -> str | None:
        if value is not None:
            parse_resolver(value)
        return value

    @property
    def target(self) -> str:
        where = f" @{self.resolver}" if self.resolver else ""
        return f"{self.query} {self.record_type}{where}"


def parse_resolver(text: str) -> tuple[str, int]:
    """Split `ip`, `ip:port` or `[ipv6]:port` into (ip, port); ValueError if malformed."""
    host, port = text.strip(), str(DEFAULT_DNS_PORT)
    if host.startswith("[") and "]" in host:
        host, _, rest = host[1:].partition("]")
        if rest:
            port = rest[1:] if rest.startswith(":") else ""
    elif host.count(":") == 1:  # more colons than one: a bare IPv6 address
        host, _, port = host.partition(":")
    number = int(port) if port.isdigit() else 0
    if not (_is_ip_address(host) and 1 <= number <= 65535):
        raise ValueError(f'expected a resolver like "1.1.1.1" or "127.0.0.1:5353", got "{text}"')
    return host, number


def _is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


async def probe(monitor: DnsMonitor, context: ProbeContext) -> Observation:
    seconds = monitor.timeout.total_seconds()
    started = time.perf_counter()
    try:
        resolver = _resolver(monitor)
        answer = await resolver.resolve(
            _qname(monitor),
            monitor.record_type,
            tcp=monitor.protocol == "tcp",
            raise_on_no_answer=False,  # an empty answer is judged below, with its rcode
            lifetime=seconds,
        )
    except dns.exception.Timeout:
        return Observation.failed(ErrorKind.TIMEOUT, f"no answer within {seconds:g}s")
    except dns.resolver.NXDOMAIN:
        return _observe(monitor, dns.rcode.NXDOMAIN, [], _elapsed_ms(started))
    except dns.resolver.YXDOMAIN:
        return _observe(monitor, dns.rcode.YXDOMAIN, [], _elapsed_ms(started))
    except dns.resolver.NoNameservers as error:
        return _no_nameservers(monitor, error, _elapsed_ms(started))
    except dns.exception.DNSException as error:
        return Observation.failed(ErrorKind.DNS, str(error) or type(error).__name__)
    records = sorted(rdata.to_text() for rdata in answer.rrset or ())
    observation = _observe(monitor, answer.response.rcode(), records, _elapsed_ms(started))
    if observation.error_kind is not None or not dns_record_types(monitor.assertions):
        return observation
    return await _with_records(monitor, resolver, answer, observation, started + seconds)


async def _with_records(
    monitor: DnsMonitor,
    resolver: dns.asyncresolver.Resolver,
    answer: dns.resolver.Answer,
    observation: Observation,
    deadline: float,
) -> Observation:
    """Adds `RECORDS`, what the monitor's dnsRecord assertions read: its own type's answer
    and one more query for each other type they name, as openstatus formats records."""
    by_type: dict[str, list[str]] = {
        monitor.record_type: sorted(map(openstatus_record, answer.rrset or ()))
    }
    others = sorted(dns_record_types(monitor.assertions) - set(by_type))
    answers = await asyncio.gather(
        *(_record_texts(monitor, resolver, kind, deadline) for kind in others)
    )
    by_type |= dict(zip(others, answers, strict=True))
    return replace(observation, values={**observation.values, "RECORDS": by_type})


async def _record_texts(
    monitor: DnsMonitor, resolver: dns.asyncresolver.Resolver, kind: str, deadline: float
) -> list[str]:
    """The records of one more type that dnsRecord assertions read (openstatus asks for all
    types at once); none when the name has none or they do not come in time."""
    try:
        answer = await resolver.resolve(
            _qname(monitor),
            kind,
            tcp=monitor.protocol == "tcp",
            raise_on_no_answer=False,
            lifetime=max(deadline - time.perf_counter(), 0.001),
        )
    except dns.exception.DNSException:
        return []
    return sorted(openstatus_record(rdata) for rdata in answer.rrset or ())


def openstatus_record(rdata: dns.rdata.Rdata) -> str:
    """A record as openstatus's checker (Go's net.Lookup*) gives it: an MX as `host:preference`,
    a TXT record's strings joined, anything else in presentation format (names end in a dot)."""
    if isinstance(rdata, dns.rdtypes.ANY.MX.MX):
        return f"{rdata.exchange.to_text()}:{rdata.preference}"
    if isinstance(rdata, dns.rdtypes.ANY.TXT.TXT):
        return b"".join(rdata.strings).decode(errors="replace")
    return str(rdata.to_text())


def _resolver(monitor: DnsMonitor) -> dns.asyncresolver.Resolver:
    if monitor.resolver is None:
        return dns.asyncresolver.Resolver()  # /etc/resolv.conf (or the registry on Windows)
    host, port = parse_resolver(monitor.resolver)
    resolver = dns.asyncresolver.Resolver(configure=False)
    resolver.nameservers = [host]
    resolver.port = port
    return resolver


def _qname(monitor: DnsMonitor) -> dns.name.Name:
    # Always absolute, so the system's search domains never change what is checked.
    if monitor.record_type == "PTR":
        try:
            return dns.reversename.from_address(monitor.query)
        except (ValueError, dns.exception.SyntaxError):
            pass  # not an IP address: the query is already a reverse name
    return dns.name.from_text(monitor.query)


def _observe(
    monitor: DnsMonitor, rcode: dns.rcode.Rcode, records: list[str], elapsed_ms: float
) -> Observation:
    rcode_text = dns.rcode.to_text(rcode)
    values: dict[str, object] = {
        "DNS_RCODE": rcode_text,
        "ANSWERS": records,
        "BODY": "\n".join(records),
        "RESPONSE_TIME": elapsed_ms,
        "CONNECTED": True,
    }
    error_kind, message = None, None
    if not _conditions_judge_rcode(monitor):
        if rcode != dns.rcode.NOERROR:
            error_kind, message = ErrorKind.DNS, _rcode_message(monitor, rcode_text)
        elif not records:
            error_kind = ErrorKind.DNS
            message = f"no {monitor.record_type} record for {monitor.query}"
    return Observation(
        response_time_ms=elapsed_ms, error_kind=error_kind, error_message=message, values=values
    )


def _no_nameservers(
    monitor: DnsMonitor, error: dns.resolver.NoNameservers, elapsed_ms: float
) -> Observation:
    """Every server failed: judge the last reply's rcode (e.g. SERVFAIL) if one came back."""
    trace = error.kwargs.get("errors") or []
    replies = [item[4] for item in trace if isinstance(item[4], dns.message.Message)]
    if replies:
        return _observe(monitor, replies[-1].rcode(), [], elapsed_ms)
    causes = [item[3] for item in trace]
    kind = ErrorKind.CONNECT if any(isinstance(c, OSError) for c in causes) else ErrorKind.DNS
    detail = "; ".join(str(cause) for cause in causes) or "no server answered"
    return Observation.failed(kind, detail, elapsed_ms)


def _conditions_judge_rcode(monitor: DnsMonitor) -> bool:
    return any("[DNS_RCODE]" in condition.upper() for condition in monitor.conditions)


def _rcode_message(monitor: DnsMonitor, rcode_text: str) -> str:
    if rcode_text == "NXDOMAIN":
        return f"{monitor.query} does not exist (NXDOMAIN)"
    return f"{rcode_text} for {monitor.query} {monitor.record_type}"


def _elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


CHECK = CheckType(name="dns", model=DnsMonitor, probe=probe)
