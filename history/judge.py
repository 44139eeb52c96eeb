"""The consensus of the regions, in SQL: every monitor's buckets judged up, degraded, down or
maintenance, and the outages they form.

A bucket is one check interval (`floor(epoch / interval)`). Each region's results in it are
reduced to bit masks over the regions (seen, failed, down), so the whole judgement is one
hash aggregation over the raw results, never a Python loop:

- **down** when at least `quorum` of the regions that reported say down (default: more than
  half of them); a failure seen by fewer regions is **degraded**, with those regions named;
- **maintenance** when the bucket starts inside a maintenance window of the monitor;
- a run of fewer than `confirm` consecutive down buckets is a blip, judged **degraded**, so the
  page's downtime always equals the sum of its outages;
- runner-offline results (`unknown`) are left out: that region has no data in the bucket.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import duckdb

from history.model import MonitorSpec, Window

JUDGED = "judged"  # the temp table: monitor_id, bucket, start_s, interval_s, status, masks


def load_inputs(
    connection: duckdb.DuckDBPyConnection,
    monitors: Sequence[MonitorSpec],
    maintenance: Sequence[Window],
    regions: Sequence[str],
) -> None:
    """Temp tables `spec`, `maintenance` and `region_bits` (one bit per region, ≤ 63)."""
    connection.execute(
        "CREATE TEMP TABLE spec (monitor_id VARCHAR, interval_s DOUBLE, quorum INTEGER, "
        "confirm INTEGER)"
    )
    connection.executemany(
        "INSERT INTO spec VALUES (?, ?, ?, ?)",
        [(m.id, m.interval.total_seconds(), m.quorum, m.confirm) for m in monitors],
    )
    connection.execute(
        "CREATE TEMP TABLE maintenance (monitor_id VARCHAR, start_s DOUBLE, end_s DOUBLE)"
    )
    rows = [(w.monitor_id, w.start.timestamp(), w.end.timestamp()) for w in maintenance]
    if rows:
        connection.executemany("INSERT INTO maintenance VALUES (?, ?, ?)", rows)
    connection.execute("CREATE TEMP TABLE region_bits (region VARCHAR, bit BIGINT)")
    if len(regions) > 63:
        raise ValueError("at most 63 regions can be judged together")
    connection.executemany(
        "INSERT INTO region_bits VALUES (?, ?)",
        [(region, 1 << index) for index, region in enumerate(regions)],
    )


def judge(
    connection: duckdb.DuckDBPyConnection, source: str, start: datetime, end: datetime
) -> None:
    """Fill the temp table `judged` with every bucket in [start, end] that has a result."""
    # A run's file sits in the partition of its start, which may be the day before.
    first_date = start.astimezone(UTC).date() - timedelta(days=1)
    connection.execute(
        f"""
        CREATE TEMP TABLE raw_judged AS
        SELECT r.monitor_id, floor(epoch(r.checked_at) / s.interval_s)::BIGINT AS bucket,
               any_value(s.interval_s) AS interval_s,
               any_value(s.quorum) AS quorum,
               any_value(s.confirm) AS confirm,
               bit_or(b.bit) AS seen_mask,
               coalesce(bit_or(b.bit) FILTER (WHERE r.status = 'down'), 0) AS down_mask,
               coalesce(bit_or(b.bit) FILTER (WHERE r.status <> 'up'), 0) AS fail_mask,
               max(epoch(r.checked_at)) AS last_t
        FROM {source} AS r
        JOIN spec AS s USING (monitor_id)
        JOIN region_bits AS b USING (region)
        WHERE r.date >= ? AND epoch(r.checked_at) >= ? AND epoch(r.checked_at) <= ?
          AND r.status IN ('up', 'degraded', 'down')
        GROUP BY r.monitor_id, bucket
        """,
        [first_date, start.timestamp(), end.timestamp()],
    )
    connection.execute(_ISLANDS_SQL)


_ISLANDS_SQL = f"""
CREATE TEMP TABLE {JUDGED} AS
WITH voted AS (
    SELECT *, bucket * interval_s AS start_s,
           CASE WHEN bit_count(down_mask) >= coalesce(quorum, bit_count(seen_mask) // 2 + 1)
                    THEN 'down'
                WHEN fail_mask <> 0 THEN 'degraded'
                ELSE 'up' END AS quorum_vote,
           CASE WHEN EXISTS (
                    SELECT 1 FROM maintenance AS m
                    WHERE m.monitor_id = j.monitor_id
                      AND j.bucket * j.interval_s >= m.start_s
                      AND j.bucket * j.interval_s < m.end_s) THEN 'maintenance'
                WHEN bit_count(down_mask) >= coalesce(quorum, bit_count(seen_mask) // 2 + 1)
                    THEN 'down'
                WHEN fail_mask <> 0 THEN 'degraded'
                ELSE 'up' END AS vote
    FROM raw_judged AS j
),
numbered AS (
    -- Down buckets with no other bucket between them share an island number.
    SELECT *,
           sum(CASE WHEN vote = 'down' THEN 0 ELSE 1 END)
               OVER (PARTITION BY monitor_id ORDER BY bucket ROWS UNBOUNDED PRECEDING)
               AS island,
           lead(bucket) OVER (PARTITION BY monitor_id ORDER BY bucket) AS next_bucket
    FROM voted
)
SELECT monitor_id, bucket, start_s, interval_s, seen_mask, down_mask, fail_mask, last_t,
       island, next_bucket, quorum_vote,
       CASE WHEN vote = 'down'
                 AND count(*) FILTER (WHERE vote = 'down')
                     OVER (PARTITION BY monitor_id, island) < confirm THEN 'degraded'
            ELSE vote END AS status
FROM numbered
"""

OUTAGES_SQL = f"""
SELECT monitor_id, min(start_s) AS start_s,
       -- arg_max skips NULLs: -1 stands for "no bucket after it yet" (ongoing).
       nullif(arg_max(coalesce(next_bucket, -1), bucket), -1) * any_value(interval_s) AS end_s,
       bit_or(down_mask) AS down_mask, any_value(interval_s) AS interval_s
FROM {JUDGED}
WHERE status = 'down'
GROUP BY monitor_id, island
ORDER BY monitor_id, start_s
"""


def first_failures(
    connection: duckdb.DuckDBPyConnection,
    source: str,
    starts: Sequence[tuple[str, float, float]],
) -> dict[tuple[str, float], tuple[str | None, tuple[str, ...]]]:
    """For each (monitor, bucket start, interval): the error of the first down result in that
    bucket and the conditions it failed."""
    if not starts:
        return {}
    connection.execute(
        "CREATE OR REPLACE TEMP TABLE starts (monitor_id VARCHAR, start_s DOUBLE, end_s DOUBLE)"
    )
    connection.executemany(
        "INSERT INTO starts VALUES (?, ?, ?)", [(m, s, s + i) for m, s, i in starts]
    )
    first_date = datetime.fromtimestamp(min(s for _, s, _ in starts), UTC).date() - timedelta(1)
    rows = connection.execute(
        f"""
        SELECT o.monitor_id, o.start_s,
               arg_min(r.error_kind || ': ' || coalesce(r.error_message, ''), r.checked_at),
               arg_min([c.condition FOR c IN r.conditions IF NOT c.passed], r.checked_at)
        FROM starts AS o JOIN {source} AS r
          ON r.monitor_id = o.monitor_id
         AND epoch(r.checked_at) >= o.start_s AND epoch(r.checked_at) < o.end_s
        WHERE r.status = 'down' AND r.date >= ?
        GROUP BY ALL
        """,
        [first_date],
    ).fetchall()
    return {(m, s): (error, tuple(failed or ())) for m, s, error, failed in rows}
