"""Bad input found by adversarial checks: each is one located line and exit status 2 through
the CLI, never a Python traceback, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import main
from tests.conftest import SMALL_CONFIG

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
