"""Monitor conditions: Gatus-style strings and openstatus-style assertions, one internal form.

`parse_condition("[STATUS] == 200")` and `compile_assertion({"kind": "statusCode", ...})`
(`checks/assertions.py`) both give a `Condition`, so evaluation and its explanations are shared;
a condition string means what it means in Gatus, an assertion what it means in openstatus (the
README lists where Vigil differs, and why). Placeholders are checked at parse time: a typo is a
config error, not a check that silently fails forever. Stdlib only: `configuration/` imports it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from checks.condition_values import PLACEHOLDERS, Operand, Probe, Resolved, resolve
from checks.numbers import Number, go_int, not_a_number_hint, ordinal
from checks.patterns import matches

DNS_RCODES = ("NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED")
FUNCTIONS = ("len", "has", "pat", "any")
OPERATORS = ("==", "!=", "<=", ">=", ">", "<")  # search order: "<=" must win over "<"
ORDERING = ("<=", ">=", ">", "<")
# Operators only structured assertions produce, and how every operator reads in explanations.
SHOWN = {op: op for op in (*OPERATORS, "contains")} | {"not_contains": "does not contain"}
SHOWN |= {"empty": "is empty", "not_empty": "is not empty"}

_PLACEHOLDER = re.compile(r"\[([A-Za-z_]+)\](.*)", re.DOTALL)
_CALL = re.compile(r"([A-Za-z_]+)\((.*)\)", re.DOTALL)
_PATH_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]|\[([^\]]*)\]")
NOWHERE = -1  # a `[wat]` step: Gatus's jsonpath can never resolve it, nor can Vigil
_HEADER_NAME = re.compile(r"\.([!#$%&'*+.^_`|~0-9A-Za-z-]+)")
Ordered = TypeVar("Ordered", str, int)
_LOOKS_LIKE = re.compile(r"\[?([A-Za-z_]+)\]?([.\[].*)?", re.DOTALL)


@dataclass(frozen=True)
class ConditionOutcome:
    condition: str
    passed: bool
    explanation: str  # e.g. "[STATUS] (503) == 200"
    actual: str | None = None  # the left side's value, shortened; None when it was missing


@dataclass(frozen=True)
class Condition:
    """`left op right`, from a condition string or a structured assertion; immutable.
    `rules` says whose meaning it has: "gatus" (condition strings) or "openstatus"."""

    text: str
    left: Operand
    op: str
    right: Operand | None = None  # None for `empty` / `not_empty`
    rules: str = "gatus"

    def evaluate(self, values: Mapping[str, object]) -> ConditionOutcome:
        probe = values if isinstance(values, Probe) else Probe(values)
        left = resolve(self.left, probe)
        right = resolve(self.right, probe) if self.right else Resolved("")
        if self.rules == "openstatus":
            passed, notes = _openstatus_holds(self, left, right), ("", "")
        else:
            passed, notes = _gatus_holds(self, left, right)
        sides = [_show(self.left, left, notes[0]), SHOWN[self.op]]
        sides += [_show(self.right, right, notes[1])] if self.right else []
        actual = None if left.missing else _shorten(left.text)
        return ConditionOutcome(self.text, passed, " ".join(sides), actual)


def evaluate_all(
    conditions: Sequence[Condition], values: Mapping[str, object]
) -> list[ConditionOutcome]:
    """Evaluate every condition against one probe's values (the body is parsed once)."""
    probe = Probe(values)
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
    _check_sides(text, left, op, right)
    return Condition(text, left, op, right)


def _parse_side(side: str, which: str, op: str) -> Operand:
    if not side:
        raise ValueError(f'missing the {which} side of "{op}"')
    call = _CALL.fullmatch(side)
    if call and (which == "left" or call.group(1) in FUNCTIONS):
        return _parse_call(side, call.group(1), call.group(2).strip(), which)
    placeholder = _PLACEHOLDER.fullmatch(side)
    if placeholder and (which == "left" or placeholder.group(1).upper() in PLACEHOLDERS):
        return _parse_placeholder(side, which)
    if which == "left":
        _check_left_literal(side)
    return Operand(side, "literal", args=(side,))  # as in Gatus: `[a]`, `hello(world)`


def _parse_call(side: str, name: str, arg: str, which: str) -> Operand:
    if name not in FUNCTIONS:
        hint = _suggest(name.lower(), FUNCTIONS, "{}()")
        raise ValueError(f'unknown function "{name}()", expected one of len has pat any{hint}')
    if name in ("len", "has"):
        if not _PLACEHOLDER.fullmatch(arg) and which == "right":
            return Operand(side, "literal", args=(side,))
        if not _PLACEHOLDER.fullmatch(arg):
            raise ValueError(f'{name}() takes a placeholder like [BODY].data, got "{side}"')
        return Operand(side, name, inner=_parse_placeholder(arg, "left"))
    args = (arg,) if name == "pat" else tuple(part.strip() for part in arg.split(","))
    if not all(args):
        raise ValueError(f'{name}() needs a value in the parentheses, got "{side}"')
    return Operand(side, name, args=args)


def _parse_placeholder(side: str, which: str) -> Operand:
    match = _PLACEHOLDER.fullmatch(side)
    assert match is not None  # callers matched already
    name, rest = match.group(1).upper(), match.group(2)
    if name not in PLACEHOLDERS:
        hint = _suggest(name, PLACEHOLDERS, "[{}]")
        raise ValueError(f'unknown placeholder "[{match.group(1)}]"{hint}')
    if name == "HEADER":
        header = _HEADER_NAME.fullmatch(rest)
        if not header:
            raise ValueError(
                f'[HEADER] takes a header name like [HEADER].Content-Type, got "{side}"'
            )
        return Operand(side, "header", header.group(1))
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
        key, index, other = match.groups()
        if other == "*":
            raise ValueError(f'Gatus\'s [*] wildcard is not supported, got "{side}"; name an index')
        steps.append(key if key is not None else int(index) if index is not None else NOWHERE)
        pos = match.end()
    return tuple(steps)


def _check_left_literal(side: str) -> None:
    """A constant on the left is fine (Gatus compares `1 == 2`); a placeholder name without
    its brackets, or a misspelt one, is a mistake worth a config error."""
    looks = _LOOKS_LIKE.fullmatch(side)
    if not looks:
        return
    close = difflib.get_close_matches(looks.group(1).upper(), PLACEHOLDERS, n=1, cutoff=0.75)
    if close:
        raise ValueError(f'no placeholder in "{side}", did you mean "[{close[0]}]"?')


def _check_sides(text: str, left: Operand, op: str, right: Operand) -> None:
    functions = [side.kind for side in (left, right) if side.kind in ("pat", "any")]
    if functions and op in ORDERING:
        raise ValueError(f'{functions[0]}() works only with == and !=, got "{text}"')
    if len(functions) == 2:
        raise ValueError(f'pat() and any() go on one side only, got "{text}"')
    for side in (left, right):
        if op in ORDERING and side.kind == "literal" and ordinal(side.label) is None:
            raise ValueError(not_a_number_hint(side.label))
    _check_rcodes(left, right)


def _check_rcodes(left: Operand, right: Operand) -> None:
    # A misspelt rcode can never match, so catch it while the config is read.
    for one, other in ((left, right), (right, left)):
        if one.name != "DNS_RCODE" or other.kind not in ("literal", "any"):
            continue
        for code in (code for code in other.args if code not in DNS_RCODES):
            raise ValueError(f'unknown DNS rcode "{code}"{_suggest(code, DNS_RCODES, "{}")}')


def _suggest(word: str, choices: Sequence[str], form: str) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f', did you mean "{form.format(close[0])}"?' if close else ""


def _gatus_holds(
    condition: Condition, left: Resolved, right: Resolved
) -> tuple[bool, tuple[str, str]]:
    """Whether the condition holds as Gatus decides, and how a side that is no number read."""
    assert condition.right is not None
    if condition.op in ("==", "!="):
        equal = _gatus_equal(condition.left, left.text, condition.right, right.text)
        return equal == (condition.op == "=="), ("", "")
    low, high = _number(left.text), _number(right.text)
    holds = {"<": low[0] < high[0], "<=": low[0] <= high[0], ">": low[0] > high[0]}
    holds[">="] = low[0] >= high[0]
    return holds[condition.op], (low[1], high[1])


def _number(text: str) -> tuple[Number, str]:
    value = ordinal(text)
    return (0, "not a number, read as 0") if value is None else (value, "")


def _gatus_equal(left: Operand, left_text: str, right: Operand, right_text: str) -> bool:
    for one, other in ((left, right_text), (right, left_text)):
        if one.kind == "pat":
            return matches(one.args[0], other)
        if one.kind == "any":
            return other in one.args  # Gatus compares any() values as text
    first, second = go_int(left_text), go_int(right_text)
    if first is not None and second is not None:
        return first == second  # so 0x1F == 31 and 0200 == 128, as Go reads them
    return left_text == right_text


def _openstatus_holds(condition: Condition, left: Resolved, right: Resolved) -> bool:
    if left.fails:
        return False
    if left.items is not None:
        return _records_hold(condition.op, left.items, right.text)
    if condition.left.kind == "status_code":
        return _compare(condition.op, int(left.text), int(right.text))
    return _compare(condition.op, left.text, right.text)


def _compare(op: str, value: Ordered, target: Ordered) -> bool:
    """openstatus's comparators; text compares exactly and orders character by character."""
    if op in ("contains", "not_contains"):
        return (str(target) in str(value)) == (op == "contains")
    if op in ("empty", "not_empty"):
        return (value == "") == (op == "empty")
    return {
        "==": value == target, "!=": value != target, "<": value < target,
        "<=": value <= target, ">": value > target, ">=": value >= target,
    }[op]  # fmt: skip


def _records_hold(op: str, records: tuple[str, ...], target: str) -> bool:
    # openstatus: eq / contains hold when one record does; not_eq / not_contains when none does.
    positive = {"!=": "==", "not_contains": "contains"}.get(op, op)
    found = any(_compare(positive, record, target) for record in records)
    return found == (positive == op)


def _show(operand: Operand, value: Resolved, note: str) -> str:
    if operand.kind in ("literal", "pat", "any"):
        return f"{operand.label} ({note})" if note else operand.label
    shown = " ".join(value.text.split())
    shown = shown[:57] + "..." if len(shown) > 60 else shown
    if value.missing and (not shown or shown.endswith("(INVALID)")):
        shown = value.missing
    elif value.missing:
        shown = f"{value.missing}, read as {shown}"
    return f"{operand.label} ({'; '.join(part for part in (shown, note) if part)})"


def _shorten(text: str, limit: int = 200) -> str:
    """Stored with every result, so a whole body must not be."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
