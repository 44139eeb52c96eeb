"""Recurring maintenance: `{start: "02:00", duration: 2h, timezone: Europe/Berlin, every:
[Sunday]}` turned into concrete UTC windows.

A window keeps local wall time across daylight-saving changes: 02:00-04:00 Europe/Berlin is
01:00-03:00 UTC in winter and 00:00-02:00 UTC in summer. On the night the clocks jump
forward, a 02:00 that does not exist starts at 03:00 local (the window is one hour shorter);
on the night they go back, 02:00 is its first occurrence (the window is one hour longer).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, Field, field_validator

from configuration.monitor import Duration, Options

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
Weekday = Annotated[
    Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    BeforeValidator(lambda value: value.strip().capitalize() if isinstance(value, str) else value),
]
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MAX_DURATION = timedelta(days=7)


def _clock_time(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        # YAML 1.1 reads an unquoted 12:30 as the sexagesimal number 750: read it back.
        return f"{value // 60:02d}:{value % 60:02d}"
    if not isinstance(value, str) or not _CLOCK.match(value):
        shown = f'"{value}"' if isinstance(value, str) else str(value)
        raise ValueError(f'expected a local time like "02:00", got {shown}')
    return value


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f'unknown time zone "{value}"; expected an IANA name like "Europe/Berlin"'
        ) from None
    return value


ClockTime = Annotated[str, BeforeValidator(_clock_time)]
TimeZoneName = Annotated[str, AfterValidator(_zone)]


class Recurrence(Options):
    """A maintenance window that repeats on weekdays at a local wall time."""

    start: ClockTime = Field(description='Local start time, e.g. "02:00".')
    duration: Duration = Field(description="How long each window lasts, e.g. 2h.")
    timezone: TimeZoneName = Field("UTC", description="IANA time zone of `start`.")
    every: list[Weekday] = Field(
        default_factory=list, description="Weekdays it happens on, e.g. [Sunday]; empty: daily."
    )

    @field_validator("duration")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if not timedelta(0) < value <= MAX_DURATION:
            raise ValueError("expected a duration above 0s and at most 7d")
        return value

    def windows(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """Every window (UTC, oldest first) that overlaps [start, end)."""
        zone = ZoneInfo(self.timezone)
        hour, minute = (int(part) for part in self.start.split(":"))
        days = {WEEKDAYS.index(day) for day in self.every} or set(range(7))
        first = start.astimezone(zone).date() - timedelta(days=self.duration.days + 1)
        last = end.astimezone(zone).date()
        found = []
        for offset in range((last - first).days + 1):
            day = first + timedelta(days=offset)
            if day.weekday() not in days:
                continue
            window = _local_window(day, time(hour, minute), self.duration, zone)
            if window[0] < end and window[1] > start:
                found.append(window)
        return found


def _local_window(
    day: date, at: time, duration: timedelta, zone: ZoneInfo
) -> tuple[datetime, datetime]:
    """Start and end in UTC of a window from `at` on `day` lasting `duration` of wall time."""
    naive_start = datetime.combine(day, at)
    begin = naive_start.replace(tzinfo=zone).astimezone(UTC)
    finish = (naive_start + duration).replace(tzinfo=zone).astimezone(UTC)
    return begin, max(finish, begin)
