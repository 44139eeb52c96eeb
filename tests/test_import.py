"""`vigil import`: every source on fixtures written from its tool's documented format, each
written config checked by the real `vigil validate`; the report of what is not translated
(FILE:LINE or JSON path, and why); bad input, --into, --dry-run, --merge, URLs on loopback,
and secrets that stay `${NAME}`."""

from __future__ import annotations

import functools
import importlib
import pkgutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from configuration.models import Config
from generator import main
from importers import statuspage
from importers.base import Imported, Untranslated
from importers.registry import IMPORTERS
from importers.writing import SECTION_ORDER, config_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "import"
SOURCES = {
    "gatus": "config.yaml",
    "upptime": ".upptimerc.yml",
    "openstatus": "openstatus.yaml",
    "uptime-kuma": "backup.json",
    "statuspage": "summary.json",
}
NOW = "2026-11-23T10:00:00+00:00"


def vigil(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def imported(source: str, into: Path, *extra: str, location: str | None = None) -> str:
    """Import the source's fixture into `into`, check the written folder with `vigil
    validate`, and return the report on standard error."""
    where = location or str(FIXTURES / source / SOURCES[source])
    code, _, err = vigil("import", source, where, "--into", str(into), "--now", NOW, *extra)
    assert code == 0, err
    assert "Traceback" not in err
    code, _, problems = vigil(
        "validate", "--config", str(into / "config.yaml"), "--incidents", str(into / "incidents")
    )
    assert code == 0, problems
    return err


def config(into: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((into / "config.yaml").read_text(encoding="utf-8"))
    return data


def monitor(into: Path, monitor_id: str) -> dict[str, Any]:
    return next(m for m in config(into)["monitors"] if m["id"] == monitor_id)


def test_every_registered_source_has_a_fixture_a_docs_section_and_a_test() -> None:
    docs = (ROOT / "docs" / "migrating.md").read_text(encoding="utf-8")
    code, help_text, _ = vigil("import", "--help")
    assert code == 0
    assert set(IMPORTERS) == set(SOURCES), "a registered importer needs a fixture here"
    for name in IMPORTERS:
        assert (FIXTURES / name / SOURCES[name]).is_file(), name
        assert f"\n## {name}\n" in docs, f"docs/migrating.md has no section for {name}"
        assert name in help_text


def test_every_importer_module_is_registered_once() -> None:
    """An importer is one module (or package) of `importers/` with an `IMPORTER`, and one line
    in the registry: a module with an IMPORTER that is not listed, or a registry entry that
    is no module's IMPORTER, fails here."""
    package = ROOT / "importers"
    found = {
        info.name: importlib.import_module(f"importers.{info.name}")
        for info in pkgutil.iter_modules([str(package)])
    }
    defined = {
        name: module.IMPORTER for name, module in found.items() if hasattr(module, "IMPORTER")
    }
    assert sorted(importer.name for importer in defined.values()) == sorted(IMPORTERS)
    for module_name, importer in defined.items():
        assert IMPORTERS[importer.name] is importer, module_name
        assert importer.run.__module__.startswith(f"importers.{module_name}"), module_name


def test_gatus_endpoints_alerting_maintenance_and_ui(tmp_path: Path) -> None:
    report = imported("gatus", tmp_path)
    data = config(tmp_path)
    assert data["site"] == {
        "title": "Acme Status",
        "description": "Everything Acme runs",
        "logo": "https://acme.example/logo.svg",
        "homepage_url": "https://acme.example",
        "theme": "dark",
    }
    assert data["runner"] == {"canary": ["1.1.1.1:53"]}
    front = monitor(tmp_path, "core_frontend")
    assert front["conditions"] == [
        "[STATUS] == 200",
        "[BODY].status == UP",
        "[RESPONSE_TIME] < 300",
        "[CERTIFICATE_EXPIRATION] > 48h",
    ]
    assert front["expected_status"] == ["100-599"]
    assert front["headers"] == {"Authorization": "Bearer ${API_TOKEN}"}
    assert front["body"] == '{"who": "frontend"}'
    assert (front["interval"], front["timeout"], front["method"]) == ("30s", "5s", "POST")
    assert front["verify_tls"] is False and front["follow_redirects"] is False
    assert front["hide_target"] is True and front["hide_errors"] is True
    assert front["group"] == "core"
    graphql = monitor(tmp_path, "graphql")
    assert graphql["body"] == '{"query":"{ user(id: 1) { name } }"}'
    assert graphql["headers"] == {"Content-Type": "application/json"}
    assert monitor(tmp_path, "database") | {"conditions": []} == {
        "id": "database",
        "name": "database",
        "type": "tcp",
        "host": "db.acme.example",
        "port": 5432,
        "interval": "1m",
        "conditions": [],
    }
    assert monitor(tmp_path, "certificate")["type"] == "tls"
    assert monitor(tmp_path, "router")["type"] == "ping"
    assert monitor(tmp_path, "resolver")["resolver"] == "8.8.8.8"
    assert monitor(tmp_path, "shell")["expect"] == "SSH-"
    assert monitor(tmp_path, "jobs_nightly-backup")["grace"] == "30m"
    ids = {m["id"] for m in data["monitors"]}
    assert "socket" not in ids and "retired" not in ids
    config_file = "tests/fixtures/import/gatus/config.yaml"
    for line in (
        f"{config_file}:110: endpoints[7].url: Vigil has no WebSocket check",
        f"{config_file}:113: endpoints[8].enabled: disabled in Gatus",
        f"{config_file}:60: endpoints[0].client.proxy-url: Vigil's checks use no proxy",
        f'{config_file}:41: alerting.jetbrainsspace: Vigil has no "jetbrainsspace" channel',
        f"{config_file}:7: metrics:",
    ):
        assert line in report.replace(str(ROOT) + "/", "")


def test_gatus_alerting_becomes_channels_and_credentials_stay_out(tmp_path: Path) -> None:
    report = imported("gatus", tmp_path)
    channels = {c["id"]: c for c in config(tmp_path)["notifications"]}
    assert set(channels) == {"slack-core", "telegram", "email", "pagerduty"}
    slack = channels["slack-core"]  # the group override: only core's endpoints
    assert slack["webhook_url"] == "${SLACK_CORE_WEBHOOK}"
    assert slack["monitors"] == ["core_frontend"] and slack["events"] == ["down", "recovered"]
    assert slack["send_on_resolved"] is True and slack["min_duration"] == "1m"
    assert channels["telegram"]["bot_token"] == "${TELEGRAM_TOKEN}"
    assert channels["telegram"]["send_on_resolved"] is False  # Gatus's default
    email = channels["email"]
    assert email["to"] == ["ops@acme.example", "cto@acme.example"]
    assert (email["security"], email["port"], email["from"]) == ("ssl", 465, "status@acme.example")
    assert email["min_duration"] == "2m"  # 5 failures at 30s
    assert channels["pagerduty"]["monitors"] == ["jobs_nightly-backup"]
    text = (tmp_path / "config.yaml").read_text(encoding="utf-8")
    assert "hooks.slack.com" not in text and "hooks.slack.com" not in report
    assert "secret-token" not in text


def test_gatus_maintenance_becomes_a_recurring_maintenance_file(tmp_path: Path) -> None:
    imported("gatus", tmp_path)
    (file,) = (tmp_path / "incidents").glob("*.md")
    assert file.name == "2026-11-23-maintenance.md"
    front = yaml.safe_load(file.read_text(encoding="utf-8").split("---")[1])
    assert front["kind"] == "maintenance"
    assert front["recurrence"] == {
        "start": "23:00",
        "duration": "1h",
        "timezone": "Europe/Amsterdam",
        "every": ["Monday", "Thursday"],
    }
    assert set(front["monitors"]) == {m["id"] for m in config(tmp_path)["monitors"]}


def test_gatus_folder_is_merged_in_walk_order(tmp_path: Path) -> None:
    report = imported("gatus", tmp_path, location=str(FIXTURES / "gatus" / "folder"))
    data = config(tmp_path)
    assert [m["id"] for m in data["monitors"]] == ["one", "two"]
    assert data["notifications"][0]["webhook_url"] == "${SLACK_WEBHOOK}"
    assert "a-base.yaml:10: endpoints[0].alerts[0].failure-threshold" in report


def test_gatus_folder_with_a_value_written_twice_is_invalid(tmp_path: Path) -> None:
    folder = tmp_path / "gatus"
    folder.mkdir()
    (folder / "a.yaml").write_text("metrics: true\nendpoints: []\n")
    (folder / "b.yaml").write_text("\nmetrics: false\n")
    code, _, err = vigil("import", "gatus", str(folder), "--into", str(tmp_path / "out"))
    assert code == 2
    assert f"{folder}/b.yaml:2:1: metrics: also written in {folder}/a.yaml:1" in err
    assert not (tmp_path / "out").exists()


def test_upptime_sites_site_and_secrets(tmp_path: Path) -> None:
    report = imported("upptime", tmp_path)
    data = config(tmp_path)
    assert data["site"] == {
        "title": "Acme Status",
        "cname": "status.acme.example",
        "logo": "https://acme.example/logo.svg",
        "description": "Live status of Acme's services",
        "theme": "dark",
        "url": "https://status.acme.example",
    }
    assert data["defaults"] == {"interval": "10m", "timeout": "30s", "retries": 2}
    website = monitor(tmp_path, "website")
    assert website["expected_status"] == ["200-208", 226, "300-308"]
    assert website["max_redirects"] == 3
    api = monitor(tmp_path, "api")
    assert api["url"] == "https://api.acme.example/v1/health?key=${API_KEY}"
    assert api["headers"] == {
        "Authorization": "Bearer ${API_TOKEN}",
        "Content-Type": "application/json",
    }
    assert api["follow_redirects"] is False and api["verify_tls"] is False
    assert api["degraded_after"] == "2s" and api["expected_status"] == [200, 201]
    assert api["assertions"] == [
        {"kind": "textBody", "compare": "not_contains", "target": "error"},
        {"kind": "textBody", "compare": "contains", "target": "ok"},
    ]
    assert api["degraded_conditions"] == ["[BODY] != pat(*slow[*]*)", "[BODY] == pat(*fast*)"]
    assert monitor(tmp_path, "database") == {
        "id": "database",
        "name": "Database",
        "type": "tcp",
        "host": "db.acme.example",
        "port": 5432,
    }
    text = (tmp_path / "config.yaml").read_text(encoding="utf-8")
    assert "# Upptime assignees: bob, carol" in text
    assert "${SLACK_WEBHOOK}" in text.split("version: 1")[0]  # the notifications comment
    assert ".upptimerc.yml:34: sites[3].check: Vigil has no WebSocket check" in report
    assert ".upptimerc.yml:55: i18n:" in report


def test_upptime_degraded_text_with_an_operator_is_reported(tmp_path: Path) -> None:
    source = tmp_path / ".upptimerc.yml"
    source.write_text(
        "sites:\n  - name: A\n    url: https://a.example\n"
        "    __dangerous__body_degraded: 'x == y'\n"
    )
    report = imported("upptime", tmp_path / "out", location=str(source))
    assert f"{source}:4: sites[0].__dangerous__body_degraded:" in report
    assert "degraded_conditions" not in monitor(tmp_path / "out", "a")


def test_openstatus_monitors_regions_and_assertions(tmp_path: Path) -> None:
    report = imported("openstatus", tmp_path)
    data = config(tmp_path)
    assert [r["id"] for r in data["regions"]][:6] == ["iad", "ams", "syd", "jnb", "gru", "fra"]
    assert data["regions"][0]["name"] == "Ashburn"
    uptime = monitor(tmp_path, "uptime-monitor")
    assert uptime["regions"] == ["iad", "ams", "syd", "jnb", "gru"]
    assert (uptime["interval"], uptime["timeout"], uptime["retries"]) == ("10m", "45s", 3)
    assert uptime["degraded_after"] == "3s" and uptime["public"] is True
    assert uptime["follow_redirects"] is False and uptime["method"] == "POST"
    assert uptime["expected_status"] == ["100-599"]
    assert [a["kind"] for a in uptime["assertions"]] == ["statusCode", "header", "textBody"]
    fast = monitor(tmp_path, "fast")
    assert fast["timeout"] == "30s" and fast["expected_status"] == ["200-299"]
    assert monitor(tmp_path, "database")["retries"] == 0
    assert "openstatus.yaml:34: uptime-monitor.assertions[3]: not imported" in report
    assert "openstatus.yaml:44: fast.timeout: 45s is longer than the frequency" in report
    assert "openstatus.yaml:57: paused.active: paused in openstatus" in report


def test_openstatus_opentelemetry_becomes_export_otlp_with_its_headers_as_secrets(
    tmp_path: Path,
) -> None:
    report = imported("openstatus", tmp_path)
    data = config(tmp_path)
    header = "${OPENSTATUS_OTLP_AUTHORIZATION}"
    assert data["export"] == {
        "otlp": {"endpoint": "https://otlp.example.com", "headers": {"Authorization": header}}
    }
    assert "abc123" not in (tmp_path / "config.yaml").read_text()
    assert "edge.openTelemetry.headers.Authorization: a credential written in the source" in report
    assert "edge-copy.openTelemetry.endpoint: Vigil exports every monitor to one" in report
    regions = {r["id"]: r["name"] for r in data["regions"]}
    assert regions["koyeb_fra"] == "Frankfurt (Koyeb)"
    assert regions["railway_us-west2"] == "US West (Railway)"
    assert monitor(tmp_path, "edge")["regions"] == ["koyeb_fra", "railway_us-west2"]


def test_every_config_section_an_importer_writes_is_written_in_the_documented_order() -> None:
    assert list(SECTION_ORDER) == list(Config.model_fields)
    drafted = Imported({"monitors": [], "version": 1, "later": {"a": 1}})
    assert config_text(drafted, "x").index("version:") < config_text(drafted, "x").index("later:")


def test_uptime_kuma_monitors_by_type_groups_and_channels(tmp_path: Path) -> None:
    report = imported("uptime-kuma", tmp_path)
    data = config(tmp_path)
    assert data["site"] == {"title": "Acme Status", "description": "All of Acme"}
    assert {g["name"] for g in data["groups"]} == {"Web", "Services", "Infrastructure"}
    home = monitor(tmp_path, "homepage")
    assert home["group"] == "services"  # the status page's group wins over the parent
    assert home["headers"] == {
        "X-Check": "kuma",
        "Authorization": "Basic ${KUMA_HOMEPAGE_BASIC_AUTH}",
    }
    assert (home["interval"], home["timeout"], home["retries"]) == ("1m", "48s", 2)
    assert monitor(tmp_path, "shop")["assertions"] == [
        {"kind": "textBody", "compare": "contains", "target": "Add to cart"}
    ]
    assert monitor(tmp_path, "shop")["expected_status"] == ["200-299", "304"]
    assert monitor(tmp_path, "maintenance-page")["assertions"][0]["compare"] == "not_contains"
    api = monitor(tmp_path, "api")
    assert api["conditions"] == ["[BODY].status == ok"]
    assert api["follow_redirects"] is False and api["verify_tls"] is False
    assert monitor(tmp_path, "ssh")["type"] == "tcp"
    assert monitor(tmp_path, "router")["type"] == "ping"
    dns = monitor(tmp_path, "dns")
    assert (dns["record_type"], dns["resolver"]) == ("MX", "9.9.9.9:5353")
    assert monitor(tmp_path, "backup-job") == {
        "id": "backup-job",
        "name": "Backup job",
        "type": "heartbeat",
        "grace": "1h",
    }
    ids = {m["id"] for m in data["monitors"]}
    assert not ids & {"fancy-api", "postgres", "inverted", "old"}
    channels = {c["id"]: c for c in data["notifications"]}
    assert channels["ops-slack"]["monitors"] == ["homepage", "shop"]
    assert channels["mail"]["to"] == ["ops@acme.example", "cto@acme.example"]
    assert channels["mail"]["security"] == "ssl"
    text = (tmp_path / "config.yaml").read_text(encoding="utf-8")
    for secret in ("hunter2", "s3cret", "123:abc", "services/T/B/xyz"):
        assert secret not in text and secret not in report
    assert "backup.json: $.monitorList[5].jsonPath: a JSONata expression" in report
    assert "backup.json: $.notificationList[0].config.slackchannel:" in report
    assert 'backup.json: $.notificationList[3].config.type: Vigil has no "signal" channel' in report


def test_secrets_are_never_read_from_the_environment(tmp_path: Path) -> None:
    env = {"API_TOKEN": "token-from-env", "API_KEY": "key-from-env"}
    code, printed, _ = vigil(
        "import",
        "upptime",
        str(FIXTURES / "upptime" / ".upptimerc.yml"),
        "--into",
        str(tmp_path),
        "--dry-run",
        env=env,
    )
    assert code == 0
    assert "key=${API_KEY}" in printed and "key-from-env" not in printed
    code, out, _ = vigil(
        "import",
        "gatus",
        str(FIXTURES / "gatus" / "config.yaml"),
        "--into",
        str(tmp_path / "g"),
        env=env,
    )
    text = (tmp_path / "g" / "config.yaml").read_text(encoding="utf-8")
    assert "${API_TOKEN}" in text and "token-from-env" not in text + out


def test_dry_run_prints_everything_and_writes_nothing(tmp_path: Path) -> None:
    code, out, err = vigil(
        "import",
        "gatus",
        str(FIXTURES / "gatus" / "config.yaml"),
        "--into",
        str(tmp_path / "o"),
        "--dry-run",
        "--now",
        NOW,
    )
    assert code == 0
    assert f"--- {tmp_path}/o/config.yaml ---" in out
    assert f"--- {tmp_path}/o/incidents/2026-11-23-maintenance.md ---" in out
    assert "Dry run: 2 file(s) not written." in out
    assert "not translated:" in err
    assert not (tmp_path / "o").exists()


def test_into_must_be_empty(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("version: 1\n")
    code, _, err = vigil(
        "import",
        "openstatus",
        str(FIXTURES / "openstatus" / "openstatus.yaml"),
        "--into",
        str(tmp_path),
    )
    assert code == 2
    assert f"{tmp_path}/ is not empty; import into an empty folder, or add --merge" in err
    assert (tmp_path / "config.yaml").read_text() == "version: 1\n"


@pytest.mark.parametrize(
    ("source", "text", "message"),
    [
        (
            "gatus",
            "endpoints:\n  - url: https://a.example\n",
            "x.yaml:2:1: endpoints[0]: an endpoint needs a name",
        ),
        ("gatus", "endpoints: [\n", "x.yaml:2:1: invalid YAML"),
        ("upptime", "sites:\n  - name: A\n", "x.yaml:2:1: sites[0]: a site needs a name and a url"),
        (
            "openstatus",
            "m:\n  name: M\n  frequency: 2m\n  request: {url: https://a.example}\n",
            "x.yaml:3:1: m.frequency: expected one of 30s 1m 5m 10m 30m 1h",
        ),
        (
            "uptime-kuma",
            '{"monitorList": [\n  {"name": "x"}\n]}',
            "x.yaml: $.monitorList[0]: a monitor needs a name and a type",
        ),
        ("uptime-kuma", '{"monitorList": [', "x.yaml:1:18: invalid JSON"),
    ],
)
def test_bad_input_is_one_located_line_and_exit_2(
    tmp_path: Path, source: str, text: str, message: str
) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text)
    code, _, err = vigil("import", source, str(path), "--into", str(tmp_path / "out"))
    assert code == 2
    assert message in err.replace(f"{tmp_path}/", "")
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_merge_adds_free_ids_keeps_comments_and_reports_the_rest(tmp_path: Path) -> None:
    existing = (
        "# my page\nversion: 1\nregions: [{id: default, name: Default}]\nmonitors:\n"
        "  - id: database  # keep me\n    name: My DB\n    type: tcp\n    host: db\n    port: 1\n"
        "runner: {canary: []}\n"
    )
    (tmp_path / "config.yaml").write_text(existing)
    report = imported("openstatus", tmp_path, "--merge")
    text = (tmp_path / "config.yaml").read_text(encoding="utf-8")
    assert text.startswith("# my page\n") and "- id: database  # keep me" in text
    ids = [m["id"] for m in config(tmp_path)["monitors"]]
    assert ids == ["database", "uptime-monitor", "fast", "edge", "edge-copy"]
    assert monitor(tmp_path, "database")["name"] == "My DB"
    assert 'monitors[2]: id "database" is taken' in report
    assert "openstatus.yaml: site: not merged: " in report  # the person's own site stays
    assert {r["id"] for r in config(tmp_path)["regions"]} == {
        "default",
        "iad",
        "ams",
        "syd",
        "jnb",
        "gru",
        "fra",
        "koyeb_fra",
        "railway_us-west2",
    }


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served() -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(FIXTURES))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_url_source_is_fetched(tmp_path: Path, served: str) -> None:
    report = imported("upptime", tmp_path, location=f"{served}/upptime/.upptimerc.yml")
    assert monitor(tmp_path, "website")["url"] == "https://acme.example"
    assert f"{served}/upptime/.upptimerc.yml:34: sites[3].check" in report
    code, _, err = vigil(
        "import", "uptime-kuma", f"{served}/nothing.json", "--into", str(tmp_path / "x")
    )
    assert code == 2 and "cannot fetch: HTTP 404" in err


def test_the_report_orders_lines_and_indexes_as_numbers() -> None:
    lines = [
        Untranslated("backup.json", "$.monitorList[10].type", "x"),
        Untranslated("gatus.yaml:12", "endpoints[0]", "x"),
        Untranslated("backup.json", "$.monitorList[2].type", "x"),
        Untranslated("gatus.yaml:9", "endpoints[1]", "x"),
    ]
    assert [(u.where, u.field) for u in sorted(lines, key=Untranslated.order)] == [
        ("backup.json", "$.monitorList[2].type"),
        ("backup.json", "$.monitorList[10].type"),
        ("gatus.yaml:9", "endpoints[1]"),
        ("gatus.yaml:12", "endpoints[0]"),
    ]


def front_matter(into: Path, stem: str) -> dict[str, Any]:
    text = (into / "incidents" / f"{stem}.md").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text.split("---\n")[1])
    return data


def test_statuspage_components_incidents_and_maintenance(tmp_path: Path) -> None:
    report = imported("statuspage", tmp_path)
    data = config(tmp_path)
    assert data["site"] == {
        "title": "Acme",
        "url": "https://status.acme.example",
        "timezone": "America/New_York",
    }
    assert data["groups"] == [
        {"id": "platform", "name": "Platform", "description": "Everything behind api.acme.example"}
    ]
    assert [(m["id"], m["type"], m.get("group")) for m in data["monitors"]] == [
        ("api", "manual", "platform"),
        ("webhooks", "manual", "platform"),
        ("dashboard", "manual", None),
    ]
    open_incident = front_matter(tmp_path, "2026-11-23-elevated-api-errors")
    assert open_incident["affects"] == {"api": "degraded_performance"}  # its first update's
    assert open_incident["started_at"] == datetime(2026, 11, 23, 14, 2, tzinfo=UTC)
    assert "resolved_at" not in open_incident
    assert [(u["status"], u.get("affects")) for u in open_incident["updates"]] == [
        ("investigating", {"api": "degraded_performance"}),
        ("identified", {"api": "partial_outage"}),  # oldest first, each with its change
    ]
    stem = "2026-11-20-delayed-webhook-deliveries"
    resolved = front_matter(tmp_path, stem)
    assert resolved["resolved_at"] == datetime(2026, 11, 20, 16, 2, 44, tzinfo=UTC)
    assert [u["status"] for u in resolved["updates"]] == ["investigating", "monitoring", "resolved"]
    write_up = (tmp_path / "incidents" / f"{stem}.md").read_text(encoding="utf-8")
    assert write_up.endswith(
        "## Postmortem\n\nA full queue on one worker held deliveries back;"
        " we now alert on queue depth.\n"
    )
    upgrade = front_matter(tmp_path, "2026-11-15-dashboard-database-upgrade")
    assert (upgrade["kind"], upgrade["monitors"]) == ("maintenance", ["dashboard"])
    assert upgrade["scheduled_start"] == datetime(2026, 11, 15, 7, 0, tzinfo=UTC)
    assert upgrade["announce_before"] == "4d14h"  # shown from when it was posted
    assert [u["status"] for u in upgrade["updates"]] == ["scheduled", "in_progress", "completed"]
    gateway = front_matter(tmp_path, "2026-11-29-api-gateway-replacement")
    assert gateway["monitors"] == ["api", "webhooks"]
    summary = f"{FIXTURES}/statuspage/summary.json"
    assert f"{summary}: $.components[1].only_show_if_degraded:" in report
    assert f"{summary}: $.components[3].status: degraded_performance at import" in report
    maintenances = f"{FIXTURES}/statuspage/scheduled-maintenances.json"
    assert f"{maintenances}: $.scheduled_maintenances[1].scheduled_remind_prior:" in report
    assert "scheduled_auto_in_progress" not in report  # Vigil does that by the clock too


def test_statuspage_from_a_url_and_with_only_its_summary(tmp_path: Path, served: str) -> None:
    imported("statuspage", tmp_path / "web", location=f"{served}/statuspage/summary.json")
    assert len(list((tmp_path / "web" / "incidents").glob("*.md"))) == 4
    alone = tmp_path / "saved"
    alone.mkdir()
    (alone / "summary.json").write_bytes((FIXTURES / "statuspage" / "summary.json").read_bytes())
    report = imported("statuspage", tmp_path / "out", location=str(alone))
    # The open incident and the upcoming maintenance are in summary.json itself.
    assert len(list((tmp_path / "out" / "incidents").glob("*.md"))) == 2
    assert f"{alone}/summary.json: $.incidents: {alone}/incidents.json:" in report


def test_statuspage_page_url_reads_its_api() -> None:
    assert statuspage.locations("https://status.acme.example/") == {
        "summary.json": "https://status.acme.example/api/v2/summary.json",
        "incidents.json": "https://status.acme.example/api/v2/incidents.json",
        "scheduled-maintenances.json": (
            "https://status.acme.example/api/v2/scheduled-maintenances.json"
        ),
    }
    assert statuspage.locations("saved/summary.json")["incidents.json"] == "saved/incidents.json"
