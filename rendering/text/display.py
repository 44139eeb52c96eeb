"""Small display helpers: durations, percentages, times in the page's time zone, colours."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

GREEN, AMBER, RED = (0x2D, 0xA4, 0x4E), (0xE3, 0xA0, 0x08), (0xD1, 0x24, 0x2F)
MAINTENANCE_BLUE = "#3b82f6"
NO_DATA_GREY = "#c4cad3"
# A day's colour follows the share of it that was down: a 10-second blip stays green,
# a quarter of a day or more is full red.
AMBER_AT, RED_AT = 0.02, 0.25


# Colour grades of the bar: a day is at the highest grade whose share of downtime it reaches.
LEVEL_FRACTIONS = (0.0, 0.0001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.17, RED_AT)


def down_level(fraction: float) -> int:
    """0 for no downtime, 1 for any, … 8 at a quarter of the day or more."""
    if fraction <= 0:
        return 0
    return max(i for i, at in enumerate(LEVEL_FRACTIONS) if fraction >= at or i == 1)


def level_colours() -> list[str]:
    """The CSS colour of each grade."""
    return [down_colour(at) for at in LEVEL_FRACTIONS]


def down_colour(fraction: float) -> str:
    """Green for 0, graded through amber (at 2 %) to red (at 25 % and beyond)."""
    if fraction <= 0:
        return _hex(GREEN)
    if fraction <= AMBER_AT:
        return _hex(_mix(GREEN, AMBER, 0.35 + 0.65 * fraction / AMBER_AT))
    return _hex(_mix(AMBER, RED, min((fraction - AMBER_AT) / (RED_AT - AMBER_AT), 1.0)))


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def human_duration(seconds: float) -> str:
    """`45 s`, `5 min`, `2 h 10 min`, `3 d 4 h`."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def percent(value: float | None) -> str:
    """Uptime as people read it: never rounds 99.996 up to a misleading 100 %."""
    if value is None:
        return "no data"
    if value >= 100:
        return "100%"
    text = f"{int(value * 100) / 100:.2f}"
    return f"{text}%"


def local_time(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M %Z")
