"""Reminders (`remind_every`, `remind_max`) and escalation (`escalate_after`,
`escalate_to`) on real results, real loopback receivers and a fake clock: each reminder
and each escalation is a ledger event of its own, sent once, never after the recovery;
an escalation target hears of an episode only once it is escalated, then of its
recovery."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from generator import main
from notifications.ledger import Ledger
from notifications.run import Report
from tests.notify_receivers import Receiver, http_receiver
from tests.notify_samples import NOW, config_with
from tests.test_notify_run import MINUTE, at_once, observe_at, run, statuses, webhook

FIRST = "monitor.api.1.down"


def sent(report: Report, channel: str = "hook") -> list[str]:
    return [key for key, c, record in report.deliveries if c == channel and record.status == "sent"]


def timeline(config_channels: list[dict[str, Any]], data_dir: Path, minutes: list[tuple[int, str]],
             channel: str = "hook") -> dict[int, list[str]]:  # fmt: skip
    """Observe and run at each minute after NOW; the keys sent to `channel` per minute."""
    config = config_with(config_channels)
    said: dict[int, list[str]] = {}
    for minute, status in minutes:
        observe_at(data_dir, NOW + minute * MINUTE, status)
        keys = sent(run(config, data_dir, NOW + minute * MINUTE), channel)
        if keys:
            said[minute] = keys
    return said


def every_5_minutes(down_for: int, start: int = 0) -> list[tuple[int, str]]:
    """Up at `start - 5`, down from `start` for `down_for` minutes, then up twice."""
    runs = [(start - 5, "up")]
    runs += [(start + m, "down") for m in range(0, down_for, 5)]
    return [*runs, (start + down_for, "up"), (start + down_for + 5, "up")]


def test_reminders_come_every_remind_every_at_most_remind_max_times_and_stop_at_recovery(
    tmp_path: Path,
) -> None:
    with http_receiver(200) as receiver:
        hook = webhook(receiver, remind_every="10m", remind_max=2)
        said = timeline([hook], tmp_path, every_5_minutes(45))
        assert statuses(receiver) == ["error", "error", "error", "recovered"]
    assert said == {
        0: [FIRST],
        10: [f"{FIRST}:remind:hook:1"],
        20: [f"{FIRST}:remind:hook:2"],  # then no more: remind_max is 2
        45: ["monitor.api.2.recovered"],
    }


def test_reminders_count_from_min_duration_and_a_late_run_sends_only_the_newest_due(
    tmp_path: Path,
) -> None:
    hook = {"min_duration": "10m", "remind_every": "15m", "remind_max": 5}
    with http_receiver(200) as receiver:
        runs = [(-5, "up"), (0, "down"), (10, "down"), (24, "down"), (25, "down"), (70, "down")]
        said = timeline([webhook(receiver, **hook)], tmp_path, runs)
    # alert at 10 (min_duration), reminders due at 25, 40, 55, 70: the run at 70 says #4
    assert said == {10: [FIRST], 25: [f"{FIRST}:remind:hook:1"], 70: [f"{FIRST}:remind:hook:4"]}


def test_a_reminder_still_pending_when_the_monitor_recovers_is_never_sent(tmp_path: Path) -> None:
    with http_receiver(200) as receiver:
        config = config_with([webhook(receiver, remind_every="10m")])
        for minute, status in [(-5, "up"), (0, "down")]:
            observe_at(tmp_path, NOW + minute * MINUTE, status)
            run(config, tmp_path, NOW + minute * MINUTE)
        receiver.answers = [500]  # the reminder at 10 fails, and is left pending
        observe_at(tmp_path, NOW + 10 * MINUTE, "down")
        run(config, tmp_path, NOW + 10 * MINUTE)
        receiver.answers = [200]
        observe_at(tmp_path, NOW + 15 * MINUTE, "up")
        report = run(config, tmp_path, NOW + 15 * MINUTE)
    assert statuses(receiver)[-1] == "recovered" and statuses(receiver).count("error") == 4
    reminder = Ledger(tmp_path).delivery(f"{FIRST}:remind:hook:1", "hook")
    assert reminder is not None and reminder.status == "skipped"
    assert reminder.detail == "its alert was over before it was sent"
    assert sent(report) == ["monitor.api.2.recovered"]


def test_no_reminder_to_a_channel_that_was_not_sent_the_alert(tmp_path: Path) -> None:
    """`monitors: [db]` filters the api alert out, so also its reminders."""
    with http_receiver(200) as receiver:
        said = timeline(
            [webhook(receiver, remind_every="5m", monitors=["db"])], tmp_path, every_5_minutes(30)
        )
    assert said == {} and receiver.requests == []


def escalating(receiver: Receiver, **pager: Any) -> list[dict[str, Any]]:
    return [
        webhook(receiver, url=f"{receiver.url}/ops", escalate_after="30m", escalate_to=["pager"]),
        webhook(receiver, "pager", url=f"{receiver.url}/pager", **pager),
        webhook(receiver, "other", url=f"{receiver.url}/other"),
    ]


def paths(receiver: Receiver) -> dict[str, list[str]]:
    said: dict[str, list[str]] = {}
    for request in receiver.requests:
        said.setdefault(request.path, []).append(request.json()["status"])
    return said


def test_escalation_is_sent_once_after_escalate_after_to_the_escalation_list_only(
    tmp_path: Path,
) -> None:
    with http_receiver(200) as receiver:
        config = escalating(receiver)
        said = timeline(config, tmp_path, every_5_minutes(60), "pager")
        assert paths(receiver) == {
            "/ops": ["error", "recovered"],
            "/other": ["error", "recovered"],
            "/pager": ["error", "recovered"],  # the escalation, then its recovery
        }
    assert said == {30: [f"{FIRST}:escalate:pager"], 60: ["monitor.api.2.recovered"]}


def test_a_shorter_episode_is_never_escalated_nor_its_recovery_sent_there(tmp_path: Path) -> None:
    with http_receiver(200) as receiver:
        said = timeline(escalating(receiver), tmp_path, every_5_minutes(25), "pager")
        assert "/pager" not in paths(receiver) and said == {}
        assert paths(receiver)["/ops"] == ["error", "recovered"]


def test_escalation_respects_the_targets_min_duration_and_filters(tmp_path: Path) -> None:
    with http_receiver(200) as receiver:
        waits = escalating(receiver, min_duration="45m")
        said = timeline(waits, tmp_path, every_5_minutes(60), "pager")
    assert said == {45: [f"{FIRST}:escalate:pager"], 60: ["monitor.api.2.recovered"]}
    with http_receiver(200) as receiver:
        filtered = escalating(receiver, monitors=["db"])
        said = timeline(filtered, tmp_path / "other", every_5_minutes(60), "pager")
        assert "/pager" not in paths(receiver) and said == {}
        assert paths(receiver)["/ops"] == ["error", "recovered"]


def test_two_concurrent_runs_send_a_reminder_and_an_escalation_once(tmp_path: Path) -> None:
    with http_receiver(200) as receiver:
        channels = escalating(receiver)
        channels[0]["remind_every"] = "30m"
        config = config_with(channels)
        for minute, status in [(-5, "up"), (0, "down"), (30, "down")]:
            observe_at(tmp_path, NOW + minute * MINUTE, status)
            if minute < 30:
                run(config, tmp_path, NOW + minute * MINUTE)
        errors = at_once(4, lambda: run(config, tmp_path, NOW + 30 * MINUTE))
        run(config, tmp_path, NOW + 31 * MINUTE)
        assert errors == []
        assert paths(receiver) == {
            "/ops": ["error", "error"],  # the alert, one reminder
            "/other": ["error"],
            "/pager": ["error"],  # one escalation
        }
    events = [event.key for event in Ledger(tmp_path).events()]
    assert events == [FIRST, f"{FIRST}:escalate:pager", f"{FIRST}:remind:hook:1"]


def _validate(tmp_path: Path, channel: str) -> tuple[int, str]:
    text = (
        "version: 1\nregions: [{id: local, name: Loopback}]\n"
        "monitors:\n  - {id: web, name: Web, type: http, url: 'https://example.com/'}\n"
        "notifications:\n  - {id: pager, type: webhook, url: 'https://example.com/p'}\n"
        f"  - {channel}\n"
    )
    (tmp_path / "config.yaml").write_text(text)
    result = CliRunner().invoke(main, ["validate", "--config", str(tmp_path / "config.yaml")])
    return result.exit_code, result.stderr


def test_bad_reminder_and_escalation_settings_are_located_config_errors(tmp_path: Path) -> None:
    base = "id: hook, type: webhook, url: 'https://example.com/h'"
    cases = {
        "remind_every: 0s": (
            "config.yaml:7:", "notifications[1].remind_every", 'longer than 0s, got "0s"'),
        "remind_max: 0": (
            "config.yaml:7:", "notifications[1].remind_max", "expected a number >= 1, got 0"),
        "escalate_after: 0s, escalate_to: [pager]": (
            "config.yaml:7:", "notifications[1].escalate_after", "longer than 0s"),
        "escalate_after: 30m, escalate_to: [pagr]": (
            "config.yaml:7:", "notifications[1].escalate_to[0]", 'unknown channel "pagr"'),
        "escalate_after: 30m": ("config.yaml:7:", "notifications[1]", "needs escalate_to"),
        "min_duration: 1h, escalate_after: 30m, escalate_to: [pager]": (
            "config.yaml:7:", "notifications[1]", "escalate_after (30m) is shorter than "
            "min_duration (1h): it would escalate before this channel is alerted"),
    }  # fmt: skip
    for setting, expected in cases.items():
        code, err = _validate(tmp_path, f"{{{base}, {setting}}}")
        assert code == 2, setting
        lines = [line for line in err.splitlines() if "notifications[1]" in line]
        assert len(lines) == 1, err
        assert all(part in lines[0] for part in expected), lines[0]


def test_the_documented_example_loads_and_schedules_as_documented() -> None:
    doc = (Path(__file__).parent.parent / "docs" / "notifications.md").read_text()
    section = doc.split("### Reminders and escalation", 1)[1]
    example = yaml.safe_load(section.split("```yaml\n", 1)[1].split("```", 1)[0])
    env = {"SLACK_WEBHOOK_URL": "https://hooks.slack.com/x", "PAGERDUTY_ROUTING_KEY": "k"}
    chat, pager = config_with(example["notifications"], env).notifications
    assert (chat.remind_every, chat.remind_max, chat.escalate_to) == (30 * MINUTE, 4, ["pager"])
    assert pager.escalate_after is None
    assert "at 35m, 1h05m, 1h35m\n  and 2h05m" in section  # min_duration + n * remind_every
