"""Bad input found by adversarial checks: each is one located line and exit status 2 through
the CLI, never a Python traceback, and nothing is written."""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from checks.result import ErrorKind, Result, Status
from commands.check import _describe
from generator import main
from tests.conftest import NOW, SMALL_CONFIG

MAINTENANCE = """\
---
title: Database upgrade
kind: maintenance
impact: none
scheduled_start: {start}
recurrence: {{start: "23:00", duration: 2h, timezone: Pacific/Kiritimati, every: [Friday]}}
---
Weekly.
"""
INCIDENT = """\
---
title: Slow API
impact: minor
started_at: {start}
---
Looking.
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "config.yaml").write_text(SMALL_CONFIG)
    (tmp_path / "incidents").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems(*args: str) -> list[str]:
    """The lines on standard error of a command that must fail with exit status 2."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.stderr.splitlines()


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        ("    interval: 1h\n", "interval: 99999999999d\n"),
        ("    interval: 1h\n", "interval: 0s\n"),
        ("    interval: 1h\n", "timeout: 0s\n"),
    ],
)
def test_durations_out_of_range_are_located(project: Path, replace: str, expected: str) -> None:
    key, value = expected.strip().split(": ")
    text = SMALL_CONFIG.replace(replace, f"    {key}: {value}\n", 1)
    (project / "config.yaml").write_text(text)
    lines = problems("validate")
    assert lines[0].startswith("config.yaml:"), lines
    assert f"monitors[0].{key}: expected a duration " in lines[0]
    assert "longer than 0s" in lines[0] or "at most 999,999,999 days" in lines[0]


def test_a_config_that_is_not_utf8_is_located(project: Path) -> None:
    (project / "config.yaml").write_bytes(SMALL_CONFIG.encode().replace(b"Example", b"Caf\xe9"))
    assert problems("validate")[0] == (
        "config.yaml:3:13: not UTF-8 text: byte 0xe9; save the file as UTF-8"
    )


def test_an_incident_that_is_not_utf8_is_located(project: Path) -> None:
    text = INCIDENT.format(start="2026-11-23T10:00:00Z").replace("Slow", "Lent\xe9")
    (project / "incidents" / "2026-11-23-slow.md").write_bytes(text.encode("latin-1"))
    assert problems("validate")[0] == (
        "incidents/2026-11-23-slow.md:2:12: not UTF-8 text: byte 0xe9; save the file as UTF-8"
    )


def test_a_date_that_does_not_exist_is_located(project: Path) -> None:
    text = INCIDENT.format(start="2026-02-30T10:00:00Z")
    (project / "incidents" / "2026-02-28-slow.md").write_text(text)
    assert problems("validate")[0] == (
        "incidents/2026-02-28-slow.md:4:13: 2026-02-30T10:00:00Z is not a valid date or time: "
        "day is out of range for month"
    )


def test_a_recurrence_in_the_year_9999_is_refused_before_any_build(project: Path) -> None:
    text = MAINTENANCE.format(start="9999-12-30T10:00:00Z")
    (project / "incidents" / "9999-12-30-db.md").write_text(text)
    lines = problems("build")
    assert lines[0] == (
        "incidents/9999-12-30-db.md:5:18: scheduled_start: expected a time in the years "
        "1970-2999, got 9999-12-30T10:00:00+00:00"
    )
    assert not (project / "site").exists()


def test_a_loop_every_zero_seconds_is_refused_before_any_round(project: Path) -> None:
    lines = problems("check", "--region", "eu-west", "--loop", "--every", "0s")
    assert "Invalid value for --every: expected a duration longer than 0s" in lines[-1]
    assert not (project / "data").exists()


@pytest.mark.parametrize(
    ("line", "written", "expected"),
    [
        ("  title: Example Status\n", '  title: "Down\\nINJECTED"\n',
         "config.yaml:3:10: site.title: expected one line without control characters, "
         "found U+000A"),
        ("    name: API\n", '    name: "API\\e[2J"\n',
         "config.yaml:13:11: monitors[0].name: expected one line without control characters, "
         "found U+001B"),
        ("  timezone: UTC\n", '  timezone: UTC\n  cname: "status.example.com\\nevil.example"\n',
         'config.yaml:5:10: site.cname: expected a domain name like "status.example.com", got '
         '"status.example.com\\u000aevil.example"'),
        ("  timezone: UTC\n", '  timezone: UTC\n  homepage_url: "JavaScript:alert(1)"\n',
         "config.yaml:5:17: site.homepage_url: expected a link starting with https://, http://, "
         'mailto: or a path on the site, got "JavaScript:alert(1)"'),
        ("  timezone: UTC\n", '  timezone: UTC\n  logo: "javascript:alert(1)//.png"\n',
         "config.yaml:5:9: site.logo: expected a link starting with https://, http://, mailto: "
         'or a path on the site, got "javascript:alert(1)//.png"'),
    ],
)  # fmt: skip
def test_text_that_would_inject_lines_or_scripts_is_refused(
    project: Path, line: str, written: str, expected: str
) -> None:
    assert line in SMALL_CONFIG
    (project / "config.yaml").write_text(SMALL_CONFIG.replace(line, written, 1))
    assert problems("validate")[0] == expected


def test_links_and_images_people_use_are_accepted(project: Path) -> None:
    site = (
        "  timezone: UTC\n  homepage_url: https://example.com/\n"
        "  contact_url: mailto:ops@example.com\n  logo: assets/logo.svg\n"
        "  favicon: 'data:image/png;base64,iVBORw0KGgo='\n"
    )
    (project / "config.yaml").write_text(SMALL_CONFIG.replace("  timezone: UTC\n", site, 1))
    result = CliRunner().invoke(main, ["validate"], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_a_targets_text_reaches_the_terminal_escaped() -> None:
    result = Result(
        monitor_id="api", region="eu", run_id="r", checked_at=NOW, status=Status.DOWN,
        error_kind=ErrorKind.HTTP_STATUS, error_message="HTTP 503 \x1b[2J\nrm -rf",
    )  # fmt: skip
    assert _describe(result) == "api: down (http_status: HTTP 503 \\u001b[2J\\u000arm -rf)"


def test_a_result_file_that_cannot_be_opened_ends_build_with_one_line(project: Path) -> None:
    blocked = project / "data" / "results" / "region=eu-west" / "date=2026-11-23" / "x.parquet"
    blocked.mkdir(parents=True)  # opening it fails (tests run as root: no permission errors)
    result = CliRunner().invoke(main, ["build"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"vigil: cannot read {blocked.relative_to(project)}: Is a directory"
    ]


def test_a_run_that_cannot_be_written_is_kept_elsewhere_and_says_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = (
        "version: 1\nregions: [{id: eu, name: Europe}]\nrunner: {canary: []}\nmonitors:\n"
        "  - {id: db, name: DB, type: tcp, host: 127.0.0.1, port: 9, timeout: 2s}\n"
    )
    (tmp_path / "config.yaml").write_text(config)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "results").write_text("a file where the folder should be")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    tempfile.tempdir = None  # read TMPDIR again
    try:
        result = CliRunner().invoke(main, ["check", "--region", "eu"], catch_exceptions=False)
    finally:
        tempfile.tempdir = None
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("vigil: cannot write data/results/region=eu/date=")
    assert "this run's 1 results are kept in " in line
    (kept,) = (tmp_path / "tmp").rglob("*.parquet")
    assert str(kept) in line
    assert duckdb.sql(f"SELECT monitor_id, status FROM '{kept}'").fetchall() == [("db", "down")]
