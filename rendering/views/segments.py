"""The 90-day bar: one segment per day, coloured by the share of the day that was down, with
the words of its tooltip (date, uptime, downtime, the day's outages and incidents, linked)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from history.days import day_bounds
from history.timeline import Day
from rendering.text.display import down_level
from rendering.text.i18n import Locale
from rendering.views.entries import Entry


@dataclass(frozen=True)
class Link:
    text: str
    href: str  # relative to the language's root


@dataclass(frozen=True)
class Segment:
    """One day of the bar."""

    date: str  # ISO date, e.g. 2026-11-23
    state: str  # up | degraded | partial | down | maintenance | nodata
    level: int  # colour grade: 0 green … 8 red (text.LEVEL_FRACTIONS)
    label: str  # date, uptime and downtime in words
    links: tuple[Link, ...]  # the day's outages and incidents

    @property
    def plain(self) -> bool:
        """Nothing to tell beyond the date and "no downtime": drawn without a tooltip box."""
        return self.state in ("up", "nodata") and not self.links


def segments(
    days: Sequence[Day], entries: Sequence[Entry], now: datetime, locale: Locale
) -> list[Segment]:
    return [segment(day, entries, now, locale) for day in days]


def segment(day: Day, entries: Sequence[Entry], now: datetime, locale: Locale) -> Segment:
    """`entries` are the monitor's (see `rendering.views.entries`): each links to its own page."""
    links: tuple[Link, ...] = ()
    if entries:
        start, end = day_bounds(day.day, locale.timezone)  # the page's day, not UTC's
        links = tuple(
            Link(entry.title, f"incidents/{entry.id}/")
            for entry in entries
            if entry.start < end and (entry.end or now) > start
        )
    return Segment(day.day.isoformat(), *_look(day, locale), links)


# Most days of most monitors are alike (a whole day up): each look is worded once per
# language, for the bar and the year calendar of every monitor.
@functools.lru_cache(maxsize=1 << 16)
def _look(day: Day, locale: Locale) -> tuple[str, int, str]:
    """The day's state, colour grade and words."""
    date = locale.date(day.day)
    if day.downtime == 0 and day.maintenance > 0:
        label = locale.gettext("%(date)s: maintenance for %(duration)s") % {
            "date": date,
            "duration": locale.duration(day.maintenance),
        }
        return "maintenance", 0, label
    if day.observed == 0:
        label = locale.gettext("%(date)s: no data") % {"date": date}
        return "nodata", 0, label
    parts = [
        locale.gettext("%(date)s: %(uptime)s uptime")
        % {"date": date, "uptime": locale.percent(day.uptime)}
    ]
    if day.down:
        parts.append(
            locale.gettext("down for %(duration)s") % {"duration": locale.duration(day.down)}
        )
    if day.partial:
        parts.append(
            locale.gettext("partial outage for %(duration)s")
            % {"duration": locale.duration(day.partial)}
        )
    if day.degraded:
        parts.append(
            locale.gettext("degraded for %(duration)s")
            % {"duration": locale.duration(day.degraded)}
        )
    if day.degraded_regions:
        parts.append(
            locale.gettext("failures seen only in %(regions)s")
            % {"regions": ", ".join(day.degraded_regions)}
        )
    level = down_level(day.down_fraction)
    state = (
        "down"
        if level == 8
        else "partial"
        if day.downtime
        else "degraded"
        if day.degraded
        else "up"
    )
    return state, level, ", ".join(parts)
