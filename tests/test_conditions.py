"""Condition strings, structured assertions and their shared evaluation."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta

import pytest

from checks.assertions import compile_assertion
from checks.conditions import ConditionOutcome, evaluate_all, parse_condition

BODY = json.dumps(
    {"data": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}], "status": "ok", "ok": True}
)
VALUES: dict[str, object] = {
    "STATUS": 200,
    "RESPONSE_TIME": 123.5,
    "IP": "192.0.2.10",
    "BODY": BODY,
    "CONNECTED": True,
    "CERTIFICATE_EXPIRATION": timedelta(days=3),
    "DOMAIN_EXPIRATION": timedelta(hours=12),
    "DNS_RCODE": "NOERROR",
    "HEADERS": {"Content-Type": "application/json; charset=utf-8", "X-Empty": ""},
}


def check(text: str, values: Mapping[str, object] = VALUES) -> ConditionOutcome:
    return parse_condition(text).evaluate(values)


def passes(text: str, values: Mapping[str, object] = VALUES) -> bool:
    return check(text, values).passed


def assertion(kind: str, compare: str, target: object = None, **extra: object) -> dict[str, object]:
    found: dict[str, object] = {"kind": kind, "compare": compare, **extra}
    if target is not None:
        found["target"] = target
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[STATUS] == 200", True),
        ("[STATUS] == 201", False),
        ("[STATUS] != 201", True),
        ("[STATUS] != 200", False),
        ("[STATUS] <= 200", True),
        ("[STATUS] <= 199", False),
        ("[STATUS] >= 200", True),
        ("[STATUS] >= 201", False),
        ("[STATUS] > 199", True),
        ("[STATUS] > 200", False),
        ("[STATUS] < 201", True),
        ("[STATUS] < 200", False),
    ],
)
def test_every_operator(text: str, expected: bool) -> None:
    assert passes(text) is expected


def test_equality_is_numeric_when_both_sides_are_integers_as_go_reads_them() -> None:
    assert passes("[STATUS] == 0xC8")
    assert passes("[STATUS] == 0o310")
    assert not passes("[STATUS] == 0200")  # a leading zero is octal in Go: 128
    assert not passes("[IP] == 192.0.2.010")  # not integers: compared as text


def test_equality_is_textual_otherwise() -> None:
    assert passes("[IP] == 192.0.2.10")
    assert not passes("[DNS_RCODE] == NXDOMAIN")
    assert passes("[CONNECTED] == true")
    assert not passes("[CONNECTED] == false")
    assert passes("[RESPONSE_TIME] == 123")  # whole milliseconds, as Gatus measures


def test_ordering_reads_durations_in_milliseconds() -> None:
    assert passes("[CERTIFICATE_EXPIRATION] > 48h")
    assert not passes("[CERTIFICATE_EXPIRATION] > 168h")
    assert passes("[DOMAIN_EXPIRATION] < 24h")
    assert passes("[DOMAIN_EXPIRATION] >= 11h30m")
    assert passes("[RESPONSE_TIME] < 500ms")
    assert not passes("[RESPONSE_TIME] < 100ms")


def test_ordering_reads_fractions_exactly_and_text_as_zero() -> None:
    assert passes("[RESPONSE_TIME] > 122.9")
    assert not passes("[RESPONSE_TIME] > 123.1")
    outcome = check("[BODY].status > 3")
    assert not outcome.passed
    assert outcome.explanation == "[BODY].status (ok; not a number, read as 0) > 3"
    assert passes("[BODY].status < 3")  # as in Gatus


def test_explanation_shows_the_actual_value() -> None:
    outcome = check("[STATUS] == 200", {"STATUS": 503})
    assert outcome == ConditionOutcome("[STATUS] == 200", False, "[STATUS] (503) == 200", "503")


def test_the_stored_actual_value_is_shortened() -> None:
    outcome = check("[BODY] == x", {"BODY": "y" * 1000})
    assert outcome.actual is not None and len(outcome.actual) == 200
    assert outcome.actual.endswith("…")
    assert check("[BODY].a == x", {"BODY": "{}"}).actual is None


def test_json_paths_into_objects_and_arrays() -> None:
    assert passes("[BODY].status == ok")
    assert passes("[BODY].data[1].name == b")
    assert passes("[BODY].ok == true")
    assert not passes("[BODY].data[0].id == 2")
    top_level_array = {"BODY": json.dumps([{"x": "first"}, {"x": "second"}])}
    assert passes("[BODY][0].x == first", top_level_array)
    assert not passes("[BODY][1].x == first", top_level_array)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[BODY].data.status == ok", "[BODY].data.status (no such path in the body) == ok"),
        ("[BODY].data[5].id == 1", "[BODY].data[5].id (no such path in the body) == 1"),
        ("[BODY].status[0] == o", "[BODY].status[0] (no such path in the body) == o"),
        ("[DNS_RCODE] == NOERROR", "[DNS_RCODE] (not provided by this check) == NOERROR"),
    ],
)
def test_unresolvable_placeholder_fails_with_a_reason(text: str, reason: str) -> None:
    values = {key: value for key, value in VALUES.items() if key != "DNS_RCODE"}
    outcome = check(text, values)
    assert not outcome.passed
    assert outcome.explanation == reason


def test_json_path_into_a_body_that_is_not_json() -> None:
    outcome = check("[BODY].status == ok", {"BODY": "<html>"})
    assert not outcome.passed
    assert outcome.explanation == "[BODY].status (the body is not JSON) == ok"


def test_len_counts_lists_objects_and_text() -> None:
    assert passes("len([BODY].data) == 2")
    assert passes("len([BODY].data) < 5")
    assert passes("len([BODY].data[0]) == 19")  # {"id":1,"name":"a"}: bytes of its JSON
    assert passes("len([BODY].status) == 2")
    assert passes("len([IP]) == 10")
    assert not check("len([BODY].missing) == 0").passed


def test_has_tells_whether_a_path_exists() -> None:
    assert passes("has([BODY].errors) == false")
    assert passes("has([BODY].data[1]) == true")
    assert not passes("has([BODY].status) == false")


def test_pat_globs_case_sensitively() -> None:
    html = {"BODY": "<html><h1>Example Domain</h1></html>"}
    assert passes("[BODY] == pat(*<h1>Example*)", html)
    assert not passes("[BODY] == pat(*<h1>example*)", html)
    assert passes("[BODY] != pat(*error*)", html)
    assert passes("[IP] == pat(192.0.2.*)")


def test_any_matches_one_of_the_values() -> None:
    assert passes("[STATUS] == any(200, 429)")
    assert not passes("[STATUS] == any(201, 429)")
    assert passes("[STATUS] != any(500, 503)")
    assert passes("[DNS_RCODE] == any(NOERROR, NXDOMAIN)")


def test_evaluate_all_keeps_order_and_each_verdict() -> None:
    texts = ["[STATUS] == 200", "[BODY].status == bad"]
    outcomes = evaluate_all([parse_condition(text) for text in texts], VALUES)
    assert [outcome.condition for outcome in outcomes] == texts
    assert [outcome.passed for outcome in outcomes] == [True, False]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[STATUS] = 200",
            'expected "<left> <operator> <right>" with one of == != <= >= > <, '
            'got "[STATUS] = 200"',
        ),
        ("[STATUS]==200", 'got "[STATUS]==200"'),
        ("[STAUS] == 200", 'unknown placeholder "[STAUS]", did you mean "[STATUS]"?'),
        ("[STATUS] == ", 'missing the right side of "=="'),
        ("== 200", 'missing the left side of "=="'),
        ("STATUS == 200", 'no placeholder in "STATUS", did you mean "[STATUS]"?'),
        ("[BODY]. == 1", 'bad JSON path in "[BODY]."'),
        ("[STATUS].code == 1", "only [BODY] takes a JSON path"),
        ("lenn([BODY]) == 1", 'unknown function "lenn()"'),
        ("len(BODY) == 1", "len() takes a placeholder"),
        ("[STATUS] > any(200)", "any() works only with == and !="),
        ("[BODY] == pat()", "pat() needs a value"),
        ("[DNS_RCODE] == NOERRRO", 'unknown DNS rcode "NOERRRO", did you mean "NOERROR"?'),
    ],
)
def test_parse_errors_explain_the_mistake(text: str, message: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_condition(text)
    assert message in str(error.value)


def test_parse_keeps_the_text_and_is_immutable() -> None:
    condition = parse_condition("  [STATUS] == 200")
    assert condition.text == "  [STATUS] == 200"
    with pytest.raises(AttributeError):
        condition.text = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("compare", "target", "status", "expected"),
    [
        ("eq", 200, 200, True),
        ("eq", 200, 503, False),
        ("not_eq", 200, 503, True),
        ("gt", 299, 200, False),
        ("gte", 200, 200, True),
        ("lt", 300, 200, True),
        ("lte", "199", 200, False),
    ],
)
def test_status_code_assertions(compare: str, target: object, status: int, expected: bool) -> None:
    condition = compile_assertion(assertion("statusCode", compare, target))
    assert condition.evaluate({"STATUS": status}).passed is expected


@pytest.mark.parametrize(
    ("compare", "target", "body", "expected"),
    [
        ("eq", "ok", "ok", True),
        ("not_eq", "ok", "ok", False),
        ("contains", "Example", "<h1>Example</h1>", True),
        ("contains", "example", "<h1>Example</h1>", False),
        ("not_contains", "error", "all fine", True),
        ("empty", None, "", True),
        ("empty", None, "x", False),
        ("not_empty", None, "x", True),
        ("gt", "10", "42", True),
        ("lte", "10", "42", False),
    ],
)
def test_text_body_assertions(compare: str, target: object, body: str, expected: bool) -> None:
    condition = compile_assertion(assertion("textBody", compare, target))
    assert condition.evaluate({"BODY": body}).passed is expected


@pytest.mark.parametrize(
    ("key", "compare", "target", "expected"),
    [
        ("content-type", "contains", "json", True),
        ("CONTENT-TYPE", "not_contains", "json", False),
        ("Content-Type", "eq", "application/json; charset=utf-8", True),
        ("content-type", "not_eq", "text/html", True),
        ("x-empty", "empty", None, True),
        ("x-empty", "not_empty", None, False),
    ],
)
def test_header_assertions(key: str, compare: str, target: object, expected: bool) -> None:
    condition = compile_assertion(assertion("header", compare, target, key=key))
    assert condition.evaluate(VALUES).passed is expected


def test_header_assertion_renders_readably_and_explains() -> None:
    condition = compile_assertion(assertion("header", "contains", "json", key="content-type"))
    outcome = condition.evaluate(VALUES)
    assert outcome.condition == "header content-type contains json"
    assert outcome.explanation == (
        "header content-type (application/json; charset=utf-8) contains json"
    )


def test_missing_header_fails_with_a_reason() -> None:
    condition = compile_assertion(assertion("header", "eq", "1", key="x-missing"))
    outcome = condition.evaluate(VALUES)
    assert not outcome.passed
    assert outcome.explanation == "header x-missing (no such header in the response) == 1"
    assert "not provided" in condition.evaluate({"STATUS": 200}).explanation


@pytest.mark.parametrize(
    ("structured", "text"),
    [
        (assertion("statusCode", "eq", 200), "[STATUS] == 200"),
        (assertion("statusCode", "not_eq", 200), "[STATUS] != 200"),
        (assertion("statusCode", "lt", 300), "[STATUS] < 300"),
        (assertion("statusCode", "gte", 500), "[STATUS] >= 500"),
        (assertion("textBody", "eq", "ok"), "[BODY] == ok"),
        (assertion("textBody", "not_eq", "ok"), "[BODY] != ok"),
    ],
)
@pytest.mark.parametrize("values", [{"STATUS": 200, "BODY": "ok"}, {"STATUS": 503, "BODY": "x"}])
def test_structured_and_string_forms_agree(
    structured: dict[str, object], text: str, values: dict[str, object]
) -> None:
    from_assertion = compile_assertion(structured).evaluate(values)
    from_text = parse_condition(text).evaluate(values)
    assert (from_assertion.passed, from_assertion.explanation) == (
        from_text.passed,
        from_text.explanation,
    )


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"kind": "statuscode", "compare": "eq", "target": 200}, "assertion kind must be one of"),
        ({"kind": "statusCode", "compare": "contains", "target": 2}, "statusCode compare must"),
        ({"kind": "statusCode", "compare": "eq"}, "needs a text or number target"),
        ({"kind": "statusCode", "compare": "eq", "target": 999}, "from 100 to 599"),
        ({"kind": "statusCode", "compare": "eq", "target": True}, "needs a text or number"),
        ({"kind": "header", "compare": "eq", "target": "x"}, 'header assertions need "key"'),
        ({"kind": "textBody", "compare": "eq", "target": "x", "key": "a"}, '"key" only applies'),
        ({"kind": "textBody", "compare": "eq", "target": "x", "type": "a"}, '"kind" (as in'),
        ({"kind": "textBody", "compare": "eq", "target": "x", "tpye": "a"}, "unknown assertion"),
    ],
)
def test_invalid_assertions_are_rejected(bad: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as error:
        compile_assertion(bad)
    assert message in str(error.value)
