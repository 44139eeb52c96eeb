"""The SQL judge against a plain-Python reference on a random history long enough to cross
the judge's time slices (`history.judge.SLICE`) and its 64-bucket words: every day's up,
degraded and down seconds, the 24-hour window and every outage must match."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from checks.result import ErrorKind, Result, Status
from history.judge import LOOKAHEAD, SLICE
from history.store import ResultStore
from history.timeline import MonitorSpec, monitor_timelines
from tests.conftest import NOW

REGIONS = ("ap-southeast", "eu-west", "sa-east", "us-east")  # 4: a skipped round moves the majority
SPECS = (
    MonitorSpec("hourly", timedelta(hours=1)),
    MonitorSpec("seven", timedelta(minutes=7), quorum=1),  # 7 min: words cross days unevenly
)
DAYS = SLICE.days + 9
Buckets = dict[int, dict[str, set[Status]]]  # bucket → region → statuses seen there


def random_history(seed: int) -> list[Result]:
    """Mostly up; some down spells in one, two or all regions; degraded and runner-offline
    results; missing rounds; now and then a second result in the same bucket."""
    rng = random.Random(seed)
    start = NOW - timedelta(days=DAYS)
    results = []
    for spec in SPECS:
        step = spec.interval.total_seconds()
        spell: dict[str, int] = {}
        for n in range(int(DAYS * 86400 // step)):
            if rng.random() < 0.015:  # one, two or all regions start failing
                length = rng.randint(1, 20)
                for region in rng.sample(REGIONS, rng.randint(1, len(REGIONS))):
                    spell[region] = max(spell.get(region, 0), length)
            for region in REGIONS:
                if rng.random() < 0.03:
                    continue  # a skipped round: no data from this region
                status = Status.DOWN if spell.get(region) else Status.UP
                if spell.get(region):
                    spell[region] -= 1
                    if not spell[region]:
                        del spell[region]
                elif rng.random() < 0.02:
                    status = rng.choice([Status.DEGRADED, Status.UNKNOWN])
                at = start + timedelta(seconds=n * step + rng.uniform(0, step - 1))
                results.append(make(spec.id, region, at, status))
                if rng.random() < 0.01:  # a re-run inside the same bucket
                    later = at + timedelta(seconds=(step - 1 - at.timestamp() % step) / 2)
                    results.append(make(spec.id, region, later, rng.choice(list(Status))))
    return results


def make(monitor_id: str, region: str, at: datetime, status: Status) -> Result:
    return Result(
        monitor_id=monitor_id,
        region=region,
        run_id=f"{region}-{at:%Y%m%d}",  # one file per region and day keeps the test fast
        checked_at=at,
        status=status,
        response_time_ms=100.0,
        error_kind=ErrorKind.HTTP_STATUS if status is Status.DOWN else None,
        error_message="HTTP 503" if status is Status.DOWN else None,
    )


def reference_votes(spec: MonitorSpec, results: list[Result]) -> dict[int, str]:
    """Each bucket with a result: down when `quorum` (or a majority) of the regions that
    reported saw a down result, degraded when any region failed, up otherwise."""
    step = int(spec.interval.total_seconds())
    buckets: Buckets = defaultdict(lambda: defaultdict(set))
    for r in results:
        if r.monitor_id == spec.id and r.status is not Status.UNKNOWN:
            buckets[int(r.checked_at.timestamp()) // step][r.region].add(r.status)
    votes = {}
    for bucket, regions in buckets.items():
        down = sum(Status.DOWN in seen for seen in regions.values())
        failed = any(seen - {Status.UP} for seen in regions.values())
        needed = spec.quorum or len(regions) // 2 + 1
        votes[bucket] = "down" if down >= needed else "degraded" if failed else "up"
    return votes


def reference_outages(votes: dict[int, str], step: int) -> list[tuple[int, int | None]]:
    """(start, end) seconds of each run of down buckets; a gap of no data up to LOOKAHEAD
    buckets is bridged; the end is the next bucket with data, None when still down at the
    newest bucket."""
    ordered = sorted(votes)
    outages: list[tuple[int, int | None]] = []
    run_start = None
    for i, bucket in enumerate(ordered):
        if votes[bucket] != "down":
            continue
        run_start = bucket if run_start is None else run_start
        following = ordered[i + 1] if i + 1 < len(ordered) else None
        if following is not None and following - bucket <= LOOKAHEAD:
            if votes[following] == "down":
                continue
            outages.append((run_start * step, following * step))
        elif following is None:
            outages.append((run_start * step, None))
        else:
            outages.append((run_start * step, (bucket + 1) * step))
        run_start = None
    return outages


def test_the_sql_judge_matches_a_plain_reference_across_slices_and_words(
    tmp_path: Path,
) -> None:
    results = random_history(seed=4)
    store = ResultStore(tmp_path)
    files: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        files[r.run_id].append(r)
    for run in files.values():
        store.append(run)
    timelines = monitor_timelines(store, SPECS, [], NOW, days=DAYS + 1)
    for spec in SPECS:
        step = int(spec.interval.total_seconds())
        votes = reference_votes(spec, results)
        assert {"up", "degraded", "down"} <= set(votes.values())
        expected: dict[date, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for bucket, vote in votes.items():
            expected[datetime.fromtimestamp(bucket * step, UTC).date()][vote] += step
        found = timelines[spec.id]
        for day in found.days:
            seconds = expected.get(day.day, {})
            assert (day.up, day.degraded, day.down) == (
                seconds.get("up", 0.0),
                seconds.get("degraded", 0.0),
                seconds.get("down", 0.0),
            ), (spec.id, day.day)
        since = NOW.timestamp() - 86400
        last_24h = [vote for bucket, vote in votes.items() if bucket * step >= since]
        window = found.windows["24h"]
        assert (window.up, window.degraded, window.down) == tuple(
            step * last_24h.count(vote) for vote in ("up", "degraded", "down")
        )
        outages = [
            (int(o.start.timestamp()), int(o.end.timestamp()) if o.end else None)
            for o in found.outages
        ]
        assert len(outages) > 10
        assert outages == reference_outages(votes, step), spec.id
