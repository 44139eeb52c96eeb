"""One rule decides "in maintenance at t" for the page, the history and the alerts: the
scheduled windows as the maintenance's timed updates changed them (configuration/incidents.py,
`Incident.windows`). A maintenance completed inside its window is over for all three."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from checks.result import Status
from configuration.incidents import Incident
from configuration.written import in_maintenance
from generator import main
from history.store import ResultStore
from rendering.site import build_site, collect
from tests.notify_receivers import http_receiver
from tests.notify_samples import NOW, config_with
from tests.test_notify_run import MINUTE, record, run, statuses, webhook

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def window(**fields: object) -> Incident:
    """10:00-14:00 UTC on NOW's day (NOW is 12:00), for the monitor api."""
    return Incident.model_validate(
        {
            "id": "db-upgrade",
            "title": "Database upgrade",
            "kind": "maintenance",
            "monitors": ["api"],
            "scheduled_start": NOW - 2 * HOUR,
            "scheduled_end": NOW + 2 * HOUR,
            **fields,
        }
    )


COMPLETED = window(updates=[{"at": NOW - HOUR, "status": "completed", "message": "Done early."}])


def test_completed_inside_its_window_ends_it_at_that_time() -> None:
    assert COMPLETED.windows() == [(NOW - 2 * HOUR, NOW - HOUR)]
    assert COMPLETED.current_status(NOW) == "completed" and not COMPLETED.is_active(NOW)
    assert window().current_status(NOW) == "in_progress"


def test_completed_before_a_one_off_window_cancels_it() -> None:
    early = window(updates=[{"at": NOW - 3 * HOUR, "status": "completed", "message": "Off."}])
    assert early.windows() == []
    assert early.current_status(NOW) == "completed"


def test_started_by_hand_before_its_window_starts_then() -> None:
    ahead = window(
        scheduled_start=NOW + HOUR,
        updates=[{"at": NOW - 30 * MINUTE, "status": "in_progress", "message": "Starting."}],
    )
    assert ahead.windows() == [(NOW - 30 * MINUTE, NOW + 2 * HOUR)]
    assert ahead.current_status(NOW) == "in_progress"


def test_page_history_and_alerts_agree_it_is_over(tmp_path: Path) -> None:
    incidents = [COMPLETED]
    with http_receiver(200) as receiver:
        config = config_with([webhook(receiver, events=["down"])])
        record(tmp_path, NOW - 90 * MINUTE, Status.DOWN)  # in the window: maintenance
        run(config, tmp_path, NOW - 90 * MINUTE, incidents)
        assert receiver.requests == []
        record(tmp_path, NOW - 5 * MINUTE, Status.DOWN)  # after it was completed
        run(config, tmp_path, NOW, incidents)
        run(config, tmp_path, NOW + MINUTE, incidents)
    assert in_maintenance(incidents, NOW) == set()
    assert statuses(receiver) == ["error"]  # the alert: down, not suppressed
    out = tmp_path / "site"
    build_site(config, incidents, ResultStore(tmp_path), out, NOW)
    live = json.loads((out / "status-live.json").read_text())
    assert live["monitors"]["api"]["state"] == "down"  # the page and the history
    summary = json.loads((out / "api" / "v2" / "summary.json").read_text())
    assert summary["scheduled_maintenances"] == []


def test_the_cli_records_when_a_status_is_set_by_hand(tmp_path: Path) -> None:
    folder = tmp_path / "incidents"
    config = tmp_path / "config.yaml"
    config.write_text(
        "version: 1\nregions: [{id: eu, name: EU}]\n"
        "monitors: [{id: api, name: API, type: tcp, host: 127.0.0.1, port: 9}]\n"
    )
    common = ["--config", str(config), "--incidents", str(folder)]
    new = CliRunner().invoke(
        main,
        ["maintenance", "new", "--title", "Upgrade", "--monitor", "api",
         "--start", (NOW - 2 * HOUR).isoformat(), "--end", (NOW + 2 * HOUR).isoformat(),
         "--now", (NOW - 3 * HOUR).isoformat(), *common],
    )  # fmt: skip
    assert new.exit_code == 0, new.output
    (path,) = folder.glob("*.md")
    done = CliRunner().invoke(
        main,
        ["maintenance", "update", path.stem, "--status", "completed",
         "--now", (NOW - HOUR).isoformat(), *common],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    show = ["maintenance", "show", path.stem, "--json", "--incidents", str(folder)]
    result = CliRunner().invoke(main, show)
    shown = json.loads(result.output)
    assert shown["updates"][-1]["status"] == "completed"
    assert shown["updates"][-1]["createdAt"] == "2026-11-23T11:00:00Z"


@dataclass(frozen=True)
class Seen:
    """What each consumer of the rule made of the monitor api at one time."""

    page: str  # the monitor's state on the page
    maintenance_today: timedelta  # the day's maintenance time in the history (bars, uptime)
    outages: int  # the history's outages of the day (maintenance opens none)
    alerts: list[str]  # the alerts sent


def seen_at(data_dir: Path, incidents: Sequence[Incident], at: datetime) -> Seen:
    """api is down at `at` and ten minutes before; what the page, the history and the alerts
    say then, each through the code that builds the site or sends the notifications."""
    with http_receiver(200) as receiver:
        config = config_with([webhook(receiver, events=["down"])])
        record(data_dir, at - 10 * MINUTE, Status.DOWN)
        record(data_dir, at, Status.DOWN)
        run(config, data_dir, at, incidents)
        run(config, data_dir, at + MINUTE, incidents)
    page, timelines, _ = collect(config, incidents, ResultStore(data_dir), at)
    (state,) = [m.state for group in page.groups for m in group.monitors if m.id == "api"]
    today = timelines["api"].days[-1]
    return Seen(
        state,
        timedelta(seconds=today.maintenance),
        len([o for o in timelines["api"].outages if o.start.date() == at.date()]),
        statuses(receiver),
    )


OVER = Seen("down", timedelta(0), 1, ["error"])  # no maintenance today at all


def test_completed_written_by_hand_without_an_update_cancels_it_for_all(tmp_path: Path) -> None:
    """A `status: completed` in the front matter says no time: it counts from the scheduled
    start, so the window never began (the page followed it, the alerts and bars did not)."""
    assert seen_at(tmp_path, [window(status="completed")], NOW) == OVER


def test_in_progress_set_by_hand_ends_with_the_window_for_all(tmp_path: Path) -> None:
    """`vigil maintenance update --status in_progress` inside a window writes the status and
    an update; once the window is over the page no longer shows maintenance (it kept
    showing it for as long as the file said in_progress, while alerts were sent)."""
    started = window(
        scheduled_start=NOW - 4 * HOUR,
        scheduled_end=NOW - HOUR,
        status="in_progress",
        updates=[{"at": NOW - 3 * HOUR, "status": "in_progress", "message": "Started."}],
    )
    assert seen_at(tmp_path, [started], NOW) == replace(OVER, maintenance_today=3 * HOUR)


DAILY = window(
    scheduled_start=NOW - 7 * DAY,
    scheduled_end=None,
    recurrence={"start": "02:00", "duration": "1h", "timezone": "UTC"},
    updates=[{"at": NOW - DAY - 10.5 * HOUR, "status": "in_progress", "message": "Early."}],
)  # every day 02:00-03:00 UTC; yesterday's began at 01:30


def test_a_recurring_window_started_early_is_that_window_whatever_the_range() -> None:
    yesterday = (NOW - DAY - 10.5 * HOUR, NOW - DAY - 9 * HOUR)
    today = (NOW - 10 * HOUR, NOW - 9 * HOUR)
    assert DAILY.windows(NOW - 2 * DAY, NOW) == [yesterday, today]
    assert DAILY.windows(NOW - DAY + HOUR, NOW + DAY) == [today, (today[0] + DAY, today[1] + DAY)]
    assert DAILY.windows(NOW, NOW + MINUTE) == []
    assert DAILY.current_status(NOW) == "scheduled"


def test_a_recurring_window_started_early_is_over_for_all(tmp_path: Path) -> None:
    """Yesterday's occurrence began early: today at noon, between two occurrences, no
    consumer sees maintenance (the page and the alerts stretched today's or tomorrow's
    occurrence back to yesterday's early start)."""
    assert seen_at(tmp_path, [DAILY], NOW) == replace(OVER, maintenance_today=HOUR)


def test_completed_inside_its_window_is_over_from_then_for_all(tmp_path: Path) -> None:
    """Completed at 11:00 inside 10:00-14:00: an hour of maintenance in the bars and uptime,
    then down on the page, in the history and in the alerts."""
    assert seen_at(tmp_path, [COMPLETED], NOW) == replace(OVER, maintenance_today=HOUR)
