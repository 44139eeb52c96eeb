"""A notification run on real results in a real data/ folder: alerts decided from the
consensus, delivered once, even by two runs at once; a crashed run's alert is sent by the
next; failing and hanging channels never hold up the others; secrets stay out of logs and
files."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest

import notifications.run
from checks.result import ErrorKind, Result, Status
from configuration.incidents import Incident
from configuration.models import Config
from history.store import ResultStore
from notifications.delivery import DeliveryOptions
from notifications.run import after_check, notify
from notifications.state import read_state
from tests.notify_receivers import Receiver, http_receiver
from tests.notify_samples import NO_WAIT, NOW, SLEPT, config_with

MINUTE = timedelta(minutes=1)
SECRET = "hook-token-8f2e11"


def record(data_dir: Path, at: datetime, status: Status, monitor: str = "api") -> None:
    """Both regions checked `monitor` at `at` and agree on `status`."""
    for region in ("eu-west", "us-east"):
        record_one(data_dir, at, status, region, monitor)


def record_one(
    data_dir: Path, at: datetime, status: Status, region: str, monitor: str = "api"
) -> None:
    """`region` checked `monitor` at `at` and saw `status`."""
    failed = status is not Status.UP
    ResultStore(data_dir).append(
        [
            Result(
                monitor_id=monitor,
                region=region,
                run_id=f"{at:%H%M%S}-{region}-{monitor}",
                checked_at=at,
                status=status,
                response_time_ms=640.0,
                status_code=503 if failed else 200,
                error_kind=ErrorKind.HTTP_STATUS if failed else None,
                error_message="503 Service Unavailable" if failed else None,
            )
        ]
    )


def observe_at(data_dir: Path, at: datetime, status: str) -> None:
    """The regions' results at `at`: "up", "down" (both agree), or "degraded" (one of
    the two is down: no quorum)."""
    if status == "degraded":
        record_one(data_dir, at, Status.DOWN, "eu-west")
        record_one(data_dir, at, Status.UP, "us-east")
    else:
        record(data_dir, at, Status.UP if status == "up" else Status.DOWN)


def webhook(receiver: Receiver, channel_id: str = "hook", **extra: Any) -> dict[str, Any]:
    return {"id": channel_id, "type": "webhook", "url": f"{receiver.url}/hook", **extra}


def run(
    config: Config,
    data_dir: Path,
    now: datetime,
    incidents: Sequence[Incident] = (),
    options: DeliveryOptions = NO_WAIT,
) -> notifications.run.Report:
    return notify(config, incidents, data_dir, now, options)


def statuses(receiver: Receiver) -> list[str]:
    return [request.json()["status"] for request in receiver.requests]


def test_down_then_recovered_are_each_sent_once(tmp_path: Path) -> None:
    with http_receiver(200) as receiver:
        config = config_with([webhook(receiver)])
        record(tmp_path, NOW - 10 * MINUTE, Status.UP)
        run(config, tmp_path, NOW - 10 * MINUTE)
        assert receiver.requests == []  # first sight of an up monitor: nothing to say
        record(tmp_path, NOW - 5 * MINUTE, Status.DOWN)
        report = run(config, tmp_path, NOW - 5 * MINUTE)
        run(config, tmp_path, NOW - 4 * MINUTE)  # a re-run sees nothing new
        record(tmp_path, NOW, Status.UP)
        run(config, tmp_path, NOW)
        run(config, tmp_path, NOW)
    assert statuses(receiver) == ["error", "recovered"]
    assert [event.key for event in report.decided] == ["monitor.api.1.down"]
    body = receiver.requests[0].json()
    assert body["monitor"]["id"] == "api" and body["cronTimestamp"] > 0
    state = read_state(tmp_path)
    assert state is not None and state.monitors["api"].status == "up"
    assert state.monitors["api"].seq == 2


def at_once(count: int, action: Callable[[], object]) -> list[BaseException]:
    """Run `action` in `count` threads started together; what they raised."""
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def one() -> None:
        start.wait(5)
        try:
            action()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def test_two_concurrent_runs_on_the_same_data_send_once(tmp_path: Path) -> None:
    record(tmp_path, NOW, Status.DOWN)
    with http_receiver(200) as receiver:
        config = config_with([webhook(receiver), webhook(receiver, "second")])
        errors = at_once(4, lambda: run(config, tmp_path, NOW))
        run(config, tmp_path, NOW + MINUTE)  # and once more afterwards
    assert errors == []
    assert [request.path for request in receiver.requests] == ["/hook", "/hook"]


def test_a_run_that_crashed_before_sending_is_completed_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record(tmp_path, NOW, Status.DOWN)
    with http_receiver(200) as receiver:
        config = config_with([webhook(receiver)])

        async def crash(*args: object, **kwargs: object) -> None:
            raise SystemExit("killed")

        with monkeypatch.context() as patch:
            patch.setattr(notifications.run, "deliver_pending", crash)
            with pytest.raises(SystemExit):
                run(config, tmp_path, NOW)
        assert receiver.requests == []
        assert read_state(tmp_path) is not None  # decided and stored, not yet sent
        run(config, tmp_path, NOW + MINUTE)
        run(config, tmp_path, NOW + 2 * MINUTE)
    assert statuses(receiver) == ["error"]


def test_a_failing_channel_is_retried_logged_and_never_stops_the_others(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    record(tmp_path, NOW, Status.DOWN)
    SLEPT.clear()
    with http_receiver(500) as broken, http_receiver(200) as working:
        url = f"{broken.url}/services/${{HOOK}}"
        config = config_with(
            [
                {"id": "broken", "type": "slack", "webhook_url": url, "retries": 2},
                webhook(working),
            ],
            {"HOOK": SECRET},
        )
        with caplog.at_level(logging.INFO, logger="vigil"):
            report = run(config, tmp_path, NOW)
        assert len(broken.requests) == 3 and SLEPT == [1.0, 2.0]  # doubling backoff
        assert statuses(working) == ["error"]
        broken.answers = [200]
        run(config, tmp_path, NOW + 5 * MINUTE)  # the next run tries again
    assert len(broken.requests) == 4 and len(working.requests) == 1
    records = {channel: record.status for _, channel, record in report.deliveries}
    assert records == {"broken": "failed", "hook": "sent"}
    assert "monitor.api.1.down to broken failed: HTTP 500" in caplog.text
    _assert_secret_nowhere(SECRET, caplog.text, tmp_path)


def test_a_channel_whose_request_cannot_be_made_fails_alone_at_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A newline pasted into a secret webhook URL, a header that is not ASCII, an email
    header that cannot be written: each such channel fails without a retry and is logged;
    the run goes on and the other channels are delivered."""
    record(tmp_path, NOW, Status.DOWN)
    SLEPT.clear()
    with http_receiver(200) as working:
        mail = {
            "id": "mail",
            "type": "email",
            "host": "127.0.0.1",
            "port": 9,
            "from": "s@example.com",
            "to": ["o@example.com"],
            "subject_prefix": "[a\nb] ",
        }
        config = config_with(
            [
                {"id": "pasted", "type": "slack", "webhook_url": "${HOOK}"},
                webhook(working, "accented", headers={"X-Team": "équipe"}),
                mail,
                webhook(working),
            ],
            {"HOOK": f"https://hooks.example.com/services/{SECRET}\n"},
        )  # fmt: skip
        with caplog.at_level(logging.WARNING, logger="vigil"):
            report = run(config, tmp_path, NOW)
    assert statuses(working) == ["error"] and SLEPT == []
    records = {channel: record for _, channel, record in report.deliveries}
    assert {channel: record.status for channel, record in records.items()} == {
        "pasted": "failed", "accented": "failed", "mail": "failed", "hook": "sent"
    }  # fmt: skip
    assert records["pasted"].detail.startswith("InvalidURL: ")
    assert records["accented"].detail.startswith("UnicodeEncodeError: ")
    assert records["mail"].detail.startswith("ValueError: ")  # before any connection
    assert [records[c].attempts for c in ("pasted", "accented", "mail")] == [1, 1, 0]
    assert "monitor.api.1.down to pasted failed: InvalidURL" in caplog.text
    _assert_secret_nowhere(SECRET, caplog.text, tmp_path)


def test_a_secret_a_service_echoes_back_encoded_is_redacted_from_the_ledger(
    tmp_path: Path,
) -> None:
    """Pushover's token travels form-encoded and PagerDuty's JSON-escaped; a service that
    quotes the request in its error must not put either into data/."""
    hostile = 'key+with/"odd"\\chars&more'
    record(tmp_path, NOW, Status.DOWN)
    with http_receiver(400) as receiver:
        receiver.echo = True
        config = config_with(
            [
                {"id": "push", "type": "pushover", "token": "${KEY}", "user": "u-key-4471",
                 "api_url": receiver.url},
                {"id": "pd", "type": "pagerduty", "routing_key": "${KEY}",
                 "api_url": receiver.url},
            ],
            {"KEY": hostile},
        )  # fmt: skip
        report = run(config, tmp_path, NOW)
    details = [record.detail for _, _, record in report.deliveries]
    assert len(details) == 2 and all(d.startswith("HTTP 400: ") for d in details)
    assert any("token=***" in d for d in details) and any(
        '"routing_key":"***"' in d for d in details
    )
    stored = "".join(p.read_text() for p in tmp_path.rglob("*.json"))
    for form in (hostile, quote_plus(hostile), json.dumps(hostile)[1:-1]):
        assert form not in stored and all(form not in d for d in details)


def test_a_hanging_channel_is_cut_off_by_its_timeout_while_the_others_are_delivered(
    tmp_path: Path,
) -> None:
    record(tmp_path, NOW, Status.DOWN)
    with http_receiver(0) as hanging, http_receiver(200) as working:
        config = config_with(
            [webhook(hanging, "hanging", timeout="300ms", retries=1), webhook(working)]
        )
        started = time.monotonic()
        report = run(config, tmp_path, NOW)
        took = time.monotonic() - started
    assert len(hanging.requests) == 2 and statuses(working) == ["error"]
    assert took < 4.0  # two attempts of 0.3 s, not the receiver's 5 s hang
    failed = {channel: record for _, channel, record in report.deliveries}["hanging"]
    assert failed.status == "failed" and failed.detail == "no answer within 0.3s"


def test_a_hanging_channel_never_delays_the_others(tmp_path: Path) -> None:
    """The hang ends only once the other channel got its message: delivered one after the
    other, the hanging channel would have timed out (5 s) before the other was sent."""
    record(tmp_path, NOW, Status.DOWN)
    with http_receiver(0, 200) as hanging, http_receiver(200) as working:
        working.on_request = lambda _: hanging.released.set()
        config = config_with(
            [webhook(hanging, "hanging", timeout="5s", retries=1), webhook(working)]
        )
        report = run(config, tmp_path, NOW)
    _, retried = hanging.requests
    assert working.requests[0].at < retried.at
    records = {channel: record for _, channel, record in report.deliveries}
    assert records["hanging"].status == "sent" and records["hanging"].attempts == 2
    assert records["hook"].status == "sent"


def test_a_region_failing_alone_is_a_degraded_alert_and_page_changes_are_opt_in(
    tmp_path: Path,
) -> None:
    def regions(at: datetime, eu_west: Status) -> None:
        record_one(tmp_path, at, eu_west, "eu-west")
        record_one(tmp_path, at, Status.UP, "us-east")

    with http_receiver(200) as alerts, http_receiver(200) as page:
        config = config_with(
            [webhook(alerts), webhook(page, "page", events=["component.status_changed"])]
        )
        regions(NOW - 10 * MINUTE, Status.UP)
        run(config, tmp_path, NOW - 10 * MINUTE)
        regions(NOW - 5 * MINUTE, Status.DOWN)  # one of two regions: no quorum
        run(config, tmp_path, NOW - 5 * MINUTE)
        regions(NOW, Status.UP)
        run(config, tmp_path, NOW)
    assert statuses(alerts) == ["degraded", "recovered"]
    changes = [request.json()["data"]["component"] for request in page.requests]
    assert [(c["old_status"], c["status"]) for c in changes] == [
        ("operational", "degraded_performance"),
        ("degraded_performance", "operational"),
    ]
    assert [request.json()["event"] for request in page.requests] == [
        "component.status_changed"
    ] * 2


def test_maintenance_suppresses_alerts_and_min_duration_waits(
    tmp_path: Path, write_file: Any
) -> None:
    maintenance = Incident(
        id="db-upgrade",
        title="Database upgrade",
        kind="maintenance",
        monitors=["api"],
        scheduled_start=NOW - 30 * MINUTE,
        scheduled_end=NOW + 30 * MINUTE,
    )
    with http_receiver(200) as receiver:
        config = config_with([webhook(receiver, min_duration="10m", events=["down", "recovered"])])
        record(tmp_path, NOW - 20 * MINUTE, Status.UP)
        run(config, tmp_path, NOW - 20 * MINUTE, [maintenance])
        record(tmp_path, NOW, Status.DOWN)
        run(config, tmp_path, NOW, [maintenance])
        assert receiver.requests == []  # down during maintenance: no alert
        after = NOW + 35 * MINUTE
        record(tmp_path, after, Status.DOWN)
        run(config, tmp_path, after, [maintenance])
        assert receiver.requests == []  # down after it, but not yet for 10 minutes
        record(tmp_path, after + 10 * MINUTE, Status.DOWN)
        run(config, tmp_path, after + 10 * MINUTE, [maintenance])
        assert statuses(receiver) == ["error"]


def test_a_blip_shorter_than_min_duration_sends_neither_alert_nor_recovery(
    tmp_path: Path,
) -> None:
    with http_receiver(200) as receiver:
        config = config_with([webhook(receiver, min_duration="10m")])
        record(tmp_path, NOW - 10 * MINUTE, Status.UP)
        run(config, tmp_path, NOW - 10 * MINUTE)
        record(tmp_path, NOW - 5 * MINUTE, Status.DOWN)
        run(config, tmp_path, NOW - 5 * MINUTE)
        record(tmp_path, NOW, Status.UP)
        report = run(config, tmp_path, NOW)
    assert receiver.requests == []
    assert {record.status for _, _, record in report.deliveries} == {"skipped"}


def test_filters_route_events_by_monitor_group_and_send_on_resolved(tmp_path: Path) -> None:
    """`groups` and `monitors` pick the monitor alerts and the incidents that name such a
    monitor (one naming none concerns the whole page); `send_on_resolved: false` leaves
    out the recoveries, and only them."""

    def incident(incident_id: str, monitors: list[str]) -> Incident:
        fields = {"id": incident_id, "title": incident_id, "started_at": NOW}
        return Incident.model_validate({**fields, "monitors": monitors})

    incidents = [incident("api-errors", ["api"]), incident("db-slow", ["db"]), incident("all", [])]
    with http_receiver(200) as receiver:
        config = config_with(
            [
                webhook(receiver, "core", url=f"{receiver.url}/core", groups=["core"],
                        send_on_resolved=False),
                webhook(receiver, "db-only", url=f"{receiver.url}/db-only", monitors=["db"]),
                webhook(receiver, "every", url=f"{receiver.url}/every"),
            ]
        )  # fmt: skip
        run(config, tmp_path, NOW - 10 * MINUTE)  # the first run records, says nothing
        record(tmp_path, NOW - 5 * MINUTE, Status.DOWN)
        run(config, tmp_path, NOW - 5 * MINUTE, incidents)
        record(tmp_path, NOW, Status.UP)
        run(config, tmp_path, NOW, incidents)
    said: dict[str, list[str]] = {}
    for request in receiver.requests:
        body = request.json()
        said.setdefault(request.path, []).append(body.get("status") or body["data"]["title"])
    assert said == {
        "/core": ["all", "api-errors", "error"],  # api is in the group core
        "/db-only": ["all", "db-slow"],
        "/every": ["all", "api-errors", "db-slow", "error", "recovered"],
    }


def test_incident_events_follow_the_files(tmp_path: Path) -> None:
    def incident(**fields: Any) -> Incident:
        return Incident.model_validate(
            {"id": "errors", "title": "Errors", "started_at": NOW, "monitors": ["api"], **fields}
        )

    with http_receiver(200) as receiver:
        config = config_with([webhook(receiver)])
        run(config, tmp_path, NOW)  # the first run records what exists, says nothing
        updates = [{"at": NOW, "status": "identified", "message": "Found it."}]
        run(config, tmp_path, NOW + MINUTE, [incident()])
        run(config, tmp_path, NOW + 2 * MINUTE, [incident(updates=updates)])
        run(config, tmp_path, NOW + 3 * MINUTE, [incident(updates=updates, resolved_at=NOW)])
        run(config, tmp_path, NOW + 4 * MINUTE, [incident(updates=updates, resolved_at=NOW)])
        run(config, tmp_path, NOW + 5 * MINUTE, [incident(id="quiet", notify=False)])
    events = [request.json()["event"] for request in receiver.requests]
    assert events == ["incident.created", "incident.updated", "incident.resolved"]
    assert receiver.requests[1].json()["data"]["incident"]["status"] == "identified"


def test_after_check_logs_a_broken_data_folder_and_never_raises(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    data.write_text("not a folder")
    config = config_with([{"id": "hook", "type": "webhook", "url": "http://127.0.0.1:9/"}])
    with caplog.at_level(logging.WARNING, logger="vigil"):
        assert after_check(config, tmp_path / "incidents", data, NOW) is None
    assert "notifications failed" in caplog.text


def _assert_secret_nowhere(secret: str, log_text: str, data_dir: Path) -> None:
    assert secret not in log_text
    for path in data_dir.rglob("*"):
        if path.is_file() and path.suffix == ".json":
            assert secret not in path.read_text(), path


def test_a_refused_connection_alerts_without_the_status_code_of_an_older_answer(
    tmp_path: Path,
) -> None:
    """The newest result has no HTTP status (the connection was refused): the alert says
    none, not the 200 of the result before it."""
    with http_receiver(200) as receiver:
        config = config_with([webhook(receiver, events=["down"])])
        record(tmp_path, NOW - MINUTE, Status.UP)  # answered 200
        run(config, tmp_path, NOW - MINUTE)
        for region in ("eu-west", "us-east"):
            ResultStore(tmp_path).append(
                [
                    Result(
                        monitor_id="api",
                        region=region,
                        run_id=f"refused-{region}",
                        checked_at=NOW,
                        status=Status.DOWN,
                        error_kind=ErrorKind.CONNECT,
                        error_message="cannot connect to api.example.com:443: Connection refused",
                    )
                ]
            )
        run(config, tmp_path, NOW)
    (alert,) = [request.json() for request in receiver.requests]
    assert alert.get("statusCode") is None  # left out: there was no HTTP answer
    assert "latency" not in alert  # nor the older answer's response time: one row, the newest
    assert alert["errorMessage"].startswith("connect: cannot connect")
