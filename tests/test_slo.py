"""Service level objectives from hand-computed histories: the error budget of a calendar
month in the page's time zone (whole month, daylight-saving months 743 and 745 hours long),
downtime as uptime counts it (partial outage weighted, maintenance left out), an outage
across a month's end split between the months, and the `slo:` option itself."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from checks.result import Status
from configuration.errors import ConfigError
from configuration.impacts import PARTIAL
from configuration.loader import load_config_text
from history.slo import Month, current_month, error_budget, months
from history.store import ResultStore
from history.timeline import MonitorSpec, Window, monitor_timelines
from tests.conftest import NOW, SMALL_CONFIG
from tests.test_history_windows import REGIONS, hourly, result, write

HOUR = timedelta(hours=1)
FIVE = timedelta(minutes=5)


def year_of(
    store: ResultStore,
    timezone: str,
    interval: timedelta = HOUR,
    windows: Sequence[Window] = (),
) -> list[Month]:
    """The months of the year calendar of monitor `api`, as NOW sees them."""
    spec = [MonitorSpec("api", interval)]
    found = monitor_timelines(store, spec, windows, NOW, days=7, timezone=timezone)["api"]
    return months(found.year, timezone, NOW)


def month(found: list[Month], first: date) -> Month:
    [wanted] = [m for m in found if m.first == first]
    return wanted


def test_a_30_day_month_allows_43_2_minutes_at_99_9_and_overspending_is_negative(
    tmp_path: Path,
) -> None:
    store = ResultStore(tmp_path)
    write(store, hourly(12, statuses={5: dict.fromkeys(REGIONS, Status.DOWN)}))  # 1 h down
    november = month(year_of(store, "UTC"), date(2026, 11, 1))
    assert (november.start, november.end) == (
        datetime(2026, 11, 1, tzinfo=UTC),
        datetime(2026, 12, 1, tzinfo=UTC),
    )
    assert not november.complete  # NOW is 23 November
    budget = error_budget(99.9, november)
    assert budget.budget == pytest.approx(43.2 * 60)  # 0.1 % of 720 hours
    assert budget.used == 3600
    assert budget.left == pytest.approx(-16.8 * 60)
    assert budget.left_percent == pytest.approx(-16.8 / 43.2 * 100)
    assert budget.met is False
    assert error_budget(99.5, november).left == pytest.approx((216 - 60) * 60)
    assert error_budget(99.5, november).met is True


def test_partial_outage_counts_three_tenths_and_maintenance_nothing(tmp_path: Path) -> None:
    """12 hours up to NOW, hours 2 and 8 down in every region; a written partial outage over
    hour 5 (up by the checks) and maintenance over hour 8."""
    store = ResultStore(tmp_path)
    down = dict.fromkeys(REGIONS, Status.DOWN)
    write(store, hourly(12, statuses={2: down, 8: down}))
    start = NOW - 12 * HOUR
    windows = [
        Window("api", start + 5 * HOUR, start + 6 * HOUR, PARTIAL),
        Window("api", start + 8 * HOUR, start + 9 * HOUR),
    ]
    november = month(year_of(store, "UTC", windows=windows), date(2026, 11, 1))
    assert november.tally.down == 3600
    assert november.tally.partial == 3600
    assert november.tally.maintenance == 3600
    assert error_budget(99.9, november).used == pytest.approx(3600 + 0.3 * 3600)  # 78 min


def test_an_outage_across_a_months_end_is_split_between_the_months(tmp_path: Path) -> None:
    """Los Angeles (UTC-7 in summer): every 5 minutes from 23:30 on 30 September to 00:30 on
    1 October local time, down from 23:50 to 00:10: ten minutes in each month."""
    store = ResultStore(tmp_path)
    first = datetime(2026, 10, 1, 6, 30, tzinfo=UTC)  # 23:30 PDT on 30 September
    down_from, down_to = (
        datetime(2026, 10, 1, 6, 50, tzinfo=UTC),
        datetime(2026, 10, 1, 7, 10, tzinfo=UTC),
    )
    results = []
    for n in range(12):
        at = first + n * FIVE
        status = Status.DOWN if down_from <= at < down_to else Status.UP
        results += [result(region, at, status) for region in REGIONS]
    write(store, results)
    found = year_of(store, "America/Los_Angeles", FIVE)
    september, october = month(found, date(2026, 9, 1)), month(found, date(2026, 10, 1))
    assert september.end == october.start == datetime(2026, 10, 1, 7, tzinfo=UTC)
    assert (september.tally.down, october.tally.down) == (600, 600)
    assert (september.tally.up, october.tally.up) == (1200, 1200)
    assert error_budget(99.9, september).left == pytest.approx(43.2 * 60 - 600)
    assert september.complete and not month(found, date(2026, 11, 1)).complete


@pytest.mark.parametrize(
    ("timezone", "first", "hours"),
    [
        ("America/Los_Angeles", date(2026, 3, 1), 743),  # clocks forward on 8 March
        ("America/Los_Angeles", date(2026, 11, 1), 721),  # back on 1 November (30 days)
        ("Europe/Berlin", date(2026, 3, 1), 743),  # forward on 29 March
        ("Europe/Berlin", date(2026, 10, 1), 745),  # back on 25 October
        ("Europe/Berlin", date(2026, 11, 1), 720),
        ("UTC", date(2026, 2, 1), 672),
    ],
)
def test_a_daylight_saving_month_has_its_hours_and_its_budget(
    tmp_path: Path, timezone: str, first: date, hours: int
) -> None:
    found = month(year_of(ResultStore(tmp_path), timezone), first)
    assert found.seconds == hours * 3600
    assert error_budget(99.9, found).budget == pytest.approx(hours * 60 * 0.001 * 60)
    assert error_budget(99.9, found).met is None  # nothing observed: unknown, not met


def test_the_year_calendar_gives_this_month_and_the_eleven_before(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    write(store, hourly(12, statuses={5: dict.fromkeys(REGIONS, Status.DOWN)}))
    spec = [MonitorSpec("api", HOUR)]
    year = monitor_timelines(store, spec, [], NOW, days=7, timezone="Europe/Berlin")["api"].year
    found = months(year, "Europe/Berlin", NOW)
    assert [m.key for m in found] == ["2025-12", *(f"2026-{n:02}" for n in range(1, 12))]
    assert current_month(year, "Europe/Berlin", NOW) == found[-1]  # from its own days
    assert current_month([], "UTC", NOW) is None


GROUPED = SMALL_CONFIG.replace(
    "  - {id: api, name: API}", "  - {id: api, name: API, slo: 99.9}"
).replace("    group: api\n", "    group: api\n    slo: 99.5\n")


def test_a_monitor_inherits_its_groups_objective_unless_it_sets_its_own() -> None:
    config = load_config_text(GROUPED, environ={})
    assert config.slo_of(config.monitor("api")) == 99.5
    assert config.slo_of(config.monitor("db")) is None  # no group
    inherited = load_config_text(GROUPED.replace("    slo: 99.5\n", ""), environ={})
    assert inherited.slo_of(inherited.monitor("api")) == 99.9


@pytest.mark.parametrize(
    ("value", "expected"),
    [("100", "expected a number < 100.0, got 100"), ("0", "expected a number > 0.0, got 0")],
)
def test_an_objective_outside_0_to_100_is_a_located_error(value: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config_text(GROUPED.replace("slo: 99.5", f"slo: {value}"), "config.yaml", {})
    [problem] = caught.value.problems
    assert str(problem) == f"config.yaml:15:10: monitors[0].slo: {expected}"
