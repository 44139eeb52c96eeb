"""A year of history on a monitor's page: one calendar grid per month (weeks in rows,
weekdays in columns), this month and the 11 before, each day a `Segment` of the 90-day bar:
the same colour (state and grade), the same words and the same links to the day's outages
and incidents (`rendering.views.segments.segment`). Days are the page's (`site.timezone`), days
the history has nothing for are no data, days after today are not shown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from history.days import YEAR_MONTHS, day_bounds, year_start
from history.model import DAY, Day, uptime_percent
from rendering.text.i18n import Locale
from rendering.views.entries import Entry
from rendering.views.segments import Segment, segment


@dataclass(frozen=True)
class CalendarMonth:
    """One month of the year calendar."""

    name: str  # localised, e.g. "November 2026"
    uptime: str  # the month's uptime in words ("99.95% uptime"), or "No data"
    offset: int  # empty cells before the 1st: its column (0 … 6) in the locale's week
    days: list[Segment]  # the 1st to the last day shown (today in this month), oldest first


@dataclass(frozen=True)
class YearView:
    """The year calendar: the weekday names of a week in the locale's order (Monday or
    Sunday first) and the months, oldest first."""

    weekdays: list[str]  # narrow names, e.g. M T W T F S S
    months: list[CalendarMonth]


def year_view(
    days: Sequence[Day], entries: Sequence[Entry], now: datetime, locale: Locale
) -> YearView:
    """`days` are the timeline's `year` (any missing day is no data); `entries` the
    monitor's, as for the bar."""
    today = now.astimezone(locale.zone).date()
    known = {day.day: day for day in days}
    first_weekday = locale.babel.first_week_day  # 0: Monday … 6: Sunday
    narrow = locale.babel.days["stand-alone"]["narrow"]
    months = []
    start = year_start(today, YEAR_MONTHS)
    while start <= today:
        following = _next_month(start)
        count = (min(following, today + _ONE) - start).days
        shown = [start + timedelta(days=n) for n in range(count)]
        month_days = [known.get(d) or Day(day=d, total=DAY) for d in shown]
        # Only the entries that overlap the month can link from one of its days.
        begin, end = (
            day_bounds(shown[0], locale.timezone)[0],
            day_bounds(shown[-1], locale.timezone)[1],
        )
        overlapping = [e for e in entries if e.start < end and (e.end or now) > begin]
        months.append(
            CalendarMonth(
                name=locale.month(datetime.combine(start, time(12), locale.zone)),
                uptime=_uptime(uptime_percent(month_days), locale),
                offset=(start.weekday() - first_weekday) % 7,
                days=[segment(day, overlapping, now, locale) for day in month_days],
            )
        )
        start = following
    return YearView([narrow[(first_weekday + n) % 7] for n in range(7)], months)


_ONE = timedelta(days=1)


def _uptime(value: float | None, locale: Locale) -> str:
    if value is None:
        return locale.gettext("No data")
    return locale.gettext("%(uptime)s uptime") % {"uptime": locale.percent(value)}


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)
