"""The page's calendar: local days in the page's time zone, placing buckets on them, and
summing days into the uptime windows. Plain arithmetic, no queries."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from history.model import DAY, UPTIME_WINDOWS, Day, Tally, Window

Calendar = Sequence[tuple[date, datetime, datetime]]  # (day, start, end), start and end UTC
YEAR_MONTHS = 12  # the year calendar of a monitor's page: this month and the 11 before


@functools.lru_cache(maxsize=4096)  # the same few hundred days for every monitor and language
def day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """When a calendar day of `timezone` starts and ends, in UTC: the one day boundary of
    every page, link and window (23 or 25 hours long on a daylight-saving change)."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, datetime.min.time(), zone)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def local_days(today: date, count: int, timezone: str) -> list[tuple[date, datetime, datetime]]:
    """The last `count` calendar days up to `today` in `timezone`: (day, start, end) in UTC."""
    days = []
    for offset in range(count - 1, -1, -1):
        day = today - timedelta(days=offset)
        days.append((day, *day_bounds(day, timezone)))
    return days


def year_start(today: date, months: int = YEAR_MONTHS) -> date:
    """The first day of the year calendar that ends `today`: the 1st of the month `months - 1`
    months before today's (1 December 2025 for any day of November 2026)."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def elapsed_days(calendar: Calendar, now: datetime) -> list[tuple[Day, datetime, datetime]]:
    """Each calendar day as an empty `Day` (its elapsed seconds, nothing observed), with its
    start and its end cut at `now`: computed once, shared by every monitor (days are
    immutable)."""
    elapsed = []
    for day, start, end in calendar:
        end = max(min(end, now), start)
        elapsed.append((Day(day=day, total=(end - start).total_seconds()), start, end))
    return elapsed


def day_grid(calendar: Calendar) -> int:
    """The first day's start, in whole seconds. A bucket is placed in its local day without a
    join over all buckets: `(start - first) // 86400` is that day's number, or off by one
    around a daylight-saving change, which the neighbouring day's bounds correct. That holds
    while every day starts within half a day of the grid, checked here."""
    first = int(calendar[0][1].timestamp())
    for i, (_, start, _) in enumerate(calendar):
        if abs(start.timestamp() - first - i * DAY) >= DAY / 2:
            raise ValueError(f"the calendar's day {i} is off the 24-hour grid")
    return first


_TALLIED = ("up", "degraded", "partial", "down", "maintenance", "no_data")


def tallies(days: Sequence[Day]) -> dict[str, Tally]:
    """The calendar-day windows (7d, 30d, 90d, 365d) of the newest `days`: one pass from
    today backwards, a snapshot of the sums as each window is complete."""
    ends = {
        round(span / timedelta(days=1)): name
        for name, span in UPTIME_WINDOWS.items()
        if name != "24h"
    }
    sums = dict.fromkeys(_TALLIED, 0.0)
    tallies = {}
    for count, day in enumerate(reversed(days), start=1):
        for name in _TALLIED:
            sums[name] += getattr(day, name)
        if count in ends:
            tallies[ends[count]] = Tally(**sums)
    for name in ends.values():  # a calendar shorter than a window: all of it
        tallies.setdefault(name, Tally(**sums))
    return tallies


def overlap(windows: Sequence[Window], start: datetime, end: datetime) -> float:
    """Seconds of [start, end) covered by the windows (overlapping windows counted once)."""
    spans = sorted((max(w.start, start), min(w.end, end)) for w in windows)
    covered, reach = 0.0, start
    for span_start, span_end in spans:
        span_start = max(span_start, reach)
        if span_end > span_start:
            covered += (span_end - span_start).total_seconds()
            reach = span_end
    return covered
