"""The command line of issue 17: `--affects` on `vigil incident new|update` and on
`vigil maintenance new|update` (one shared option and parser), and manual
monitors, which `vigil validate` accepts and `vigil check` never checks."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml
from click.testing import CliRunner, Result

from commands.common import parse_now
from configuration.impacts import Impact
from configuration.incidents import load_incidents
from configuration.written import written_status
from generator import main
from tests.conftest import SMALL_CONFIG
from tests.test_cli import http_port  # noqa: F401  (a fixture: a server on loopback)

ID = "2026-11-23-payments-fail"


def vigil(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "config.yaml").write_text(SMALL_CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def front_matter(path: Path) -> dict[str, object]:
    data = yaml.safe_load(path.read_text("utf-8").split("---\n")[1])
    assert isinstance(data, dict)
    return data


def written_at(project: Path, *times: str) -> list[dict[str, Impact]]:
    """What the files written in `project` say of each monitor at each of `times`."""
    incidents = load_incidents(project / "incidents", ["api", "db"])
    return [written_status(incidents, parse_now(at)) for at in times]


def test_affects_is_written_by_new_and_changed_by_update(project: Path) -> None:
    new = vigil(
        "incident", "new", "--title", "Payments fail", "--affects", "api=partial_outage",
        "--message", "Some payments fail.", "--now", "2026-11-23T10:00:00Z",
    )  # fmt: skip
    assert new.exit_code == 0, new.output
    path = project / "incidents" / f"{ID}.md"
    assert front_matter(path)["affects"] == {"api": "partial_outage"}
    update = vigil(
        "incident", "update", ID, "--affects", "api=major_outage,db=degraded_performance",
        "--now", "2026-11-23T11:00:00Z",
    )  # fmt: skip
    assert update.exit_code == 0, update.output
    last = front_matter(path)["updates"][-1]  # type: ignore[index]
    assert last["affects"] == {"api": "major_outage", "db": "degraded_performance"}
    assert last["message"] == (
        "The status is now investigating; api major outage, db degraded performance."
    )
    assert written_at(project, "2026-11-23T10:30:00Z", "2026-11-23T11:30:00Z") == [
        {"api": Impact.PARTIAL_OUTAGE},
        {"api": Impact.MAJOR_OUTAGE, "db": Impact.DEGRADED_PERFORMANCE},
    ]


def test_maintenance_new_and_update_write_affects(project: Path) -> None:
    new = vigil(
        "maintenance", "new", "--title", "Database upgrade", "--start", "2026-11-25T02:00:00Z",
        "--duration", "2h", "--affects", "db=degraded_performance", "--now", "2026-11-23T10:00:00Z",
    )  # fmt: skip
    assert new.exit_code == 0, new.output
    path = project / "incidents" / "2026-11-25-database-upgrade.md"
    assert front_matter(path)["affects"] == {"db": "degraded_performance"}
    update = vigil(
        "maintenance", "update", "2026-11-25-database-upgrade", "--affects", "api=partial_outage",
        "--now", "2026-11-25T02:30:00Z",
    )  # fmt: skip
    assert update.exit_code == 0, update.output
    [last] = front_matter(path)["updates"]  # type: ignore[misc]
    assert last["affects"] == {"api": "partial_outage"}
    assert last["status"] == "in_progress"
    assert last["message"] == "The status is now in progress; api partial outage."
    assert written_at(project, "2026-11-25T02:15:00Z", "2026-11-25T03:00:00Z") == [
        {"db": Impact.DEGRADED_PERFORMANCE},
        {"api": Impact.PARTIAL_OUTAGE, "db": Impact.DEGRADED_PERFORMANCE},
    ]
    bad = vigil("maintenance", "update", "2026-11-25-database-upgrade", "--affects", "db=off")
    assert bad.exit_code == 2 and "expected ID=STATUS" in bad.output
    assert "Traceback" not in bad.output


@pytest.mark.parametrize(
    ("affects", "message"),
    [
        ("api=down", "expected ID=STATUS with STATUS one of operational, degraded_performance"),
        ("api", 'got "api"'),
        ("apj=major_outage", 'affects.apj: unknown monitor "apj", did you mean "api"?'),
    ],
)
def test_a_bad_affects_exits_2_and_writes_nothing(
    project: Path, affects: str, message: str
) -> None:
    done = vigil("incident", "new", "--title", "T", "--affects", affects)
    assert done.exit_code == 2
    assert message in done.output
    assert "Traceback" not in done.output
    assert not list(project.glob("incidents/*.md"))


MANUAL = """\
version: 1
regions: [{{id: local, name: Loopback}}]
runner: {{canary: []}}
monitors:
  - {{id: web, name: Web, type: http, url: "http://127.0.0.1:{port}/health"}}
  - {{id: billing, name: Billing, type: manual, description: Invoices and payments}}
"""


def test_check_never_checks_a_manual_monitor(project: Path, http_port: int) -> None:  # noqa: F811
    (project / "config.yaml").write_text(MANUAL.format(port=http_port))
    validated = vigil("validate")
    assert validated.exit_code == 0, validated.output
    checked = vigil("check", "--region", "local", "--no-notify", "--now", "2026-11-23T12:00:00Z")
    assert checked.exit_code == 0, checked.output
    rows = duckdb.sql(
        f"SELECT monitor_id, status FROM '{project}/data/results/**/*.parquet'"
    ).fetchall()
    assert rows == [("web", "up")]


def test_a_manual_monitor_with_conditions_is_a_located_error(project: Path) -> None:
    config = MANUAL.format(port=1).replace(
        "type: manual,", 'type: manual, conditions: ["[STATUS] == 200"],'
    )
    (project / "config.yaml").write_text(config)
    done = vigil("validate")
    assert done.exit_code == 2
    assert "config.yaml:6:" in done.output
    assert "a manual monitor is never checked: remove its conditions" in done.output
