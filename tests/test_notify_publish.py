"""Exactly-once across machines, as the workflow runs it: each notify job is a fresh clone
that checks out the data branch, sends, and publishes the ledger and data/state.json; the
next job, on another machine, reads them from the branch and sends nothing again. Against
a real bare repository in tmp_path."""

from __future__ import annotations

from pathlib import Path

from checks.result import Status
from configuration.models import Config
from notifications.run import notify
from publishing.publish import publish
from tests.notify_receivers import http_receiver
from tests.notify_samples import NO_WAIT, NOW, config_with
from tests.test_notify_run import MINUTE, record, statuses, webhook
from tests.test_publish import BRANCH, FAST, branch_files, clone


def check_job(origin: Path, name: str) -> None:
    """A region's check job: both regions saw api down; the results go to the branch."""
    data = clone(origin, name) / "data"
    record(data, NOW, Status.DOWN)
    publish(data, BRANCH, message=name, retry=FAST)


def notify_job(origin: Path, name: str, config: Config, *, pushes: bool = True) -> None:
    """One run of the workflow's notify job on a machine of its own."""
    data = clone(origin, name) / "data"
    notify(config, [], data, NOW + MINUTE, NO_WAIT)
    if pushes:
        publish(data, BRANCH, message="notify", retry=FAST)


def test_a_notify_job_on_another_machine_sends_nothing_the_last_one_published(origin: Path) -> None:
    check_job(origin, "check-eu-west")
    with http_receiver(200) as receiver:
        config = config_with([webhook(receiver)])
        notify_job(origin, "notify-1", config)
        notify_job(origin, "notify-2", config)
    assert statuses(receiver) == ["error"]
    files = branch_files(origin)
    assert "notifications/events/monitor.api.1.down.json" in files
    assert '"status": "sent"' in files["notifications/deliveries/monitor.api.1.down@hook.json"]
    assert '"seq": 1' in files["state.json"]


def test_a_job_that_sent_but_never_pushed_is_repeated_once_by_the_next(origin: Path) -> None:
    """The honest limit: a job that dies between sending and pushing leaves no trace on
    the branch, so the next job sends that notification again, once."""
    check_job(origin, "check")
    with http_receiver(200) as receiver:
        config = config_with([webhook(receiver)])
        notify_job(origin, "crashed", config, pushes=False)
        notify_job(origin, "next", config)
        notify_job(origin, "after", config)
    assert statuses(receiver) == ["error", "error"]
