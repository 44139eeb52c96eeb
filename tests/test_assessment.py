"""How an observation becomes a status: conditions, degraded-only conditions, slowness."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, quote_plus

import duckdb
import pytest
from pydantic import ValidationError

from checks.http import HttpMonitor
from checks.result import ErrorKind, Observation, Result, Status, Timings
from checks.runner import RunSettings, _result, assess
from history.store import ResultStore


def monitor(**fields: object) -> HttpMonitor:
    base = {"type": "http", "id": "api", "name": "API", "url": "http://127.0.0.1/"}
    return HttpMonitor.model_validate({**base, **fields})


def seen(status: int = 200, elapsed: float = 100.0, body: str = '{"state": "ok"}') -> Observation:
    values = {"STATUS": status, "RESPONSE_TIME": elapsed, "BODY": body}
    return Observation(response_time_ms=elapsed, status_code=status, values=values)


def test_every_condition_is_kept_with_its_actual_value() -> None:
    assessment = assess(monitor(conditions=["[STATUS] == 200", "[BODY].state == ok"]), seen())
    assert assessment.status is Status.UP
    assert [(c.condition, c.passed, c.actual) for c in assessment.conditions] == [
        ("[STATUS] == 200", True, "200"),
        ("[BODY].state == ok", True, "ok"),
    ]


def test_a_failed_condition_is_down_and_says_expected_and_got() -> None:
    assessment = assess(monitor(conditions=["[STATUS] == 200"]), seen(status=503))
    assert assessment.status is Status.DOWN
    assert assessment.error_kind is ErrorKind.ASSERTION
    assert assessment.message == "[STATUS] (503) == 200"


def test_openstatus_assertions_are_conditions_too() -> None:
    watched = monitor(
        assertions=[
            {"kind": "statusCode", "compare": "eq", "target": 200},
            {"kind": "textBody", "compare": "contains", "target": "ok"},
        ]
    )
    assert assess(watched, seen()).status is Status.UP
    assessment = assess(watched, seen(status=503))
    assert assessment.status is Status.DOWN
    assert [c.passed for c in assessment.conditions] == [False, True]


def test_a_bad_assertion_is_a_config_error() -> None:
    with pytest.raises(ValidationError, match="statusCode compare must be one of"):
        monitor(assertions=[{"kind": "statusCode", "compare": "contains", "target": 200}])


def test_degraded_only_conditions_give_the_third_state() -> None:
    watched = monitor(conditions=["[STATUS] == 200"], degraded_conditions=["[RESPONSE_TIME] < 300"])
    assert assess(watched, seen(elapsed=120)).status is Status.UP
    slow = assess(watched, seen(elapsed=450))
    assert slow.status is Status.DEGRADED
    assert slow.error_kind is None
    assert slow.message == "[RESPONSE_TIME] (450) < 300"
    assert assess(watched, seen(status=500, elapsed=450)).status is Status.DOWN


def test_degraded_after_and_probe_reasons_are_joined() -> None:
    observation = Observation(response_time_ms=900.0, degraded="certificate expires in 9 days")
    assessment = assess(monitor(degraded_after="500ms"), observation)
    assert assessment.status is Status.DEGRADED
    expected = "certificate expires in 9 days; slow: answered in 900 ms, over 500 ms"
    assert assessment.message == expected


def test_a_probe_failure_skips_the_conditions() -> None:
    failed = Observation.failed(ErrorKind.CONNECT, "Connection refused")
    assessment = assess(monitor(conditions=["[STATUS] == 200"]), failed)
    assert (assessment.status, assessment.error_kind, assessment.conditions) == (
        Status.DOWN,
        ErrorKind.CONNECT,
        (),
    )


def test_details_survive_the_parquet_round_trip_with_secrets_redacted(tmp_path: Path) -> None:
    at = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    observation = Observation(
        response_time_ms=42.0,
        status_code=200,
        values={"STATUS": 200, "BODY": "token=s3cret"},
        timings=Timings(dns_ms=1.5, connect_ms=2.0, tls_ms=None, ttfb_ms=40.0, total_ms=42.0),
        peer_ip="127.0.0.1",
        headers={"server": "test", "x-echo": "s3cret"},
        certificate_expires_at=datetime(2027, 1, 1, tzinfo=UTC),
    )
    settings = RunSettings(region="eu-west", run_id="run-1", secrets=frozenset({"s3cret"}))
    result: Result = _result(monitor(conditions=["[BODY] == x"]), settings, at, observation, 1)
    path = ResultStore(tmp_path).append([result])
    [row] = duckdb.sql(
        f"SELECT timings, peer_ip, headers, epoch(certificate_expires_at), conditions, "
        f"error_message FROM read_parquet('{path}')"
    ).fetchall()
    assert row == (
        {"dns_ms": 1.5, "connect_ms": 2.0, "tls_ms": None, "ttfb_ms": 40.0, "total_ms": 42.0},
        "127.0.0.1",
        {"server": "test", "x-echo": "***"},
        datetime(2027, 1, 1, tzinfo=UTC).timestamp(),
        [{"condition": "[BODY] == x", "passed": False, "actual": "token=***"}],
        "[BODY] (token=***) == x",
    )


SECRET = "tok/en+s3cret value&=é"


def test_a_secret_echoed_encoded_or_cut_off_reaches_no_stored_field(tmp_path: Path) -> None:
    """A target echoes the secret percent-encoded, base64 (as Basic credentials) and in a
    long body that is shortened right through it: no form of it is stored."""
    at = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    basic = base64.b64encode(f"ops:{SECRET}".encode()).decode()
    body = "x" * 40 + SECRET  # the condition's shown value is cut after 57 characters
    observation = Observation(
        response_time_ms=42.0,
        status_code=200,
        values={"STATUS": 200, "BODY": body},
        timings=Timings(total_ms=42.0),
        headers={
            "location": f"/login?next={quote(SECRET, safe='')}",
            "x-auth": f"Basic {basic}",
            "x-form": f"token={quote_plus(SECRET)}",
        },
    )
    settings = RunSettings(region="eu-west", run_id="run-1", secrets=frozenset({SECRET}))
    result: Result = _result(monitor(conditions=["[BODY] == x"]), settings, at, observation, 1)
    path = ResultStore(tmp_path).append([result])
    stored = json.dumps(duckdb.sql(f"SELECT * FROM read_parquet('{path}')").fetchall(), default=str)
    core = base64.b64encode(SECRET.encode()).decode()[4:-4]  # the middle of any encoding
    for form in (SECRET, quote(SECRET, safe=""), quote_plus(SECRET), core, SECRET[:8]):
        assert form not in stored, form
    # The base64 group shared with "ops:" keeps the secret's first two bytes: known, small.
    assert '"x-auth": "Basic b3BzOnRv***"' in stored
    assert '"actual": "' + "x" * 40 + "***" in stored
