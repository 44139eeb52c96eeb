"""Incident files as the commands write them: stable front matter, kept bodies, unique ids."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from configuration.errors import ConfigError
from configuration.files import write_atomically
from configuration.incident_files import IncidentFile, find, new_path, slugify
from configuration.incidents import load_incidents

WriteFile = Callable[[str, str], Path]
HAND_WRITTEN = """\
---
updates:
  - message: Found it.
    status: identified
    at: 2026-11-01T10:05:00+01:00
monitors: [api]
started_at: 2026-11-01T10:00:00Z
title: "API down: again"
impact: major
---

The **write-up**, with trailing spaces   
and no final newline"""  # noqa: W291


def test_rewriting_orders_keys_keeps_offsets_and_the_body(write_file: WriteFile) -> None:
    path = write_file("incidents/2026-11-01-api.md", HAND_WRITTEN)
    file = IncidentFile.read(path)
    file.save(["api"])
    assert path.read_text() == (
        "---\n"
        "title: 'API down: again'\n"
        "impact: major\n"
        "monitors:\n"
        "- api\n"
        "started_at: 2026-11-01T10:00:00Z\n"
        "updates:\n"
        "- at: 2026-11-01T10:05:00+01:00\n"
        "  status: identified\n"
        "  message: Found it.\n"
        "---\n"
        "\nThe **write-up**, with trailing spaces   \nand no final newline"
    )
    first = path.read_text()
    IncidentFile.read(path).save(["api"])
    assert path.read_text() == first  # saving again changes nothing


def test_an_invalid_change_writes_nothing(write_file: WriteFile) -> None:
    path = write_file("incidents/2026-11-01-api.md", HAND_WRITTEN)
    file = IncidentFile.read(path)
    file.data["monitors"] = ["nope"]
    with pytest.raises(ConfigError):
        file.save(["api"])
    assert path.read_text() == HAND_WRITTEN
    assert sorted(p.name for p in path.parent.iterdir()) == ["2026-11-01-api.md"]


def test_ids_are_unique_in_the_folder(write_file: WriteFile) -> None:
    write_file("incidents/a.md", "---\nid: same\ntitle: A\nstarted_at: 2026-11-01T10:00:00Z\n---\n")
    path = write_file(
        "incidents/b.md", "---\nid: same\ntitle: B\nstarted_at: 2026-11-01T10:00:00Z\n---\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_incidents(path.parent)
    [problem] = caught.value.problems
    assert problem.path == "id" and problem.file.endswith("b.md")
    assert problem.message.startswith('duplicate id "same", already used by ')
    assert find(path.parent, "same").path.name == "a.md"
    assert new_path(path.parent, date(2026, 11, 1), "Same").name == "2026-11-01-same.md"


def test_slugs_and_numbered_names(tmp_path: Path) -> None:
    assert slugify("API is down! (EU)") == "api-is-down-eu"
    assert slugify("Ünïcödé — café") == "unicode-cafe"
    assert slugify("<script>") == "script"
    assert slugify("!!!") == "incident"
    assert len(slugify("word " * 100)) <= 48
    (tmp_path / "2026-11-01-api.md").write_text("x")
    assert new_path(tmp_path, date(2026, 11, 1), "API").name == "2026-11-01-api-2.md"


def test_a_new_file_is_readable_by_others_and_a_rewritten_one_keeps_its_mode(
    tmp_path: Path,
) -> None:
    fresh = tmp_path / "fresh.md"
    write_atomically(fresh, "one")
    assert fresh.stat().st_mode & 0o777 == 0o644  # the web server and the next job read it
    private = tmp_path / "private.md"
    private.write_text("old")
    private.chmod(0o640)
    write_atomically(private, "new")
    assert private.read_text() == "new" and private.stat().st_mode & 0o777 == 0o640
