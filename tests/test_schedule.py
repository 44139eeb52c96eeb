"""Which monitors a run checks, and when a looping job runs its rounds (a fake clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from checks.schedule import due_monitors, in_shard, parse_shard, run_rounds
from checks.tcp import TcpMonitor

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def tcp(monitor_id: str, interval: str = "5m") -> TcpMonitor:
    return TcpMonitor.model_validate(
        {
            "type": "tcp",
            "id": monitor_id,
            "name": monitor_id,
            "host": "127.0.0.1",
            "port": 1,
            "interval": interval,
        }
    )


def test_due_monitors_honour_each_interval_with_slack() -> None:
    monitors = [tcp(name) for name in "abcde"] + [tcp("hourly", "1h")]
    last_checked = {
        "b": NOW - timedelta(minutes=1),
        "c": NOW - timedelta(minutes=4, seconds=30),  # due thanks to the slack
        "d": NOW - timedelta(minutes=3, seconds=59),
        "e": NOW - timedelta(hours=2),
        "hourly": NOW - timedelta(minutes=5),
    }
    due = due_monitors(monitors, last_checked, NOW)
    assert [monitor.id for monitor in due] == ["a", "c", "e"]


def test_a_result_dated_in_the_future_does_not_stop_the_checks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    monitors = [tcp("skewed"), tcp("fine")]
    last_checked = {"skewed": NOW + timedelta(days=3), "fine": NOW - timedelta(minutes=1)}
    due = due_monitors(monitors, last_checked, NOW)
    assert [monitor.id for monitor in due] == ["skewed"]
    assert "skewed: its last result is dated 2026-11-26T12:00:00+00:00, after now" in caplog.text


def test_shards_split_every_monitor_into_exactly_one_job() -> None:
    monitors = [tcp(f"m{i}") for i in range(200)]
    shards = [in_shard(monitors, index, 4) for index in range(1, 5)]
    ids = [m.id for shard in shards for m in shard]
    assert sorted(ids) == sorted(m.id for m in monitors)
    assert all(30 <= len(shard) <= 70 for shard in shards)  # roughly even
    assert in_shard(monitors, 2, 4) == shards[1]  # the same split every time


@pytest.mark.parametrize("text", ["0/4", "5/4", "a/b", "3", "1/0"])
def test_a_bad_shard_is_explained(text: str) -> None:
    with pytest.raises(ValueError, match=r'expected a shard like "1/4"'):
        parse_shard(text)


class FakeTime:
    def __init__(self, round_takes: timedelta) -> None:
        self.now = NOW
        self.round_takes = round_takes
        self.rounds: list[datetime] = []

    def clock(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def round_(self, now: datetime) -> None:
        self.rounds.append(now)
        self.now += self.round_takes


def test_a_loop_runs_a_round_every_minute_for_its_duration() -> None:
    time = FakeTime(round_takes=timedelta(seconds=7))
    count = run_rounds(
        time.round_, timedelta(minutes=1), timedelta(minutes=5), time.clock, time.sleep
    )
    assert count == 5
    assert [r - NOW for r in time.rounds] == [timedelta(minutes=n) for n in range(5)]


def test_an_overrunning_round_skips_to_the_next_slot() -> None:
    time = FakeTime(round_takes=timedelta(seconds=90))
    count = run_rounds(
        time.round_, timedelta(minutes=1), timedelta(minutes=5), time.clock, time.sleep
    )
    assert [r - NOW for r in time.rounds] == [timedelta(minutes=n) for n in (0, 2, 4)]
    assert count == 3
