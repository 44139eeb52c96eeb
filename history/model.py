"""What the history says about a monitor, as plain data: days, windows, latency, outages.
Produced by `history.timeline.monitor_timelines`, read by every output of the site."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from checks.result import Status
from configuration.impacts import Impact, downtime

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
    confirm: int = 1  # consecutive down buckets that make an outage; shorter runs: degraded
    checked: bool = True  # False: a `manual` monitor, whose every second is what is written


MAINTENANCE = "maintenance"


@dataclass(frozen=True)
class Window:
    """What incidents and maintenance say of one monitor over [start, end): under
    maintenance, or the `status` (degraded, partial, down) its checks cannot make better."""

    monitor_id: str
    start: datetime
    end: datetime
    status: str = MAINTENANCE  # a `configuration.impacts.STATE` word other than up


class _Seconds:
    """What days and windows share: seconds by status, and what uptime makes of them."""

    up: float
    degraded: float
    partial: float  # in a partial outage an incident declared
    down: float

    @property
    def observed(self) -> float:
        return self.up + self.degraded + self.partial + self.down

    @functools.cached_property  # the bar and the year calendar ask each day several times
    def downtime(self) -> float:
        """Seconds down, partial outage weighted (`configuration.impacts.DOWNTIME_WEIGHT`)."""
        return downtime({Impact.PARTIAL_OUTAGE: self.partial, Impact.MAJOR_OUTAGE: self.down})


@dataclass(frozen=True)
class Day(_Seconds):
    """Seconds of one day (in the page's time zone) by status; `total` is the part of the day
    that has passed (23 or 25 hours on a daylight-saving change)."""

    day: date
    up: float = 0.0
    degraded: float = 0.0
    down: float = 0.0
    maintenance: float = 0.0
    total: float = DAY
    degraded_regions: tuple[str, ...] = ()  # regions whose failures were not confirmed
    partial: float = 0.0

    @property
    def no_data(self) -> float:
        return max(self.total - self.observed - self.maintenance, 0.0)

    @property
    def uptime(self) -> float | None:
        """Percent of observed time that was up or degraded; None without observations."""
        return uptime_percent([self])

    @property
    def down_fraction(self) -> float:
        """Share of the (elapsed) day that was down (partial outage weighted): what colours
        the day's bar segment."""
        return self.downtime / self.total if self.total else 0.0


@dataclass(frozen=True)
class Tally(_Seconds):
    """Seconds of a window by status; uptime leaves maintenance and no data out."""

    up: float = 0.0
    degraded: float = 0.0
    down: float = 0.0
    maintenance: float = 0.0
    no_data: float = 0.0
    partial: float = 0.0

    @property
    def uptime(self) -> float | None:
        return _percent_up(self.observed, self.downtime)


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
    status_code: int | None = None  # of this newest result (None: no HTTP answer)


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
    # The year calendar's days, oldest first: from the 1st of the month 11 months ago
    # (`history.days.year_start`) to today, days before the raw window from the rollups.
    year: Sequence[Day] = ()

    def observed_on(self, day: date) -> bool:
        """Whether checks reported on that local day (of `days` or `year`): what tells "no
        outage then" from "no history then"."""
        return any(d.day == day and d.observed > 0 for d in (*self.days, *self.year))

    def window_uptime(self, window: str) -> float | None:
        tally = self.windows.get(window)
        return tally.uptime if tally else None

    def uptime(self, last_days: int | None = None) -> float | None:
        return uptime_percent(self.days[-last_days:] if last_days else self.days)


def combined_uptime(timelines: Iterable[MonitorTimeline], window: str) -> float | None:
    """Time-weighted uptime of several monitors (a group, the page) over a window."""
    tallies = [tally for timeline in timelines if (tally := timeline.windows.get(window))]
    return _percent_up(sum(t.observed for t in tallies), sum(t.downtime for t in tallies))


def uptime_percent(days: Iterable[Day]) -> float | None:
    listed = list(days)
    return _percent_up(sum(d.observed for d in listed), sum(d.downtime for d in listed))


def _percent_up(observed: float, down: float) -> float | None:
    """Uptime = (observed - weighted downtime) / observed; None without observed time."""
    return 100.0 * (observed - down) / observed if observed else None
