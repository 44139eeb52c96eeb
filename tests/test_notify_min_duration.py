"""`min_duration` on real results: an alert is sent once the monitor has been failing
(down or degraded) that long, counted from the run that first saw it fail; an outage that
lasted that long is alerted even when no run fell inside it; a shorter one is never said;
a maintenance window holds a pending alert back and its time does not count."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from configuration.incidents import Incident
from notifications.decide import Observed, decide
from notifications.ledger import Delivery, Ledger
from notifications.state import ENDED_KEPT, State
from tests.notify_receivers import http_receiver
from tests.notify_samples import NOW, config_with
from tests.test_notify_run import MINUTE, observe_at, run, statuses, webhook

SECOND = timedelta(seconds=1)
UP, DOWN, DEGRADED = "up", "down", "degraded"


def alerts(data_dir: Path, runs: list[tuple[datetime, str]], **channel: object) -> list[str]:
    """Run the notifications after each observation; what a 10m channel was sent."""
    with http_receiver(200) as receiver:
        config = config_with([webhook(receiver, min_duration="10m", **channel)])
        for at, status in runs:
            observe_at(data_dir, at, status)
            run(config, data_dir, at)
    return statuses(receiver)


@pytest.mark.parametrize(
    ("lasted", "expected"),
    [
        (10 * MINUTE, ["error", "recovered"]),  # exactly min_duration: alerted
        (10 * MINUTE - SECOND, []),  # a second less: a blip, neither alert nor recovery
        (20 * MINUTE, ["error", "recovered"]),  # no run inside it (a late schedule)
    ],
)
def test_an_outage_is_alerted_when_it_lasted_min_duration_even_if_no_run_saw_it_last(
    tmp_path: Path, lasted: timedelta, expected: list[str]
) -> None:
    """Runs only when it went down and when it was up again: the alert is sent late,
    followed by its recovery, or not at all."""
    runs = [(NOW - lasted - 5 * MINUTE, UP), (NOW - lasted, DOWN), (NOW, UP)]
    assert alerts(tmp_path, runs) == expected
    down, recovered = _records(tmp_path, "monitor.api.1.down", "monitor.api.2.recovered")
    if expected:
        assert (down.status, recovered.status) == ("sent", "sent")
    else:
        assert (down.status, down.detail) == ("skipped", "over within min_duration")
        assert recovered.status == "skipped"


def test_an_ongoing_outage_waits_until_exactly_min_duration(tmp_path: Path) -> None:
    runs = [(NOW - 15 * MINUTE, UP), (NOW - 10 * MINUTE, DOWN), (NOW - SECOND, DOWN)]
    assert alerts(tmp_path, runs) == []
    assert _records(tmp_path, "monitor.api.1.down") == []  # still pending
    assert alerts(tmp_path, [(NOW, DOWN)]) == ["error"]


def test_failing_counts_down_and_degraded_together_and_only_the_newest_alert_is_sent(
    tmp_path: Path,
) -> None:
    """Down and degraded by turns every 5 minutes: no single status lasts 10 minutes,
    but the monitor has been failing that long, so the status it has then is alerted,
    and every change after it; the earlier alerts are superseded, never sent late."""
    flapping = [DOWN, DEGRADED, DOWN, DEGRADED]
    runs = [(NOW - 20 * MINUTE, UP)]
    runs += [(NOW - (15 - 5 * i) * MINUTE, status) for i, status in enumerate(flapping)]
    assert alerts(tmp_path, runs) == ["error", "degraded"]  # at 10 and 15 minutes
    first, second = _records(tmp_path, "monitor.api.1.down", "monitor.api.2.degraded")
    assert (first.status, first.detail) == ("skipped", "superseded within min_duration")
    assert second.detail == "superseded within min_duration"
    assert alerts(tmp_path, [(NOW + 5 * MINUTE, UP)]) == ["recovered"]


def test_a_pending_alert_waits_out_a_maintenance_window_that_begins_meanwhile(
    tmp_path: Path,
) -> None:
    """Seen down 5 minutes before a window began: not alerted during it, nor afterwards
    when it came back during it. Time is counted as runs see it: down from the run that
    saw it fail (NOW - 5m) to the first run in the window (NOW + 1m), a blip of 6m."""
    window = _maintenance(NOW - 3 * MINUTE, NOW + 30 * MINUTE)
    with http_receiver(200) as receiver:
        config = config_with([webhook(receiver, min_duration="10m", events=["down", "recovered"])])
        for at, status in [
            (NOW - 10 * MINUTE, UP),
            (NOW - 5 * MINUTE, DOWN),
            (NOW + MINUTE, DOWN),
            (NOW + 10 * MINUTE, DOWN),  # in the window, 15 minutes after it went down
            (NOW + 20 * MINUTE, UP),
            (NOW + 35 * MINUTE, UP),  # the window is over
            (NOW + 40 * MINUTE, UP),
        ]:
            observe_at(tmp_path, at, status)
            run(config, tmp_path, at, [window])
    assert receiver.requests == []
    down, recovered = _records(tmp_path, "monitor.api.1.down", "monitor.api.2.recovered")
    assert (down.status, recovered.status) == ("skipped", "skipped")


def test_a_pending_alert_is_sent_after_the_window_when_the_monitor_is_still_down(
    tmp_path: Path,
) -> None:
    window = _maintenance(NOW - 3 * MINUTE, NOW + 30 * MINUTE)
    with http_receiver(200) as receiver:
        config = config_with([webhook(receiver, min_duration="10m", events=["down", "recovered"])])
        for at, status in [(NOW - 10 * MINUTE, UP), (NOW - 5 * MINUTE, DOWN)]:
            observe_at(tmp_path, at, status)
            run(config, tmp_path, at, [window])
        for minutes in (10, 20, 35):
            observe_at(tmp_path, NOW + minutes * MINUTE, DOWN)
            run(config, tmp_path, NOW + minutes * MINUTE, [window])
            assert statuses(receiver) == ([] if minutes < 30 else ["error"])


def test_state_remembers_the_last_ended_episodes_only() -> None:
    config = config_with([{"id": "hook", "type": "webhook", "url": "http://127.0.0.1:9/"}])
    state: State | None = None
    for minute in range(0, 4 * (ENDED_KEPT + 4), 2):
        status = DOWN if minute % 4 == 0 else UP
        at = NOW + minute * MINUTE
        _, state = decide(config, [], {"api": Observed(status)}, state, at)
    assert state is not None
    ended = state.monitors["api"].ended
    assert len(ended) == ENDED_KEPT
    newest = max(ended.values(), key=lambda episode: episode.end)
    assert newest.end - newest.start == 2 * MINUTE


def _maintenance(start: datetime, end: datetime) -> Incident:
    return Incident(
        id="upgrade",
        title="Upgrade",
        kind="maintenance",
        monitors=["api"],
        scheduled_start=start,
        scheduled_end=end,
    )


def _records(data_dir: Path, *keys: str) -> list[Delivery]:
    """The channel `hook`'s records of those events, where there is one."""
    ledger = Ledger(data_dir)
    found = [ledger.delivery(key, "hook") for key in keys]
    return [record for record in found if record is not None]
