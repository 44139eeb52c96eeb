"""Everything the site needs from a large history, timed: per-day bars, uptime windows,
latency percentiles, outages and the latest result per region.

    python benchmarks/history_queries.py [--monitors 200] [--days 90]
    python benchmarks/history_queries.py --minutely [--scale 0.1]

Writes a synthetic history (monitors x 3 regions x days at 5-minute checks, one compacted
file per region and day, with outages and regional failures) with one DuckDB query into a
temporary folder, then runs `monitor_timelines` in a child process so that its peak RSS is
its own. The naive way for comparison, in a second child: the same query once per monitor
(what a per-monitor page generator would do), timed on a tenth of the monitors and scaled.
Last line: JSON.

`--minutely` (issue 20) is the largest history the site is meant for: 1,000 monitors x 3
regions at 1-minute checks, 30 days raw (about 127 million results, one compacted file per
region and day, written by DuckDB's `range` SQL a day at a time, never a Python loop over
results) and the 335 days before as daily rollups (`rollups/<day>.parquet`, as `vigil compact`
leaves them). It times the site's call (`monitor_timelines` over 90 days, `raw_days` 30, the
365-day windows from the rollups) on the local files, then copies the history with
`copy_history` (what `vigil history copy` runs) to a moto S3 server on loopback, in a process
of its own as tests/s3_server.py starts it, and times the same call through
`history.store: s3://…`. The naive way is the local per-monitor loop on 10 monitors, scaled.
`--scale 0.1` makes a tenth of the monitors (the same days); figures are then printed as
measured, with a linear extrapolation to 1,000 monitors labelled as such.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import history.store  # noqa: E402
from history.compact import ROLLUP_COLUMNS  # noqa: E402
from history.location import open_store  # noqa: E402
from history.migrate import copy_history  # noqa: E402
from history.store import (  # noqa: E402
    COMPACTED,
    RESULT_COLUMNS,
    ResultStore,
    connect,
    sql_path,
)
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


MINUTE = 60
RAW_DAYS = 30  # history.raw_days, the default
ROLLUP_DAYS = 335  # before the raw days: 365 in all, the longest window
MINUTELY_MONITORS = 1000
NAIVE_SAMPLE = 10  # monitors timed one by one in --minutely, then scaled

# One region's day of 1-minute results, in the layout `vigil compact` leaves: sorted by
# monitor and time, the region in the file and in its folder's name.
MINUTELY_SQL = f"""
COPY (
    SELECT 1::UTINYINT AS schema_version, monitor_id, region,
           region || '-' || (t // {MINUTE})::VARCHAR AS run_id,
           to_timestamp(t) AS checked_at,
           CASE WHEN (t // 3600 + m * 7) % 997 = 0 THEN 'down'
                WHEN (t // {MINUTE} + m + i) % 5003 = 0 THEN 'down'
                WHEN (t // {MINUTE} + m) % 1009 = 0 THEN 'degraded'
                ELSE 'up' END AS status,
           (50 + hash(monitor_id, region, t) % 400)::DOUBLE AS response_time_ms,
           200 AS status_code,
           CASE WHEN (t // 3600 + m * 7) % 997 = 0 THEN 'http_status' END AS error_kind,
           CASE WHEN (t // 3600 + m * 7) % 997 = 0 THEN 'HTTP 503' END AS error_message,
           1::UTINYINT AS attempts,
           NULL::STRUCT(dns_ms DOUBLE, connect_ms DOUBLE, tls_ms DOUBLE, ttfb_ms DOUBLE,
                        total_ms DOUBLE) AS timings,
           NULL::VARCHAR AS peer_ip, NULL::MAP(VARCHAR, VARCHAR) AS headers,
           NULL::TIMESTAMPTZ AS certificate_expires_at,
           NULL::STRUCT(condition VARCHAR, passed BOOLEAN, actual VARCHAR)[] AS conditions
    FROM (
        SELECT 'm' || lpad(m::VARCHAR, 4, '0') AS monitor_id, m, ?4 AS region, ?5 AS i,
               t.t + ?5 * 7 AS t
        FROM range(?1) AS mm(m), range(?2::BIGINT, ?3::BIGINT, {MINUTE}) AS t(t)
    )
    ORDER BY monitor_id, checked_at
) TO '{{target}}' (FORMAT PARQUET, COMPRESSION ZSTD)
"""

# A year's daily rollups before the raw days: per monitor and region and for 'all' (what the
# site reads), mostly up, with one outage a monitor now and then.
ROLLUP_SQL = f"""
CREATE TABLE rollup ({ROLLUP_COLUMNS});
INSERT INTO rollup BY NAME
SELECT d.day, 'm' || lpad(m::VARCHAR, 4, '0') AS monitor_id, r.region, 1440 AS checks,
       86400 - down AS up_s, 0.0 AS degraded_s, down AS down_s, 0.0 AS maintenance_s,
       0.0 AS no_data_s, 120.0 AS p50, 180.0 AS p75, 260.0 AS p90, 320.0 AS p95,
       420.0 AS p99, 50.0 AS min_ms, 449.0 AS max_ms,
       CASE WHEN down > 0 THEN 'HTTP 503' END AS first_error,
       []::VARCHAR[] AS degraded_regions,
       CASE WHEN down > 0 THEN [{{'start_s': epoch(d.day::TIMESTAMPTZ) + 3600.0,
                                  'end_s': epoch(d.day::TIMESTAMPTZ) + 3600.0 + down,
                                  'regions': ['eu-west', 'us-east', 'ap-southeast'],
                                  'first_error': 'HTTP 503',
                                  'failed_conditions': []::VARCHAR[]}}]
            ELSE [] END AS outages,
       0.0 AS partial_s
FROM (SELECT unnest(generate_series(?2::DATE, ?3::DATE, INTERVAL 1 DAY))::DATE AS day) d,
     range(?1) AS mm(m),
     (SELECT unnest(['all', 'eu-west', 'us-east', 'ap-southeast']) AS region) r,
     LATERAL (SELECT CASE WHEN (epoch(d.day::TIMESTAMPTZ)::BIGINT // 86400 + m) % 97 = 0
                          THEN 1800.0 ELSE 0.0 END AS down)
"""


def generate_minutely(folder: Path, monitors: int) -> int:
    """30 days of raw results (a DuckDB COPY per region and day) and 335 days of rollups."""
    today = NOW.date()
    first_raw = today - timedelta(days=RAW_DAYS - 1)
    connection = connect()
    connection.execute("SET memory_limit = '8GB'")  # generating, not measured
    count = 0
    for offset in range(RAW_DAYS):
        day = first_raw + timedelta(days=offset)
        start = int(datetime.combine(day, datetime.min.time(), UTC).timestamp())
        end = min(start + 86400, int(NOW.timestamp()))
        for i, region in enumerate(REGIONS):
            target = folder / "results" / f"region={region}" / f"date={day}" / COMPACTED
            target.parent.mkdir(parents=True)
            sql = MINUTELY_SQL.replace("{target}", sql_path(target))
            connection.execute(sql, [monitors, start, end, region, i])
            count += monitors * len(range(start, end, MINUTE))
    rollups = folder / "rollups"
    rollups.mkdir()
    last = first_raw - timedelta(days=1)
    first = first_raw - timedelta(days=ROLLUP_DAYS)
    connection.execute(ROLLUP_SQL, [monitors, first, last])
    for offset in range(ROLLUP_DAYS):
        day = first + timedelta(days=offset)
        connection.execute(
            f"COPY (SELECT * FROM rollup WHERE day = '{day}' ORDER BY monitor_id, region) "
            f"TO '{sql_path(rollups / f'{day}.parquet')}' (FORMAT PARQUET, COMPRESSION ZSTD)"
        )
    connection.close()
    return count


def query(
    folder: Path,
    monitors: int,
    naive: bool,
    *,
    interval: int = INTERVAL,
    store_url: str | None = None,
    sample: int | None = None,
    memory_limit: str | None = None,
) -> None:
    """A child process: time the queries (or the naive loop) and print figures as JSON."""
    if memory_limit:
        history.store.MEMORY_LIMIT = memory_limit  # what `connect` sets on each connection
    store = open_store(store_url, folder) if store_url else ResultStore(folder)
    specs = [MonitorSpec(f"m{m:04d}", timedelta(seconds=interval)) for m in range(monitors)]
    if naive:
        sample_specs = specs[: sample or max(monitors // 10, 1)]
        started = time.perf_counter()
        for spec in sample_specs:
            monitor_timelines(store, [spec], [], NOW, days=90)
        naive_s = (time.perf_counter() - started) * monitors / len(sample_specs)
        print(json.dumps({"naive_s": naive_s}))
        return
    started = time.perf_counter()
    try:
        timelines = monitor_timelines(store, specs, [], NOW, days=90, raw_days=RAW_DAYS)
    except duckdb.Error as error:  # out of memory, at the full --minutely size
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        failed = {"error": str(error).splitlines()[0], "failed_after_s": time.perf_counter()}
        failed["failed_after_s"] = round(failed["failed_after_s"] - started, 1)  # type: ignore[operator]
        print(json.dumps(failed | {"peak_rss_mb": rss_mb}))
        return
    query_s = time.perf_counter() - started
    outages = sum(len(t.outages) for t in timelines.values())
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"query_s": query_s, "outages": outages, "peak_rss_mb": rss_mb}))


def child(folder: Path, monitors: int, *flags: str, generate: bool = False) -> dict[str, Any]:
    """Run `query` (or `generate`) in a fresh process and return its figures."""
    mode = "--generate" if generate else "--query"
    command = [sys.executable, __file__, mode, str(folder), "--monitors", str(monitors)]
    done = subprocess.run([*command, *flags], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{command} failed:\n{done.stderr}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def start_moto(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    """moto's S3 server on loopback in a process of its own (as tests/s3_server.py starts
    one), its request log in `home/moto.log`, and the environment the AWS tools read pointed
    at it, for this process and its children."""
    port = free_port()
    with (home / "moto.log").open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the moto server did not start") from None
            time.sleep(0.1)
    endpoint = f"http://127.0.0.1:{port}"
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "AKIAVIGILBENCH000001",
            "AWS_SECRET_ACCESS_KEY": "vigil-bench-secret-not-real",
            "AWS_CONFIG_FILE": str(home / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    os.environ.pop("AWS_PROFILE", None)
    return server, endpoint


def requests_since(log: Path, offset: int) -> dict[str, int]:
    """The requests moto logged after `offset`: GET (ranges included), LIST, PUT, HEAD..."""
    counts: dict[str, int] = {}
    text = re.sub(r"\x1b\[[0-9;]*m", "", log.read_bytes()[offset:].decode(errors="replace"))
    for line in text.splitlines():
        if '"' not in line:
            continue
        method, _, rest = line.split('"')[1].partition(" ")
        if method == "GET" and ("list-type" in rest or "prefix=" in rest):
            method = "LIST"
        counts[method] = counts.get(method, 0) + 1
    return counts


def loopback_bytes() -> int:
    """Bytes received on the loopback interface so far, by every process (Linux)."""
    for line in Path("/proc/net/dev").read_text().splitlines():
        name, _, counters = line.partition(":")
        if name.strip() == "lo":
            return int(counters.split()[0])
    return 0


def _rounded(value: Any) -> Any:
    return round(value, 2) if isinstance(value, float) else value


def timed(figures: dict[str, Any]) -> str:
    """`query`'s figures in words: the time, or how it failed; and the peak RSS."""
    rss = f"peak RSS {figures['peak_rss_mb']:.0f} MB"
    if "error" in figures:
        return f"FAILED after {figures['failed_after_s']:.1f} s ({figures['error']}), {rss}"
    return f"{figures['query_s']:.2f} s, {rss}"


def minutely(scale: float, memory_limit: str | None) -> None:
    monitors = max(round(MINUTELY_MONITORS * scale), 1)
    interval = ["--interval", str(MINUTE)]
    if memory_limit:
        interval += ["--memory-limit", memory_limit]
        print(f"DuckDB memory_limit {memory_limit} instead of {history.store.MEMORY_LIMIT}")
    with tempfile.TemporaryDirectory(prefix="vigil-minutely-") as temporary:
        folder = Path(temporary) / "data"
        folder.mkdir()
        made = _generate_minutely(folder, monitors)
        local = child(folder, monitors, *interval)
        print(f"local files: {timed(local)}", flush=True)
        naive = child(folder, monitors, *interval, "--naive", "--sample", str(NAIVE_SAMPLE))
        print(f"naive, local, {NAIVE_SAMPLE} monitors one by one: {naive['naive_s']:.1f} s scaled")
        remote = _on_s3(Path(temporary), folder, monitors, interval)
    figures: dict[str, object] = {
        "monitors": monitors,
        **made,
        **_outcome(local),
        "peak_rss_mb": round(local["peak_rss_mb"]),
        "naive_s": round(naive["naive_s"], 1),
        **remote,
    }
    if "query_s" in local:
        figures["speedup"] = round(naive["naive_s"] / local["query_s"], 1)
    _extrapolate(figures, MINUTELY_MONITORS / monitors)
    print(json.dumps(figures))


def _generate_minutely(folder: Path, monitors: int) -> dict[str, Any]:
    """A year of 1-minute history in `folder`: raw days, then rollups."""
    started = time.perf_counter()
    results = int(child(folder, monitors, "--minutely", generate=True)["results"])
    generate_s = time.perf_counter() - started
    raw_mb = sum(f.stat().st_size for f in (folder / "results").rglob("*.parquet")) / 2**20
    rollup_mb = sum(f.stat().st_size for f in (folder / "rollups").rglob("*.parquet")) / 2**20
    print(
        f"generated {results:,} results ({monitors} monitors x {len(REGIONS)} regions, "
        f"1-minute checks, {RAW_DAYS} days; {raw_mb:.0f} MB) and {ROLLUP_DAYS} days of "
        f"rollups ({rollup_mb:.1f} MB) in {generate_s:.1f} s",
        flush=True,
    )
    return {"results": results, "raw_mb": round(raw_mb), "generate_s": round(generate_s, 1)}


def _on_s3(temporary: Path, folder: Path, monitors: int, interval: list[str]) -> dict[str, Any]:
    """The same history copied to moto on loopback: the copy, the timelines read from there
    and what a check run reads to know which monitors are due; with moto's request counts."""
    server, endpoint = start_moto(temporary)
    try:
        import boto3

        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="vigil-bench")
        url = "s3://vigil-bench/history"
        log = temporary / "moto.log"
        mark = log.stat().st_size
        started = time.perf_counter()
        copied = copy_history(ResultStore(folder), open_store(url, temporary / "s3"))
        copy_s = time.perf_counter() - started
        print(f"copied {copied.copied} files ({copied.results:,} results) to {endpoint} "
              f"in {copy_s:.1f} s", flush=True)  # fmt: skip
        copy_requests = requests_since(log, mark)
        mark, received = log.stat().st_size, loopback_bytes()
        remote = child(temporary / "s3-query", monitors, *interval, "--store", url)
        received_mb = (loopback_bytes() - received) / 2**20
        time.sleep(0.5)  # the log's last lines
        build_requests = requests_since(log, mark)
        print(f"S3 on loopback: {timed(remote)}; requests: copy {copy_requests}, "
              f"timelines {build_requests}, {received_mb:.0f} MB over loopback "
              f"(every process's) while they ran")  # fmt: skip
        # What each `vigil check` run reads to know which monitors are due.
        mark = log.stat().st_size
        started = time.perf_counter()
        open_store(url, temporary / "s3-check").last_checked(REGIONS[0])
        due_s = time.perf_counter() - started
        time.sleep(0.5)
        due_requests = requests_since(log, mark)
        print(f"a check run's last_checked({REGIONS[0]}): {due_s:.2f} s, {due_requests}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "copy_s": round(copy_s, 1),
        **{f"s3_{key}": value for key, value in _outcome(remote).items()},
        "s3_peak_rss_mb": round(remote["peak_rss_mb"]),
        "s3_requests": build_requests,
        "s3_loopback_mb": round(received_mb),
        "s3_due_s": round(due_s, 2),
        "s3_due_requests": due_requests,
    }


def _outcome(figures: dict[str, Any]) -> dict[str, Any]:
    """A query's time, or how it failed."""
    return {
        key: _rounded(figures[key])
        for key in ("query_s", "error", "failed_after_s")
        if key in figures
    }


def _extrapolate(figures: dict[str, object], factor: float) -> None:
    """Linear in the results read: an estimate, not a measurement."""
    if factor == 1 or "query_s" not in figures or "s3_query_s" not in figures:
        return
    for key in ("query_s", "s3_query_s", "naive_s"):
        figures[f"extrapolated_{key}"] = round(float(figures[key]) * factor, 1)  # type: ignore[arg-type]
    print(f"extrapolated linearly to {MINUTELY_MONITORS} monitors (an estimate, not "
          "measured; high where a per-file cost dominates): "
          f"local {figures['extrapolated_query_s']} s, "
          f"S3 {figures['extrapolated_s3_query_s']} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--monitors", type=int, default=200)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--minutely", action="store_true", help="1,000 monitors, 1-minute checks")
    parser.add_argument("--scale", type=float, default=1.0, help="with --minutely: monitors x")
    parser.add_argument("--query", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--naive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--interval", type=int, default=INTERVAL, help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    parser.add_argument("--sample", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--memory-limit", help="with --minutely: DuckDB's memory_limit instead of Vigil's 1GB"
    )
    args = parser.parse_args()
    if args.generate:
        if args.minutely:
            print(json.dumps({"results": generate_minutely(args.generate, args.monitors)}))
            return
        print(json.dumps({"results": generate(args.generate, args.monitors, args.days)}))
        return
    if args.query:
        query(
            args.query,
            args.monitors,
            args.naive,
            interval=args.interval,
            store_url=args.store,
            sample=args.sample,
            memory_limit=args.memory_limit,
        )
        return
    if args.minutely:
        minutely(args.scale, args.memory_limit)
        return
    daily(args.monitors, args.days)


def daily(monitors: int, days: int) -> None:
    """`days` of history for `monitors`: the timelines in one query against one by one."""
    with tempfile.TemporaryDirectory(prefix="vigil-history-") as temporary:
        folder = Path(temporary)
        started = time.perf_counter()
        # In a child too: a process started later inherits the peak RSS of its parent.
        made = child(folder, monitors, "--days", str(days), generate=True)
        results = int(made["results"])
        print(f"generated {results:,} results in {time.perf_counter() - started:.1f} s")
        size = sum(f.stat().st_size for f in folder.rglob("*.parquet")) / 2**20
        figures = child(folder, monitors)
        figures |= child(folder, monitors, "--naive")
    print(f"timelines for {monitors} monitors: {figures['query_s']:.2f} s, "
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
