"""The error budget of a monitor or a group with a service level objective (`slo:`), this
month: the figures of its page and of `api/v1`, from `history.slo`'s rule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time

from configuration.models import Config
from configuration.monitor import MonitorBase
from history.slo import ErrorBudget, Month, current_month, error_budget, shared_budget
from history.timeline import MonitorTimeline
from rendering.text.i18n import Locale


@dataclass(frozen=True)
class BudgetView:
    """An error budget in words: durations and percentages in the page's language."""

    month: str  # e.g. "November 2026"
    target: str  # the objective, e.g. "99.9%"
    budget: str  # the month's allowed downtime, e.g. "43 min 12 s"
    used: str
    left: str  # what is left, or by how much it is overspent
    left_percent: str  # of the budget
    overspent: bool
    summary: str  # one sentence saying all of it


def this_month(timeline: MonitorTimeline, timezone: str, now: datetime) -> Month | None:
    """The current calendar month of the timeline's year calendar, so far."""
    return current_month(timeline.year, timezone, now)


def monitor_budget(
    config: Config, monitor: MonitorBase, timeline: MonitorTimeline, now: datetime
) -> ErrorBudget | None:
    """The monitor's budget this month; None without an objective."""
    slo = config.slo_of(monitor)
    month = this_month(timeline, config.site.timezone, now)
    return None if slo is None or month is None else error_budget(slo, month)


def group_budget(
    config: Config,
    group_id: str,
    monitor_ids: Sequence[str],
    timelines: Mapping[str, MonitorTimeline],
    now: datetime,
) -> ErrorBudget | None:
    """A group's budget this month over its (public) monitors `monitor_ids`; None without
    an objective of the group."""
    slo = config.group_slo(group_id)
    if slo is None:
        return None
    members = [this_month(timelines[m], config.site.timezone, now) for m in monitor_ids]
    return shared_budget(slo, [m for m in members if m is not None])


def month_name(month: Month, locale: Locale) -> str:
    """The calendar month in words, e.g. "November 2026"."""
    return locale.month(datetime.combine(month.first, time(12), locale.zone))


def budget_view(budget: ErrorBudget, locale: Locale) -> BudgetView:
    month = month_name(budget.month, locale)
    overspent = budget.left < 0
    left = locale.duration(abs(budget.left))
    total = locale.duration(budget.budget)
    left_percent = locale.percent(budget.left_percent)
    if overspent:
        summary = locale.gettext("Overspent by %(over)s of %(budget)s in %(month)s.") % {
            "over": left,
            "budget": total,
            "month": month,
        }
    else:
        summary = locale.gettext("%(left)s of %(budget)s left in %(month)s (%(percent)s).") % {
            "left": left,
            "budget": total,
            "month": month,
            "percent": left_percent,
        }
    return BudgetView(
        month=month,
        target=locale.percent(budget.slo),
        budget=total,
        used=locale.duration(budget.used),
        left=left,
        left_percent=left_percent,
        overspent=overspent,
        summary=summary,
    )


def minutes(seconds: float) -> float:
    """Minutes as the JSON files give them: two decimals."""
    return round(seconds / 60, 2)


def budget_json(budget: ErrorBudget | None) -> dict[str, object] | None:
    """The `slo` object of `api/v1`'s component; None without an objective."""
    if budget is None:
        return None
    return {
        "target": budget.slo,
        "month": budget.month.key,
        "budget_minutes": minutes(budget.budget),
        "used_minutes": minutes(budget.used),
        "left_minutes": minutes(budget.left),
        "left_percent": round(budget.left_percent, 2),
        "met": budget.met,
    }
