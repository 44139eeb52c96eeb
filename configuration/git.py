"""Running git: every git command Vigil runs goes through `run` (publishing the data branch,
`vigil incident … --commit`), which raises GitError with git's own message.

Plain `git` through subprocess keeps the commands visible and testable against real
repositories; the few porcelain calls Vigil needs do not justify a library. It lives in
`configuration/` because the lowest layer that commits (incident files) is here, and
`publishing/` imports it from here.
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
    completed = _complete(cwd, args, stdin)
    if check and completed.returncode != 0:
        said = completed.stderr or completed.stdout
        raise GitError(f"git {args[0]} failed in {cwd}: {said.decode(errors='replace').strip()}")
    return completed.stdout.decode(errors="replace").rstrip("\n")


def succeeds(cwd: Path, *args: str) -> bool:
    """Whether `git ARGS` exits 0 (its output is discarded)."""
    return _complete(cwd, args, None).returncode == 0


def identity_args(cwd: Path) -> list[str]:
    """`-c user.name=… -c user.email=…` when the repository has no identity of its own."""
    if succeeds(cwd, "config", "--get", "user.email"):
        return []
    return ["-c", f"user.name={FALLBACK_NAME}", "-c", f"user.email={FALLBACK_EMAIL}"]


def _complete(
    cwd: Path, args: tuple[str, ...], stdin: bytes | None
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
            env=_environment(),
        )
    except (OSError, subprocess.TimeoutExpired) as error:  # no git, or it hung
        raise GitError(f"git {args[0]} failed in {cwd}: {error}") from None


def _environment() -> dict[str, str]:
    environment = dict(os.environ)
    # Never wait for a password prompt in a job: fail and let the caller retry or report.
    environment["GIT_TERMINAL_PROMPT"] = "0"
    environment.setdefault("LC_ALL", "C")
    return environment
