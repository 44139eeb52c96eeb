"""The one git runner (configuration/git.py): git's own message in a GitError, never a
traceback, and the same environment for every caller."""

from __future__ import annotations

from pathlib import Path

import pytest

from configuration.errors import GitError
from configuration.git import identity_args, run, succeeds


def test_a_failing_command_raises_git_error_with_gits_own_message(tmp_path: Path) -> None:
    with pytest.raises(GitError, match=r"git rev-parse failed in .*not a git repository"):
        run(tmp_path, "rev-parse", "HEAD")
    assert not succeeds(tmp_path, "rev-parse", "HEAD")


def test_a_folder_that_is_gone_is_a_git_error_too(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="git status failed in"):
        run(tmp_path / "missing", "status")


def test_git_speaks_english_and_never_prompts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    run(tmp_path, "init", "--quiet")
    hook = tmp_path / "show.sh"
    hook.write_text('#!/bin/sh\necho "$LC_ALL $GIT_TERMINAL_PROMPT"\n')
    hook.chmod(0o755)
    run(tmp_path, "config", "alias.env", f"!{hook}")
    assert run(tmp_path, "env") == "C 0"


def test_a_repository_without_an_identity_gets_vigils(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no global identity
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    run(tmp_path, "init", "--quiet")
    assert identity_args(tmp_path)[-1] == "user.email=vigil@users.noreply.github.com"
    run(tmp_path, "config", "user.email", "me@example.org")
    assert identity_args(tmp_path) == []
