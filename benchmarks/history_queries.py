"""Everything the site needs from a large history, timed: per-day bars, uptime windows,
latency percentiles, outages and the latest result per region.

    python benchmarks/history_queries.py [--monitors 200] [--days 90]

Writes a synthetic history (monitors x 3 regions x days at 5-minute checks, one compacted
file per region and day, with outages and regional failures) with one DuckDB query into a
temporary folder, then runs `monitor_timelines` in a child process so that its peak RSS is
its own. The naive way for comparison, in a second child: the same query once per monitor
(what a per-monitor page generator would do), timed on a tenth of the monitors and scaled.
Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from history.store import RESULT_COLUMNS, ResultStore, connect, sql_path  # noqa: E402
from history.timeline import MonitorSpec, monitor_timelines  # noqa: E402

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
REGIONS = ("eu-west", "us-east", "ap-southeast")
INTERVAL = 300

GENERATE_SQL = f"""
CREATE TABLE results ({RESULT_COLUMNS}, date DATE);
INSERT INTO results BY NAME
WITH slots AS (
    SELECT 'm' || lpad(m::VARCHAR, 4, '0') AS monitor_id, m, r.region, r.i,
           t.t + r.i * 20 AS t
    FROM range(?1) AS mm(m),
         (SELECT unnest(?4::VARCHAR[]) AS region, generate_subscripts(?4::VARCHAR[], 1) AS i) r,
         range(?2::BIGINT, ?3::BIGINT, {INTERVAL}) AS t(t)
)
SELECT 1 AS schema_version, monitor_id, region,
       region || '-' || (t // {INTERVAL})::VARCHAR AS run_id,
       to_timestamp(t) AS checked_at,
       CASE WHEN (t // 3600 + m * 7) % 997 = 0 THEN 'down'          -- an hour-long outage
            WHEN (t // {INTERVAL} + m + i) % 1009 = 0 THEN 'down'    -- one region's blip
            WHEN (t // {INTERVAL} + m) % 211 = 0 THEN 'degraded'
            ELSE 'up' END AS status,
       50 + (hash(monitor_id, region, t) % 400) AS response_time_ms,
       200 AS status_code,
       CASE WHEN (t // 3600 + m * 7) % 997 = 0 THEN 'http_status' END AS error_kind,
       CASE WHEN (t // 3600 + m * 7) % 997 = 0 THEN 'HTTP 503' END AS error_message,
       1 AS attempts,
       CAST(to_timestamp(t) AS DATE) AS date
FROM slots
"""


def generate(folder: Path, monitors: int, days: int) -> int:
    start = int((NOW - timedelta(days=days)).timestamp())
    connection = connect()
    connection.execute("SET memory_limit = '8GB'")  # generating, not measured
    connection.execute(GENERATE_SQL, [monitors, start, int(NOW.timestamp()), list(REGIONS)])
    (count,) = connection.execute("SELECT count(*) FROM results").fetchall()[0]
    connection.execute(
        f"COPY (SELECT * EXCLUDE (date, region), region, date FROM results "
        f"ORDER BY region, date, monitor_id, checked_at) "
        f"TO '{sql_path(folder / 'results')}' (FORMAT PARQUET, COMPRESSION ZSTD, "
        f"PARTITION_BY (region, date), FILENAME_PATTERN 'compacted{{i}}')"
    )
    connection.close()
    return int(count)


def query(folder: Path, monitors: int, naive: bool) -> None:
    """A child process: time the queries (or the naive loop) and print figures as JSON."""
    store = ResultStore(folder)
    specs = [MonitorSpec(f"m{m:04d}", timedelta(seconds=INTERVAL)) for m in range(monitors)]
    if naive:
        sample = specs[: max(monitors // 10, 1)]
        started = time.perf_counter()
        for spec in sample:
            monitor_timelines(store, [spec], [], NOW, days=90)
        naive_s = (time.perf_counter() - started) * monitors / len(sample)
        print(json.dumps({"naive_s": naive_s}))
        return
    started = time.perf_counter()
    timelines = monitor_timelines(store, specs, [], NOW, days=90)
    query_s = time.perf_counter() - started
    outages = sum(len(t.outages) for t in timelines.values())
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"query_s": query_s, "outages": outages, "peak_rss_mb": rss_mb}))


def child(folder: Path, monitors: int, *flags: str, generate: bool = False) -> dict[str, float]:
    """Run `query` (or `generate`) in a fresh process and return its figures."""
    mode = "--generate" if generate else "--query"
    command = [sys.executable, __file__, mode, str(folder), "--monitors", str(monitors)]
    done = subprocess.run([*command, *flags], check=True, capture_output=True, text=True)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--monitors", type=int, default=200)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--query", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--naive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        print(json.dumps({"results": generate(args.generate, args.monitors, args.days)}))
        return
    if args.query:
        query(args.query, args.monitors, args.naive)
        return
    with tempfile.TemporaryDirectory(prefix="vigil-history-") as temporary:
        folder = Path(temporary)
        started = time.perf_counter()
        # In a child too: a process started later inherits the peak RSS of its parent.
        made = child(folder, args.monitors, "--days", str(args.days), generate=True)
        results = int(made["results"])
        print(f"generated {results:,} results in {time.perf_counter() - started:.1f} s")
        size = sum(f.stat().st_size for f in folder.rglob("*.parquet")) / 2**20
        figures = child(folder, args.monitors)
        figures |= child(folder, args.monitors, "--naive")
    print(f"timelines for {args.monitors} monitors: {figures['query_s']:.2f} s, "
          f"naive per-monitor queries: {figures['naive_s']:.1f} s, "
          f"{figures['outages']} outages, peak RSS {figures['peak_rss_mb']:.0f} MB")  # fmt: skip
    print(json.dumps({
        "results": results,
        "query_s": round(figures["query_s"], 2),
        "naive_s": round(figures["naive_s"], 1),
        "speedup": round(figures["naive_s"] / figures["query_s"], 1),
        "peak_rss_mb": round(figures["peak_rss_mb"]),
        "parquet_mb": round(size, 1),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
