"""Which monitors a run checks: due ones, this job's shard, and rounds of a looping job."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta

from configuration.monitor import MonitorBase

# A monitor is due a little before its interval has passed, because scheduled CI jobs start
# late: without the slack a 5-minute monitor on a 5-minute cron would skip every other run.
DUE_SLACK = 0.2
logger = logging.getLogger(__name__)


def due_monitors(
    monitors: Iterable[MonitorBase], last_checked: Mapping[str, datetime], now: datetime
) -> list[MonitorBase]:
    """The monitors whose interval has (nearly) passed since their last result, so one
    5-minute schedule serves monitors of 5m, 15m and 1h. A last result dated after `now` (a
    runner's clock was wrong) is not believed: the monitor is due, with a warning, so one
    such result cannot stop its checks until that date."""
    due = []
    for monitor in monitors:
        last = last_checked.get(monitor.id)
        if last is not None and last > now:
            logger.warning(
                "%s: its last result is dated %s, after now (%s); checked anyway",
                monitor.id,
                last.isoformat(),
                now.isoformat(),
            )
            last = None
        if last is None or now - last >= monitor.interval * (1 - DUE_SLACK):
            due.append(monitor)
    return due


def parse_shard(text: str) -> tuple[int, int]:
    """`"2/4"` → (2, 4); ValueError with the message shown to the user otherwise."""
    index, _, total = text.partition("/")
    if not (index.isdigit() and total.isdigit() and 1 <= int(index) <= int(total)):
        raise ValueError(f'expected a shard like "1/4" (this job / number of jobs), got "{text}"')
    return int(index), int(total)


def in_shard(monitors: Iterable[MonitorBase], index: int, total: int) -> list[MonitorBase]:
    """The monitors of job `index` of `total`: stable across runs and machines (CRC-32 of
    the id), so each monitor always runs in the same job."""
    return [m for m in monitors if zlib.crc32(m.id.encode()) % total == index - 1]


def run_rounds(
    round_: Callable[[datetime], None],
    every: timedelta,
    duration: timedelta,
    clock: Callable[[], datetime],
    sleep: Callable[[float], None],
) -> int:
    """Call `round_(now)` every `every` for `duration` (the first at once); returns the count.

    A round that overruns is not repeated to catch up: the next starts at the next slot.
    """
    start = clock()
    rounds = 0
    while clock() - start < duration:
        round_(clock())
        rounds += 1
        next_slot = start + every * ((clock() - start) // every + 1)
        if next_slot - start >= duration:
            break
        sleep(max((next_slot - clock()).total_seconds(), 0.0))
    return rounds
