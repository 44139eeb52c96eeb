"""`vigil alerts` on a ledger written by real notification runs against loopback receivers:
delivered, retried within a run and across runs, failed (with the reason, secrets
redacted), skipped and pending; the filters, `--json` against its schema, `--out` kept off
a built site, and a ledger written before deliveries recorded their retries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from checks.result import Status
from configuration.loader import load_config_text
from generator import main
from notifications.ledger import Delivery, Ledger
from notifications.run import notify
from tests.notify_receivers import Receiver, http_receiver
from tests.notify_samples import BASE_CONFIG, NO_WAIT, NOW
from tests.site_fixture import build_fixture_site
from tests.test_notify_run import record

MINUTE = timedelta(minutes=1)
KEY = 'push-key+with/"odd"&chars-5521'
ENV = {"KEY": KEY}
SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "schemas" / "cli-alerts.schema.json").read_text()
)


def channels(receivers: dict[str, Receiver]) -> list[dict[str, Any]]:
    hook = {"type": "webhook", "monitors": ["api"]}
    return [
        {**hook, "id": "ok", "url": f"{receivers['ok'].url}/hook"},
        {**hook, "id": "flaky", "url": f"{receivers['flaky'].url}/hook", "retries": 2},
        {**hook, "id": "later", "url": f"{receivers['later'].url}/hook", "retries": 0},
        {"id": "broken", "type": "pushover", "token": "${KEY}", "user": "u-key-4471",
         "api_url": receivers["broken"].url, "monitors": ["api"]},
        {**hook, "id": "patient", "url": f"{receivers['patient'].url}/hook",
         "min_duration": "1h"},
    ]  # fmt: skip


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A config and a ledger from three notification runs: api up, then down (delivered
    to `ok`, after a repeated request to `flaky`, failed on `later`, `broken` and kept
    back by `patient`'s min_duration), then up again (`later` sends both)."""
    monkeypatch.chdir(tmp_path)
    answers = {"ok": [200], "flaky": [500, 200], "later": [503], "broken": [400], "patient": [200]}
    with ExitStack() as stack:
        receivers = {name: stack.enter_context(http_receiver(*a)) for name, a in answers.items()}
        receivers["broken"].echo = True  # quotes the request (the token) in its error
        text = BASE_CONFIG + yaml.safe_dump({"notifications": channels(receivers)})
        (tmp_path / "config.yaml").write_text(text)
        config = load_config_text(text, "config.yaml", ENV)
        data = tmp_path / "data"
        for at, status in ((-10, Status.UP), (-5, Status.DOWN), (0, Status.UP)):
            record(data, NOW + at * MINUTE, status)
            notify(config, [], data, NOW + at * MINUTE, NO_WAIT)
            if status is Status.DOWN:
                receivers["later"].answers = [200]  # up again for the next run
        yield tmp_path


def alerts(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, ["alerts", "--now", NOW.isoformat(), *args], env=ENV, catch_exceptions=False
    )
    return result.exit_code, result.stdout, result.stderr


def history(*args: str) -> list[dict[str, Any]]:
    code, out, err = alerts("--json", *args)
    assert code == 0, err
    document = json.loads(out)
    Draft202012Validator(SCHEMA).validate(document)
    rows: list[dict[str, Any]] = document["alerts"]
    return rows


def by_channel(rows: list[dict[str, Any]], event: str) -> dict[str, dict[str, Any]]:
    return {row["channel"]["id"]: row for row in rows if row["event"] == event}


def test_the_history_says_what_became_of_every_alert_on_every_channel(project: Path) -> None:
    rows = history()
    assert [row["event"] for row in rows][:1] == ["monitor.api.1.down"]
    down = by_channel(rows, "monitor.api.1.down")
    assert {channel: row["outcome"] for channel, row in down.items()} == {
        "ok": "delivered", "flaky": "retried", "later": "retried", "broken": "failed",
        "patient": "skipped",
    }  # fmt: skip
    assert (down["ok"]["attempts"], down["ok"]["retries"], down["ok"]["runs"]) == (1, 0, 1)
    assert (down["flaky"]["attempts"], down["flaky"]["retries"], down["flaky"]["runs"]) == (2, 1, 1)
    later = down["later"]
    assert later["runs"] == 2 and later["status"] == "sent"
    assert later["recorded_at"] == "2026-11-23T12:00:00Z"
    assert [(f["at"], f["reason"][:8]) for f in later["earlier_failures"]] == [
        ("2026-11-23T11:55:00Z", "HTTP 503")
    ]
    broken = down["broken"]
    assert broken["runs"] == 2 and broken["reason"].startswith("HTTP 400: ")
    assert "***" in broken["reason"] and broken["channel"]["type"] == "pushover"
    assert down["patient"]["reason"] == "over within min_duration"
    recovered = by_channel(rows, "monitor.api.2.recovered")
    assert {channel: row["outcome"] for channel, row in recovered.items()} == {
        "ok": "delivered", "flaky": "delivered", "later": "delivered", "broken": "pending",
        "patient": "skipped",
    }  # fmt: skip
    assert {row["episode"] for row in recovered.values()} == {"monitor.api.1.down"}
    assert recovered["ok"]["subject"] == {"kind": "monitor", "id": "api", "name": "API"}


def test_no_secret_in_any_output_even_from_an_old_record_that_kept_one(project: Path) -> None:
    """The ledger stores reasons redacted; a record that holds a secret anyway (written by
    hand, or by an older version) is redacted again when read."""
    ledger = Ledger(project / "data")
    leaked = Delivery(status="failed", at=NOW, attempts=1, detail=f"HTTP 401: token {KEY}")
    (ledger.deliveries_dir / "monitor.api.2.recovered@broken.json").write_text(
        leaked.model_dump_json()
    )
    outputs = [alerts()[1], alerts("--json")[1], alerts("--channel", "broken")[1]]
    assert "HTTP 401: token ***" in outputs[0]
    for text in outputs:
        assert KEY not in text and "push-key" not in text


def test_text_lines_say_when_what_to_whom_and_why(project: Path) -> None:
    code, out, _ = alerts("--since", "1h")
    assert code == 0
    lines = out.splitlines()
    assert (
        "2026-11-23T11:55:00Z  API is down [monitor.api.1.down] → later: retried at "
        "2026-11-23T12:00:00Z (2 attempt(s) in 2 run(s)); earlier: HTTP 503: " in "\n".join(lines)
    )
    assert any(line.endswith("→ ok: delivered (1 attempt(s))") for line in lines)
    assert any(
        "→ broken: failed at 2026-11-23T12:00:00Z (2 attempt(s) in 2 run(s)): HTTP 400: " in ln
        for ln in lines
    )
    assert any("→ broken: pending (episode monitor.api.1.down)" in line for line in lines)
    assert lines[-1] == (
        "10 alert deliveries since 2026-11-23T11:00:00Z: 4 delivered, 2 retried, 1 failed, "
        "2 skipped, 1 pending"
    )


def test_filters_by_time_monitor_and_channel(project: Path) -> None:
    assert {row["channel"]["id"] for row in history("--channel", "flaky")} == {"flaky"}
    assert len(history("--channel", "flaky")) == 2
    assert history("--monitor", "db") == []
    assert len(history("--monitor", "api")) == 10
    assert [row["event"] for row in history("--since", "2m")] == ["monitor.api.2.recovered"] * 5
    code, out, _ = alerts("--since", "1m", "--monitor", "db")
    assert code == 0 and out == "No alerts since 2026-11-23T11:59:00Z.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--monitor", "nope"],
            'no monitor "nope" in config.yaml or the ledger; monitors: api, db',
        ),
        (["--channel", "nope"], 'no channel "nope" in config.yaml or the ledger; channels: ok, '),
        (["--since", "a week"], "expected a duration like"),
        (["--since", "0s"], "expected a duration longer than 0s"),
    ],
)
def test_an_unknown_id_or_a_bad_duration_is_exit_2_with_one_line(
    project: Path, args: list[str], message: str
) -> None:
    code, out, err = alerts(*args)
    assert code == 2 and out == "" and message in err and "Traceback" not in err


def test_a_removed_channel_keeps_its_history(project: Path) -> None:
    text = (project / "config.yaml").read_text()
    config = yaml.safe_load(text)
    config["notifications"] = [c for c in config["notifications"] if c["id"] != "flaky"]
    (project / "config.yaml").write_text(yaml.safe_dump(config))
    rows = history("--channel", "flaky")
    assert [row["channel"] for row in rows] == [{"id": "flaky", "type": None}] * 2


def test_out_writes_the_private_json_but_never_into_a_built_site(project: Path) -> None:
    code, out, _ = alerts("--out", "private/alerts.json")
    assert code == 0 and out == "Wrote 10 alert deliveries to private/alerts.json\n"
    document = json.loads((project / "private" / "alerts.json").read_text())
    Draft202012Validator(SCHEMA).validate(document)
    assert document["kept_days"] == 14 and len(document["alerts"]) == 10
    build_fixture_site(project / "site")
    for target in ("site/alerts.json", "site/api/v1/alerts.json"):
        code, out, err = alerts("--out", target)
        assert code == 2 and "a site vigil build wrote" in err
        assert not (project / target).exists()


def test_a_ledger_written_before_retries_were_recorded_still_reads(tmp_path: Path) -> None:
    """Records of the earlier format: no `retries`, no `earlier`."""
    ledger = Ledger(tmp_path)
    with http_receiver(200) as receiver:
        text = BASE_CONFIG + yaml.safe_dump(
            {"notifications": [{"id": "ok", "type": "webhook", "url": receiver.url}]}
        )
        config = load_config_text(text, "config.yaml", {})
        record(tmp_path, NOW, Status.DOWN)
        notify(config, [], tmp_path, NOW, NO_WAIT)
    path = ledger.deliveries_dir / "monitor.api.1.down@ok.json"
    old = {"status": "sent", "at": "2026-11-23T12:00:00Z", "attempts": 1, "detail": ""}
    path.write_text(json.dumps(old))
    stored = ledger.delivery("monitor.api.1.down", "ok")
    assert stored is not None and (stored.retries, stored.earlier) == (0, ())
    (tmp_path / "config.yaml").write_text(text)
    code, out, _ = alerts("--config", str(tmp_path / "config.yaml"), "--data", str(tmp_path))
    assert code == 0 and "→ ok: delivered (1 attempt(s))" in out
