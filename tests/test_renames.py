"""A key that a new version renames keeps working for one version, with a located warning
naming the new key; `vigil validate --fix` rewrites it and nothing else. Simulated with a
renames table of a version bump that renamed `site.theme`, a check's `interval` (in
`defaults` and in `monitors[]`), the runner's `concurrency` and a webhook's `url`."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
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
    Rename("defaults", "every", "interval", since="0.2", until="0.3"),
    Rename("monitors[]", "every", "interval", since="0.2", until="0.3"),
    Rename("runner", "parallel", "concurrency", since="0.2", until="0.3"),
    Rename("notifications[]", "hook", "url", since="0.2", until="0.3"),
)
OLD = """\
# Our page.
version: 1
site:
  title: Acme   # the name on top
  colour_scheme: dark  # we like it dark
regions: [{id: eu, name: Europe}]
runner: {parallel: 10}
defaults:
  every: 2m
monitors:
  - id: api
    name: API
    type: http
    url: https://api.example.com/
    "every": 1h   # quoted keys too
  - {id: db, name: DB, type: tcp, host: db.example.com, port: 5432, 'every': 10m}
  - {id: dns, name: DNS, type: dns, query: example.com}
notifications:
  - type: webhook
    id: hooks
    hook: https://hooks.example.com/vigil
"""


def renamed(text: str) -> str:
    """`text` as `vigil validate --fix` should leave it: the old key tokens replaced."""
    for old, new in [
        ("colour_scheme:", "theme:"),
        ("  every: 2m", "  interval: 2m"),
        ('"every":', '"interval":'),
        ("'every':", "'interval':"),
        ("parallel:", "concurrency:"),
        ("hook:", "url:"),
    ]:
        text = text.replace(old, new)
    return text


NEW = renamed(OLD)
RENAMED = "(Vigil 0.2); it is read until Vigil 0.3; `vigil validate --fix` rewrites it"
THEME = f'"colour_scheme" is renamed "theme" {RENAMED}'
OK = "config.yaml: OK (3 monitors, 1 regions); incidents: 0 incident file(s) OK"
FIXED = [
    "Fixed config.yaml:5:3: colour_scheme → theme",
    "Fixed config.yaml:7:10: parallel → concurrency",
    "Fixed config.yaml:9:3: every → interval",
    "Fixed config.yaml:15:5: every → interval",
    "Fixed config.yaml:16:69: every → interval",
    "Fixed config.yaml:21:5: hook → url",
]


@pytest.fixture
def bumped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(renames, "RENAMES", BUMP)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "config.yaml").write_text(OLD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def validate(*args: str, github: bool = False) -> Any:
    env = {"GITHUB_ACTIONS": "true" if github else "false"}
    return CliRunner().invoke(main, ["validate", *args], env=env, catch_exceptions=False)


def fix(project: Path, text: str) -> Any:
    """`vigil validate --fix` on the project's config.yaml written as `text`."""
    (project / "config.yaml").write_text(text)
    return validate("--fix")


@pytest.mark.usefixtures("bumped")
def test_old_names_load_as_the_new_ones_with_a_located_warning() -> None:
    config = load_config_text(OLD, "config.yaml", {})
    assert config.model_dump() == load_config_text(NEW, "config.yaml", {}).model_dump()
    assert config.site.theme == "dark" and config.runner.concurrency == 10
    assert [m.interval.total_seconds() for m in config.monitors] == [3600, 600, 120]
    assert [str(w) for w in config.renamed.warnings] == [
        f"config.yaml:5:3: site.colour_scheme: {THEME}",
        f'config.yaml:7:10: runner.parallel: "parallel" is renamed "concurrency" {RENAMED}',
        f'config.yaml:9:3: defaults.every: "every" is renamed "interval" {RENAMED}',
        f'config.yaml:15:5: monitors[0].every: "every" is renamed "interval" {RENAMED}',
        f'config.yaml:16:69: monitors[1].every: "every" is renamed "interval" {RENAMED}',
        f'config.yaml:21:5: notifications[0].hook: "hook" is renamed "url" {RENAMED}',
    ]
    assert load_config_text(NEW, "config.yaml", {}).renamed.warnings == []


@pytest.mark.usefixtures("bumped")
def test_both_names_in_one_mapping_is_a_located_error_and_the_warnings_come_along() -> None:
    text = OLD.replace("  colour_scheme: dark", "  colour_scheme: dark\n  theme: light")
    with pytest.raises(ConfigError) as raised:
        load_config_text(text, "config.yaml", {})
    assert [str(problem) for problem in raised.value.problems] == [
        'config.yaml:5:3: site.colour_scheme: both "colour_scheme" and its new name "theme" '
        "are written; keep one"
    ]
    assert [w.path for w in raised.value.warnings] == [
        "runner.parallel",
        "defaults.every",
        "monitors[0].every",
        "monitors[1].every",
        "notifications[0].hook",
    ]


@pytest.mark.usefixtures("bumped")
def test_a_mistake_in_a_renamed_value_is_located_where_the_old_key_wrote_it() -> None:
    with pytest.raises(ConfigError) as raised:
        load_config_text(OLD.replace('"every": 1h', '"every": hourly'), "config.yaml", {})
    assert [str(problem) for problem in raised.value.problems] == [
        'config.yaml:15:14: monitors[0].interval: expected a duration like "10s", got "hourly"'
    ]


@pytest.mark.usefixtures("bumped")
def test_every_command_warns_on_stderr_and_annotates_under_github_actions(
    project: Path,
) -> None:
    result = validate(github=True)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [OK]
    lines = result.stderr.splitlines()
    assert lines[:2] == [
        f"warning: config.yaml:5:3: site.colour_scheme: {THEME}",
        f"::warning file=config.yaml,line=5,col=3::site.colour_scheme: {THEME}",
    ]
    assert len(lines) == 12
    assert lines[7].startswith("::warning file=config.yaml,line=15,col=5::monitors[0].every: ")
    # A step that captures the output (`matrix=$(vigil regions --json)`) gets only the JSON.
    regions = CliRunner().invoke(main, ["regions", "--json"], env={"GITHUB_ACTIONS": "true"})
    assert regions.exit_code == 0
    assert json.loads(regions.stdout)["include"][0]["region"] == "eu"
    assert "::warning file=config.yaml,line=7,col=10::runner.parallel: " in regions.stderr


@pytest.mark.usefixtures("bumped")
@pytest.mark.parametrize("start, newline", [("", "\n"), ("\ufeff", "\r\n")])
def test_fix_rewrites_only_the_keys_and_keeps_everything_else(
    project: Path, start: str, newline: str
) -> None:
    config = project / "config.yaml"
    config.write_bytes((start + OLD.replace("\n", newline)).encode())
    result = validate("--fix")
    assert result.exit_code == 0, result.output
    assert config.read_bytes() == (start + NEW.replace("\n", newline)).encode()
    assert result.stdout.splitlines() == [*FIXED, OK]
    assert result.stderr == ""  # validated again after the fix: no warning left


@pytest.mark.usefixtures("bumped")
def test_fix_keeps_a_secret_as_written_and_never_prints_it(project: Path) -> None:
    text = OLD.replace("hook: https://hooks.example.com/vigil", "hook: ${HOOK_URL}")
    (project / "config.yaml").write_text(text)
    secret = "https://hooks.example.com/s3cret-token"
    env = {"GITHUB_ACTIONS": "true", "HOOK_URL": secret}
    result = CliRunner().invoke(main, ["validate", "--fix"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert FIXED[-1] in result.stdout
    assert "s3cret" not in result.stdout + result.stderr
    assert (project / "config.yaml").read_text() == renamed(text)


@pytest.mark.usefixtures("bumped")
def test_fix_keeps_a_private_config_private(project: Path) -> None:
    config = project / "config.yaml"
    config.write_text(OLD)
    config.chmod(0o600)  # it holds a token written inline
    assert validate("--fix").exit_code == 0
    assert config.read_text() == NEW
    assert config.stat().st_mode & 0o777 == 0o600


@pytest.mark.usefixtures("bumped")
def test_fix_leaves_a_current_config_untouched(project: Path) -> None:
    config = project / "config.yaml"
    config.write_text(NEW)
    before = config.stat().st_mtime_ns
    result = validate("--fix")
    assert result.exit_code == 0 and "Fixed" not in result.stdout
    assert config.read_text() == NEW and config.stat().st_mtime_ns == before


@pytest.mark.usefixtures("bumped")
def test_a_merged_key_warns_where_the_anchor_wrote_it_and_is_fixed_there_once(
    project: Path,
) -> None:
    text = OLD.replace("  - id: api\n", "  - &api\n    id: api\n")
    text = text.replace("  - {id: dns,", "  - <<: *api\n    id: api2\n  - {id: dns,")
    config = load_config_text(text, "config.yaml", {})
    assert [m.interval.total_seconds() for m in config.monitors] == [3600, 600, 3600, 120]
    assert [(w.line, w.column, w.path) for w in config.renamed.warnings][3:6] == [
        (16, 5, "monitors[0].every"),
        (16, 5, "monitors[2].every"),
        (17, 69, "monitors[1].every"),
    ]
    result = fix(project, text)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("every → interval") == 3  # defaults, the anchor, the db
    assert (project / "config.yaml").read_text() == renamed(text)


@pytest.mark.usefixtures("bumped")
def test_fix_reports_a_key_it_cannot_rewrite_and_exits_1(project: Path) -> None:
    escaped = OLD.replace("  colour_scheme:", '  "colour_sch\\x65me":')
    result = fix(project, escaped)
    assert result.exit_code == 1
    assert "Fixed config.yaml:5:3" not in result.stdout and FIXED[1] in result.stdout
    assert result.stderr.splitlines()[0] == (
        'config.yaml:5:3: site.colour_scheme: "colour_scheme" is not written as a plain or '
        'quoted name here, so --fix cannot rewrite it; write "theme" in its place'
    )
    assert result.stderr.splitlines()[1].startswith("warning: config.yaml:5:3: ")
    assert (project / "config.yaml").read_text() == renamed(escaped)


@pytest.mark.usefixtures("bumped")
def test_fix_writes_nothing_when_the_config_is_invalid(project: Path) -> None:
    invalid = OLD.replace("port: 5432", "port: postgres")
    result = fix(project, invalid)
    assert result.exit_code == 2
    assert (project / "config.yaml").read_text() == invalid
    assert result.stderr.splitlines()[0].startswith("warning: config.yaml:5:3: ")
    assert result.stderr.splitlines()[-2:] == [
        'config.yaml:16:63: monitors[1].port: expected a whole number, got "postgres"',
        "1 problem found; nothing was written.",
    ]


@pytest.fixture
def read_only(project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The project folder, where no new file can be made (root needs the immutable flag;
    where the file system has none, writing fails as the kernel would make it fail)."""
    project.chmod(0o555)
    frozen = os.geteuid() == 0 and shutil.which("chattr") is not None
    if frozen:
        frozen = subprocess.run(["chattr", "+i", str(project)], check=False).returncode == 0
    if os.geteuid() == 0 and not frozen:

        def refused(path: Path, text: str) -> None:
            raise PermissionError(13, "Permission denied", str(path))

        monkeypatch.setattr(renames, "write_atomically", refused)
    try:
        yield project
    finally:
        if frozen:
            subprocess.run(["chattr", "-i", str(project)], check=True)
        project.chmod(0o755)


@pytest.mark.usefixtures("bumped")
def test_fix_that_cannot_write_is_one_line_and_exit_1(read_only: Path) -> None:
    result = validate("--fix")
    assert result.exit_code == 1
    assert result.stderr.startswith("config.yaml: cannot write the fixed config: ")
    assert len(result.stderr.splitlines()) == 1
    assert (read_only / "config.yaml").read_text() == OLD


def test_renames_apply_in_order_so_a_renamed_section_keeps_its_own_renames(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        renames,
        "RENAMES",
        (Rename("", "page", "site", "0.2", "0.3"), *BUMP),
    )
    text = OLD.replace("site:", "page:").replace("colour_scheme: dark", "colour_scheme: sepia")
    with pytest.raises(ConfigError) as raised:
        load_config_text(text, "config.yaml", {})
    assert str(raised.value.problems[0]).startswith(
        'config.yaml:5:18: site.theme: expected one of "system", "light" or "dark", got "sepia"'
    )
    assert [(w.line, w.column, w.path) for w in raised.value.warnings][:2] == [
        (3, 1, "page"),
        (5, 3, "site.colour_scheme"),
    ]


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models a field can hold, through list[], Optional, Annotated and unions."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in models_in(arg)]


def stale(table: tuple[Rename, ...]) -> list[str]:
    """Renames whose new key none of the models where it lives has, or whose old key one
    still has (it would hide that key)."""
    missing = []
    for rename in table:
        models: list[type[BaseModel]] = [Config]
        for part in filter(None, rename.where.split(".")):
            key = part.removesuffix("[]")
            models = [m for model in models for m in models_in(model.model_fields[key].annotation)]
        if not any(rename.new in model.model_fields for model in models):
            missing.append(f"{rename.where}.{rename.new}")
        if any(rename.old in model.model_fields for model in models):
            missing.append(f"{rename.where}.{rename.old} is still a key")
    return missing


def release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")[:3])


def test_every_rename_names_a_key_the_models_have() -> None:
    assert stale(RENAMES) == []
    assert stale(BUMP) == []
    assert stale((Rename("site", "old", "no_such_key", "0.2", "0.3"),)) == ["site.no_such_key"]
    assert stale((Rename("site", "title", "theme", "0.2", "0.3"),)) == ["site.title is still a key"]


def test_every_rename_is_still_read_by_this_version() -> None:
    """A rename whose `until` has come is dropped from the table (its old key is then an
    unknown key, with "did you mean" naming the new one)."""
    installed = release(importlib.metadata.version("vigil-status"))
    assert [r.old for r in RENAMES if release(r.until) <= installed] == []
    assert all(release(r.since) < release(r.until) for r in (*RENAMES, *BUMP))
