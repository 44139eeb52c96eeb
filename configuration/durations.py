"""Durations as people write them in YAML: `500ms`, `30s`, `5m`, `1h`, `1d`, or `1h30m`."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
MAX_DAYS = timedelta.max.days
_WHOLE = re.compile(r"(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+")


def parse_duration(value: object) -> timedelta:
    """Read a duration; raise ValueError with the message shown to the user."""
    if isinstance(value, timedelta):
        return value
    text = str(value).strip().replace(" ", "") if isinstance(value, str) else None
    if text is None or not _WHOLE.fullmatch(text):
        raise ValueError(f'expected a duration like "10s", got {_show(value)}')
    seconds = sum(float(n) * _UNITS[unit] for n, unit in _PART.findall(text))
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise ValueError(
            f"expected a duration of at most {MAX_DAYS:,} days, got {_show(value)}"
        ) from None


def positive_duration(value: object) -> timedelta:
    """A duration longer than zero (an interval, a timeout); ValueError otherwise."""
    duration = parse_duration(value)
    if duration <= timedelta(0):
        raise ValueError(f"expected a duration longer than 0s, got {_show(value)}")
    return duration


def format_duration(value: timedelta) -> str:
    """The shortest exact spelling of a duration, e.g. `1h30m`, `500ms`, `0s`."""
    total_ms = round(value.total_seconds() * 1000)
    if total_ms == 0:
        return "0s"
    if total_ms % 1000:
        return f"{total_ms}ms"
    seconds = total_ms // 1000
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def _show(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)
