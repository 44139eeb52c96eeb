"""Hand-computed histories: regions that agree, outages, uptime windows, days in the page's
time zone (with a daylight-saving change), latency percentiles, the latest result per region."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from checks.conditions import ConditionOutcome
from checks.result import ErrorKind, Result, Status
from history import stats
from history.store import ResultStore
from history.timeline import MonitorSpec, MonitorTimeline, Window, monitor_timelines
from tests.conftest import NOW

HOUR = timedelta(hours=1)
REGIONS = ("ap-southeast", "eu-west", "us-east")


def result(
    region: str, at: datetime, status: Status = Status.UP, ms: float | None = 100.0
) -> Result:
    failed = status is Status.DOWN
    return Result(
        monitor_id="api",
        region=region,
        run_id=f"run-{region}-{at:%m%d%H%M}",
        checked_at=at,
        status=status,
        response_time_ms=ms,
        error_kind=ErrorKind.HTTP_STATUS if failed else None,
        error_message="HTTP 503" if failed else None,
        conditions=(
            ConditionOutcome("[STATUS] == 200", not failed, "[STATUS] (503) == 200", "503"),
            ConditionOutcome("[RESPONSE_TIME] < 500", True, "[RESPONSE_TIME] (100) < 500", "100"),
        ),
    )


def write(store: ResultStore, results: list[Result]) -> None:
    for region in {r.region for r in results}:
        for at in sorted({r.checked_at for r in results if r.region == region}):
            store.append([r for r in results if r.region == region and r.checked_at == at])


def timeline(
    store: ResultStore,
    confirm: int = 1,
    windows: list[Window] | None = None,
    timezone: str = "UTC",
    now: datetime = NOW,
) -> MonitorTimeline:
    spec = [MonitorSpec("api", HOUR, confirm=confirm)]
    return monitor_timelines(store, spec, windows or [], now, days=7, timezone=timezone)["api"]


def hourly(hours: int, end: datetime = NOW, statuses: dict[int, dict[str, Status]] | None = None):
    """One result per region per hour for `hours` hours up to `end`; `statuses[h][region]`
    overrides hour h (0 = the oldest)."""
    start = end - hours * HOUR
    return [
        result(region, start + h * HOUR, (statuses or {}).get(h, {}).get(region, Status.UP))
        for h in range(hours)
        for region in REGIONS
    ]


def test_a_failure_in_one_region_is_degraded_and_names_it(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    write(store, hourly(12, statuses={3: {"eu-west": Status.DOWN}}))
    today = timeline(store).days[-1]
    assert (today.up, today.degraded, today.down) == (11 * 3600, 3600, 0)
    assert today.degraded_regions == ("eu-west",)
    assert timeline(store).outages == ()


def test_consecutive_down_buckets_form_one_outage_with_regions_and_first_error(
    tmp_path: Path,
) -> None:
    store = ResultStore(tmp_path)
    down = {region: Status.DOWN for region in ("eu-west", "us-east")}
    write(store, hourly(12, statuses={4: down, 5: down, 6: down}))
    found = timeline(store)
    (outage,) = found.outages
    start = NOW - 12 * HOUR + 4 * HOUR
    assert outage.start == start
    assert outage.end == start + 3 * HOUR  # the next bucket that was not down
    assert outage.duration(NOW) == 3 * HOUR
    assert outage.regions == ("eu-west", "us-east")
    assert outage.first_error == "http_status: HTTP 503"
    assert outage.failed_conditions == ("[STATUS] == 200",)
    assert found.days[-1].down == 3 * 3600
    assert found.window_uptime("24h") == pytest.approx(100 * 9 / 12)


def test_an_outage_still_down_at_the_last_bucket_is_ongoing(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    down = {region: Status.DOWN for region in REGIONS}
    write(store, hourly(6, statuses={4: down, 5: down}))
    (outage,) = timeline(store).outages
    assert outage.end is None
    assert outage.duration(NOW) == 2 * HOUR


def test_a_blip_shorter_than_confirm_is_degraded_not_an_outage(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    down = {region: Status.DOWN for region in REGIONS}
    write(store, hourly(12, statuses={2: down, 7: down, 8: down}))
    found = timeline(store, confirm=2)
    assert [(o.start - (NOW - 12 * HOUR)) / HOUR for o in found.outages] == [7]
    today = found.days[-1]
    assert (today.degraded, today.down) == (3600, 2 * 3600)  # downtime = the outages


def test_maintenance_opens_no_outage_and_counts_neither_up_nor_down(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    down = {region: Status.DOWN for region in REGIONS}
    write(store, hourly(12, statuses={h: down for h in (4, 5)}))
    start = NOW - 12 * HOUR + 4 * HOUR
    found = timeline(store, windows=[Window("api", start, start + 2 * HOUR)])
    assert found.outages == ()
    today = found.days[-1]
    assert (today.up, today.down, today.maintenance) == (10 * 3600, 0, 2 * 3600)
    assert found.window_uptime("24h") == 100.0
    assert found.windows["24h"].maintenance == 2 * 3600


def test_a_day_with_partial_data_counts_only_what_was_observed(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    yesterday_noon = NOW - 24 * HOUR
    down = {region: Status.DOWN for region in REGIONS}
    write(store, hourly(6, end=yesterday_noon, statuses={0: down}))
    day = timeline(store).days[-2]
    assert day.day == date(2026, 11, 22)
    assert (day.up, day.down, day.total) == (5 * 3600, 3600, 86400)
    assert day.no_data == 18 * 3600
    assert day.uptime == pytest.approx(100 * 5 / 6)


def test_a_monitor_added_mid_window_is_judged_on_its_own_days(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    down = {region: Status.DOWN for region in REGIONS}
    write(store, hourly(48, statuses={0: down}))  # added two days ago, down the first hour
    found = timeline(store)
    assert found.window_uptime("7d") == pytest.approx(100 * 47 / 48)
    assert found.windows["7d"].no_data == pytest.approx(7 * 86400 - 12 * 3600 - 48 * 3600 + 0)
    assert found.window_uptime("365d") == found.window_uptime("7d")


def test_days_follow_the_page_time_zone_across_a_daylight_saving_change(tmp_path: Path) -> None:
    """Europe/Berlin leaves summer time on 2026-10-25: that local day has 25 hours."""
    store = ResultStore(tmp_path)
    now = datetime(2026, 10, 26, 12, 0, tzinfo=UTC)
    change_day_start = datetime(2026, 10, 24, 22, 0, tzinfo=UTC)  # 00:00 CEST
    write(store, hourly(25, end=change_day_start + 25 * HOUR))
    found = timeline(store, timezone="Europe/Berlin", now=now)
    by_day = {d.day: d for d in found.days}
    change = by_day[date(2026, 10, 25)]
    assert change.total == 25 * 3600
    assert change.up == 25 * 3600 and change.no_data == 0
    assert by_day[date(2026, 10, 24)].observed == 0
    assert by_day[date(2026, 10, 26)].observed == 0
    utc = {d.day: d for d in timeline(store, now=now).days}
    assert utc[date(2026, 10, 24)].up == 2 * 3600  # 22:00 and 23:00 UTC


def test_runner_offline_results_are_no_data_for_that_region(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    offline = {h: {"eu-west": Status.UNKNOWN, "us-east": Status.UNKNOWN} for h in range(6)}
    results = hourly(6, statuses=offline)
    results = [r if r.region != "ap-southeast" else result(r.region, r.checked_at, Status.DOWN)
               for r in results]  # fmt: skip
    write(store, results)
    today = timeline(store).days[-1]
    assert today.down == 6 * 3600  # the only region that reported says down


def test_latency_percentiles_per_region_and_overall_and_latest(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    results = [
        result(region, NOW - (i + 1) * timedelta(minutes=10), ms=float(i + 1 + 100 * r))
        for r, region in enumerate(("eu-west", "us-east"))
        for i in range(100)
    ]
    results.append(result("eu-west", NOW - timedelta(minutes=5), Status.DOWN, ms=9999.0))
    write(store, results)
    found = timeline(store)
    eu = found.latency["24h"]["eu-west"]
    assert (eu.count, eu.p50, eu.p99, eu.min, eu.max) == (100, 50.5, pytest.approx(99.01), 1, 100)
    overall = found.latency["24h"]["all"]
    assert (overall.count, overall.min, overall.max, overall.p50) == (200, 1, 200, 100.5)
    assert found.latest["eu-west"].status is Status.DOWN
    assert found.latest["eu-west"].error == "http_status: HTTP 503"
    assert found.latest["us-east"].response_time_ms == 101.0
    assert found.latest["us-east"].error is None
    line = found.series["24h"]["us-east"]
    assert line[0][0] < line[-1][0] and all(50 < ms < 250 for _, ms in line)


def test_latency_in_batches_of_monitors_is_the_same_as_all_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exact percentiles hold every response time, so a large history ranks a batch of
    monitors at a time (`LATENCY_BATCH_VALUES`): one monitor a batch gives the same figures."""
    store = ResultStore(tmp_path)
    monitors = ("api", "cdn", "db", "www")
    results = [
        replace(
            result(region, NOW - (i + 1) * timedelta(minutes=7), ms=(i * 37 + m) % 251),
            monitor_id=monitor,
        )
        for m, monitor in enumerate(monitors)
        for region in REGIONS
        for i in range(400)
    ]
    runs: dict[tuple[str, date], list[Result]] = {}  # a file per region and day
    for each in results:
        runs.setdefault((each.region, each.checked_at.date()), []).append(each)
    for (region, day), run in runs.items():
        store.append([replace(each, run_id=f"run-{region}-{day}") for each in run])
    specs = [MonitorSpec(monitor, timedelta(minutes=7)) for monitor in monitors]

    def latencies() -> dict[str, object]:
        found = monitor_timelines(store, specs, [], NOW, days=7, raw_days=30)
        return {monitor: found[monitor].latency for monitor in monitors}

    whole = latencies()
    batches: list[list[tuple[str, str]]] = []
    ranges = stats.latency_batches

    def recorded(*args: Any) -> list[tuple[str, str]]:
        batches.append(ranges(*args))
        return batches[-1]

    monkeypatch.setattr(stats, "LATENCY_BATCH_VALUES", 1)  # one monitor a batch
    monkeypatch.setattr(stats, "latency_batches", recorded)
    assert latencies() == whole
    assert batches[-1] == [(monitor, monitor) for monitor in monitors]
    assert whole["db"]["7d"]["all"].count == 1200  # type: ignore[index]
