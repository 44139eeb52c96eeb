"""`vigil incident …` and `vigil maintenance …` through click, in a real folder and git repo."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from jsonschema import Draft202012Validator

from configuration.incidents import load_incidents
from generator import main
from tests.conftest import SMALL_CONFIG

NOW = "2026-11-23T10:00:00Z"
SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "schemas" / "cli-incident.schema.json").read_text()
)
ID = "2026-11-23-api-is-down"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with the small config, as the working directory."""
    (tmp_path / "config.yaml").write_text(SMALL_CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for command in (
        ["init", "--quiet", "--initial-branch", "main"],
        ["config", "user.email", "ops@example.com"],
        ["config", "user.name", "Ops"],
        ["add", "config.yaml"],
        ["commit", "--quiet", "--message", "start"],
    ):
        subprocess.run(["git", *command], cwd=tmp_path, check=True, timeout=30)
    return tmp_path


def vigil(*args: str, now: str | None = NOW) -> Result:
    return CliRunner().invoke(main, [*args, *(["--now", now] if now else [])])


def git_log(folder: Path) -> list[str]:
    done = subprocess.run(
        ["git", "log", "--format=%s", "--name-status"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return [line for line in done.stdout.splitlines() if line]


def test_the_workflow_commands_round_trip_and_commit(project: Path) -> None:
    new = vigil(
        "incident", "new", "--title", "API is down", "--status", "investigating",
        "--impact", "major", "--monitor", "api", "--message", "Looking into it.", "--commit",
    )  # fmt: skip
    assert new.exit_code == 0, new.output
    assert f"Wrote incidents/{ID}.md" in new.output
    update = vigil(
        "incident", "update", ID, "--status", "identified", "--message", "Found it.", "--commit",
        now="2026-11-23T10:15:00Z",
    )  # fmt: skip
    assert update.exit_code == 0, update.output
    resolve = vigil(
        "incident", "resolve", ID, "--message", "Fixed.", "--commit", now="2026-11-23T10:40:00Z"
    )
    assert resolve.exit_code == 0, resolve.output
    assert git_log(project) == [
        "incident: API is down (resolved)",
        f"M\tincidents/{ID}.md",
        "incident: API is down (identified)",
        f"M\tincidents/{ID}.md",
        "incident: API is down (investigating)",
        f"A\tincidents/{ID}.md",
        "start",
        "A\tconfig.yaml",
    ]
    shown = json.loads(vigil("incident", "show", ID, "--json", now="2026-11-23T10:45:00Z").output)
    Draft202012Validator.check_schema(SCHEMA)
    Draft202012Validator(SCHEMA).validate(shown)
    assert shown == {
        "id": ID,
        "title": "API is down",
        "status": "resolved",
        "impact": "major",
        "monitorIds": ["api"],
        "affects": {"api": "partial_outage"},  # a listed monitor: what impact major implies
        "startedAt": "2026-11-23T10:00:00Z",
        "resolvedAt": "2026-11-23T10:40:00Z",
        "maintenance": False,
        "updates": [
            {"id": f"{ID}-1", "status": "investigating", "message": "Looking into it.",
             "createdAt": "2026-11-23T10:00:00Z"},
            {"id": f"{ID}-2", "status": "identified", "message": "Found it.",
             "createdAt": "2026-11-23T10:15:00Z"},
            {"id": f"{ID}-3", "status": "resolved", "message": "Fixed.",
             "createdAt": "2026-11-23T10:40:00Z"},
        ],
    }  # fmt: skip


def test_list_filters_by_status_and_prints_json(project: Path) -> None:
    vigil("incident", "new", "--title", "API is down", "--monitor", "api", "--message", "a")
    vigil("incident", "new", "--title", "DB slow", "--monitor", "db", "--status", "monitoring")
    listed = vigil("incident", "list", "--status", "monitoring")
    assert listed.exit_code == 0
    assert "2026-11-23-db-slow" in listed.output and ID not in listed.output
    as_json = json.loads(vigil("incident", "list", "--json").output)
    for item in as_json:
        Draft202012Validator(SCHEMA).validate(item)
    assert sorted(item["id"] for item in as_json) == [ID, "2026-11-23-db-slow"]
    shown = vigil("incident", "show", "2026-11-23-db-slow")
    assert "DB slow [2026-11-23-db-slow]" in shown.output and "monitoring" in shown.output


def test_same_title_twice_gets_a_new_id(project: Path) -> None:
    for _ in range(2):
        assert vigil("incident", "new", "--title", "API is down", "--message", "x").exit_code == 0
    ids = sorted(p.stem for p in (project / "incidents").glob("*.md"))
    assert ids == [ID, f"{ID}-2"]


def test_an_update_keeps_the_written_body_byte_for_byte(project: Path) -> None:
    vigil("incident", "new", "--title", "API is down", "--monitor", "api", "--message", "a")
    path = project / "incidents" / f"{ID}.md"
    body = "\n## Post-mortem\n\nA *long* story.   \n\n<!-- a comment -->\n\n\n"
    path.write_text(path.read_text() + body, encoding="utf-8")
    assert vigil("incident", "update", ID, "--message", "Still on it.").exit_code == 0
    text = path.read_text()
    assert text.endswith("---\n" + body)
    [incident] = load_incidents(project / "incidents", ["api", "db"])
    assert [u.status for u in incident.updates] == ["investigating", "investigating"]
    assert incident.updates[-1].message == "Still on it."


def test_invalid_input_exits_2_and_writes_nothing(project: Path) -> None:
    result = vigil("incident", "new", "--title", "X", "--monitor", "apx", "--message", "m")
    assert result.exit_code == 2
    assert 'monitors[0]: unknown monitor "apx", did you mean "api"?' in result.output
    assert "Nothing was written." in result.output
    too_long = vigil("incident", "new", "--title", "x" * 301, "--message", "m")
    assert too_long.exit_code == 2 and "title: expected at most 300 characters" in too_long.output
    no_zone = vigil("incident", "new", "--title", "X", "--started-at", "2026-11-23T10:00")
    assert no_zone.exit_code == 2 and "expected a time with a time zone" in no_zone.output
    missing = vigil("incident", "update", "nope", "--status", "identified")
    assert missing.exit_code == 2 and 'no incident "nope"' in missing.output
    assert not (project / "incidents").exists() or not any((project / "incidents").iterdir())
    assert git_log(project) == ["start", "A\tconfig.yaml"]


def test_a_failed_commit_says_so_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "config.yaml").write_text(SMALL_CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # not a git repository
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = vigil("incident", "new", "--title", "API is down", "--message", "m", "--commit")
    assert result.exit_code == 1
    assert "git add failed" in result.output and "not committed" in result.output
    assert (tmp_path / "incidents" / f"{ID}.md").exists()


def test_delete_removes_the_file_and_commits_the_removal(project: Path) -> None:
    vigil("incident", "new", "--title", "API is down", "--message", "m", "--commit")
    deleted = vigil("incident", "delete", ID, "--commit", now=None)
    assert deleted.exit_code == 0, deleted.output
    assert not (project / "incidents" / f"{ID}.md").exists()
    assert git_log(project)[:2] == ["incident: delete API is down", f"D\tincidents/{ID}.md"]
    again = vigil("incident", "delete", ID, now=None)
    assert again.exit_code == 2


def test_deleting_a_file_never_committed_with_commit_has_nothing_to_commit(
    project: Path,
) -> None:
    vigil("incident", "new", "--title", "API is down", "--message", "m")  # not committed
    before = git_log(project)
    deleted = vigil("incident", "delete", ID, "--commit", now=None)
    assert deleted.exit_code == 0, deleted.output
    assert "Nothing to commit" in deleted.output
    assert not (project / "incidents" / f"{ID}.md").exists()
    assert git_log(project) == before


def test_reopening_a_resolved_incident_clears_resolved_at(project: Path) -> None:
    vigil("incident", "new", "--title", "API is down", "--message", "m")
    vigil("incident", "resolve", ID, "--message", "")  # an empty form field
    last = json.loads(vigil("incident", "show", ID, "--json").output)["updates"][-1]
    assert last["message"] == "This incident has been resolved."
    assert json.loads(vigil("incident", "show", ID, "--json").output)["status"] == "resolved"
    vigil("incident", "update", ID, "--status", "investigating", "--message", "Back again.")
    shown = json.loads(vigil("incident", "show", ID, "--json").output)
    assert shown["status"] == "investigating" and shown["resolvedAt"] is None


def test_maintenance_round_trip(project: Path) -> None:
    new = vigil(
        "maintenance", "new", "--title", "Database upgrade", "--start", "2026-11-25T02:00:00Z",
        "--duration", "2h", "--monitor", "db,api", "--message", "Short read-only spell.",
        "--commit",
    )  # fmt: skip
    assert new.exit_code == 0, new.output
    mid = "2026-11-25-database-upgrade"
    assert git_log(project)[0] == "maintenance: Database upgrade (scheduled)"
    shown = json.loads(vigil("maintenance", "show", mid, "--json").output)
    Draft202012Validator(SCHEMA).validate(shown)
    assert shown["maintenance"] is True and shown["monitorIds"] == ["db", "api"]
    assert (shown["scheduledStart"], shown["scheduledEnd"]) == (
        "2026-11-25T02:00:00Z",
        "2026-11-25T04:00:00Z",
    )
    moved = vigil("maintenance", "update", mid, "--start", "2026-11-26T02:00:00Z", "--end",
                  "2026-11-26T05:00:00Z", "--message", "Moved by a day.")  # fmt: skip
    assert moved.exit_code == 0, moved.output
    during = vigil("maintenance", "list", "--status", "in_progress", now="2026-11-26T03:00:00Z")
    assert mid in during.output
    forced = vigil("maintenance", "update", mid, "--status", "completed")
    assert forced.exit_code == 0
    assert json.loads(vigil("maintenance", "show", mid, "--json").output)["status"] == "completed"
    assert vigil("maintenance", "update", mid, "--status", "auto").exit_code == 0
    assert json.loads(vigil("maintenance", "show", mid, "--json").output)["status"] == "scheduled"
    assert vigil("incident", "show", mid).exit_code == 2  # a maintenance is not an incident
    assert vigil("maintenance", "delete", mid, "--commit", now=None).exit_code == 0
    assert git_log(project)[0] == "maintenance: delete Database upgrade"


def test_recurring_maintenance_from_the_command_line(project: Path) -> None:
    result = vigil(
        "maintenance", "new", "--title", "Weekly backups", "--every", "sunday", "--start",
        "02:00", "--end", "04:00", "--timezone", "Europe/Berlin", "--monitor", "db",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [maintenance] = load_incidents(project / "incidents", ["api", "db"])
    assert maintenance.recurrence is not None
    assert maintenance.recurrence.every == ["Sunday"]
    window = maintenance.next_window(datetime(2026, 11, 23, 10, tzinfo=UTC))
    assert window == (datetime(2026, 11, 29, 1, tzinfo=UTC), datetime(2026, 11, 29, 3, tzinfo=UTC))
    bad = vigil("maintenance", "new", "--title", "X", "--every", "Sundy", "--start", "02:00",
                "--duration", "1h")  # fmt: skip
    assert bad.exit_code == 2
    assert 'recurrence.every[0]: expected one of "Monday"' in bad.output
    bad_zone = vigil("maintenance", "new", "--title", "X", "--every", "Sunday", "--start",
                     "02:00", "--duration", "1h", "--timezone", "Mars/Base")  # fmt: skip
    assert bad_zone.exit_code == 2 and 'unknown time zone "Mars/Base"' in bad_zone.output


def test_list_and_show_print_non_ascii_titles_as_written(project: Path) -> None:
    vigil("incident", "new", "--title", "Zahlungen gestört", "--monitor", "api")
    listed = vigil("incident", "list", "--json").output
    shown = vigil("incident", "show", "2026-11-23-zahlungen-gestort", "--json").output
    assert "Zahlungen gestört" in listed and "Zahlungen gestört" in shown
    assert json.loads(listed)[0]["title"] == json.loads(shown)["title"] == "Zahlungen gestört"
