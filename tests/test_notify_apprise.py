"""`type: apprise` end to end: Apprise's JSON service (`json://`) delivers to a real loopback
receiver exactly once across concurrent runs, through the same ledger, filters and
`min_duration` as every channel, and `vigil notify test`; the secret in an Apprise URL
reaches neither the log (Apprise's own included), nor `--dry-run`, the ledger or `site/`;
a URL of a service Apprise does not know is a located config error."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from checks.result import Status
from configuration.errors import ConfigError
from generator import main
from notifications.channels.apprise import known_schemes
from notifications.ledger import Ledger
from tests.notify_receivers import Receiver, http_receiver
from tests.notify_samples import NOW, config_with
from tests.test_notify_run import MINUTE, at_once, record, run

SECRET = "apprise-pass-7Qx2"


def apprise(
    receiver: Receiver, channel_id: str = "everywhere", **extra: object
) -> dict[str, object]:
    url = receiver.url.replace("http://", "json://vigil:${APPRISE_PASS}@") + "/alerts"
    return {"id": channel_id, "type": "apprise", "urls": [url], **extra}


def titles(receiver: Receiver) -> list[str]:
    return [request.json()["title"] for request in receiver.requests]


def test_two_concurrent_runs_deliver_through_apprise_exactly_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    record(tmp_path, NOW, Status.DOWN)
    with http_receiver(200) as receiver:
        config = config_with([apprise(receiver)], {"APPRISE_PASS": SECRET})
        with caplog.at_level(logging.DEBUG):  # every logger, Apprise's too
            errors = at_once(2, lambda: run(config, tmp_path, NOW))
            run(config, tmp_path, NOW + MINUTE)  # and once more afterwards
            record(tmp_path, NOW + 5 * MINUTE, Status.UP)
            run(config, tmp_path, NOW + 5 * MINUTE)
            run(config, tmp_path, NOW + 6 * MINUTE)
    assert errors == []
    assert titles(receiver) == ["API is down", "API has recovered"]
    assert [request.json()["type"] for request in receiver.requests] == ["failure", "success"]
    assert all(request.path == "/alerts" for request in receiver.requests)
    assert all(request.headers["user-agent"].startswith("Vigil/") for request in receiver.requests)
    record_ = Ledger(tmp_path).delivery("monitor.api.1.down", "everywhere")
    assert record_ is not None and record_.status == "sent"
    _nowhere(SECRET, caplog.text, tmp_path)


def test_a_failing_apprise_service_stays_pending_and_says_why_without_its_secret(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    record(tmp_path, NOW, Status.DOWN)
    with http_receiver(500) as receiver:
        config = config_with([apprise(receiver, retries=1)], {"APPRISE_PASS": SECRET})
        with caplog.at_level(logging.DEBUG):
            report = run(config, tmp_path, NOW)
        assert len(receiver.requests) == 2  # tried again once, as `retries` says
        receiver.answers = [200]
        run(config, tmp_path, NOW + MINUTE)
    ((_, _, failed),) = report.deliveries
    assert failed.status == "failed" and "500" in failed.detail
    assert len(receiver.requests) == 3 and titles(receiver)[-1] == "API is down"
    assert "monitor.api.1.down to everywhere failed" in caplog.text
    _nowhere(SECRET, caplog.text, tmp_path)


def test_filters_and_min_duration_apply_to_apprise_as_to_every_channel(tmp_path: Path) -> None:
    with http_receiver(200) as receiver:
        config = config_with(
            [
                apprise(receiver, "db-only", monitors=["db"]),
                apprise(receiver, "patient", min_duration="10m"),
            ],
            {"APPRISE_PASS": SECRET},
        )
        record(tmp_path, NOW - 10 * MINUTE, Status.UP)
        run(config, tmp_path, NOW - 10 * MINUTE)
        record(tmp_path, NOW - 5 * MINUTE, Status.DOWN)
        run(config, tmp_path, NOW - 5 * MINUTE)
        assert receiver.requests == []  # not db; down for less than 10 minutes
        record(tmp_path, NOW + 5 * MINUTE, Status.DOWN)
        run(config, tmp_path, NOW + 5 * MINUTE)
    assert titles(receiver) == ["API is down"]


def _cli(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_notify_test_dry_run_and_build_keep_the_apprise_secret_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with http_receiver(200) as receiver:
        url = receiver.url.replace("http://", "json://vigil:${APPRISE_PASS}@") + "/alerts"
        (tmp_path / "config.yaml").write_text(
            "version: 1\nsite: {title: Test, url: 'https://status.example.com'}\n"
            "regions: [{id: local, name: Loopback}]\n"
            "monitors: [{id: web, name: Web, type: tcp, host: 127.0.0.1, port: 9}]\n"
            f"notifications: [{{id: everywhere, type: apprise, urls: ['{url}']}}]\n"
        )
        env = {"APPRISE_PASS": SECRET}
        code, out, err = _cli("notify", "test", "everywhere", "--dry-run", env=env)
        assert code == 0, err
        assert out.count("APPRISE json://vigil:") == 1 and "Test notification" in out
        assert receiver.requests == []
        code, out, err = _cli("notify", "test", "everywhere", env=env)
        assert code == 0, err
        assert titles(receiver) == ["Test notification from Vigil"]
        code, _, err = _cli("build", "--out", "site", env=env)
        assert code == 0, err
    assert SECRET not in out + err
    for path in (tmp_path / "site").rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_an_unknown_service_is_a_located_config_error_and_never_shows_the_url() -> None:
    assert {"json", "tgram", "discord", "mailto", "ntfy", "mastodon"} <= known_schemes()
    entry = {"id": "x", "type": "apprise", "urls": ["tgram://a/b", "nosuch://user:hunter2@h/"]}
    with pytest.raises(ConfigError) as raised:
        config_with([entry])
    (problem,) = raised.value.problems
    assert problem.path == "notifications[0].urls"
    assert problem.line > 1
    assert 'expected an Apprise URL of a known service, got "nosuch://"' in problem.message
    assert "hunter2" not in str(problem)


def _nowhere(secret: str, log_text: str, data_dir: Path) -> None:
    assert secret not in log_text
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
