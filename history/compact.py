"""`vigil compact`: keep the history small enough to live in git for years.

1. **Merge** every closed UTC day of every region (its many run files) into one
   `compacted.parquet`, each (run, monitor) once. The merged file replaces the day's file
   atomically and only the run files that went into it are removed, so a region writing a
   late file meanwhile loses nothing: that file is merged next time. Readers skip a run file
   whose run is already in the compacted file (see `ResultStore.source_sql`).
2. **Roll up** every closed day of the page's time zone into `rollups/<day>.parquet`: per
   monitor and region the checks, up/degraded/down/maintenance/no-data seconds, response-time
   percentiles and first error; per monitor (region `all`) the consensus seconds, the regions
   of unconfirmed failures and the day's outages. A file is rewritten only when it changes.
3. **Drop** raw days older than `history.raw_days` and rollups older than `history.rollup_days`.

Running it twice in a row changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import PurePath
from zoneinfo import ZoneInfo

import duckdb

from configuration.errors import StoreError
from history.days import Calendar, local_days
from history.judge import insert_rows, load_days, load_inputs
from history.model import MonitorTimeline
from history.store import (
    COMPACTED,
    RESULT_COLUMN_NAMES,
    ResultStore,
    first_partition,
    sql_path,
)
from history.timeline import MonitorSpec, Window, monitor_timelines

ROLLUP_COLUMNS = """
    day DATE, monitor_id VARCHAR, region VARCHAR, checks BIGINT,
    up_s DOUBLE, degraded_s DOUBLE, down_s DOUBLE, maintenance_s DOUBLE, no_data_s DOUBLE,
    p50 DOUBLE, p75 DOUBLE, p90 DOUBLE, p95 DOUBLE, p99 DOUBLE, min_ms DOUBLE, max_ms DOUBLE,
    first_error VARCHAR, degraded_regions VARCHAR[],
    outages STRUCT(start_s DOUBLE, end_s DOUBLE, regions VARCHAR[], first_error VARCHAR,
                   failed_conditions VARCHAR[])[],
    partial_s DOUBLE
"""


@dataclass(frozen=True)
class Compaction:
    """What one `vigil compact` did."""

    merged_days: int  # region-days merged into their compacted file
    merged_files: int  # run files merged (and removed)
    rollups_written: int  # rollup days written or rewritten
    raw_days_dropped: int  # region-days of raw results removed by retention
    rollups_dropped: int


def compact(
    store: ResultStore,
    monitors: Sequence[MonitorSpec],
    maintenance: Sequence[Window],
    now: datetime,
    *,
    timezone: str = "UTC",
    raw_days: int = 30,
    rollup_days: int = 400,
) -> Compaction:
    store.source_sql()  # quarantines corrupt files first
    merged_days, merged_files = _merge_closed_days(store, now)
    rollups = _write_rollups(store, monitors, maintenance, now, timezone, raw_days)
    raw_dropped = _drop_raw(store, now.astimezone(UTC).date() - timedelta(days=raw_days))
    today = now.astimezone(ZoneInfo(timezone)).date()
    rollups_dropped = _drop_rollups(store, today - timedelta(days=rollup_days))
    return Compaction(merged_days, merged_files, rollups, raw_dropped, rollups_dropped)


def _merge_closed_days(store: ResultStore, now: datetime) -> tuple[int, int]:
    today = f"{now.astimezone(UTC):%Y-%m-%d}"
    by_folder: dict[PurePath, list[PurePath]] = {}
    for file in store.files():
        if file.parent.name.removeprefix("date=") < today:
            by_folder.setdefault(file.parent, []).append(file)
    days = files = 0
    for folder, members in sorted(by_folder.items()):
        loose = [f for f in members if f.name != COMPACTED]
        if not loose:
            continue
        _merge(store, folder, members)
        store.remove(loose)
        days, files = days + 1, files + len(loose)
    return days, files


def _merge(store: ResultStore, folder: PurePath, files: Sequence[PurePath]) -> None:
    """Write the day's compacted file, then read it back: the run files are removed only
    when every row of theirs is in it."""
    listed = ", ".join(f"'{store.location(f)}'" for f in files)
    columns = ", ".join(RESULT_COLUMN_NAMES)
    target = folder / COMPACTED
    temporary = store.staging(target)
    connection = store.connect()
    (rows,) = connection.execute(
        f"""
        COPY (
            SELECT {columns} FROM (
                SELECT DISTINCT ON (run_id, monitor_id, checked_at) {columns}
                FROM read_parquet([{listed}], union_by_name = true, hive_partitioning = false)
            ) ORDER BY monitor_id, checked_at, run_id
        ) TO '{sql_path(temporary)}' (FORMAT PARQUET, COMPRESSION ZSTD)
        """
    ).fetchone() or (0,)
    store.commit(temporary, target)
    (written,) = connection.execute(
        f"SELECT count(*) FROM read_parquet('{store.location(target)}')"
    ).fetchone() or (0,)
    connection.close()
    if written != rows:
        if COMPACTED not in {f.name for f in files}:
            store.remove([target])  # the run files hold every row: read them, not this
        raise StoreError(f"{target}: read back {written} of {rows} rows; run files kept")


def _write_rollups(
    store: ResultStore,
    monitors: Sequence[MonitorSpec],
    maintenance: Sequence[Window],
    now: datetime,
    timezone: str,
    raw_days: int,
) -> int:
    """Roll up every closed local day that has results: the days still fully inside the raw
    retention are recomputed (late results may have arrived), older days only when their
    rollup is missing (the first compaction of an old history)."""
    source = store.source_sql()
    if source is None or not monitors:
        return 0
    today = now.astimezone(ZoneInfo(timezone)).date()
    oldest = _oldest_result_day(store)
    if oldest is None or oldest >= today:
        return 0
    count = (today - oldest).days + 1
    timelines = monitor_timelines(store, monitors, maintenance, now, count, timezone, details=False)
    calendar = local_days(today, count, timezone)[:-1]  # closed days only
    keep_from = today - timedelta(days=raw_days - 1)
    connection = store.connect()
    connection.execute(f"CREATE TEMP TABLE rollup ({ROLLUP_COLUMNS})")
    _insert_consensus(connection, timelines, calendar)
    _insert_regions(connection, source, monitors, calendar)
    # A region's maintenance is its monitor's: the same windows.
    connection.execute(
        """
        UPDATE rollup AS r
        SET maintenance_s = a.maintenance_s,
            no_data_s = greatest(r.no_data_s - a.maintenance_s, 0)
        FROM rollup AS a
        WHERE a.region = 'all' AND r.region <> 'all'
          AND a.day = r.day AND a.monitor_id = r.monitor_id
        """
    )
    written = 0
    existing = set(store.rollup_files())
    for day, _, _ in calendar:
        target = store.rollups_dir / f"{day}.parquet"
        if day < keep_from and target in existing:
            continue
        written += _write_if_changed(store, connection, day, target)
    connection.close()
    return written


def _oldest_result_day(store: ResultStore) -> date | None:
    names = [f.parent.name.removeprefix("date=") for f in store.files()]
    return date.fromisoformat(min(names)) if names else None


def _insert_consensus(
    connection: duckdb.DuckDBPyConnection,
    timelines: dict[str, MonitorTimeline],
    calendar: Calendar,
) -> None:
    rows = []
    for monitor_id, timeline in timelines.items():
        by_day = {d.day: d for d in timeline.days}
        for day, start, end in calendar:
            summary = by_day.get(day)
            if summary is None or summary.observed == 0:
                continue
            outages = [
                {
                    "start_s": o.start.timestamp(),
                    "end_s": o.end.timestamp() if o.end else None,
                    "regions": list(o.regions),
                    "first_error": o.first_error,
                    "failed_conditions": list(o.failed_conditions),
                }
                for o in timeline.outages
                if start <= o.start < end
            ]
            rows.append(
                (day, monitor_id, "all", None, summary.up, summary.degraded, summary.down,
                 summary.maintenance, summary.no_data, None, None, None, None, None, None,
                 None, None, list(summary.degraded_regions), outages, summary.partial)
            )  # fmt: skip
    insert_rows(connection, "rollup", rows)


# Each region's own view of each day, from the raw results of `{source}`.
_REGION_DAYS = """
INSERT INTO rollup BY NAME
WITH results AS (
    SELECT r.monitor_id, r.region, r.status, r.response_time_ms, r.checked_at,
           r.error_kind || ': ' || coalesce(r.error_message, '') AS error,
           epoch(r.checked_at) AS t, s.interval_s, d.day, d.end_s - d.start_s AS span
    FROM {source} AS r
    JOIN spec AS s USING (monitor_id)
    ASOF JOIN days AS d ON epoch(r.checked_at) >= d.start_s
    WHERE r.date >= ? AND epoch(r.checked_at) >= ? AND epoch(r.checked_at) < ?
      AND r.status IN ('up', 'degraded', 'down')
),
buckets AS (
    SELECT monitor_id, region, day, any_value(interval_s) AS interval_s,
           max(CASE status WHEN 'down' THEN 2 WHEN 'degraded' THEN 1 ELSE 0 END) AS sev
    FROM results GROUP BY monitor_id, region, day, floor(t / interval_s)
),
seconds AS (
    SELECT monitor_id, region, day,
           sum(interval_s) FILTER (WHERE sev = 0) AS up_s,
           sum(interval_s) FILTER (WHERE sev = 1) AS degraded_s,
           sum(interval_s) FILTER (WHERE sev = 2) AS down_s
    FROM buckets GROUP BY ALL
)
SELECT day, monitor_id, region, count(*) AS checks,
       coalesce(any_value(up_s), 0) AS up_s,
       coalesce(any_value(degraded_s), 0) AS degraded_s,
       coalesce(any_value(down_s), 0) AS down_s,
       0 AS maintenance_s,
       greatest(any_value(span) - coalesce(any_value(up_s), 0)
                - coalesce(any_value(degraded_s), 0) - coalesce(any_value(down_s), 0),
                0) AS no_data_s,
       quantile_cont(response_time_ms, 0.5) FILTER (WHERE status <> 'down') AS p50,
       quantile_cont(response_time_ms, 0.75) FILTER (WHERE status <> 'down') AS p75,
       quantile_cont(response_time_ms, 0.9) FILTER (WHERE status <> 'down') AS p90,
       quantile_cont(response_time_ms, 0.95) FILTER (WHERE status <> 'down') AS p95,
       quantile_cont(response_time_ms, 0.99) FILTER (WHERE status <> 'down') AS p99,
       min(response_time_ms) FILTER (WHERE status <> 'down') AS min_ms,
       max(response_time_ms) FILTER (WHERE status <> 'down') AS max_ms,
       arg_min(error, checked_at) FILTER (WHERE status <> 'up') AS first_error
FROM results JOIN seconds USING (monitor_id, region, day)
GROUP BY day, monitor_id, region
"""


def _insert_regions(
    connection: duckdb.DuckDBPyConnection,
    source: str,
    monitors: Sequence[MonitorSpec],
    calendar: Calendar,
) -> None:
    """Each region's own view of each day: its bucket severities, checks and latency."""
    load_inputs(connection, monitors, [], [])
    load_days(connection, calendar)
    first, last = calendar[0][1], calendar[-1][2]
    connection.execute(
        _REGION_DAYS.format(source=source),
        [first_partition(first), first.timestamp(), last.timestamp()],
    )


def _write_if_changed(
    store: ResultStore, connection: duckdb.DuckDBPyConnection, day: date, target: PurePath
) -> int:
    (count,) = connection.execute("SELECT count(*) FROM rollup WHERE day = ?", [day]).fetchall()[0]
    if not count:
        return 0
    temporary = store.staging(target)
    connection.execute(
        f"COPY (SELECT * FROM rollup WHERE day = '{day}' ORDER BY monitor_id, region) "
        f"TO '{sql_path(temporary)}' (FORMAT PARQUET, COMPRESSION ZSTD)"
    )
    if store.read_bytes(target) == temporary.read_bytes():
        temporary.unlink()
        return 0
    store.commit(temporary, target)
    return 1


def _drop_raw(store: ResultStore, before: date) -> int:
    folders = {f.parent for f in store.files()}
    old = sorted(f for f in folders if f.name.removeprefix("date=") < f"{before}")
    store.remove(old)
    return len(old)


def _drop_rollups(store: ResultStore, before: date) -> int:
    old = [file for file in store.rollup_files() if file.stem < f"{before}"]
    store.remove(old)
    return len(old)
