"""Monitor conditions: Gatus-style strings and openstatus-style assertions, one internal form.

`parse_condition("[STATUS] == 200")` and `compile_assertion({"kind": "statusCode", ...})` both
give a `Condition`, so evaluation and its explanations are shared. Placeholders are checked at
parse time: a typo is a config error, not a check that silently fails forever.
Stdlib only, because `configuration/` imports this module.
"""

from __future__ import annotations

import difflib
import fnmatch
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

PLACEHOLDERS = (
    "STATUS", "RESPONSE_TIME", "IP", "BODY", "CONNECTED",
    "CERTIFICATE_EXPIRATION", "DOMAIN_EXPIRATION", "DNS_RCODE",
)  # fmt: skip
DNS_RCODES = ("NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED")
FUNCTIONS = ("len", "has", "pat", "any")
OPERATORS = ("==", "!=", "<=", ">=", ">", "<")  # search order: "<=" must win over "<"
# Operators only structured assertions produce, and how every operator reads in explanations.
_SHOWN = {op: op for op in (*OPERATORS, "contains")} | {"not_contains": "does not contain"}
_SHOWN |= {"empty": "is empty", "not_empty": "is not empty"}
_COMPARES = {"eq": "==", "not_eq": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_COMPARES |= {name: name for name in ("contains", "not_contains", "empty", "not_empty")}
_KINDS = {"statusCode": tuple(_COMPARES)[:6], "textBody": tuple(_COMPARES)}
_KINDS["header"] = _KINDS["textBody"]
_ASSERTION_KEYS = "kind, compare, target, key"

_PLACEHOLDER = re.compile(r"\[([A-Za-z_]+)\](.*)", re.DOTALL)
_CALL = re.compile(r"([A-Za-z_]+)\((.*)\)", re.DOTALL)
_PATH_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")
_INTEGER = re.compile(r"[+-]?\d+")
_DURATION = re.compile(r"(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_UNIT_MS = {"ms": 1.0, "s": 1e3, "m": 6e4, "h": 3.6e6, "d": 8.64e7}
_NOT_JSON = object()  # cached result for a body that does not parse
_UNPARSED = object()


@dataclass(frozen=True)
class ConditionOutcome:
    condition: str
    passed: bool
    explanation: str  # e.g. "[STATUS] (503) == 200"
    actual: str | None = None  # the left side's value, shortened; None when unresolvable


@dataclass(frozen=True)
class Operand:
    """One side of a condition; `label` is how it was written, shown in explanations."""

    label: str
    kind: str  # literal, placeholder, header, len, has, pat or any
    name: str = ""  # placeholder name without brackets, or the header name
    path: tuple[str | int, ...] = ()  # JSON path into the body
    args: tuple[str, ...] = ()  # literal value, pat() pattern or any() values
    inner: Operand | None = None  # the placeholder inside len() / has()


class _Unresolved(Exception):
    """A placeholder has no value for this probe; the message says why."""


class _Probe(dict[str, object]):
    """A probe's values, parsing the JSON body at most once however many conditions read it."""

    _json: object = _UNPARSED

    def json_body(self) -> object:
        if self._json is _UNPARSED:
            body = self.get("BODY")
            try:
                self._json = json.loads(body) if isinstance(body, str | bytes) else _NOT_JSON
            except ValueError:
                self._json = _NOT_JSON
        return self._json


@dataclass(frozen=True)
class Condition:
    """`left op right`, from a condition string or a structured assertion; immutable."""

    text: str
    left: Operand
    op: str
    right: Operand | None = None  # None for `empty` / `not_empty`

    def evaluate(self, values: Mapping[str, object]) -> ConditionOutcome:
        probe = values if isinstance(values, _Probe) else _Probe(values)
        try:
            left = _resolve(self.left, probe)
            right = _resolve(self.right, probe) if self.right else ""
        except _Unresolved as reason:
            return ConditionOutcome(self.text, False, str(reason))
        sides = [_show(self.left, left), _SHOWN[self.op]]
        sides += [_show(self.right, right)] if self.right else []
        passed = _check(self.op, left, self.right, right)
        explanation = " ".join(sides)
        if passed is None:
            passed, explanation = False, f"{explanation}: not a number or duration"
        return ConditionOutcome(self.text, passed, explanation, _shorten(str(left)))


def evaluate_all(
    conditions: Sequence[Condition], values: Mapping[str, object]
) -> list[ConditionOutcome]:
    """Evaluate every condition against one probe's values (the body is parsed once)."""
    probe = _Probe(values)
    return [condition.evaluate(probe) for condition in conditions]


def parse_condition(text: str) -> Condition:
    """Parse `<left> <operator> <right>`; ValueError carries the message shown to the user."""
    padded = f" {text.strip()} "  # so a missing side still finds its operator
    op = next((op for op in OPERATORS if f" {op} " in padded), None)
    if op is None:
        raise ValueError(
            f'expected "<left> <operator> <right>" with one of {" ".join(OPERATORS)}, got "{text}"'
        )
    left_text, _, right_text = padded.partition(f" {op} ")
    left = _parse_side(left_text.strip(), "left", op)
    right = _parse_side(right_text.strip(), "right", op)
    if left.kind == "literal" and right.kind in ("literal", "pat", "any"):
        hint = _suggest(left.label.strip("[]").upper(), PLACEHOLDERS, "[{}]")
        raise ValueError(f'no placeholder such as [STATUS] in "{text}"{hint}')
    _check_rcodes(left, right)
    return Condition(text, left, op, right)


def compile_assertion(assertion: Mapping[str, object]) -> Condition:
    """Compile an openstatus assertion, e.g. `{kind: header, key: content-type, ...}`."""
    unknown = [key for key in assertion if key not in _ASSERTION_KEYS.split(", ")]
    if unknown:
        raise ValueError(f'unknown assertion key "{unknown[0]}", expected {_ASSERTION_KEYS}')
    kind, compare = assertion.get("kind"), assertion.get("compare")
    if not isinstance(kind, str) or kind not in _KINDS:
        raise ValueError(f"assertion kind must be one of {', '.join(_KINDS)}, got {kind!r}")
    if not isinstance(compare, str) or compare not in _KINDS[kind]:
        choices = ", ".join(_KINDS[kind])
        raise ValueError(f"{kind} compare must be one of {choices}, got {compare!r}")
    left, subject = _assertion_subject(kind, assertion.get("key"))
    op = _COMPARES[compare]
    if op in ("empty", "not_empty"):
        return Condition(f"{subject} {_SHOWN[op]}", left, op)
    target = _assertion_target(kind, compare, assertion.get("target"))
    right = Operand(target, "literal", args=(target,))
    return Condition(f"{subject} {_SHOWN[op]} {target}", left, op, right)


def _assertion_subject(kind: str, key: object) -> tuple[Operand, str]:
    if kind != "header":
        if key is not None:
            raise ValueError(f'"key" only applies to header assertions, not {kind}')
        name = "STATUS" if kind == "statusCode" else "BODY"
        subject = "status code" if kind == "statusCode" else "text body"
        return Operand(f"[{name}]", "placeholder", name), subject
    if not isinstance(key, str) or not key.strip():
        raise ValueError('header assertions need "key": the header name, e.g. content-type')
    return Operand(f"header {key.strip()}", "header", key.strip()), f"header {key.strip()}"


def _assertion_target(kind: str, compare: str, target: object) -> str:
    if target is None or isinstance(target, bool) or not isinstance(target, str | int | float):
        raise ValueError(f'{kind} assertion with compare "{compare}" needs a text or number target')
    text = str(target)
    if kind == "statusCode" and not (_INTEGER.fullmatch(text) and 100 <= int(text) <= 599):
        raise ValueError(f"statusCode target must be an HTTP status from 100 to 599, got {text!r}")
    return text


def _parse_side(side: str, which: str, op: str) -> Operand:
    if not side:
        raise ValueError(f'missing the {which} side of "{op}"')
    call = _CALL.fullmatch(side)
    if call:
        return _parse_call(side, call.group(1), call.group(2).strip(), which, op)
    if _PLACEHOLDER.fullmatch(side):
        return _parse_placeholder(side)
    return Operand(side, "literal", args=(side,))


def _parse_call(side: str, name: str, arg: str, which: str, op: str) -> Operand:
    if name not in FUNCTIONS:
        hint = _suggest(name.lower(), FUNCTIONS, "{}()")
        raise ValueError(f'unknown function "{name}()", expected one of len has pat any{hint}')
    if name in ("len", "has"):
        if not _PLACEHOLDER.fullmatch(arg):
            raise ValueError(f'{name}() takes a placeholder like [BODY].data, got "{side}"')
        return Operand(side, name, inner=_parse_placeholder(arg))
    if which == "left" or op not in ("==", "!="):
        raise ValueError(f'{name}() goes on the right side of == or !=, got "{side}"')
    args = (arg,) if name == "pat" else tuple(part.strip() for part in arg.split(","))
    if not all(args):
        raise ValueError(f'{name}() needs a value in the parentheses, got "{side}"')
    return Operand(side, name, args=args)


def _parse_placeholder(side: str) -> Operand:
    match = _PLACEHOLDER.fullmatch(side)
    assert match is not None  # callers matched already
    name, rest = match.groups()
    if name not in PLACEHOLDERS:
        hint = _suggest(name.upper(), PLACEHOLDERS, "[{}]")
        raise ValueError(f'unknown placeholder "[{name}]"{hint}')
    if rest and name != "BODY":
        raise ValueError(f'only [BODY] takes a JSON path like [BODY].data[0], got "{side}"')
    return Operand(side, "placeholder", name, _parse_path(rest, side))


def _parse_path(rest: str, side: str) -> tuple[str | int, ...]:
    steps: list[str | int] = []
    pos = 0
    while pos < len(rest):
        match = _PATH_STEP.match(rest, pos)
        if not match:
            raise ValueError(f'bad JSON path in "{side}", expected e.g. [BODY].items[0].name')
        steps.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        pos = match.end()
    return tuple(steps)


def _check_rcodes(left: Operand, right: Operand) -> None:
    # A misspelt rcode can never match, so catch it while the config is read.
    for one, other in ((left, right), (right, left)):
        if one.label != "[DNS_RCODE]" or other.kind not in ("literal", "any"):
            continue
        for code in (code for code in other.args if code not in DNS_RCODES):
            raise ValueError(f'unknown DNS rcode "{code}"{_suggest(code, DNS_RCODES, "{}")}')


def _suggest(word: str, choices: Sequence[str], form: str) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f', did you mean "{form.format(close[0])}"?' if close else ""


def _resolve(operand: Operand, probe: _Probe) -> str:
    if operand.kind in ("literal", "pat", "any"):
        return operand.args[0] if operand.kind == "literal" else ""
    if operand.kind == "has":
        assert operand.inner is not None
        try:
            _lookup(operand.inner, probe)
        except _Unresolved:
            return "false"
        return "true"
    if operand.kind == "len":
        assert operand.inner is not None
        value = _lookup(operand.inner, probe)
        return str(len(value) if isinstance(value, str | list | dict) else len(_text(value)))
    return _text(_lookup(operand, probe))


def _lookup(operand: Operand, probe: _Probe) -> object:
    if operand.kind == "header":
        return _header(operand, probe)
    value = probe.get(operand.name)
    if value is None:
        raise _Unresolved(f"{operand.label}: not provided by this check")
    if not operand.path:
        return value
    data = probe.json_body()
    if data is _NOT_JSON:
        raise _Unresolved(f"{operand.label}: the body is not JSON")
    try:
        for step in operand.path:
            data = _step(data, step)
    except KeyError:
        raise _Unresolved(f"{operand.label}: no such path in the body") from None
    return data


def _step(data: object, step: str | int) -> object:
    # `.0` is a key, never a list index, and `[0]` only indexes lists: no guessing.
    if isinstance(data, dict) and isinstance(step, str):
        return data[step]
    if isinstance(data, list) and isinstance(step, int) and step < len(data):
        return data[step]
    raise KeyError(step)


def _header(operand: Operand, probe: _Probe) -> object:
    headers = probe.get("HEADERS")
    if not isinstance(headers, Mapping):
        raise _Unresolved(f"{operand.label}: not provided by this check")
    wanted = operand.name.lower()  # header names are case-insensitive (RFC 9110)
    found = [value for name, value in headers.items() if str(name).lower() == wanted]
    if not found:
        raise _Unresolved(f"{operand.label}: no such header in the response")
    return found[0]


def _text(value: object) -> str:
    """A probe or JSON value as the text conditions compare (durations in ms, like Gatus)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, timedelta):
        return str(round(value.total_seconds() * 1000))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # so `[RESPONSE_TIME] == 120` matches 120.0
    if value is None:
        return "null"
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _show(operand: Operand, text: str) -> str:
    if operand.kind in ("literal", "pat", "any"):
        return operand.label
    shown = " ".join(text.split())
    return f"{operand.label} ({shown[:57] + '...' if len(shown) > 60 else shown})"


def _check(op: str, left: str, right_operand: Operand | None, right: str) -> bool | None:
    """Whether `left op right` holds; None when an ordering side is not a number."""
    if op in ("empty", "not_empty"):
        return (left == "") == (op == "empty")
    if op in ("contains", "not_contains"):
        return (right in left) == (op == "contains")
    if op in ("==", "!="):
        assert right_operand is not None
        return _equal(left, right_operand, right) == (op == "==")
    low, high = _number(left), _number(right)
    if low is None or high is None:
        return None
    return {"<": low < high, "<=": low <= high, ">": low > high, ">=": low >= high}[op]


def _equal(left: str, right_operand: Operand, right: str) -> bool:
    if right_operand.kind == "pat":
        return fnmatch.fnmatchcase(left, right_operand.args[0])
    if right_operand.kind == "any":
        return any(_same(left, value) for value in right_operand.args)
    return _same(left, right)


def _same(left: str, right: str) -> bool:
    # Integers compare as numbers so "0200" == "200"; anything else compares as text.
    if _INTEGER.fullmatch(left) and _INTEGER.fullmatch(right):
        return int(left) == int(right)
    return left == right


def _number(text: str) -> float | None:
    """A duration (in ms), an integer or a float, in that order; None for anything else."""
    text = text.strip()
    if _DURATION.fullmatch(text):
        return sum(float(n) * _UNIT_MS[unit] for n, unit in _DURATION_PART.findall(text))
    if _INTEGER.fullmatch(text):
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return None
    return None if math.isnan(number) else number


def _shorten(text: str, limit: int = 200) -> str:
    """Stored with every result, so a whole body must not be."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
