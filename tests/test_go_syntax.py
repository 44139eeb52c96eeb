"""Numbers, durations and patterns read as Go reads them (every expected value below is what Go
1.19's strconv, time.ParseDuration and filepath.Match give, behind Gatus's pattern.Match)."""

from __future__ import annotations

import pytest

from checks.numbers import go_duration_ns, go_float, go_int, ordinal
from checks.patterns import matches


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0x1F", 31), ("0o17", 15), ("0b101", 5), ("0x01", 1), ("1_000", 1000), ("0200", 128),
        ("0_1", 1), ("0x_1F", 31), ("-0x10", -16), ("+7", 7), ("9223372036854775807", 2**63 - 1),
        ("-9223372036854775808", -(2**63)), ("9223372036854775808", None), ("09", None),
        ("1__0", None), ("_1", None), ("1_", None), ("\u0661\u0660", None), ("0x", None),
        (" 1", None), ("1.0", None), ("inf", None),
    ],
)  # fmt: skip
def test_integers(text: str, value: int | None) -> None:
    assert go_int(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.5", 1.5), (".5", 0.5), ("5.", 5.0), ("1e3", 1000.0), ("1_000.5", 1000.5),
        ("0x1p-2", 0.25), ("0x_1p0", 1.0), ("0x1_0p0", 16.0), ("0x_.4p7", None), ("1e400", None),
        ("inf", None), ("Infinity", None), ("nan", None), ("\u0661.\u0665", None), ("1,5", None),
    ],
)  # fmt: skip
def test_floats_are_finite_or_nothing(text: str, value: float | None) -> None:
    assert go_float(text) == value


@pytest.mark.parametrize(
    ("text", "nanoseconds"),
    [
        ("48h", 48 * 3600 * 10**9), ("1h30m", 5400 * 10**9), ("500ms", 5 * 10**8),
        ("1.5h", 5400 * 10**9), (".5s", 5 * 10**8), ("1.s", 10**9), ("-1h", -3600 * 10**9),
        ("1µs", 1000), ("1μs", 1000), ("1us", 1000), ("0", 0), ("2562047h", 2562047 * 3600 * 10**9),
        ("2562048h", None), ("7d", None), ("48H", None), ("1hm", None), ("1", None), (".s", None),
        ("1 h", None),
    ],
)  # fmt: skip
def test_durations(text: str, nanoseconds: int | None) -> None:
    assert go_duration_ns(text) == nanoseconds


@pytest.mark.parametrize(
    ("text", "value"),
    [("1500us", 1), ("48h", 172800000), ("0x1F", 31), ("2.5", 2.5), ("0s", None), ("ok", None)],
)
def test_ordering_reads_durations_then_integers_then_numbers(
    text: str, value: float | None
) -> None:
    # "0s" is a zero duration, which Gatus skips, and no number: 0 like any other text.
    assert ordinal(text) == value


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("2\\*", "2*", True), ("2\\*", "22", False), ("a?c", "abc", True), ("[a-c]x", "bx", True),
        ("[^a-c]x", "dx", True), ("[^a-c]x", "ax", False), ("[!a]", "!", True),
        ("a/b*", "a/bc", True),
        ("*", "a/b", True), ("[a-", "a", False), ("x*[", "y", False), ("a\\", "a", False),
        ("*.*", "livingroom_123", False), ("[\\]]", "]", True), ("é?", "éa", True),
    ],
)  # fmt: skip
def test_patterns(pattern: str, text: str, expected: bool) -> None:
    assert matches(pattern, text) is expected
