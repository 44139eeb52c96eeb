"""Setting up `data/` as a worktree of the data branch, so a job reads and writes the
history there and `publish` commits it; the branch is created (orphan) on first use."""

from __future__ import annotations

from pathlib import Path

from configuration.errors import GitError, PublishError
from configuration.git import identity_args, run, succeeds

# Files the history writes and renames into place; never published.
DATA_GITIGNORE = "# Written by Vigil: temporary files of an unfinished write.\n*.tmp\n"


def remote_ref(remote: str, branch: str) -> str:
    return f"refs/remotes/{remote}/{branch}"


def fetch_branch(worktree: Path, remote: str, branch: str) -> str:
    """Fetch `branch` from `remote` into its remote-tracking ref; returns its commit."""
    refspec = f"+refs/heads/{branch}:{remote_ref(remote, branch)}"
    run(worktree, "fetch", "--quiet", "--no-tags", remote, refspec)
    return run(worktree, "rev-parse", remote_ref(remote, branch))


def remote_has_branch(repo: Path, remote: str, branch: str) -> bool:
    return bool(run(repo, "ls-remote", "--heads", remote, f"refs/heads/{branch}"))


def checkout_data_branch(repo: Path, data_dir: Path, branch: str, remote: str = "origin") -> bool:
    """Check out `branch` of `remote` as a worktree of `repo` at `data_dir`; when the
    remote has no such branch yet, start it as an orphan branch holding only a .gitignore.
    Returns True when the branch was created. A `data_dir` that already is a worktree is
    left as it is; one holding anything else is an error (nothing is overwritten)."""
    if (data_dir / ".git").exists():
        return False
    if data_dir.exists() and any(data_dir.iterdir()):
        raise PublishError(
            f"{data_dir} exists and is not a git worktree; move it away to check out "
            f'the data branch "{branch}" there'
        )
    try:
        if remote_has_branch(repo, remote, branch):
            fetch_branch(repo, remote, branch)
            run(
                repo,
                "worktree",
                "add",
                "--quiet",
                "-B",
                branch,
                str(data_dir.resolve()),
                remote_ref(remote, branch),
            )
            return False
        _start_orphan(repo, data_dir, branch)
    except GitError as error:
        raise PublishError(str(error)) from None
    return True


def _start_orphan(repo: Path, data_dir: Path, branch: str) -> None:
    if succeeds(repo, "show-ref", "--verify", "--quiet", f"refs/heads/{branch}"):
        raise PublishError(
            f'a local branch "{branch}" exists but the remote has none: push or delete it'
        )
    run(repo, "worktree", "add", "--quiet", "--no-checkout", "--detach", str(data_dir.resolve()))
    run(data_dir, "symbolic-ref", "HEAD", f"refs/heads/{branch}")
    run(data_dir, "read-tree", "--empty")
    (data_dir / ".gitignore").write_text(DATA_GITIGNORE, encoding="utf-8")
    run(data_dir, "add", ".gitignore")
    run(
        data_dir,
        *identity_args(data_dir),
        "commit",
        "--quiet",
        "-m",
        "Start the data branch: results published by Vigil",
    )
