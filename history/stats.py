"""Response times and the newest result per region, straight from the raw results:
percentiles per window (`LATENCY_WINDOWS`), chart series, and the latest result of each
monitor in each region. Only results that answered (up or degraded) carry a response time
worth ranking; a timeout's elapsed time would only measure the timeout."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

import duckdb

from checks.result import Status
from history.model import ALL_REGIONS, LATENCY_WINDOWS, UPTIME_WINDOWS, Latency, RegionLatest
from history.store import first_partition, from_epoch

# Chart resolution per window: about 100 to 200 points per line.
SERIES_STEP_S = {"24h": 900, "7d": 3600, "30d": 14400}
_ANSWERED = "r.status IN ('up', 'degraded') AND r.response_time_ms IS NOT NULL"
Percentiles = dict[str, dict[str, dict[str, Latency]]]  # monitor → window → region → Latency


def _since(now: datetime, window: str) -> tuple[object, float]:
    """The first partition date and epoch second of a window ending now."""
    start = now - UPTIME_WINDOWS[window]
    return first_partition(start), start.timestamp()


# Response times ranked at once: exact percentiles hold every value of a group (twice, per
# region and over all regions), and DuckDB cannot spill such an aggregate. A month of
# 1-minute results from 3 regions is 130,000 values a monitor: 1,000 monitors at once ran
# out of memory at 4 GB. Batches of monitors stay near 200 MB and give the same figures.
LATENCY_BATCH_VALUES = 10_000_000


def latency(connection: duckdb.DuckDBPyConnection, source: str, now: datetime) -> Percentiles:
    """p50…p99, min and max per monitor, window and region (and over all regions), for a
    batch of monitors at a time (`latency_batches`)."""
    found: Percentiles = defaultdict(dict)
    for window in LATENCY_WINDOWS:
        first_date, since = _since(now, window)
        for low, high in latency_batches(connection, window, LATENCY_BATCH_VALUES):
            rows = connection.execute(
                f"""
                SELECT r.monitor_id, coalesce(r.region, '{ALL_REGIONS}') AS region, count(*),
                       quantile_cont(r.response_time_ms, [0.5, 0.75, 0.9, 0.95, 0.99]),
                       min(r.response_time_ms), max(r.response_time_ms)
                FROM {source} AS r JOIN spec USING (monitor_id)
                WHERE r.date >= ? AND epoch(r.checked_at) >= ? AND epoch(r.checked_at) <= ?
                  AND r.monitor_id BETWEEN ? AND ? AND {_ANSWERED}
                GROUP BY GROUPING SETS ((r.monitor_id, r.region), (r.monitor_id))
                """,
                [first_date, since, now.timestamp(), low, high],
            ).fetchall()
            for monitor_id, region, count, (p50, p75, p90, p95, p99), least, most in rows:
                found[monitor_id].setdefault(window, {})[region] = Latency(
                    count, p50, p75, p90, p95, p99, least, most
                )
    return dict(found)


def latency_batches(
    connection: duckdb.DuckDBPyConnection, window: str, batch_values: int
) -> list[tuple[str, str]]:
    """The monitors of `spec` in ranges of ids (first, last), each expected to hold at most
    `batch_values` results in the window (every region checking at each interval), and at
    least one monitor. Ranges in id order: result files are sorted by monitor, so a range
    reads only its own row groups."""
    seconds = UPTIME_WINDOWS[window].total_seconds()
    regions = connection.execute("SELECT greatest(count(*), 1) FROM region_bits").fetchone()
    per_region = regions[0] if regions else 1
    monitors = connection.execute(
        "SELECT monitor_id, interval_s FROM spec ORDER BY monitor_id"
    ).fetchall()
    batches: list[list[str]] = []
    held = 0.0
    for monitor_id, interval_s in monitors:
        expected = per_region * seconds / max(interval_s, 1)
        if not batches or held + expected > batch_values:
            batches.append([monitor_id, monitor_id])
            held = 0.0
        batches[-1][1] = monitor_id
        held += expected
    return [(first, last) for first, last in batches]


def series(
    connection: duckdb.DuckDBPyConnection, source: str, now: datetime
) -> dict[str, dict[str, dict[str, list[tuple[datetime, float]]]]]:
    """Mean response time per step, per monitor, window and region, oldest first."""
    found: dict[str, dict[str, dict[str, list[tuple[datetime, float]]]]] = defaultdict(dict)
    for window, step in SERIES_STEP_S.items():
        first_date, since = _since(now, window)
        # One row per line, its points as two lists: a row per point costs a Python tuple
        # each (a quarter of a million for 200 monitors).
        rows = connection.execute(
            f"""
            SELECT monitor_id, region, list(t ORDER BY t), list(mean_ms ORDER BY t)
            FROM (
                SELECT r.monitor_id, r.region,
                       floor(epoch(r.checked_at) / {step}) * {step} AS t,
                       round(avg(r.response_time_ms), 1) AS mean_ms
                FROM {source} AS r JOIN spec USING (monitor_id)
                WHERE r.date >= ? AND epoch(r.checked_at) >= ? AND epoch(r.checked_at) <= ?
                  AND {_ANSWERED}
                GROUP BY ALL
            )
            GROUP BY ALL
            """,
            [first_date, since, now.timestamp()],
        ).fetchall()
        moments: dict[float, datetime] = {}  # a few hundred steps, shared by every line
        for monitor_id, region, times, means in rows:
            for t in times:
                if t not in moments:
                    moments[t] = from_epoch(t)
            found[monitor_id].setdefault(window, {})[region] = [
                (moments[t], mean_ms) for t, mean_ms in zip(times, means, strict=True)
            ]
    return dict(found)


def latest(
    connection: duckdb.DuckDBPyConnection, source: str, now: datetime
) -> dict[str, dict[str, RegionLatest]]:
    """The newest result of every monitor from every region in the last week."""
    first_date = first_partition(now - timedelta(days=7))
    rows = connection.execute(
        f"""
        SELECT r.monitor_id, r.region, max(epoch(r.checked_at)),
               -- One struct, so that the NULLs of the newest row are kept, not skipped.
               arg_max(struct_pack(status := r.status, ms := r.response_time_ms,
                                   error := r.error_kind || ': ' || coalesce(r.error_message, ''),
                                   code := r.status_code),
                       r.checked_at)
        FROM {source} AS r JOIN spec USING (monitor_id)
        WHERE r.date >= ? AND epoch(r.checked_at) <= ?
        GROUP BY ALL
        """,
        [first_date, now.timestamp()],
    ).fetchall()
    found: dict[str, dict[str, RegionLatest]] = defaultdict(dict)
    for monitor_id, region, t, newest in rows:
        found[monitor_id][region] = RegionLatest(
            region,
            Status(newest["status"]),
            from_epoch(t),
            newest["ms"],
            newest["error"],
            newest["code"],
        )
    return dict(found)
