"""The consensus of the regions, in SQL: every monitor's buckets judged up, degraded, down or
maintenance, and the outages they form.

A bucket is one check interval (`floor(epoch / interval)`). Each region's results in it are
reduced to bit masks over the regions (seen, down), in SQL aggregations over the raw
results, never a Python loop:

- **down** when at least `quorum` of the regions that reported say down (default: more than
  half of them); a failure seen by fewer regions is **degraded**, with those regions named;
- **maintenance** when the bucket starts inside a maintenance window of the monitor;
- **written**: the status an open incident gives the monitor when the bucket starts (degraded,
  partial, down), kept beside the checks' status; what the bucket shows is the worse of the
  two (`SHOWN`, maintenance first), while outages and the current status stay the checks';
- a run of fewer than `confirm` consecutive down buckets is a blip, judged **degraded**, so the
  page's downtime always equals the sum of its outages;
- runner-offline results (`unknown`) are left out: that region has no data in the bucket.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import duckdb

from configuration.impacts import PARTIAL
from history.days import Calendar
from history.model import MAINTENANCE, MonitorSpec, Window
from history.store import first_partition

JUDGED = "judged"  # the temp table: idx, bucket, down_mask, vote, status, written
VERDICT = "verdict"  # the enum type of `vote` and `status`: an enum groups and compares fast
# Its values in rank order, so that `greatest` picks the worse; maintenance outranks all.
VERDICTS = ("up", "degraded", PARTIAL, "down", MAINTENANCE)
# What a judged bucket `j` shows: the worse of its checks' status and the written one.
SHOWN = f"greatest(j.status, coalesce(j.written, 'up'::{VERDICT}))"


def load_inputs(
    connection: duckdb.DuckDBPyConnection,
    monitors: Sequence[MonitorSpec],
    windows: Sequence[Window],
    regions: Sequence[str],
) -> None:
    """Temp tables `spec` (with a small integer `idx` per monitor, so that the hot
    aggregations group by integers, not names), `maintenance` and `written` (the `windows`
    under maintenance and the others) and `region_bits` (one bit per region, at most 63),
    and the enum type `verdict`."""
    listed = ", ".join(f"'{verdict}'" for verdict in VERDICTS)
    connection.execute(f"CREATE TYPE {VERDICT} AS ENUM ({listed})")
    connection.execute(
        "CREATE TEMP TABLE spec (monitor_id VARCHAR, idx BIGINT, interval_s BIGINT, "
        "quorum INTEGER, confirm INTEGER)"
    )
    insert_rows(
        connection,
        "spec",
        [
            (m.id, idx, max(round(m.interval.total_seconds()), 1), m.quorum, m.confirm)
            for idx, m in enumerate(monitors)
        ],
    )
    connection.execute(
        "CREATE TEMP TABLE maintenance (monitor_id VARCHAR, start_s DOUBLE, end_s DOUBLE)"
    )
    connection.execute(
        f"CREATE TEMP TABLE written (monitor_id VARCHAR, start_s DOUBLE, end_s DOUBLE, "
        f"status {VERDICT})"
    )
    spans = [(w.monitor_id, w.start.timestamp(), w.end.timestamp(), w.status) for w in windows]
    insert_rows(connection, "maintenance", [w[:3] for w in spans if w[3] == MAINTENANCE])
    insert_rows(connection, "written", [w for w in spans if w[3] in VERDICTS[1:-1]])
    connection.execute("CREATE TEMP TABLE region_bits (region VARCHAR, bit BIGINT)")
    if len(regions) > 63:
        raise ValueError("at most 63 regions can be judged together")
    if regions:
        insert_rows(
            connection,
            "region_bits",
            [(region, 1 << index) for index, region in enumerate(regions)],
        )


def insert_rows(
    connection: duckdb.DuckDBPyConnection, table: str, rows: Sequence[tuple[object, ...]]
) -> None:
    """Insert the rows as one list per column, unnested side by side: one statement, where
    `executemany` runs one per row (a year of days took 0.4 s)."""
    if not rows:
        return
    columns = [list(column) for column in zip(*rows, strict=True)]
    unnested = ", ".join(f"unnest(${i + 1})" for i in range(len(columns)))
    connection.execute(f"INSERT INTO {table} SELECT {unnested}", columns)


def load_days(connection: duckdb.DuckDBPyConnection, calendar: Calendar) -> None:
    """Temp table `days` (i, day, start_s, end_s): the page's calendar days, numbered from 0."""
    connection.execute("CREATE TEMP TABLE days (i BIGINT, day DATE, start_s DOUBLE, end_s DOUBLE)")
    insert_rows(
        connection,
        "days",
        [(i, day, start.timestamp(), end.timestamp()) for i, (day, start, end) in
         enumerate(calendar)],
    )  # fmt: skip


# The results are read a slice of time at a time, so that the date partitions outside it are
# never read and each aggregation's hash table stays small.
SLICE = timedelta(days=31)
_WORD = 64  # buckets per bitmap word

# Each result in [?3, ?4) with its monitor `idx`, region `bit` and `bucket`.
_SLICE_RESULTS = """
SELECT s.idx, b.bit, r.status, floor(epoch(r.checked_at))::BIGINT // s.interval_s AS bucket
FROM {source} AS r
JOIN spec AS s USING (monitor_id)
JOIN region_bits AS b USING (region)
WHERE r.date >= ?1 AND r.date <= ?2
  AND r.status IN ('up', 'degraded', 'down')
  AND floor(epoch(r.checked_at))::BIGINT // s.interval_s * s.interval_s >= ?3
  AND floor(epoch(r.checked_at))::BIGINT // s.interval_s * s.interval_s < ?4
"""
# Nearly every bucket is up everywhere. Grouping by bucket would need a hash table entry
# per bucket (five million for 200 monitors over 90 days); instead each region's buckets
# with a result become bits of 64-bucket words, and only the buckets with a failure are
# grouped one by one.
_WORDS_SQL = f"""
INSERT INTO region_words
SELECT idx, bucket // {_WORD} AS word, bit,
       bit_or(1::UBIGINT << (bucket % {_WORD})::UBIGINT) AS bits
FROM ({_SLICE_RESULTS}) GROUP BY ALL
"""
_FAILS_SQL = f"""
INSERT INTO fails
SELECT idx, bucket, bit_or(CASE WHEN status = 'down' THEN bit ELSE 0 END) AS down_mask
FROM ({_SLICE_RESULTS}) WHERE status <> 'up' GROUP BY ALL
"""
# The buckets with a failure, with their region masks and the quorum's vote. `seen_mask`
# (the regions that reported) decides the vote; it matters nowhere else.
_FAILED_SQL = f"""
CREATE TEMP TABLE failed AS
WITH masks AS (
    SELECT f.idx, f.bucket, any_value(f.down_mask) AS down_mask, any_value(s.quorum) AS quorum,
           bit_or(CASE WHEN (w.bits >> (f.bucket % {_WORD})::UBIGINT) & 1::UBIGINT = 1::UBIGINT
                       THEN w.bit ELSE 0 END) AS seen_mask
    FROM fails AS f
    JOIN region_words AS w ON w.idx = f.idx AND w.word = f.bucket // {_WORD}
    JOIN spec AS s ON s.idx = f.idx
    GROUP BY f.idx, f.bucket
)
SELECT idx::INTEGER AS idx, bucket, down_mask, seen_mask,
       CASE WHEN bit_count(down_mask) >= coalesce(quorum, bit_count(seen_mask) // 2 + 1)
            THEN 'down' ELSE 'degraded' END::{VERDICT} AS vote
FROM masks
"""
# Every bucket with a result, up until `failed` says otherwise: narrow rows, so that the
# five million buckets of a large history are written fast.
_JUDGED_SQL = f"""
CREATE TEMP TABLE {JUDGED} AS
WITH words AS (
    SELECT idx, word, bit_or(bits) AS bits FROM region_words GROUP BY ALL
)
SELECT w.idx::INTEGER AS idx, w.word * {_WORD} + p.p AS bucket, 0::BIGINT AS down_mask,
       'up'::{VERDICT} AS vote, 'up'::{VERDICT} AS status, NULL::{VERDICT} AS written
FROM words AS w CROSS JOIN range({_WORD}) AS p(p)
WHERE (w.bits >> p.p::UBIGINT) & 1::UBIGINT = 1::UBIGINT;

UPDATE {JUDGED} AS j SET down_mask = f.down_mask, vote = f.vote, status = f.vote
FROM failed AS f WHERE j.idx = f.idx AND j.bucket = f.bucket;
"""


def judge(
    connection: duckdb.DuckDBPyConnection, source: str, start: datetime, end: datetime
) -> None:
    """Fill the temp table `judged` with every bucket starting in [start, end] that has a
    result: monitor `idx`, `bucket`, `down_mask` (the regions that said down), the quorum's
    `vote` and the `status` (the vote, or maintenance, or degraded for a blip shorter than
    `confirm`). The temp table `failed` keeps the masks and votes of the buckets that failed."""
    connection.execute(
        "CREATE TEMP TABLE region_words (idx BIGINT, word BIGINT, bit BIGINT, bits UBIGINT)"
    )
    connection.execute("CREATE TEMP TABLE fails (idx BIGINT, bucket BIGINT, down_mask BIGINT)")
    row = connection.execute("SELECT coalesce(max(interval_s), 0) FROM spec").fetchone()
    longest = int(row[0]) if row else 0
    statements = [sql.format(source=source) for sql in (_WORDS_SQL, _FAILS_SQL)]
    step, stop = int(SLICE.total_seconds()), int(end.timestamp()) + 1
    for low in range(int(start.timestamp()), stop, step):
        high = min(low + step, stop)
        # A bucket starting before `high` holds results until `high + interval`.
        last_date = datetime.fromtimestamp(high + longest, UTC).date()
        low_date = first_partition(datetime.fromtimestamp(low, UTC))
        for sql in statements:
            connection.execute(sql, [low_date, last_date, low, high])
    connection.execute(_FAILED_SQL)
    connection.execute(_JUDGED_SQL)
    connection.execute("DROP TABLE region_words; DROP TABLE fails")
    connection.execute(
        f"""
        UPDATE {JUDGED} AS j SET status = 'maintenance'
        FROM spec AS s JOIN maintenance AS m USING (monitor_id)
        WHERE s.idx = j.idx AND j.bucket * s.interval_s >= m.start_s
          AND j.bucket * s.interval_s < m.end_s
        """
    )
    connection.execute(_RUNS_SQL)
    # A run shorter than `confirm` is a blip: degraded, not down.
    connection.execute(
        f"""
        UPDATE {JUDGED} AS j SET status = 'degraded'
        FROM down_buckets AS d JOIN runs AS r USING (idx, island)
        WHERE r.buckets < r.confirm AND j.idx = d.idx AND j.bucket = d.bucket
        """
    )
    connection.execute(
        f"""
        UPDATE {JUDGED} AS j SET written = w.status
        FROM spec AS s JOIN written AS w USING (monitor_id)
        WHERE s.idx = j.idx AND j.bucket * s.interval_s >= w.start_s
          AND j.bucket * s.interval_s < w.end_s
        """
    )


# Only the (few) down buckets are ordered into runs, never the whole history: a down bucket
# continues the run of the previous one when the next bucket with data after that one is
# this one. Looking ahead `LOOKAHEAD` intervals bridges short gaps of no data (a late cron).
LOOKAHEAD = 12
# Temp tables, not CTEs: joined inside one statement, DuckDB plans the look-ahead as a
# cross product over the whole of `judged` (seconds instead of milliseconds).
_RUNS_SQL = f"""
CREATE TEMP TABLE downs AS
SELECT idx, bucket, down_mask FROM {JUDGED} WHERE status = 'down';

CREATE TEMP TABLE probes AS
SELECT d.idx, d.bucket, d.bucket + k.k AS probe
FROM downs AS d CROSS JOIN range(1, {LOOKAHEAD + 1}) AS k(k);

CREATE TEMP TABLE down_buckets AS
WITH ahead AS (
    SELECT p.idx, p.bucket, min(j.bucket) AS next_bucket
    FROM probes AS p JOIN {JUDGED} AS j ON j.idx = p.idx AND j.bucket = p.probe
    GROUP BY p.idx, p.bucket
),
linked AS (
    SELECT d.*, a.next_bucket,
           lag(a.next_bucket) OVER (PARTITION BY d.idx ORDER BY d.bucket) AS prev_next
    FROM downs AS d LEFT JOIN ahead AS a USING (idx, bucket)
)
SELECT *,
       sum(CASE WHEN prev_next = bucket THEN 0 ELSE 1 END)
           OVER (PARTITION BY idx ORDER BY bucket ROWS UNBOUNDED PRECEDING) AS island
FROM linked;

CREATE TEMP TABLE runs AS
WITH last_buckets AS (
    SELECT idx, max(bucket) AS last_bucket FROM {JUDGED} GROUP BY idx
)
SELECT d.idx, any_value(s.monitor_id) AS monitor_id, d.island,
       min(d.bucket) AS first_bucket, max(d.bucket) AS last_bucket,
       count(*) AS buckets, any_value(s.confirm) AS confirm,
       any_value(s.interval_s) AS interval_s, bit_or(d.down_mask) AS down_mask,
       -- arg_max skips NULLs: -1 stands for "no data after it within the look-ahead".
       nullif(arg_max(coalesce(d.next_bucket, -1), d.bucket), -1) AS after,
       max(d.bucket) = any_value(l.last_bucket) AS at_the_end
FROM down_buckets AS d JOIN spec AS s USING (idx) JOIN last_buckets AS l USING (idx)
GROUP BY d.idx, d.island
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
    insert_rows(connection, "starts", [(m, s, s + i) for m, s, i in starts])
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
