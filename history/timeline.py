"""From raw results to what the page shows: judged buckets, days, uptime, current status.

Time is cut into buckets of each monitor's interval. In a bucket the monitor is **down**
only when its quorum of the regions that reported say down (by default more than half); a
failure seen by fewer regions makes it **degraded**; a bucket without any result is **no
data**. Maintenance time is neither up nor down. Uptime is time-weighted and counts degraded as up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import duckdb

from checks.result import Status
from history.store import ResultStore, connect, from_epoch

DAY = 86400.0
# The uptime windows every output may show, and the ones with latency percentiles.
UPTIME_WINDOWS = {
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
    "365d": timedelta(days=365),
}
LATENCY_WINDOWS = ("24h", "7d", "30d")
ALL_REGIONS = "all"  # the key of the overall figures in per-region mappings


@dataclass(frozen=True)
class MonitorSpec:
    """What the history needs to know of a monitor."""

    id: str
    interval: timedelta
    quorum: int | None = None  # regions that must say down; None: more than half


@dataclass(frozen=True)
class Window:
    """A maintenance window of one monitor: [start, end)."""

    monitor_id: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Day:
    """Seconds of one day (in the page's time zone) by status; `total` is the part of the day
    that has passed (23 or 25 hours on a daylight-saving change)."""

    day: date
    up: float = 0.0
    degraded: float = 0.0
    down: float = 0.0
    maintenance: float = 0.0
    total: float = DAY
    degraded_regions: tuple[str, ...] = ()  # regions whose failures were not confirmed

    @property
    def observed(self) -> float:
        return self.up + self.degraded + self.down

    @property
    def no_data(self) -> float:
        return max(self.total - self.observed - self.maintenance, 0.0)

    @property
    def uptime(self) -> float | None:
        """Percent of observed time that was up or degraded; None without observations."""
        return uptime_percent([self])

    @property
    def down_fraction(self) -> float:
        """Share of the (elapsed) day that was down: what colours the day's bar segment."""
        return self.down / self.total if self.total else 0.0


@dataclass(frozen=True)
class Tally:
    """Seconds of a window by status; uptime leaves maintenance and no data out."""

    up: float = 0.0
    degraded: float = 0.0
    down: float = 0.0
    maintenance: float = 0.0
    no_data: float = 0.0

    @property
    def uptime(self) -> float | None:
        observed = self.up + self.degraded + self.down
        return 100.0 * (self.up + self.degraded) / observed if observed else None


@dataclass(frozen=True)
class Latency:
    """Response-time percentiles (ms) of the results of one window and region."""

    count: int
    p50: float
    p75: float
    p90: float
    p95: float
    p99: float
    min: float
    max: float


@dataclass(frozen=True)
class Outage:
    """Consecutive down buckets of one monitor: an automatic incident."""

    monitor_id: str
    start: datetime
    end: datetime | None  # None while ongoing
    regions: tuple[str, ...]  # the regions that saw it down
    first_error: str | None  # "kind: message" of the first failing result
    failed_conditions: tuple[str, ...]  # conditions that failed in that result

    def duration(self, now: datetime) -> timedelta:
        return (self.end or now) - self.start


@dataclass(frozen=True)
class RegionLatest:
    """The newest result of a monitor from one region."""

    region: str
    status: Status
    checked_at: datetime
    response_time_ms: float | None
    error: str | None  # "kind: message" when it failed


@dataclass(frozen=True)
class MonitorTimeline:
    monitor_id: str
    days: list[Day]  # oldest first, the last one is today
    current: Status | None  # None: no recent result
    last_checked: datetime | None
    windows: Mapping[str, Tally] = field(default_factory=dict)  # by UPTIME_WINDOWS key
    # window (LATENCY_WINDOWS) -> region id or ALL_REGIONS -> percentiles
    latency: Mapping[str, Mapping[str, Latency]] = field(default_factory=dict)
    outages: Sequence[Outage] = ()  # oldest first
    latest: Mapping[str, RegionLatest] = field(default_factory=dict)  # by region id
    # window (LATENCY_WINDOWS) -> region id -> [(time, mean response ms)], for the chart
    series: Mapping[str, Mapping[str, Sequence[tuple[datetime, float]]]] = field(
        default_factory=dict
    )

    def window_uptime(self, window: str) -> float | None:
        tally = self.windows.get(window)
        return tally.uptime if tally else None

    def uptime(self, last_days: int | None = None) -> float | None:
        return uptime_percent(self.days[-last_days:] if last_days else self.days)


def combined_uptime(timelines: Iterable[MonitorTimeline], window: str) -> float | None:
    """Time-weighted uptime of several monitors (a group, the page) over a window."""
    up = down = 0.0
    for timeline in timelines:
        tally = timeline.windows.get(window)
        if tally:
            up += tally.up + tally.degraded
            down += tally.down
    return 100.0 * up / (up + down) if up + down else None


def uptime_percent(days: Iterable[Day]) -> float | None:
    up = down = 0.0
    for day in days:
        up += day.up + day.degraded
        down += day.down
    return 100.0 * up / (up + down) if up + down else None


def monitor_timelines(
    store: ResultStore,
    monitors: Sequence[MonitorSpec],
    maintenance: Sequence[Window],
    now: datetime,
    days: int = 90,
) -> dict[str, MonitorTimeline]:
    """The last `days` UTC days (today included) of every monitor, judged across regions."""
    first_day = now.astimezone(UTC).date() - timedelta(days=days - 1)
    start = datetime.combine(first_day, datetime.min.time(), UTC)
    seconds: dict[tuple[str, date], dict[str, float]] = defaultdict(dict)
    current: dict[str, tuple[Status | None, datetime]] = {}
    source = store.source_sql()
    if source is not None and monitors:
        connection = connect()
        _load_tables(connection, monitors, maintenance)
        _judge(connection, source, first_day, start, now)
        for monitor_id, day_index, status, total in connection.execute(_DAYS_SQL).fetchall():
            seconds[(monitor_id, date.fromordinal(_EPOCH_ORDINAL + day_index))][status] = total
        for monitor_id, status, last_t, interval_s in connection.execute(_LATEST_SQL).fetchall():
            # A result older than two intervals (and a late cron's minute) says nothing of now.
            fresh = now.timestamp() - last_t <= 2 * interval_s + 60
            current[monitor_id] = (Status(status) if fresh else None, from_epoch(last_t))
        connection.close()
    return {
        monitor.id: _timeline(monitor.id, first_day, days, now, seconds, maintenance, current)
        for monitor in monitors
    }


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _load_tables(
    connection: duckdb.DuckDBPyConnection,
    monitors: Sequence[MonitorSpec],
    maintenance: Sequence[Window],
) -> None:
    connection.execute(
        "CREATE TEMP TABLE spec (monitor_id VARCHAR, interval_s DOUBLE, quorum INTEGER)"
    )
    connection.executemany(
        "INSERT INTO spec VALUES (?, ?, ?)",
        [(m.id, m.interval.total_seconds(), m.quorum) for m in monitors],
    )
    connection.execute(
        "CREATE TEMP TABLE maintenance (monitor_id VARCHAR, start_s DOUBLE, end_s DOUBLE)"
    )
    rows = [(w.monitor_id, w.start.timestamp(), w.end.timestamp()) for w in maintenance]
    if rows:
        connection.executemany("INSERT INTO maintenance VALUES (?, ?, ?)", rows)


def _judge(
    connection: duckdb.DuckDBPyConnection,
    source: str,
    first_day: date,
    start: datetime,
    now: datetime,
) -> None:
    """Fill the temp table `judged`: one row per monitor and bucket with its consensus."""
    connection.execute(
        f"""
        CREATE TEMP TABLE judged AS
        WITH per_region AS (
            SELECT r.monitor_id, s.interval_s, s.quorum, r.region,
                   floor(epoch(r.checked_at) / s.interval_s) AS bucket,
                   max(CASE r.status WHEN 'down' THEN 2 WHEN 'degraded' THEN 1 ELSE 0 END)
                       AS severity,
                   max(epoch(r.checked_at)) AS last_t
            FROM {source} AS r JOIN spec AS s USING (monitor_id)
            WHERE r.date >= ? AND epoch(r.checked_at) >= ? AND epoch(r.checked_at) <= ?
              AND r.status IN ('up', 'degraded', 'down')  -- unknown (runner offline): no data
            GROUP BY ALL
        )
        SELECT monitor_id, interval_s, bucket, bucket * interval_s AS start_s,
               max(last_t) AS last_t,
               CASE WHEN count(*) FILTER (WHERE severity = 2)
                         >= coalesce(any_value(quorum), count(*) // 2 + 1) THEN 'down'
                    WHEN max(severity) > 0 THEN 'degraded'
                    ELSE 'up' END AS status
        FROM per_region
        GROUP BY ALL
        """,
        [first_day, start.timestamp(), now.timestamp()],
    )


_DAYS_SQL = """
    SELECT j.monitor_id, floor(j.start_s / 86400)::BIGINT AS day_index, j.status,
           sum(j.interval_s) AS seconds
    FROM judged AS j
    WHERE NOT EXISTS (
        SELECT 1 FROM maintenance AS m
        WHERE m.monitor_id = j.monitor_id AND j.start_s >= m.start_s AND j.start_s < m.end_s
    )
    GROUP BY ALL
"""
_LATEST_SQL = """
    SELECT monitor_id, arg_max(status, bucket), max(last_t), any_value(interval_s)
    FROM judged GROUP BY monitor_id
"""


def _timeline(
    monitor_id: str,
    first_day: date,
    days: int,
    now: datetime,
    seconds: dict[tuple[str, date], dict[str, float]],
    maintenance: Sequence[Window],
    current: dict[str, tuple[Status | None, datetime]],
) -> MonitorTimeline:
    windows = [w for w in maintenance if w.monitor_id == monitor_id]
    result = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        day_start = datetime.combine(day, datetime.min.time(), UTC)
        day_end = min(day_start + timedelta(days=1), now)
        total = max((day_end - day_start).total_seconds(), 0.0)
        by_status = seconds.get((monitor_id, day), {})
        result.append(
            Day(
                day=day,
                up=min(by_status.get("up", 0.0), total),
                degraded=min(by_status.get("degraded", 0.0), total),
                down=min(by_status.get("down", 0.0), total),
                maintenance=_overlap(windows, day_start, day_end),
                total=total,
            )
        )
    status, last = current.get(monitor_id, (None, None))
    return MonitorTimeline(monitor_id, result, status, last)


def _overlap(windows: Sequence[Window], start: datetime, end: datetime) -> float:
    """Seconds of [start, end) covered by the windows (overlapping windows counted once)."""
    spans = sorted((max(w.start, start), min(w.end, end)) for w in windows)
    covered, reach = 0.0, start
    for span_start, span_end in spans:
        span_start = max(span_start, reach)
        if span_end > span_start:
            covered += (span_end - span_start).total_seconds()
            reach = span_end
    return covered
