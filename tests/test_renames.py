"""A key that a new version renames keeps working for one version, with a located warning
naming the new key; `vigil validate --fix` rewrites it and nothing else. Simulated with a
renames table of a version bump that renamed `site.theme` and a monitor's `interval`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from configuration import renames
from configuration.errors import ConfigError
from configuration.loader import load_config_text
from configuration.models import Config
from configuration.renames import RENAMES, Rename
from generator import main

BUMP = (
    Rename("site", "colour_scheme", "theme", since="0.2", until="0.3"),
    Rename("monitors[]", "every", "interval", since="0.2", until="0.3"),
    Rename("runner", "parallel", "concurrency", since="0.2", until="0.3"),
)
OLD = """\
# Our page.
version: 1
site:
  title: Acme   # the name on top
  colour_scheme: dark  # we like it dark
regions: [{id: eu, name: Europe}]
runner: {parallel: 10}
monitors:
  - id: api
    name: API
    type: http
    url: https://api.example.com/
    "every": 1h   # quoted keys too
  - {id: db, name: DB, type: tcp, host: db.example.com, port: 5432, every: 10m}
"""
NEW = OLD.replace("colour_scheme:", "theme:").replace('"every":', '"interval":')
NEW = NEW.replace("every: 10m", "interval: 10m").replace("parallel:", "concurrency:")


@pytest.fixture
def bumped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(renames, "RENAMES", BUMP)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "config.yaml").write_text(OLD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.usefixtures("bumped")
def test_old_names_load_as_the_new_ones_with_a_located_warning() -> None:
    config = load_config_text(OLD, "config.yaml", {})
    assert config.model_dump() == load_config_text(NEW, "config.yaml", {}).model_dump()
    assert config.site.theme == "dark" and config.runner.concurrency == 10
    assert [str(w) for w in config.renamed.warnings] == [
        'config.yaml:5:3: site.colour_scheme: "colour_scheme" is renamed "theme" (Vigil 0.2); '
        "it is read until Vigil 0.3; `vigil validate --fix` rewrites it",
        'config.yaml:7:10: runner.parallel: "parallel" is renamed "concurrency" (Vigil 0.2); '
        "it is read until Vigil 0.3; `vigil validate --fix` rewrites it",
        'config.yaml:13:5: monitors[0].every: "every" is renamed "interval" (Vigil 0.2); '
        "it is read until Vigil 0.3; `vigil validate --fix` rewrites it",
        'config.yaml:14:69: monitors[1].every: "every" is renamed "interval" (Vigil 0.2); '
        "it is read until Vigil 0.3; `vigil validate --fix` rewrites it",
    ]
    assert load_config_text(NEW, "config.yaml", {}).renamed.warnings == []


@pytest.mark.usefixtures("bumped")
def test_both_names_in_one_mapping_is_a_located_error() -> None:
    text = OLD.replace("  colour_scheme: dark", "  colour_scheme: dark\n  theme: light")
    with pytest.raises(ConfigError) as raised:
        load_config_text(text, "config.yaml", {})
    assert str(raised.value.problems[0]) == (
        'config.yaml:5:3: site.colour_scheme: both "colour_scheme" and its new name "theme" '
        "are written; keep one"
    )


@pytest.mark.usefixtures("bumped")
def test_every_command_warns_and_annotates_under_github_actions(project: Path) -> None:
    result = CliRunner().invoke(main, ["validate"], env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("warning: config.yaml:5:3: site.colour_scheme: ")
    assert (
        '::warning file=config.yaml,line=13,col=5::monitors[0].every: "every" is renamed "interval"'
    ) in result.stdout
    regions = CliRunner().invoke(main, ["regions"], env={"GITHUB_ACTIONS": "false"})
    assert regions.exit_code == 0 and "warning: config.yaml:7:10:" in regions.stderr


@pytest.mark.usefixtures("bumped")
def test_fix_rewrites_only_the_keys_and_keeps_comments(project: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--fix"], env={"GITHUB_ACTIONS": "false"})
    assert result.exit_code == 0, result.output
    assert (project / "config.yaml").read_text() == NEW
    assert result.stdout.splitlines()[:4] == [
        "Fixed config.yaml:5:3: colour_scheme → theme",
        "Fixed config.yaml:7:10: parallel → concurrency",
        "Fixed config.yaml:13:5: every → interval",
        "Fixed config.yaml:14:69: every → interval",
    ]
    assert "config.yaml: OK (2 monitors, 1 regions)" in result.stdout
    assert "warning" not in result.stderr  # validated again after the fix


@pytest.mark.usefixtures("bumped")
def test_fix_leaves_a_current_config_untouched(project: Path) -> None:
    (project / "config.yaml").write_text(NEW)
    before = (project / "config.yaml").stat().st_mtime_ns
    assert CliRunner().invoke(main, ["validate", "--fix"]).exit_code == 0
    assert (project / "config.yaml").stat().st_mtime_ns == before


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models a field can hold, through list[], Optional, Annotated and unions."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in models_in(arg)]


def stale(table: tuple[Rename, ...]) -> list[str]:
    """Renames whose new key none of the models where it lives has."""
    missing = []
    for rename in table:
        models: list[type[BaseModel]] = [Config]
        for part in filter(None, rename.where.split(".")):
            key = part.removesuffix("[]")
            models = [m for model in models for m in models_in(model.model_fields[key].annotation)]
        if not any(rename.new in model.model_fields for model in models):
            missing.append(f"{rename.where}.{rename.new}")
    return missing


def test_every_rename_names_a_key_the_models_have() -> None:
    assert stale(RENAMES) == []
    assert stale(BUMP) == []
    assert stale((Rename("site", "old", "no_such_key", "0.2", "0.3"),)) == ["site.no_such_key"]
