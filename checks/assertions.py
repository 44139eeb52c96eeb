"""openstatus-style assertions, compiled into the same `Condition` as condition strings.

The shape is openstatus's own, so its files import one to one: `kind` as `openstatus.yaml`
writes it (`statusCode`, `header`, `textBody`, `jsonBody`, `dnsRecord`), or `type` as its API
writes it (`status` for `statusCode`), with `compare`, `target`, and `key` (the header name),
`path` (a JSONPath such as `$.data[0].status`) or `record` (A, AAAA, CNAME, MX, NS or TXT).
They compare as openstatus does: text exactly (`"0200"` is not `"200"`, `"10" < "9"`), a
missing header or a body that is not JSON fails, a missing JSON path is empty text, and a DNS
assertion holds when one record does (`eq`, `contains`) or none does (`not_eq`,
`not_contains`). Stdlib only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from checks.condition_values import Operand
from checks.conditions import SHOWN, Condition

TEXT_COMPARES = (
    "eq", "not_eq", "gt", "gte", "lt", "lte", "contains", "not_contains", "empty", "not_empty",
)  # fmt: skip
_OPERATORS = dict(zip(TEXT_COMPARES, ("==", "!=", ">", ">=", "<", "<="), strict=False))
_OPERATORS |= {compare: compare for compare in TEXT_COMPARES[6:]}
KINDS = {
    "statusCode": TEXT_COMPARES[:6], "header": TEXT_COMPARES, "textBody": TEXT_COMPARES,
    "jsonBody": TEXT_COMPARES, "dnsRecord": ("eq", "not_eq", "contains", "not_contains"),
}  # fmt: skip
_ALIASES = {"status": "statusCode"}  # openstatus's API spelling
_EXTRA_KEY = {"header": "key", "jsonBody": "path", "dnsRecord": "record"}
_KEYS = ("kind", "type", "compare", "target", "key", "path", "record", "version")
DNS_RECORDS = ("A", "AAAA", "CNAME", "MX", "NS", "TXT")
# Which check type an assertion kind needs; the others apply wherever the value exists.
APPLIES_TO = {"statusCode": "http", "header": "http", "jsonBody": "http", "dnsRecord": "dns"}
_JSON_STEP = re.compile(r"\.([^.\[\]'\"]+)|\[(\d+)\]|\['([^']*)'\]|\[\"([^\"]*)\"\]")


def compile_assertion(assertion: Mapping[str, object]) -> Condition:
    """Compile one assertion; ValueError carries the message shown to the user."""
    kind = assertion_kind(assertion)
    compare = assertion.get("compare")
    if not isinstance(compare, str) or compare not in KINDS[kind]:
        choices = ", ".join(KINDS[kind])
        raise ValueError(f"{kind} compare must be one of {choices}, got {compare!r}")
    _check_keys(assertion, kind)
    left, subject = _subject(kind, assertion.get(_EXTRA_KEY.get(kind, "key")))
    op = _OPERATORS[compare]
    if op in ("empty", "not_empty"):
        return Condition(f"{subject} {SHOWN[op]}", left, op, rules="openstatus")
    target = _target(kind, compare, assertion.get("target"))
    right = Operand(target, "literal", args=(target,))
    return Condition(f"{subject} {SHOWN[op]} {target}", left, op, right, "openstatus")


def assertion_kind(assertion: Mapping[str, object]) -> str:
    """The assertion's kind, from `kind` or `type`; ValueError when neither names one."""
    given = [assertion[key] for key in ("kind", "type") if key in assertion]
    if len(given) != 1:
        raise ValueError('an assertion needs "kind" (as in openstatus.yaml) or "type", not both')
    kind = _ALIASES.get(str(given[0]), given[0])
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError(f"assertion kind must be one of {', '.join(KINDS)}, got {given[0]!r}")
    return kind


def dns_record_types(assertions: Iterable[Mapping[str, object]]) -> set[str]:
    """The record types the dnsRecord assertions of a monitor read."""
    return {
        str(assertion.get("record"))
        for assertion in assertions
        if assertion.get("kind", assertion.get("type")) == "dnsRecord"
    }


def _check_keys(assertion: Mapping[str, object], kind: str) -> None:
    for key in assertion:
        if key not in _KEYS:
            raise ValueError(f'unknown assertion key "{key}", expected {", ".join(_KEYS)}')
        if key in _EXTRA_KEY.values() and _EXTRA_KEY.get(kind) != key:
            owner = next(name for name, extra in _EXTRA_KEY.items() if extra == key)
            raise ValueError(f'"{key}" only applies to {owner} assertions, not {kind}')
    if assertion.get("version", "v1") != "v1":
        raise ValueError(f'assertion version must be "v1", got {assertion["version"]!r}')


def _subject(kind: str, extra: object) -> tuple[Operand, str]:
    if kind == "statusCode":
        return Operand("[STATUS]", "status_code", "STATUS"), "status code"
    if kind == "textBody":
        return Operand("[BODY]", "text_body", "BODY"), "text body"
    key = _EXTRA_KEY[kind]
    if not isinstance(extra, str) or not extra.strip():
        example = {"key": "content-type", "path": "$.status", "record": "A"}[key]
        raise ValueError(f'{kind} assertions need "{key}", e.g. {example}')
    extra = extra.strip()
    if kind == "header":
        return Operand(f"header {extra}", "response_header", extra), f"header {extra}"
    if kind == "jsonBody":
        return Operand(f"json body {extra}", "json_body", path=json_path(extra)), f"json {extra}"
    if extra not in DNS_RECORDS:
        raise ValueError(f"dnsRecord record must be one of {', '.join(DNS_RECORDS)}, got {extra!r}")
    return Operand(f"{extra} records", "dns_records", extra), f"{extra} record"


def json_path(path: str) -> tuple[str | int, ...]:
    """The steps of a JSONPath like `$.data[0]['name']`; only keys and indexes, no `*`, `..`
    or filters (a located config error, not a path that silently never matches)."""
    rest = path[1:] if path.startswith("$") else "." + path if path[0] not in ".[" else path
    steps: list[str | int] = []
    while rest:
        match = _JSON_STEP.match(rest)
        if not match:
            raise ValueError(
                f'unsupported JSONPath "{path}": write keys and indexes, e.g. $.data[0].name'
            )
        key, index, single, double = match.groups()
        steps.append(int(index) if index is not None else next(
            part for part in (key, single, double) if part is not None
        ))  # fmt: skip
        rest = rest[match.end() :]
    return tuple(steps)


def _target(kind: str, compare: str, target: object) -> str:
    if target is None or isinstance(target, bool) or not isinstance(target, str | int | float):
        raise ValueError(f'{kind} assertion with compare "{compare}" needs a text or number target')
    text = str(target)
    if kind == "statusCode" and not (text.isascii() and text.isdigit() and 100 <= int(text) <= 599):
        raise ValueError(f"statusCode target must be an HTTP status from 100 to 599, got {text!r}")
    return text
