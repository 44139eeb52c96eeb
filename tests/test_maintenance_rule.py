"""One rule decides "in maintenance at t" for the page, the history and the alerts: the
scheduled windows as the maintenance's timed updates changed them (configuration/incidents.py,
`Incident.windows`). A maintenance completed inside its window is over for all three."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from checks.result import Status
from configuration.incidents import Incident
from generator import main
from history.store import ResultStore
from notifications.observe import in_maintenance
from rendering.site import build_site
from tests.notify_receivers import http_receiver
from tests.notify_samples import NOW, config_with
from tests.test_notify_run import MINUTE, record, run, statuses, webhook

HOUR = timedelta(hours=1)


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
