"""Service level objectives: calendar months of the page's time zone and the error budget
of each. Plain arithmetic over the timeline's days, no queries.

The rule (the README's "Service level objectives" repeats it):

- a month is a calendar month in `site.timezone`, from the start of its 1st local day to the
  start of the next month's (`days.day_bounds`): 743 or 745 hours in the month of a
  daylight-saving change;
- the budget is the downtime the objective allows over the whole month:
  (1 - slo / 100) x the month's length (99.9 % of a 30-day month: 43.2 minutes);
- used is the month's downtime as uptime counts it (`Day.downtime`: down, plus partial outage
  weighted; maintenance and no data are not downtime), so a day's downtime is in the month
  of that local day, and an outage across midnight at a month's end is split between them;
- left = budget - used, negative when overspent; the objective is met while nothing more
  than the budget was used (so far, in the current month), and unknown (None) for a month
  without any observed time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from history.days import day_bounds
from history.model import Day, Tally


@dataclass(frozen=True)
class Month:
    """The days of one calendar month that have passed, summed."""

    first: date  # its 1st
    start: datetime  # UTC, the 1st's local midnight
    end: datetime  # UTC, the next month's 1st's local midnight
    tally: Tally  # the seconds of its days so far, by status
    complete: bool  # the month is over

    @property
    def seconds(self) -> float:
        """The length of the whole month (23- and 25-hour days included)."""
        return (self.end - self.start).total_seconds()

    @property
    def key(self) -> str:
        return f"{self.first:%Y-%m}"


@dataclass(frozen=True)
class ErrorBudget:
    """How much of a month's error budget an objective allows and how much was used."""

    slo: float  # percent, e.g. 99.9
    month: Month
    used: float  # seconds of downtime (partial outage weighted)

    @property
    def budget(self) -> float:
        """Seconds of downtime the objective allows over the whole month."""
        return (1 - self.slo / 100) * self.month.seconds

    @property
    def left(self) -> float:
        """Seconds still allowed this month; negative when overspent."""
        return self.budget - self.used

    @property
    def left_percent(self) -> float:
        """The share of the budget left, in percent (negative when overspent)."""
        return 100 * self.left / self.budget

    @property
    def met(self) -> bool | None:
        """Whether no more than the budget was used; None without observed time."""
        return None if not self.month.tally.observed else self.used <= self.budget


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def months(days: Sequence[Day], timezone: str, now: datetime) -> list[Month]:
    """The calendar months `days` (oldest first, e.g. a timeline's `year`) fall in, oldest
    first, each with the sums of its days."""
    found: dict[date, list[Day]] = {}
    for day in days:
        found.setdefault(day.day.replace(day=1), []).append(day)
    return [_month(first, found[first], timezone, now) for first in sorted(found)]


def current_month(days: Sequence[Day], timezone: str, now: datetime) -> Month | None:
    """The month of the newest of `days` (today's, in a timeline), from its days alone."""
    if not days:
        return None
    first = days[-1].day.replace(day=1)
    count = next((n for n, d in enumerate(reversed(days)) if d.day < first), len(days))
    return _month(first, days[len(days) - count :], timezone, now)


def _month(first: date, days: Sequence[Day], timezone: str, now: datetime) -> Month:
    end = day_bounds(next_month(first) - timedelta(days=1), timezone)[1]
    sums = Tally(
        up=sum(d.up for d in days),
        degraded=sum(d.degraded for d in days),
        down=sum(d.down for d in days),
        maintenance=sum(d.maintenance for d in days),
        no_data=sum(d.no_data for d in days),
        partial=sum(d.partial for d in days),
    )
    return Month(first, day_bounds(first, timezone)[0], end, sums, end <= now)


def error_budget(slo: float, month: Month) -> ErrorBudget:
    """One monitor's budget of `month`."""
    return ErrorBudget(slo, month, month.tally.downtime)


def shared_budget(slo: float, members: Sequence[Month]) -> ErrorBudget | None:
    """A group's budget: the same month of its monitors, their downtime averaged (as the
    group's uptime combines theirs); None without members."""
    if not members:
        return None
    down = sum(m.tally.downtime for m in members) / len(members)
    observed = sum(m.tally.observed for m in members) / len(members)
    tally = Tally(up=observed - down, down=down)
    month = Month(members[0].first, members[0].start, members[0].end, tally, members[0].complete)
    return ErrorBudget(slo, month, tally.down)
