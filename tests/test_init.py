"""`vigil init` starts a small status repository that validates and lints as written, and
`vigil upgrade` rewrites only the files Vigil manages, whatever else the person changed."""

from __future__ import annotations

import hashlib
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from checks.registry import CHECKS
from commands import managed
from configuration.loader import load_config_text, load_project
from generator import main
from tests.test_workflows import actionlint

ROOT = Path(__file__).parent.parent
WRITTEN = {
    ".github/dependabot.yml",
    ".github/workflows/build.yml",
    ".github/workflows/check.yml",
    ".github/workflows/ci.yml",
    ".github/workflows/compact.yml",
    ".github/workflows/incident.yml",
    ".gitignore",
    "README.md",
    "config.schema.json",
    "config.yaml",
    "incidents/.gitkeep",
    "requirements.txt",
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def files_of(folder: Path) -> dict[str, str]:
    """Every file under `folder` (but .git) with a hash of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(folder).parts[:1]
    }


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "status"
    code, out, err = run(
        "init", str(folder), "--title", "Acme: Status", "--url", "https://status.acme.test",
        "--domain", "status.acme.test", "--region", "eu", "--region", "us",
    )  # fmt: skip
    assert code == 0, err
    assert "Wrote 12 files" in out
    return folder


def test_init_writes_only_what_a_person_owns_and_the_managed_files(repo: Path) -> None:
    assert set(files_of(repo)) == WRITTEN
    config, incidents = load_project(repo / "config.yaml", repo / "incidents")
    assert config.site.title == "Acme: Status"
    assert config.site.url == "https://status.acme.test"
    assert config.site.cname == "status.acme.test"
    assert [region.id for region in config.regions] == ["eu", "us"]
    assert incidents == []
    requirements = (repo / "requirements.txt").read_text()
    assert requirements == f"vigil-status=={managed.installed_version()}\n"
    assert (
        (repo / "config.yaml")
        .read_text()
        .startswith("# yaml-language-server: $schema=./config.schema.json\n")
    )


def test_the_new_repository_passes_validate_actionlint_and_upgrade_check(repo: Path) -> None:
    code, out, _ = run("validate", "--config", str(repo / "config.yaml"),
                       "--incidents", str(repo / "incidents"))  # fmt: skip
    assert code == 0, out
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    assert actionlint(*sorted((repo / ".github" / "workflows").glob("*.yml"))) == []
    code, out, _ = run("upgrade", str(repo), "--check")
    assert code == 0
    assert "nothing to change" in out


def test_every_check_type_has_a_commented_example_that_validates(repo: Path) -> None:
    text = (repo / "config.yaml").read_text()
    start = text.index("  # One example of every check type")
    block = text[start : text.index("\n\n", start)].splitlines()
    examples = [line.replace("  # ", "  ", 1) for line in block if line.startswith("  # ")]
    examples = [line for line in examples if not line.lstrip().startswith("#")]
    uncommented = text[:start] + "\n".join(examples[3:]) + "\n"  # past the prose lines
    config = load_config_text(uncommented, "config.yaml", {})
    assert {monitor.type for monitor in config.monitors} == set(CHECKS)


def test_init_refuses_to_overwrite_and_lists_what_exists(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("# mine\n")
    (tmp_path / "README.md").write_text("# my project\n")
    before = files_of(tmp_path)
    code, _, err = run("init", str(tmp_path), "--title", "X")
    assert code == 2
    assert "already has README.md, config.yaml" in err
    assert "Nothing was written" in err
    assert files_of(tmp_path) == before
    code, _, _ = run("init", str(tmp_path), "--title", "X", "--force")
    assert code == 0
    assert set(files_of(tmp_path)) == WRITTEN
    assert (tmp_path / "config.yaml").read_text() != "# mine\n"


@pytest.mark.parametrize(
    ("url", "hinted"),
    [
        ("https://acme.github.io/status/", True),
        ("https://acme.github.io/status", True),
        ("https://status.acme.test/", False),
        ("https://status.acme.test", False),
    ],
)
def test_init_hints_at_a_custom_domain_for_a_page_under_a_sub_path(
    tmp_path: Path, url: str, hinted: bool
) -> None:
    code, out, err = run("init", str(tmp_path / "new"), "--title", "X", "--url", url)
    assert code == 0, err
    assert ("/api/v2/summary.json at the host's root" in out) is hinted
    assert ("custom domain (--domain" in out) is hinted


def test_init_with_a_bad_region_id_is_a_located_error_and_writes_nothing(tmp_path: Path) -> None:
    code, _, err = run("init", str(tmp_path / "new"), "--region", "Not An Id")
    assert code == 2
    assert re.search(r"config\.yaml:\d+:\d+: regions\[0\]\.id: ", err), err
    assert not (tmp_path / "new").exists()


def test_init_asks_for_what_is_missing_on_a_terminal(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", "from generator import main; main()", "init", str(tmp_path)],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    os.close(terminal)
    answers = "Night Watch\nhttps://status.night.test\n\neu-west, us-east\n"
    os.write(controller, answers.encode())
    out, err = process.communicate(timeout=60)
    os.close(controller)
    assert process.returncode == 0, err.decode()
    assert b"Page title" in out and b"Regions, comma separated" in out
    config, _ = load_project(tmp_path / "config.yaml", tmp_path / "incidents")
    assert config.site.title == "Night Watch"
    assert config.site.url == "https://status.night.test"
    assert config.site.cname is None
    assert [region.id for region in config.regions] == ["eu-west", "us-east"]


def test_upgrade_rewrites_only_managed_files_and_shows_the_diff(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the person owns, changed since init: none of it may be touched.
    (repo / "config.yaml").write_text((repo / "config.yaml").read_text() + "# my note\n")
    (repo / "incidents" / "2026-12-01-db.md").write_text("---\ntitle: DB\n---\nslow\n")
    (repo / "templates").mkdir()
    (repo / "templates" / "main.html").write_text('{% extends "base.html" %}\n')
    (repo / "data").mkdir()
    (repo / "data" / "state.json").write_text("{}\n")
    (repo / "requirements.txt").write_text("# pinned\nvigil-status==0.0.9\nrequests==2.32.3\n")
    # A workflow as an older Vigil shipped it.
    check = repo / ".github" / "workflows" / "check.yml"
    check.write_text(check.read_text().replace("timeout-minutes: 10", "timeout-minutes: 9"))
    before = files_of(repo)
    monkeypatch.setattr(managed, "installed_version", lambda: "0.2.0")

    code, out, _ = run("upgrade", str(repo))

    assert code == 0
    after = files_of(repo)
    changed = {path for path in after if before.get(path) != after[path]}
    assert changed == {".github/workflows/check.yml", "requirements.txt"}
    assert set(after) == set(before)
    assert "-vigil-status==0.0.9\n+vigil-status==0.2.0" in out
    assert "-    timeout-minutes: 9\n+    timeout-minutes: 10" in out
    assert (repo / "requirements.txt").read_text() == (
        "# pinned\nvigil-status==0.2.0\nrequests==2.32.3\n"
    )
    assert check.read_text() == managed.workflow_text("check")


def test_upgrade_check_changes_nothing_and_exits_1(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(managed, "installed_version", lambda: "0.2.0")
    before = files_of(repo)
    code, out, err = run("upgrade", str(repo), "--check")
    assert code == 1
    assert "Out of date for Vigil 0.2.0: requirements.txt" in err
    assert "+vigil-status==0.2.0" in out
    assert files_of(repo) == before


def test_upgrade_keeps_the_schedule_the_repository_chose(repo: Path) -> None:
    check = repo / ".github" / "workflows" / "check.yml"
    shipped = check.read_text()
    assert '    - cron: "*/5 * * * *"\n' in shipped
    chosen = shipped.replace('"*/5 * * * *"', '"*/15 * * * *"')
    check.write_text(chosen.replace("timeout-minutes: 10", "timeout-minutes: 9"))
    assert run("upgrade", str(repo))[0] == 0
    assert check.read_text() == chosen


def test_upgrade_keeps_an_action_pin_that_dependabot_made_newer(repo: Path) -> None:
    check = repo / ".github" / "workflows" / "check.yml"
    shipped = check.read_text()
    pin = re.search(r"actions/checkout@([0-9a-f]{40}) # v([\d.]+)", shipped)
    assert pin
    newer = shipped.replace(pin.group(0), "actions/checkout@" + "a" * 40 + " # v99.0.0")
    older = shipped.replace(pin.group(0), "actions/checkout@" + "b" * 40 + " # v1.0.0")
    check.write_text(newer)
    assert run("upgrade", str(repo), "--check")[0] == 0
    check.write_text(older)
    assert run("upgrade", str(repo))[0] == 0
    assert check.read_text() == shipped


def test_the_template_repository_runs_the_managed_files_it_ships() -> None:
    """This repository's workflows are the ones `vigil init` writes, and up to date."""
    for name in managed.WORKFLOWS:
        shipped = managed.workflow_text(name)
        assert shipped == (ROOT / ".github" / "workflows" / f"{name}.yml").read_text()
        assert shipped.startswith("# Managed by Vigil")
    code, out, _ = run("upgrade", str(ROOT), "--check")
    assert code == 0, out
