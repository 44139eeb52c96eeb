"""Running git: every call goes through `run`, which raises GitError with git's own message.

Plain `git` through subprocess keeps the commands visible and testable against real
repositories; the few porcelain calls publishing needs do not justify a library.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from configuration.errors import GitError

# Commits need an author; a runner without a configured identity gets this one.
FALLBACK_NAME = "Vigil"
FALLBACK_EMAIL = "vigil@users.noreply.github.com"
TIMEOUT_SECONDS = 300


def run(cwd: Path, *args: str, stdin: bytes | None = None, check: bool = True) -> str:
    """Run `git ARGS` in `cwd` and return its standard output (text, stripped at the end)."""
    completed = subprocess.run(
        ["git", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
        env=_environment(),
    )
    if check and completed.returncode != 0:
        stderr = completed.stderr.decode(errors="replace").strip()
        raise GitError(f"git {args[0]} failed in {cwd}: {stderr}")
    return completed.stdout.decode(errors="replace").rstrip("\n")


def succeeds(cwd: Path, *args: str) -> bool:
    """Whether `git ARGS` exits 0 (its output is discarded)."""
    completed = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
        env=_environment(),
    )
    return completed.returncode == 0


def identity_args(cwd: Path) -> list[str]:
    """`-c user.name=… -c user.email=…` when the repository has no identity of its own."""
    if succeeds(cwd, "config", "--get", "user.email"):
        return []
    return ["-c", f"user.name={FALLBACK_NAME}", "-c", f"user.email={FALLBACK_EMAIL}"]


def _environment() -> dict[str, str]:
    environment = dict(os.environ)
    # Never wait for a password prompt in a job: fail and let the caller retry or report.
    environment["GIT_TERMINAL_PROMPT"] = "0"
    environment.setdefault("LC_ALL", "C")
    return environment
