"""Numbers and durations in conditions, read as Gatus reads them: with Go's syntax.

Gatus compares with Go's `strconv.ParseInt(s, 0, 64)` (so `0x1F`, `0o17`, `0b101`, `1_000`
and `0200`, which is octal, are integers), `strconv.ParseFloat` and `time.ParseDuration`
(`48h`, `1h30m`, `500ms`; no `d` unit). Python's own parsers accept more (Arabic-Indic digits,
`inf`, `1e400`) and less (`0200`), so none of them is used here: ASCII only, every rule a
pattern. Stdlib only.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

_DIGITS = {"x": r"[0-9a-fA-F]", "b": "[01]", "o": "[0-7]"}
_GO_INT = re.compile(
    r"[+-]?(?:"
    + "|".join(f"0[{p}{p.upper()}](?:_?{d})+" for p, d in _DIGITS.items())
    + r"|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)",
    re.ASCII,
)
_DECIMALS = r"[0-9](?:_?[0-9])*"
_GO_FLOAT = re.compile(
    rf"[+-]?(?=\.?[0-9])(?:{_DECIMALS})?(?:\.(?:{_DECIMALS})?)?(?:[eE][+-]?{_DECIMALS})?",
    re.ASCII,
)
_HEX = r"[0-9a-fA-F](?:_?[0-9a-fA-F])*"
_GO_HEX_FLOAT = re.compile(
    rf"[+-]?0[xX](?:_?{_HEX}(?:\.(?:{_HEX})?)?|\.{_HEX})[pP][+-]?{_DECIMALS}", re.ASCII
)
_UNIT_NS = {"ns": 1, "us": 10**3, "µs": 10**3, "μs": 10**3, "ms": 10**6, "s": 10**9}
_UNIT_NS |= {"m": 60 * 10**9, "h": 3600 * 10**9}
_UNITS = "|".join(sorted(_UNIT_NS, key=len, reverse=True))
_PART = rf"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:{_UNITS})"
_GO_DURATION = re.compile(rf"[+-]?(?:0|(?:{_PART})+)", re.ASCII)
_DURATION_PART = re.compile(rf"([0-9]*\.?[0-9]*)({_UNITS})", re.ASCII)
_DAYS = re.compile(r"[0-9]+d", re.ASCII)
_INT64 = 2**63
Number = int | float


def go_int(text: str) -> int | None:
    """Go's `strconv.ParseInt(text, 0, 64)`; None where Go returns an error."""
    if not _GO_INT.fullmatch(text):
        return None
    digits = text.lstrip("+-").replace("_", "")
    octal = len(digits) > 1 and digits[0] == "0" and digits[1] not in "xXbBoO"
    value = int(digits, 8) if octal else int(digits, 0)
    value = -value if text.startswith("-") else value
    return value if -_INT64 <= value < _INT64 else None


def go_float(text: str) -> float | None:
    """Go's `strconv.ParseFloat(text, 64)` for finite numbers; None for errors, ±Inf and NaN
    (Go converts those to an integer differently on each processor, so Gatus's reading of
    them is no rule at all)."""
    digits = text.replace("_", "")
    try:
        if _GO_FLOAT.fullmatch(text):
            value = float(digits)
        elif _GO_HEX_FLOAT.fullmatch(text):
            value = float.fromhex(digits)
        else:
            return None
    except OverflowError:  # Go: a range error
        return None
    return value if math.isfinite(value) else None


def go_duration_ns(text: str) -> int | None:
    """Go's `time.ParseDuration(text)` in nanoseconds; None where Go returns an error."""
    if not _GO_DURATION.fullmatch(text):
        return None
    total = 0
    for amount, unit in _DURATION_PART.findall(text):
        whole, _, fraction = amount.partition(".")
        scale = _UNIT_NS[unit]
        total += int(whole or "0") * scale
        total += int(Fraction(int(fraction or "0"), 10 ** len(fraction)) * scale)
    total = -total if text.startswith("-") else total
    return total if -_INT64 <= total < _INT64 else None


def ordinal(text: str) -> Number | None:
    """What `<`, `<=`, `>`, `>=` compare, in Gatus's order: a (non-zero) duration in whole
    milliseconds, an integer, a number; None for anything else (Gatus reads that as 0)."""
    nanoseconds = go_duration_ns(text)
    if nanoseconds:
        return int(Fraction(nanoseconds, 10**6))  # truncated, like Go's Milliseconds()
    whole = go_int(text)
    return whole if whole is not None else go_float(text)


def not_a_number_hint(text: str) -> str:
    """Why a literal cannot be compared with `<` and the like, and what to write instead."""
    reading = f'Gatus would read "{text}" as 0'
    if _DAYS.fullmatch(text):
        hours = int(text[:-1]) * 24
        return f'"{text}" is no duration: Go has no "d" unit ({reading}); write {hours}h'
    return (
        f'"{text}" is not a number or a duration ({reading}); write e.g. 500, 1.5, 0x1F, 48h, '
        "1h30m or 500ms"
    )


def number_text(value: Number) -> str:
    """A JSON number as text: whole numbers without a fraction or exponent, others shortest."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)
