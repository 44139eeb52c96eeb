"""The `vigil` commands through click's CliRunner, against real files and real servers."""

from __future__ import annotations

import json
import shutil
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from commands.check import CheckRound, Rounds, check, plan_check
from configuration.loader import load_config
from configuration.reference import config_schema_text
from generator import main
from tests.conftest import NOW, SMALL_CONFIG

ROOT = Path(__file__).parent.parent


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding the repository's sample config.yaml."""
    shutil.copy(ROOT / "config.yaml", tmp_path / "config.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_validate_accepts_the_sample_config(project: Path) -> None:
    code, out, _ = run("validate")
    assert code == 0
    assert "config.yaml: OK (9 monitors, 3 regions)" in out


def test_validate_reports_three_mistakes_with_locations_and_exits_2(project: Path) -> None:
    text = (project / "config.yaml").read_text()
    text = text.replace("  theme: system", "  theme: sepia")
    text = text.replace("    port: 587", "    port: smtp")
    text = text.replace("    interval: 1h", "    interval: hourly", 1)
    (project / "config.yaml").write_text(text)
    code, out, err = run("validate", env={"GITHUB_ACTIONS": "false"})
    assert code == 2
    lines = err.splitlines()
    assert lines == [
        'config.yaml:13:10: site.theme: expected one of "system", "light" or "dark", got "sepia"',
        'config.yaml:110:15: monitors[6].interval: expected a duration like "10s", got "hourly"',
        'config.yaml:117:11: monitors[7].port: expected a whole number, got "smtp"',
        "3 problems found; nothing was written.",
    ]
    assert "::error" not in out


def test_validate_annotates_pull_requests_under_github_actions(project: Path) -> None:
    text = (project / "config.yaml").read_text().replace("  theme: system", "  theme: sepia")
    (project / "config.yaml").write_text(text)
    code, out, _ = run("validate", env={"GITHUB_ACTIONS": "true"})
    assert code == 2
    assert out.startswith("::error file=config.yaml,line=13,col=10::site.theme: expected one of")


def test_validate_checks_incident_files_too(project: Path) -> None:
    (project / "incidents").mkdir()
    (project / "incidents" / "2026-11-01-x.md").write_text(
        "---\ntitle: X\nmonitors: [apii]\nstarted_at: 2026-11-01T10:00:00\n---\nBody\n"
    )
    code, _, err = run("validate")
    assert code == 2
    assert (
        'incidents/2026-11-01-x.md:3:12: monitors[0]: unknown monitor "apii", did you mean "api"?'
        in err
    )
    assert "incidents/2026-11-01-x.md:4:13: started_at: expected a time with a time zone" in err


def test_demo_then_build_gives_a_populated_page_offline(project: Path) -> None:
    code, out, _ = run("demo", "--now", "2026-11-23T12:00:00Z")
    assert code == 0, out
    assert len(list((project / "incidents").glob("*-demo-*.md"))) == 4
    code, out, _ = run("build", "--now", "2026-11-23T12:00:00Z")
    assert code == 0, out
    html = (project / "site" / "index.html").read_text()
    assert html.count('<li class="d ') == 90 * 9
    assert "Elevated error rates on the REST API" in html
    assert "Network maintenance in Frankfurt" in html.split('id="upcoming"')[1]
    assert 'class="d nodata' not in html  # 90 days of demo data everywhere
    assert 'class="d maintenance' in html and 'class="d partial' in html
    code, _, _ = run("validate")
    assert code == 0  # the demo's incident files are valid


def test_the_demo_is_the_same_files_every_time_for_one_now(project: Path) -> None:
    """Two demos for one `--now` write the same bytes, so their sites are equal too."""

    def files() -> dict[str, bytes]:
        assert run("demo", "--now", "2026-11-23T12:00:00Z")[0] == 0
        data = project / "data"
        return {str(p.relative_to(data)): p.read_bytes() for p in data.rglob("*.parquet")}

    first = files()
    assert len(first) > 200 and files() == first


def test_an_invalid_config_writes_nothing(project: Path) -> None:
    (project / "config.yaml").write_text(SMALL_CONFIG.replace("port: 5432", "port: x"))
    for command in (["build"], ["demo"], ["check", "--region", "eu-west"]):
        code, _, err = run(*command)
        assert code == 2, command
        assert "monitors[1].port" in err
    assert sorted(p.name for p in project.iterdir()) == ["config.yaml"]


TOKEN = "tok-5e1f9c"  # what /private wants as "Authorization: Bearer …"


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"status": "ok"}'
        if self.path == "/private":
            authorized = self.headers.get("Authorization") == f"Bearer {TOKEN}"
            self.send_response(200 if authorized else 401)
        else:
            self.send_response(200 if self.path == "/health" else 500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def http_port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_port
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_check_appends_one_result_file_per_run(project: Path, http_port: int) -> None:
    config = f"""\
version: 1
regions: [{{id: local, name: Loopback}}]
runner: {{canary: ["127.0.0.1:{http_port}"]}}
monitors:
  - {{id: web, name: Web, type: http, url: "http://127.0.0.1:{http_port}/health",
      conditions: ["[BODY].status == ok"]}}
  - {{id: broken, name: Broken, type: http, url: "http://127.0.0.1:{http_port}/nope"}}
  - {{id: gone, name: Gone, type: tcp, host: 127.0.0.1, port: {closed_port()}, timeout: 2s}}
"""
    (project / "config.yaml").write_text(config)
    code, out, _ = run("check", "--region", "local", "--now", "2026-11-23T12:00:00Z")
    assert code == 0, out
    [path] = list((project / "data" / "results" / "region=local" / "date=2026-11-23").iterdir())
    rows = duckdb.sql(
        f"SELECT monitor_id, status, status_code, error_kind FROM '{path}' ORDER BY monitor_id"
    ).fetchall()
    assert rows == [
        ("broken", "down", 500, "http_status"),
        ("gone", "down", None, "connect"),
        ("web", "up", 200, None),
    ]
    # Nothing is due a minute later, so the second run writes nothing.
    code, out, _ = run("check", "--region", "local", "--now", "2026-11-23T12:01:00Z")
    assert "nothing due" in out
    assert len(list((project / "data" / "results").rglob("*.parquet"))) == 1


def secret_config(port: int) -> str:
    return f"""\
version: 1
regions: [{{id: local, name: Loopback}}]
runner: {{canary: []}}
monitors:
  - {{id: web, name: Web, type: http, url: "http://127.0.0.1:{port}/health"}}
  - id: private
    name: Private API
    type: http
    url: "http://127.0.0.1:{port}/private"
    headers: {{Authorization: "Bearer ${{API_TOKEN}}"}}
  - {{id: port, name: Port, type: tcp, host: 127.0.0.1, port: {port}}}
"""


def results_of(project: Path, day: str) -> list[tuple[str, str]]:
    folder = project / "data" / "results" / "region=local" / f"date={day}"
    return duckdb.sql(
        f"SELECT monitor_id, status FROM '{folder}/*.parquet' ORDER BY ALL"
    ).fetchall()


def test_a_monitor_whose_secret_is_unset_is_not_checked_and_the_others_are(
    project: Path, http_port: int
) -> None:
    (project / "config.yaml").write_text(secret_config(http_port))
    check = ["check", "--region", "local", "--no-notify", "--now", "2026-11-23T12:00:00Z"]
    code, out, err = run(*check, env={"GITHUB_ACTIONS": "true", "VIGIL_SECRETS": "{}"})
    assert code == 3
    message = (
        "monitors[1].headers.Authorization: secret API_TOKEN is not set; add it as a "
        "repository secret (Settings > Secrets and variables > Actions) or set it in the "
        "environment of the check step"
    )
    assert err.splitlines() == [
        f"config.yaml:10:30: {message}",
        "1 monitor(s) not checked (private): a secret they use is not set",
    ]
    assert f"::error file=config.yaml,line=10,col=30::{message}\n" in out
    assert "private" not in out.replace(message, "")  # not checked, so no result line
    # No data for it, honestly: never down, nothing at all.
    assert results_of(project, "2026-11-23") == [("port", "up"), ("web", "up")]


def test_check_is_a_function_that_returns_what_it_ran(project: Path, http_port: int) -> None:
    (project / "config.yaml").write_text(secret_config(http_port))
    config = load_config(project / "config.yaml", environ={})
    plan = plan_check(config, "local", None, notify=False)
    assert [m.id for m in plan.monitors] == ["web", "port"]
    assert plan.not_checked == {"private"} and plan.not_sent_to == set()
    assert [(p.line, p.column) for p in plan.unset] == [(10, 30)]
    ticks = [NOW]  # a clock the rounds' sleep moves on: no real waiting

    def sleep(seconds: float) -> None:
        ticks.append(ticks[-1] + timedelta(seconds=seconds))

    seen: list[CheckRound] = []
    rounds = Rounds(timedelta(minutes=1), timedelta(minutes=3), lambda: ticks[-1], sleep)
    report = check(plan, project / "data", project / "incidents", lambda: NOW,
                   check_all=True, rounds=rounds, on_round=seen.append)  # fmt: skip
    assert report.rounds == seen and len(seen) == 3  # at 12:00, 12:01 and 12:02
    assert ticks == [NOW + timedelta(minutes=m) for m in range(3)]
    for done in seen:
        assert sorted((r.monitor_id, r.status) for r in done.results) == [
            ("port", "up"),
            ("web", "up"),
        ]
        assert done.path is not None and done.path.is_file()
    assert len({done.path for done in seen}) == 3  # a result file per round


def test_vigil_secrets_supplies_the_secret_and_every_monitor_is_checked(
    project: Path, http_port: int
) -> None:
    (project / "config.yaml").write_text(secret_config(http_port))
    shared = json.dumps({"github_token": "ghs-0", "API_TOKEN": TOKEN})
    check = ["check", "--region", "local", "--no-notify", "--now", "2026-11-23T12:00:00Z"]
    code, out, err = run(*check, env={"VIGIL_SECRETS": shared})
    assert code == 0, err
    assert "private: up" in out  # the server saw the token in the header
    assert results_of(project, "2026-11-23") == [("port", "up"), ("private", "up"), ("web", "up")]
    written = [path.read_bytes() for path in (project / "data").rglob("*") if path.is_file()]
    assert written and not any(TOKEN.encode() in data for data in written)
    assert TOKEN not in out + err


def test_malformed_vigil_secrets_stops_the_check_with_one_line(
    project: Path, http_port: int
) -> None:
    (project / "config.yaml").write_text(secret_config(http_port))
    shared = '{"API_TOKEN": "' + TOKEN + '" "other": 1}'
    code, out, err = run("check", "--region", "local", env={"VIGIL_SECRETS": shared})
    assert code == 2
    assert err.splitlines() == [
        "VIGIL_SECRETS: expected a JSON object of secret names and values, as the workflows "
        "set it (${{ toJSON(secrets) }}); it is not valid JSON (Expecting ',' delimiter at "
        "line 1, column 28)",
        "1 problem found; nothing was written.",
    ]
    assert TOKEN not in out + err
    assert not (project / "data").exists()


def test_validate_names_the_secrets_the_config_uses_and_never_their_values(
    project: Path, http_port: int
) -> None:
    config = secret_config(http_port) + (
        "  - id: search\n    name: Search\n    type: http\n"
        f'    url: "http://127.0.0.1:{http_port}/search?key=${{API_TOKEN}}"\n'
        "notifications:\n  - {id: ops, type: slack, webhook_url: '${SLACK_WEBHOOK_URL}'}\n"
    )
    (project / "config.yaml").write_text(config)
    code, out, _ = run("validate", env={"GITHUB_ACTIONS": "true", "API_TOKEN": TOKEN})
    assert code == 0
    add = "add it as a repository secret (Settings > Secrets and variables > Actions)"
    api = f"secret API_TOKEN is used by monitor private, monitor search; {add}"
    slack = f"secret SLACK_WEBHOOK_URL is used by channel ops; {add}"
    assert out.splitlines()[1:] == [
        f"config.yaml:10:30: {api}",
        f"::notice file=config.yaml,line=10,col=30::{api}",
        f"config.yaml:17:41: {slack}",
        f"::notice file=config.yaml,line=17,col=41::{slack}",
    ]
    assert TOKEN not in out


def test_a_heartbeat_keeps_its_monitor_up_for_the_grace_period(project: Path) -> None:
    (project / "config.yaml").write_text(
        "version: 1\nregions: [{id: local, name: Loopback}]\nrunner: {canary: []}\nmonitors:\n"
        "  - {id: backup, name: Backup, type: heartbeat, grace: 10m, interval: 1m}\n"
        "  - {id: web, name: Web, type: tcp, host: 127.0.0.1, port: 9, interval: 1m}\n"
    )
    code, out, _ = run("heartbeat", "backup", "--now", "2026-11-23T12:00:00Z")
    assert code == 0 and "backup: heartbeat up recorded" in out
    for minute, expected in (("05", "backup: up"), ("15", "backup: down")):
        code, out, _ = run("check", "--region", "local", "--now", f"2026-11-23T12:{minute}:00Z")
        assert code == 0
        assert expected in out
    assert "no heartbeat for 15 min (grace 10m)" in out


def test_heartbeat_refuses_a_monitor_that_is_not_a_heartbeat(project: Path) -> None:
    code, _, err = run("heartbeat", "api")
    assert code == 2
    assert 'monitor "api" is type http, not heartbeat; heartbeat monitors: backups' in err


def test_failures_while_the_runner_is_offline_are_never_down(project: Path) -> None:
    (project / "config.yaml").write_text(
        "version: 1\nregions: [{id: local, name: Loopback}]\n"
        f"runner: {{canary: ['127.0.0.1:{closed_port()}'], canary_timeout: 1s}}\n"
        f"monitors: [{{id: gone, name: Gone, type: tcp, host: 127.0.0.1, port: {closed_port()}}}]\n"
    )
    code, out, _ = run("check", "--region", "local", "--now", "2026-11-23T12:00:00Z")
    assert code == 0
    assert "gone: unknown (runner_offline: runner offline: none of 127.0.0.1:" in out
    [path] = list((project / "data").rglob("*.parquet"))
    assert duckdb.sql(f"SELECT status FROM '{path}'").fetchall() == [("unknown",)]


def test_an_offline_runner_still_judges_a_silent_heartbeat(project: Path) -> None:
    """A heartbeat reads a file: the runner's own connectivity says nothing about it."""
    (project / "config.yaml").write_text(
        "version: 1\nregions: [{id: local, name: Loopback}]\n"
        f"runner: {{canary: ['127.0.0.1:{closed_port()}'], canary_timeout: 1s}}\nmonitors:\n"
        f"  - {{id: gone, name: Gone, type: tcp, host: 127.0.0.1, port: {closed_port()}}}\n"
        "  - {id: backups, name: Backups, type: heartbeat, grace: 1h}\n"
    )
    assert run("check", "--region", "local", "--now", "2026-11-23T10:00:00Z")[0] == 0
    code, out, _ = run("check", "--region", "local", "--now", "2026-11-23T12:00:00Z")
    assert code == 0
    assert "gone: unknown (runner_offline: runner offline" in out
    assert "backups: down (timeout: no heartbeat received in 2 h (grace 1h))" in out


def test_shards_and_loops_are_options_of_check(project: Path, http_port: int) -> None:
    (project / "config.yaml").write_text(
        "version: 1\nregions: [{id: local, name: Loopback}]\nmonitors:\n"
        + "".join(
            f"  - {{id: m{i}, name: M{i}, type: tcp, host: 127.0.0.1, port: {http_port}}}\n"
            for i in range(8)
        )
    )
    seen = []
    for shard in ("1/2", "2/2"):
        code, out, _ = run("check", "--region", "local", "--all", "--shard", shard)
        assert code == 0
        seen += [line.split(":")[0] for line in out.splitlines() if line.startswith("m")]
    assert sorted(seen) == [f"m{i}" for i in range(8)]
    code, _, err = run("check", "--region", "local", "--shard", "3/2")
    assert code == 2 and 'expected a shard like "1/4"' in err
    code, _, err = run("check", "--region", "local", "--loop", "--every", "soon")
    assert code == 2 and 'expected a duration like "10s", got "soon"' in err


def test_check_refuses_an_unknown_region(project: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--region", "mars"])
    assert result.exit_code == 2
    assert 'unknown region "mars"; regions: eu-west, us-east, ap-southeast' in result.stderr


def test_schema_prints_the_committed_schema(project: Path) -> None:
    code, out, _ = run("schema")
    assert code == 0
    assert out == config_schema_text()
    assert json.loads(out)["title"] == "Vigil config.yaml"
