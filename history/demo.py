"""`vigil demo`: a realistic synthetic history, so a newcomer with no network sees a page.

90 days of results for every monitor of the config from each of its regions, with a few
outages, a regional blip, a degraded spell and a maintenance window (`demo_disturbances`; the
incident files that tell their story are written by commands/demo.py). Deterministic for
a given `now`; generated in one DuckDB query.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import duckdb

from checks.result import RESULT_SCHEMA_VERSION
from configuration.models import Config
from history.store import RESULT_COLUMNS, ResultStore, connect

DEMO_DAYS = 90
DEMO_PREFIX = "demo-"
REGION_LATENCY_MS = (45.0, 95.0, 210.0)  # near, farther, far side of the world


@dataclass(frozen=True)
class Disturbance:
    """A stretch of time in which results differ from the healthy baseline."""

    monitor_id: str
    start: datetime
    duration: timedelta
    status: str  # down | degraded
    error_kind: str | None = None
    error_message: str | None = None
    status_code: int | None = None
    slow_ms: float | None = None  # response time during the disturbance
    region: str | None = None  # None: every region sees it


def demo_disturbances(config: Config, now: datetime) -> dict[str, Disturbance]:
    """The story of the demo page, placed relative to `now` on the sample's monitors
    (any config works: the story uses its first monitors when the ids differ)."""
    ids = [monitor.id for monitor in config.monitors]
    pick = {
        name: (name if name in ids else ids[i % len(ids)])
        for i, name in enumerate(("api", "website", "ingest", "auth"))
    }
    day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)

    def at(days: int, hours: int = 0, minutes: int = 0) -> datetime:
        """`days` before today, at hours:minutes UTC."""
        return day - timedelta(days=days) + timedelta(hours=hours, minutes=minutes)

    return {
        "api-errors": _http_503(pick["api"], at(12, 14, 5), timedelta(minutes=47), 30.0),
        "website-timeout": _timeout(pick["website"], at(37, 3, 10), timedelta(minutes=18)),
        "ingestion-outage": Disturbance(
            pick["ingest"],
            at(61, 9),
            timedelta(hours=2, minutes=30),
            "down",
            "connect",
            "Connection refused",
        ),
        "regional-blip": _timeout(
            pick["auth"], at(3, 6, 40), timedelta(minutes=15), config.regions[-1].id
        ),
        "api-slow": Disturbance(
            pick["api"], at(5, 10), timedelta(hours=3), "degraded", slow_ms=1450.0
        ),
        # Down on purpose: the maintenance notice keeps it out of the uptime.
        "database-upgrade": _http_503(pick["api"], at(20, 2), timedelta(hours=1), 25.0),
    }


def _http_503(monitor_id: str, start: datetime, length: timedelta, ms: float) -> Disturbance:
    message = "HTTP 503 Service Unavailable"
    return Disturbance(monitor_id, start, length, "down", "http_status", message, 503, ms)


def _timeout(
    monitor_id: str, start: datetime, length: timedelta, region: str | None = None
) -> Disturbance:
    message = "no answer within 10s"
    return Disturbance(monitor_id, start, length, "down", "timeout", message, None, 10000.0, region)


def write_demo_history(config: Config, store: ResultStore, now: datetime) -> int:
    """Replace earlier demo results with a fresh 90-day history; returns the result count."""
    results = store.data_dir / "results"  # always the local folder (`vigil history copy`)
    for old in results.glob(f"region=*/date=*/{DEMO_PREFIX}*.parquet"):
        old.unlink()
    store.data_dir.mkdir(parents=True, exist_ok=True)
    staging = store.data_dir / f".demo-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    connection = connect()
    _load(connection, config, now)
    start = (now - timedelta(days=DEMO_DAYS - 1)).replace(hour=0, minute=0, second=0)
    # Every column of a result file, so the demo reads like real history.
    connection.execute(f"CREATE TABLE demo ({RESULT_COLUMNS}, date DATE)")
    connection.execute(_RESULTS_SQL, [RESULT_SCHEMA_VERSION, start.timestamp(), now.timestamp()])
    count = connection.execute("SELECT count(*) FROM demo").fetchone()
    staging_sql = str(staging).replace("'", "''")
    # Rows in one order, so two demos with the same `now` are the same files (a parallel
    # write orders them by thread, and sums of response times then differ in the last bit).
    connection.execute("SET threads = 1")
    connection.execute(
        "COPY (SELECT * FROM demo ORDER BY region, date, checked_at, monitor_id) "
        f"TO '{staging_sql}' (FORMAT PARQUET, PARTITION_BY (region, date), "
        f"WRITE_PARTITION_COLUMNS true, FILENAME_PATTERN '{DEMO_PREFIX}{{i}}')"
    )
    connection.close()
    for file in staging.glob("region=*/date=*/*.parquet"):
        target = results / file.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(file, target)
    shutil.rmtree(staging, ignore_errors=True)
    return int(count[0]) if count else 0


def _load(connection: duckdb.DuckDBPyConnection, config: Config, now: datetime) -> None:
    connection.execute(
        "CREATE TABLE spec (monitor_id VARCHAR, interval_s DOUBLE, base_ms DOUBLE, "
        "region VARCHAR, region_ms DOUBLE, offset_s DOUBLE)"
    )
    rows = []
    for index, monitor in enumerate(config.monitors):
        for region_index, region in enumerate(config.regions_for(monitor)):
            rows.append(
                (
                    monitor.id,
                    monitor.interval.total_seconds(),
                    60.0 + 35.0 * (index % 5),
                    region,
                    REGION_LATENCY_MS[region_index % len(REGION_LATENCY_MS)],
                    7.0 + 12.0 * region_index,
                )
            )
    connection.executemany("INSERT INTO spec VALUES (?, ?, ?, ?, ?, ?)", rows)
    connection.execute(
        "CREATE TABLE disturbances (monitor_id VARCHAR, region VARCHAR, start_s DOUBLE, "
        "end_s DOUBLE, status VARCHAR, error_kind VARCHAR, error_message VARCHAR, "
        "status_code INTEGER, slow_ms DOUBLE)"
    )
    connection.executemany(
        "INSERT INTO disturbances VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                e.monitor_id,
                e.region,
                e.start.timestamp(),
                (e.start + e.duration).timestamp(),
                e.status,
                e.error_kind,
                e.error_message,
                e.status_code,
                e.slow_ms,
            )
            for e in demo_disturbances(config, now).values()
        ],
    )


# Healthy results answer in base + region latency with a little deterministic noise.
_RESULTS_SQL = """
INSERT INTO demo BY NAME
WITH slots AS (
    SELECT s.*, g.t + s.offset_s AS t
    FROM spec AS s, generate_series(
        (ceil(?2 / s.interval_s) * s.interval_s)::BIGINT, ?3::BIGINT, s.interval_s::BIGINT
    ) AS g(t)
    WHERE g.t + s.offset_s <= ?3
)
SELECT ?1::UTINYINT AS schema_version,
       slots.monitor_id,
       slots.region,
       'demo-' || slots.region || '-' || strftime(to_timestamp(slots.t), '%Y%m%dT%H%M%S') AS run_id,
       to_timestamp(slots.t) AS checked_at,
       coalesce(e.status, 'up') AS status,
       round(coalesce(e.slow_ms, slots.base_ms + slots.region_ms)
             * (0.85 + 0.3 * (hash(slots.monitor_id, slots.region, slots.t) % 1000) / 1000.0),
             1) AS response_time_ms,
       CASE WHEN e.error_kind IN ('timeout', 'connect') THEN NULL
            ELSE coalesce(e.status_code, 200) END AS status_code,
       e.error_kind,
       e.error_message,
       CASE WHEN e.status = 'down' THEN 2 ELSE 1 END::UTINYINT AS attempts,
       CAST(to_timestamp(slots.t) AS DATE) AS date
FROM slots LEFT JOIN disturbances AS e
  ON e.monitor_id = slots.monitor_id
 AND (e.region IS NULL OR e.region = slots.region)
 AND slots.t >= e.start_s AND slots.t < e.end_s
"""
