"""Announcements written as files (issue 17 item 7): `announcements/*.md` beside `incidents/`,
front matter and a Markdown message, merged with config.yaml's; `vigil validate` and
`vigil build` report a bad file or an id used twice as one located line, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator import main
from tests.conftest import SMALL_CONFIG

NOW = "2026-12-22T12:00:00Z"
HOLIDAYS = """\
---
title: Support is closed on 24-26 December
level: warning
from: 2026-12-20T09:00:00Z
until: 2026-12-27T00:00:00Z
---
Write to **support@example.com**; we answer on the 27th.
"""
CONFIGURED = """\
announcements:
  - {id: pricing, title: New pricing from January, from: "2026-12-01T09:00:00Z"}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "config.yaml").write_text(SMALL_CONFIG + CONFIGURED, encoding="utf-8")
    (tmp_path / "incidents").mkdir()
    (tmp_path / "announcements").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def vigil(*args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--now", NOW] if args[0] == "build" else list(args))


def write(project: Path, name: str, text: str) -> None:
    (project / "announcements" / name).write_text(text, encoding="utf-8")


def test_a_file_joins_the_configured_ones_on_the_page_and_in_status_live(project: Path) -> None:
    write(project, "holidays.md", HOLIDAYS)
    over = HOLIDAYS.replace("2026-12-20T", "2026-11-01T").replace("2026-12-27T", "2026-11-08T")
    write(project, "old-move.md", over)  # over by now
    assert vigil("validate").exit_code == 0
    built = vigil("build")
    assert built.exit_code == 0, built.output
    live = json.loads((project / "site" / "status-live.json").read_text())
    assert [(a["id"], a["level"]) for a in live["announcements"]] == [
        ("pricing", "info"),
        ("holidays", "warning"),  # oldest `from` first
    ]
    index = (project / "site" / "index.html").read_text("utf-8")
    assert 'id="announcement-holidays"' in index and 'id="announcement-old-move"' not in index
    assert "<strong>support@example.com</strong>" in index  # the body is the message
    feed = json.loads((project / "site" / "feed.json").read_text())
    titles = [item["title"] for item in feed["items"]]
    assert titles.count("Support is closed on 24-26 December") == 2  # the past one stays news


@pytest.mark.parametrize(
    ("name", "text", "located"),
    [
        ("bad.md", "title: no front matter\n",
         "announcements/bad.md:1:1: expected YAML front matter"),
        ("bad.md", HOLIDAYS.replace("level: warning", "level: urgent"),
         "announcements/bad.md:3:8: level: input should be 'info' or 'warning', got \"urgent\""),
        ("bad.md", HOLIDAYS.replace("until: 2026-12-27", "until: 2026-12-19"),
         "announcements/bad.md:2:1: `until` must be after `from`"),
        ("bad.md", HOLIDAYS.replace("title: Support", "title: [Support"),
         "announcements/bad.md:"),  # a YAML syntax error, located
        ("bad.md", HOLIDAYS.replace("level:", "colour:"),
         'announcements/bad.md:3:1: colour: unknown key "colour"'),
        ("bad.md", HOLIDAYS.replace("---\nWrite", "message: Twice\n---\nWrite"),
         "announcements/bad.md:6:1: message: the message is the text below the front matter"),
        ("pricing.md", HOLIDAYS,
         'announcements/pricing.md:1:1: id: duplicate id "pricing", already used by config.yaml '
         "announcements[0]"),
    ],
)  # fmt: skip
def test_a_bad_file_is_one_located_line(project: Path, name: str, text: str, located: str) -> None:
    write(project, name, text)
    for command in ("validate", "build"):
        done = vigil(command)
        assert done.exit_code == 2, done.output
        [line] = [line for line in done.output.splitlines() if line.startswith("announcements/")]
        assert line.startswith(located), line
        assert "Traceback" not in done.output
    assert not (project / "site").exists()  # nothing written


def test_an_id_written_twice_in_files_is_located_at_the_second(project: Path) -> None:
    write(project, "a-holidays.md", HOLIDAYS)
    write(project, "b-holidays.md", HOLIDAYS.replace("---\ntitle", "---\nid: a-holidays\ntitle"))
    done = vigil("validate")
    assert done.exit_code == 2
    assert (
        'announcements/b-holidays.md:2:1: id: duplicate id "a-holidays", already used by '
        "announcements/a-holidays.md"
    ) in done.output


def test_announcement_new_writes_a_file_the_build_reads(project: Path) -> None:
    done = CliRunner().invoke(
        main,
        ["announcement", "new", "--title", "Support is closed on 24-26 December", "--level",
         "warning", "--message", "Write to **support@example.com**.", "--from",
         "2026-12-20T09:00:00Z", "--until", "2026-12-27T00:00:00Z"],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    path = project / "announcements" / "2026-12-20-support-is-closed-on-24-26-december.md"
    assert f"Wrote {path.relative_to(project)}" in done.output
    assert path.read_text("utf-8") == (
        "---\ntitle: Support is closed on 24-26 December\nlevel: warning\n"
        "from: 2026-12-20T09:00:00Z\nuntil: 2026-12-27T00:00:00Z\n---\n"
        "Write to **support@example.com**.\n"
    )
    assert vigil("build").exit_code == 0
    live = json.loads((project / "site" / "status-live.json").read_text())
    assert "2026-12-20-support-is-closed-on-24-26-december" in [
        a["id"] for a in live["announcements"]
    ]


def test_announcement_new_refuses_what_cannot_be_meant(project: Path) -> None:
    done = CliRunner().invoke(
        main,
        ["announcement", "new", "--title", "Backwards", "--from", "2026-12-20T09:00:00Z",
         "--until", "2026-12-19T00:00:00Z"],
    )  # fmt: skip
    assert done.exit_code == 2
    assert "`until` must be after `from`" in done.output and "Nothing was written." in done.output
    assert "Traceback" not in done.output
    assert not list((project / "announcements").iterdir())
