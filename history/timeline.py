"""From raw results to what the page shows: judged buckets, days, windows, outages, latency.

Formulas (the README's "How uptime is computed" repeats them):

- a day is a calendar day in the page's time zone (23 or 25 hours on a daylight-saving
  change); its up/degraded/down seconds are the judged buckets (`history.judge`) that start in
  it, times the interval; maintenance seconds are the overlap with maintenance windows; the
  rest of the elapsed day is no data;
- uptime = (observed - weighted downtime) / observed, observed = up + degraded + partial +
  down, downtime = down + 0.3 x partial (`configuration.impacts.DOWNTIME_WEIGHT`): what an
  open incident declares counts as the page shows it; maintenance and no data are left out;
- a monitor nobody checks (`manual`) has every elapsed second observed: what is written,
  else up;
- `24h` is rolling (the buckets of the last 24 hours); `7d`, `30d`, `90d`, `365d` are the last
  N calendar days, today included — the same days the bar shows;
- days older than `raw_days` come from the daily rollups `vigil compact` keeps;
- the year calendar's days (`MonitorTimeline.year`) are the same days, from the 1st of the
  month 11 months ago (`days.year_start`) to today.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb

from checks.result import Status
from configuration.impacts import PARTIAL
from history import stats
from history.days import (
    Calendar,
    day_grid,
    elapsed_days,
    local_days,
    overlap,
    tallies,
    year_start,
)
from history.judge import (
    JUDGED,
    OUTAGES_SQL,
    SHOWN,
    first_failures,
    judge,
    load_days,
    load_inputs,
)
from history.model import (
    ALL_REGIONS,
    DAY,
    LATENCY_WINDOWS,
    MAINTENANCE,
    UPTIME_WINDOWS,
    Day,
    Latency,
    MonitorSpec,
    MonitorTimeline,
    Outage,
    RegionLatest,
    Tally,
    Window,
    combined_uptime,
    uptime_percent,
)
from history.store import ResultStore, first_partition, from_epoch

__all__ = [
    "ALL_REGIONS",
    "DAY",
    "LATENCY_WINDOWS",
    "UPTIME_WINDOWS",
    "Day",
    "Latency",
    "MonitorSpec",
    "MonitorTimeline",
    "Outage",
    "RegionLatest",
    "Tally",
    "Window",
    "combined_uptime",
    "monitor_timelines",
    "uptime_percent",
]
HISTORY_DAYS = 365  # days judged for the windows; the bar shows the last `days` of them
# (and the year calendar its months, up to 366 days: the calendar is as long as both need)
DaySeconds = dict[tuple[str, date], dict[str, float]]


def monitor_timelines(
    store: ResultStore,
    monitors: Sequence[MonitorSpec],
    windows: Sequence[Window],
    now: datetime,
    days: int = 90,
    timezone: str = "UTC",
    raw_days: int = 30,
    details: bool = True,
) -> dict[str, MonitorTimeline]:
    """The last `days` local days (today included) of every monitor, judged across regions,
    with uptime windows, latency, outages and the latest result per region. Days before the
    last `raw_days` come from the daily rollups where there are any. `windows` are what the
    incidents and maintenance say (`history.specs.written_windows`). Without `details`,
    latency, chart series and the latest results are left out (compaction needs none).
    Each timeline's `year` holds the days of the year calendar (`days.year_start` on)."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    year = (today - year_start(today)).days + 1
    calendar = local_days(today, max(days, HISTORY_DAYS, year), timezone)
    checked = [monitor for monitor in monitors if monitor.checked]

    def read() -> _History:
        history = _History()
        source, rollups = store.source_sql(), store.rollups_sql()
        if not checked or not (source or rollups):
            return history
        connection = store.connect()
        load_inputs(connection, checked, windows, store.regions())
        if source is not None:
            # Time before the oldest result file (less a day for a bucket across midnight)
            # needs no reading at all.
            oldest = datetime.combine(store.oldest_date() or today, datetime.min.time(), UTC)
            since = max(calendar[0][1], oldest - timedelta(days=1))
            judge(connection, source, since, now)
            history.read(connection, source, calendar, now, details)
        if rollups is not None:
            first_raw_day = today - timedelta(days=raw_days - 1)
            start = datetime.combine(first_raw_day, datetime.min.time(), ZoneInfo(timezone))
            history.read_rollups(connection, rollups, first_raw_day, start.astimezone(UTC))
        connection.close()
        return history

    history = store.readable(read)  # an unreadable result file is quarantined, then again
    elapsed = elapsed_days(calendar, now)
    return {
        monitor.id: history.timeline(monitor, elapsed, days, year, now, windows)
        for monitor in monitors
    }


class _History:
    """What the queries found, gathered per monitor."""

    def __init__(self) -> None:
        self.seconds: DaySeconds = defaultdict(dict)
        self.degraded_regions: dict[tuple[str, date], tuple[str, ...]] = {}
        self.last_24h: dict[str, dict[str, float]] = defaultdict(dict)
        self.current: dict[str, tuple[Status | None, datetime]] = {}
        self.outages: dict[str, list[Outage]] = defaultdict(list)
        self.latency: stats.Percentiles = {}
        self.series: dict[str, dict[str, dict[str, list[tuple[datetime, float]]]]] = {}
        self.latest: dict[str, dict[str, RegionLatest]] = {}
        self.region_names: list[str] = []
        self.rolled_outages: dict[str, list[Outage]] = defaultdict(list)
        self.rolled_before: datetime | None = None  # outages before it come from rollups

    def monitor_outages(self, monitor_id: str) -> tuple[Outage, ...]:
        rolled = self.rolled_outages.get(monitor_id, [])
        raw = self.outages.get(monitor_id, [])
        if self.rolled_before is not None and rolled:
            raw = [o for o in raw if o.start >= self.rolled_before]
        return tuple(sorted({*rolled, *raw}, key=lambda o: o.start))

    def read(
        self,
        connection: duckdb.DuckDBPyConnection,
        source: str,
        calendar: Calendar,
        now: datetime,
        details: bool,
    ) -> None:
        self.region_names = [
            r
            for (r,) in connection.execute("SELECT region FROM region_bits ORDER BY bit").fetchall()
        ]
        self._read_days(connection, calendar)
        rows = connection.execute(
            f"SELECT s.monitor_id, {SHOWN}, sum(s.interval_s) "
            f"FROM {JUDGED} AS j JOIN spec AS s USING (idx) "
            "WHERE j.bucket * s.interval_s >= ? GROUP BY ALL",
            [now.timestamp() - DAY],
        ).fetchall()
        for monitor_id, status, seconds in rows:
            self.last_24h[monitor_id][status] = seconds
        self._read_current(connection, source, now)
        self._read_outages(connection, source)
        if not details:
            return
        self.latency = stats.latency(connection, source, now)
        self.series = stats.series(connection, source, now)
        self.latest = stats.latest(connection, source, now)

    def _read_days(
        self,
        connection: duckdb.DuckDBPyConnection,
        calendar: Calendar,
    ) -> None:
        load_days(connection, calendar)
        rows = connection.execute(
            f"""
            WITH starts AS (
                SELECT j.idx, j.bucket * s.interval_s AS start_s, s.interval_s,
                       {SHOWN} AS status, j.down_mask,
                       (j.bucket * s.interval_s - ?::BIGINT) // {int(DAY)} AS guess
                FROM {JUDGED} AS j JOIN spec AS s USING (idx)
            ),
            placed AS (
                SELECT j.idx, j.status, j.interval_s, j.down_mask,
                       CASE WHEN d.i IS NULL OR j.start_s < d.start_s THEN j.guess - 1
                            WHEN j.start_s >= d.end_s THEN j.guess + 1
                            ELSE j.guess END AS i
                FROM starts AS j LEFT JOIN days AS d ON d.i = j.guess
            ),
            per_day AS (
                SELECT idx, i, status, sum(interval_s) AS seconds,
                       bit_or(down_mask) FILTER (WHERE status = 'degraded') AS mask
                FROM placed GROUP BY ALL
            )
            SELECT s.monitor_id, d.day, p.status, p.seconds, p.mask
            FROM per_day AS p JOIN spec AS s USING (idx) JOIN days AS d USING (i)
            """,
            [day_grid(calendar)],
        ).fetchall()
        for monitor_id, day, status, seconds, degraded_mask in rows:
            self.seconds[(monitor_id, day)][status] = seconds
            if degraded_mask:
                key = (monitor_id, day)
                named = set(self.degraded_regions.get(key, ())) | set(self.names(degraded_mask))
                self.degraded_regions[key] = tuple(sorted(named))

    def _read_current(
        self, connection: duckdb.DuckDBPyConnection, source: str, now: datetime
    ) -> None:
        rows = connection.execute(
            f"""
            SELECT s.monitor_id,
                   arg_max(CASE j.status WHEN 'maintenance' THEN j.vote ELSE j.status END,
                           j.bucket),
                   max(j.bucket) * any_value(s.interval_s), any_value(s.interval_s)
            FROM {JUDGED} AS j JOIN spec AS s USING (idx) GROUP BY s.monitor_id
            """
        ).fetchall()
        if not rows:
            return
        # The newest result of each monitor is in its newest bucket: only the partitions
        # from the oldest of those buckets on are read.
        oldest = from_epoch(min(bucket_start for _, _, bucket_start, _ in rows))
        last_checked = dict(
            connection.execute(
                f"""
                SELECT monitor_id, max(epoch(checked_at)) FROM {source}
                WHERE date >= ? AND monitor_id IN (SELECT monitor_id FROM spec)
                  AND status IN ('up', 'degraded', 'down')
                GROUP BY monitor_id
                """,
                [first_partition(oldest)],
            ).fetchall()
        )
        for monitor_id, status, _, interval_s in rows:
            last_t = last_checked[monitor_id]
            # A result older than two intervals (and a late cron's minute) says nothing of now.
            fresh = now.timestamp() - last_t <= 2 * interval_s + 60
            self.current[monitor_id] = (Status(status) if fresh else None, from_epoch(last_t))

    def _read_outages(self, connection: duckdb.DuckDBPyConnection, source: str) -> None:
        rows = connection.execute(OUTAGES_SQL).fetchall()
        failures = first_failures(connection, source, [(m, s, i) for m, s, _, _, i in rows])
        for monitor_id, start_s, end_s, down_mask, _ in rows:
            error, failed = failures.get((monitor_id, start_s), (None, ()))
            self.outages[monitor_id].append(
                Outage(
                    monitor_id=monitor_id,
                    start=from_epoch(start_s),
                    end=from_epoch(end_s) if end_s is not None else None,
                    regions=self.names(down_mask),
                    first_error=error,
                    failed_conditions=failed,
                )
            )

    def read_rollups(
        self,
        connection: duckdb.DuckDBPyConnection,
        rollups: str,
        before: date,
        before_start: datetime,
    ) -> None:
        """Days before `before` from the rollups: they replace what is left of the raw
        results of those days (retention drops raw results a day at a time)."""
        rows = connection.execute(
            f"""
            SELECT r.monitor_id, r.day, r.up_s, r.degraded_s, r.down_s, r.degraded_regions,
                   r.outages, coalesce(r.partial_s, 0)
            FROM {rollups} AS r JOIN spec USING (monitor_id)
            WHERE r.region = 'all' AND r.day < ?
            """,
            [before],
        ).fetchall()
        for monitor_id, day, up, degraded, down, degraded_regions, outages, partial in rows:
            self.seconds[(monitor_id, day)] = {
                "up": up,
                "degraded": degraded,
                PARTIAL: partial,
                "down": down,
            }
            self.degraded_regions[(monitor_id, day)] = tuple(degraded_regions)
            self.rolled_outages[monitor_id] += [
                Outage(
                    monitor_id=monitor_id,
                    start=from_epoch(o["start_s"]),
                    end=from_epoch(o["end_s"]) if o["end_s"] is not None else None,
                    regions=tuple(o["regions"]),
                    first_error=o["first_error"],
                    failed_conditions=tuple(o["failed_conditions"]),
                )
                for o in outages
            ]
        self.rolled_before = before_start

    def names(self, mask: int) -> tuple[str, ...]:
        return tuple(name for bit, name in enumerate(self.region_names) if mask >> bit & 1)

    def timeline(
        self,
        monitor: MonitorSpec,
        elapsed: Sequence[tuple[Day, datetime, datetime]],
        days: int,
        year: int,
        now: datetime,
        windows: Sequence[Window],
    ) -> MonitorTimeline:
        mine = [w for w in windows if w.monitor_id == monitor.id]
        if monitor.checked:
            maintenance = [w for w in mine if w.status == MAINTENANCE]
            all_days = [self._day(monitor.id, *day, maintenance) for day in elapsed]
            rolling = self._rolling(monitor.id, now, maintenance)
            status, last = self.current.get(monitor.id, (None, None))
        else:  # `manual`: what its checks would say is "nothing wrong" unless written
            all_days = [_written_day(*day, mine) for day in elapsed]
            rolling = _written_tally(_written_day(Day(now.date()), now - timedelta(1), now, mine))
            status, last = Status.UP, None
        return MonitorTimeline(
            monitor_id=monitor.id,
            days=all_days[-days:],
            year=tuple(all_days[-year:]),
            current=status,
            last_checked=last,
            windows={**tallies(all_days), "24h": rolling},
            latency=self.latency.get(monitor.id, {}),
            outages=self.monitor_outages(monitor.id),
            latest=self.latest.get(monitor.id, {}),
            series=self.series.get(monitor.id, {}),
        )

    def _day(
        self, monitor_id: str, empty: Day, start: datetime, end: datetime, windows: Sequence[Window]
    ) -> Day:
        """The `empty` day (nothing observed, [start, end) elapsed) with what the monitor saw."""
        by_status = self.seconds.get((monitor_id, empty.day))
        if by_status is None and not windows:  # most days of most monitors: nothing to add
            return empty
        by_status, total = by_status or {}, empty.total
        return Day(
            day=empty.day,
            up=min(by_status.get("up", 0.0), total),
            degraded=min(by_status.get("degraded", 0.0), total),
            partial=min(by_status.get(PARTIAL, 0.0), total),
            down=min(by_status.get("down", 0.0), total),
            maintenance=overlap(windows, start, end),
            total=total,
            degraded_regions=self.degraded_regions.get((monitor_id, empty.day), ()),
        )

    def _rolling(self, monitor_id: str, now: datetime, windows: Sequence[Window]) -> Tally:
        seconds = self.last_24h.get(monitor_id, {})
        up, degraded, partial, down = (
            seconds.get(s, 0.0) for s in ("up", "degraded", PARTIAL, "down")
        )
        maintenance = overlap(windows, now - timedelta(days=1), now)
        rest = max(DAY - up - degraded - partial - down - maintenance, 0)
        return Tally(up, degraded, down, maintenance, rest, partial)


def _written_tally(day: Day) -> Tally:
    return Tally(day.up, day.degraded, day.down, day.maintenance, 0.0, day.partial)


def _written_day(empty: Day, start: datetime, end: datetime, windows: Sequence[Window]) -> Day:
    """A day of a monitor nobody checks (`manual`): every elapsed second is what the
    incidents and maintenance say of it, operational where they say nothing."""
    seconds = {
        status: overlap([w for w in windows if w.status == status], start, end)
        for status in ("degraded", PARTIAL, "down", MAINTENANCE)
    }
    return Day(
        day=empty.day,
        up=max(empty.total - sum(seconds.values()), 0.0),
        degraded=seconds["degraded"],
        partial=seconds[PARTIAL],
        down=seconds["down"],
        maintenance=seconds[MAINTENANCE],
        total=empty.total,
    )
