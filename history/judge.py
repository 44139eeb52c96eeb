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
from datetime import UTC, date, datetime

import duckdb

from history.model import MonitorSpec, Window
from history.store import first_partition

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
    if regions:
        connection.executemany(
            "INSERT INTO region_bits VALUES (?, ?)",
            [(region, 1 << index) for index, region in enumerate(regions)],
        )


def load_days(
    connection: duckdb.DuckDBPyConnection, calendar: Sequence[tuple[date, datetime, datetime]]
) -> None:
    """Temp table `days` (day, start_s, end_s): the page's calendar days, for ASOF joins."""
    connection.execute("CREATE TEMP TABLE days (day DATE, start_s DOUBLE, end_s DOUBLE)")
    connection.executemany(
        "INSERT INTO days VALUES (?, ?, ?)",
        [(day, start.timestamp(), end.timestamp()) for day, start, end in calendar],
    )


def judge(
    connection: duckdb.DuckDBPyConnection, source: str, start: datetime, end: datetime
) -> None:
    """Fill the temp table `judged` with every bucket in [start, end] that has a result."""
    first_date = first_partition(start)
    connection.execute(
        f"""
        CREATE TEMP TABLE {JUDGED} AS
        WITH buckets AS (
            SELECT r.monitor_id, floor(epoch(r.checked_at) / s.interval_s)::BIGINT AS bucket,
                   any_value(s.interval_s) AS interval_s,
                   any_value(s.quorum) AS quorum,
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
        ),
        voted AS (
            SELECT *, bucket * interval_s AS start_s,
                   CASE WHEN bit_count(down_mask)
                             >= coalesce(quorum, bit_count(seen_mask) // 2 + 1) THEN 'down'
                        WHEN fail_mask <> 0 THEN 'degraded'
                        ELSE 'up' END AS quorum_vote
            FROM buckets
        )
        SELECT monitor_id, bucket, start_s, interval_s, seen_mask, down_mask, fail_mask,
               last_t, quorum_vote,
               CASE WHEN EXISTS (
                        SELECT 1 FROM maintenance AS m
                        WHERE m.monitor_id = v.monitor_id
                          AND v.start_s >= m.start_s AND v.start_s < m.end_s) THEN 'maintenance'
                    ELSE quorum_vote END AS status
        FROM voted AS v
        """,
        [first_date, start.timestamp(), end.timestamp()],
    )
    connection.execute(_RUNS_SQL)
    # A run shorter than `confirm` is a blip: degraded, not down.
    connection.execute(
        f"""
        UPDATE {JUDGED} AS j SET status = 'degraded'
        FROM down_buckets AS d JOIN runs AS r USING (monitor_id, island)
        WHERE r.buckets < r.confirm AND j.monitor_id = d.monitor_id AND j.bucket = d.bucket
        """
    )


# Only the (few) down buckets are ordered into runs, never the whole history: a down bucket
# continues the run of the previous one when the next bucket with data after that one is
# this one. Looking ahead `LOOKAHEAD` intervals bridges short gaps of no data (a late cron).
LOOKAHEAD = 12
_RUNS_SQL = f"""
CREATE TEMP TABLE down_buckets AS
WITH downs AS (
    SELECT monitor_id, bucket, down_mask FROM {JUDGED} WHERE status = 'down'
),
ahead AS (
    SELECT d.monitor_id, d.bucket, min(j.bucket) AS next_bucket
    FROM downs AS d
    CROSS JOIN range(1, {LOOKAHEAD + 1}) AS k(k)
    JOIN {JUDGED} AS j ON j.monitor_id = d.monitor_id AND j.bucket = d.bucket + k.k
    GROUP BY d.monitor_id, d.bucket
),
linked AS (
    SELECT d.*, a.next_bucket,
           lag(a.next_bucket) OVER (PARTITION BY d.monitor_id ORDER BY d.bucket) AS prev_next
    FROM downs AS d LEFT JOIN ahead AS a USING (monitor_id, bucket)
)
SELECT *,
       sum(CASE WHEN prev_next = bucket THEN 0 ELSE 1 END)
           OVER (PARTITION BY monitor_id ORDER BY bucket ROWS UNBOUNDED PRECEDING) AS island
FROM linked;

CREATE TEMP TABLE runs AS
WITH last_buckets AS (
    SELECT monitor_id, max(bucket) AS last_bucket FROM {JUDGED} GROUP BY monitor_id
)
SELECT d.monitor_id, d.island, min(d.bucket) AS first_bucket, max(d.bucket) AS last_bucket,
       count(*) AS buckets, any_value(s.confirm) AS confirm,
       any_value(s.interval_s) AS interval_s, bit_or(d.down_mask) AS down_mask,
       -- arg_max skips NULLs: -1 stands for "no data after it within the look-ahead".
       nullif(arg_max(coalesce(d.next_bucket, -1), d.bucket), -1) AS after,
       max(d.bucket) = any_value(l.last_bucket) AS at_the_end
FROM down_buckets AS d JOIN spec AS s USING (monitor_id) JOIN last_buckets AS l USING (monitor_id)
GROUP BY d.monitor_id, d.island
"""

# An outage ends where the next bucket with data begins; still down at the newest bucket,
# it is ongoing (end NULL); followed by a long gap, it ends with its last down bucket.
OUTAGES_SQL = """
SELECT monitor_id, first_bucket * interval_s AS start_s,
       CASE WHEN after IS NOT NULL THEN after * interval_s
            WHEN at_the_end THEN NULL
            ELSE (last_bucket + 1) * interval_s END AS end_s,
       down_mask, interval_s
FROM runs
WHERE buckets >= confirm
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
    first_date = first_partition(datetime.fromtimestamp(min(s for _, s, _ in starts), UTC))
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
