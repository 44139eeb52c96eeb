"""`vigil notify` and the hook in `vigil check`, through click's CliRunner, against real
receivers; and the config checks of `notifications:`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import main
from tests.notify_receivers import http_receiver

SECRET = "tg-bot-secret-42"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def write_config(folder: Path, target: str, channels: str) -> None:
    (folder / "config.yaml").write_text(
        f"""\
version: 1
site: {{title: Test, url: "https://status.example.com"}}
regions: [{{id: local, name: Loopback}}]
runner: {{canary: []}}
monitors:
  - {{id: web, name: Web, type: http, url: "{target}", timeout: 2s}}
notifications:
{channels}"""
    )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_sends_the_alert_after_writing_its_results(project: Path) -> None:
    with http_receiver(503) as target, http_receiver(200) as hook:
        write_config(
            project, f"{target.url}/health", f"  - {{id: hook, type: webhook, url: '{hook.url}'}}\n"
        )
        code, out, _ = run("check", "--region", "local", "--now", "2026-11-23T12:00:00Z")
        assert code == 0, out
        assert "web: down" in out
        code, _, _ = run("check", "--region", "local", "--all", "--now", "2026-11-23T12:01:00Z")
        assert code == 0
    assert [request.json()["status"] for request in hook.requests] == ["error"]
    assert hook.requests[0].json()["monitor"] == {
        "id": "web",
        "name": "Web",
        "url": f"{target.url}/health",
    }
    assert (project / "data" / "state.json").is_file()


def test_check_with_no_notify_records_results_and_leaves_the_sending_to_notify_send(
    project: Path,
) -> None:
    """What the workflow's check jobs run: results only; the notify job sends them."""
    with http_receiver(503) as target, http_receiver(200) as hook:
        write_config(
            project, f"{target.url}/", f"  - {{id: hook, type: webhook, url: '{hook.url}'}}\n"
        )
        now = "2026-11-23T12:00:00Z"
        code, out, _ = run("check", "--region", "local", "--no-notify", "--now", now)
        assert code == 0 and "web: down" in out
        assert hook.requests == [] and not (project / "data" / "state.json").exists()
        code, out, _ = run("notify", "send", "--now", now)
        assert code == 0 and "monitor.web.1.down → hook: sent" in out
        code, out, _ = run("notify", "send", "--now", now)
        assert code == 0 and "0 new event(s), 0 delivery record(s)" in out
    assert [request.json()["status"] for request in hook.requests] == ["error"]


def telegram_channel(api_url: str) -> str:
    """A channel whose bot token is the secret `${BOT}`."""
    return (
        f"  - {{id: tg, type: telegram, bot_token: '${{BOT}}', chat_id: '42',"
        f" api_url: '{api_url}'}}\n"
    )


def test_notify_test_dry_run_prints_the_request_without_secrets(project: Path) -> None:
    with http_receiver(200) as receiver:
        write_config(project, "http://127.0.0.1:9/", telegram_channel(receiver.url))
        code, out, _ = run("notify", "test", "tg", "--dry-run", env={"BOT": SECRET})
        assert code == 0
        assert receiver.requests == []
        assert f"POST {receiver.url}/bot***/sendMessage" in out
        assert '"text":"🔵 <b>Test notification from Vigil</b>' in out
        assert SECRET not in out
        code, out, _ = run("notify", "test", "tg", env={"BOT": SECRET})
        assert code == 0 and "tg: test message delivered" in out
    assert receiver.requests[0].path == f"/bot{SECRET}/sendMessage"


def test_notify_test_dry_run_needs_no_secret(project: Path) -> None:
    """Issue 22, defect 6: the dry run prints the request, the unset secret masked."""
    with http_receiver(200) as receiver:
        write_config(project, "http://127.0.0.1:9/", telegram_channel(receiver.url))
        code, out, err = run("notify", "test", "tg", "--dry-run", env={"VIGIL_SECRETS": "{}"})
        assert code == 0, err
        assert f"POST {receiver.url}/bot***/sendMessage" in out
        assert '"chat_id":"42"' in out
        code, out, err = run("notify", "test", "tg", env={"VIGIL_SECRETS": "{}"})
    assert code == 3
    assert err.splitlines() == [
        "config.yaml:8:41: notifications[0].bot_token: secret BOT is not set; add it as a "
        "repository secret (Settings > Secrets and variables > Actions) or set it in the "
        "environment of the notify step",
        "1 channel(s) not sent to (tg): a secret they use is not set",
    ]
    assert receiver.requests == []


def test_notify_test_reports_a_failed_delivery_and_an_unknown_channel(project: Path) -> None:
    with http_receiver(401) as receiver:
        write_config(
            project,
            "http://127.0.0.1:9/",
            f"  - {{id: hook, type: webhook, url: '{receiver.url}'}}\n",
        )
        code, _, err = run("notify", "test", "hook")
        assert code == 1 and "not delivered after 1 attempt(s): HTTP 401" in err
        code, _, err = run("notify", "test", "nope")
    assert code == 2 and 'no channel "nope"' in err and "channels: hook" in err


def test_notify_send_dry_run_records_nothing(project: Path) -> None:
    with http_receiver(503) as target, http_receiver(200) as hook:
        write_config(
            project, f"{target.url}/", f"  - {{id: hook, type: webhook, url: '{hook.url}'}}\n"
        )
        (project / "config.yaml").write_text(
            (project / "config.yaml")
            .read_text()
            .replace("runner: {canary: []}", "runner: {canary: []}\n")
        )
        run("check", "--region", "local", "--now", "2026-11-23T12:00:00Z")
        state = (project / "data" / "state.json").read_text()
        run("check", "--region", "local", "--all", "--now", "2026-11-23T12:01:00Z")
        code, out, _ = run("notify", "send", "--dry-run", "--now", "2026-11-23T12:01:00Z")
        assert code == 0 and "0 notification(s) would be sent" in out
        (project / "data" / "state.json").unlink()
        (project / "incidents").mkdir()
        (project / "incidents" / "2026-11-23-x.md").write_text(
            "---\ntitle: X\nstarted_at: 2026-11-23T11:00:00Z\n---\n"
        )
        code, out, _ = run("notify", "send", "--dry-run", "--now", "2026-11-23T12:01:00Z")
    assert code == 0 and "# monitor.web.1.down → hook" in out
    assert "1 notification(s) would be sent" in out  # the first run announces no old incident
    assert not (project / "data" / "state.json").exists()
    assert '"status": "down"' in state
    assert len(hook.requests) == 1


def test_channel_filters_naming_unknown_monitors_are_located_errors(project: Path) -> None:
    channels = (
        "  - {id: a, type: webhook, url: 'http://127.0.0.1:9/', monitors: [wbe], groups: [x]}\n"
        "  - {id: a, type: ntfy, topic: t, events: [down, exploded]}\n"
    )
    write_config(project, "http://127.0.0.1:9/", channels)
    code, _, err = run("validate", "--config", "config.yaml")
    assert code == 2
    assert 'notifications[0].monitors[0]: unknown monitor "wbe", did you mean "web"?' in err
    assert 'notifications[0].groups[0]: unknown group "x"' in err
    assert 'notifications[1].id: duplicate id "a"' in err
    assert "notifications[1].events[1]" in err


def test_each_job_needs_only_the_secrets_it_uses_and_none_reaches_data_or_a_receiver(
    project: Path,
) -> None:
    """The workflow gives monitor secrets to the check jobs and channel secrets to the
    notify job only; the regions job, the build and validation get none."""
    key, hook_token = "api-key-5c1e", "hook-token-77a0"
    with http_receiver(503) as target, http_receiver(200) as hook:
        write_config(
            project,
            f"{target.url}/health?key=${{API_KEY}}",
            f"  - {{id: hook, type: webhook, url: '{hook.url}/h/${{HOOK}}'}}\n",
        )
        now = "2026-11-23T12:00:00Z"
        check = ["check", "--region", "local", "--no-notify", "--now", now]
        assert run(*check, env={"API_KEY": key})[0] == 0
        assert target.requests[0].query == {"key": [key]}
        for command in (["regions", "--json"], ["validate"]):
            assert run(*command)[0] == 0, command
        code, out, _ = run("notify", "send", "--now", now, env={"HOOK": hook_token})
        assert code == 0 and "monitor.web.1.down → hook: sent" in out
        both = {"API_KEY": key, "HOOK": hook_token}
        later = ["check", "--region", "local", "--all", "--now", "2026-11-23T12:10:00Z"]
        target.answers = [200]
        assert run(*later, env=both)[0] == 0  # recovered: notified with every secret set
    urls = [request.json()["monitor"]["url"] for request in hook.requests]
    assert urls == [f"{target.url}/health?key=${{API_KEY}}", f"{target.url}/health?key=***"]
    assert [request.path for request in hook.requests] == [f"/h/{hook_token}"] * 2
    stored = [p.read_bytes() for p in (project / "data").rglob("*") if p.is_file()]
    assert stored and not any(key.encode() in b or hook_token.encode() in b for b in stored)


def test_notify_send_dry_run_masks_the_channels_secrets(project: Path) -> None:
    now = "2026-11-23T12:00:00Z"
    with http_receiver(503) as target, http_receiver(200) as hook:
        channel = (
            f"  - {{id: hook, type: webhook, url: '{hook.url}/h/${{HOOK}}',"
            " headers: {X-Token: '${HOOK}'}}\n"
        )
        write_config(project, f"{target.url}/", channel)
        assert run("check", "--region", "local", "--no-notify", "--now", now)[0] == 0
        code, out, _ = run("notify", "send", "--dry-run", "--now", now, env={"HOOK": SECRET})
    assert code == 0 and hook.requests == []
    assert "# monitor.web.1.down → hook" in out
    assert f"POST {hook.url}/h/***\n" in out and "X-Token: ***\n" in out
    assert SECRET not in out


def test_notify_test_of_a_channel_whose_request_cannot_be_made_says_why(project: Path) -> None:
    """A newline pasted with the secret: exit status 1 and the reason, never a traceback."""
    write_config(
        project, "http://127.0.0.1:9/", "  - {id: slack, type: slack, webhook_url: '${HOOK}'}\n"
    )
    code, _, err = run(
        "notify", "test", "slack", env={"HOOK": f"https://hooks.example.com/{SECRET}\n"}
    )
    assert code == 1
    assert "slack: not delivered after 1 attempt(s): InvalidURL: " in err
    assert SECRET not in err


TWO_CHANNELS = (
    "  - {{id: ops, type: webhook, url: '{ops}'}}\n"
    "  - {{id: hook, type: webhook, url: '{hook}/h/${{HOOK}}'}}\n"
)
UNSET_HOOK = (
    "config.yaml:9:36: notifications[1].url: secret HOOK is not set; add it as a repository "
    "secret (Settings > Secrets and variables > Actions) or set it in the environment of the "
    "{step} step"
)


def test_notify_send_fails_only_the_channel_whose_secret_is_unset_and_sends_it_later(
    project: Path,
) -> None:
    """Its notification is a failed delivery, pending until the secret is added; then it
    is sent once, and the other channel never twice."""
    now = "2026-11-23T12:00:00Z"
    with http_receiver(503) as target, http_receiver(200) as ops, http_receiver(200) as hook:
        write_config(project, f"{target.url}/", TWO_CHANNELS.format(ops=ops.url, hook=hook.url))
        assert run("check", "--region", "local", "--no-notify", "--now", now)[0] == 0
        code, out, err = run("notify", "send", "--now", now, env={"GITHUB_ACTIONS": "true"})
        assert code == 3
        assert "monitor.web.1.down → ops: sent" in out
        assert "monitor.web.1.down → hook: failed (secret HOOK is not set)" in out
        assert err.splitlines() == [
            UNSET_HOOK.format(step="notify"),
            "1 channel(s) not sent to (hook): a secret they use is not set",
        ]
        assert "::error file=config.yaml,line=9,col=36::notifications[1].url: secret HOOK" in out
        record = project / "data/notifications/deliveries/monitor.web.1.down@hook.json"
        assert json.loads(record.read_text())["status"] == "failed"
        assert hook.requests == []
        shared = json.dumps({"hook": SECRET})
        code, out, _ = run("notify", "send", "--now", now, env={"VIGIL_SECRETS": shared})
        assert code == 0
        assert out.splitlines() == [
            "monitor.web.1.down → hook: sent",
            "0 new event(s), 1 delivery record(s)",
        ]
        code, out, _ = run("notify", "send", "--now", now, env={"VIGIL_SECRETS": shared})
        assert code == 0 and "0 new event(s), 0 delivery record(s)" in out
    assert len(ops.requests) == 1
    assert [request.path for request in hook.requests] == [f"/h/{SECRET}"]
    stored = [p.read_bytes() for p in (project / "data").rglob("*") if p.is_file()]
    assert not any(SECRET.encode() in data for data in stored)


def test_a_check_that_notifies_checks_and_notifies_all_but_the_channel_without_its_secret(
    project: Path,
) -> None:
    now = "2026-11-23T12:00:00Z"
    with http_receiver(503) as target, http_receiver(200) as ops, http_receiver(200) as hook:
        write_config(project, f"{target.url}/", TWO_CHANNELS.format(ops=ops.url, hook=hook.url))
        code, out, err = run("check", "--region", "local", "--now", now)
    assert code == 3
    assert "web: down" in out and "local: 1 checked → data/results/region=local/" in out
    assert err.splitlines()[0] == UNSET_HOOK.format(step="check")
    assert "1 channel(s) not sent to (hook): a secret they use is not set" in err
    assert [request.json()["status"] for request in ops.requests] == ["error"]
    assert hook.requests == []
