"""Committing this run's new and changed files in `data/` to the data branch and pushing
them, without ever losing a result when many region jobs push at once.

On a rejected push the job fetches the branch, resets onto it and commits its own paths
again (fetch + reset + recommit) rather than rebasing: the other jobs wrote other files,
so the paths this run changed are all that needs carrying over; it never stops on a
conflict (this run's version of a path wins), history stays linear, and it still works
after the compaction job replaced the branch's history by a single commit, where a
rebase would replay the whole old history onto the new root.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from configuration.errors import GitError, PublishError
from configuration.git import identity_args, run, succeeds
from publishing.branch import fetch_branch, remote_ref

IGNORED_SUFFIX = ".tmp"


@dataclass(frozen=True)
class Retry:
    """How often and how patiently a rejected push is tried again: the n-th wait is
    `delay * 2**(n-1)` capped at `max_delay`, times a random factor in [0.5, 1.5)."""

    attempts: int = 12
    delay: float = 1.0
    max_delay: float = 30.0

    def wait(self, attempt: int, jitter: Callable[[], float]) -> float:
        return float(min(self.max_delay, self.delay * 2 ** (attempt - 1)) * (0.5 + jitter()))


@dataclass(frozen=True)
class Published:
    """What `publish` did: the commit pushed (None when nothing had changed), the paths
    it carried, and how many push attempts that took."""

    commit: str | None
    paths: tuple[str, ...]
    attempts: int


def changed_paths(worktree: Path) -> list[str]:
    """Paths (relative to the worktree) added, changed or deleted since its last commit,
    temporary files left out."""
    output = run(worktree, "status", "--porcelain", "-z", "--untracked-files=all", "--no-renames")
    paths = [entry[3:] for entry in output.split("\0") if entry]
    return sorted(path for path in paths if not path.endswith(IGNORED_SUFFIX))


def unpublished_paths(worktree: Path, remote: str, branch: str) -> list[str]:
    """Changed paths plus those of local commits the remote has not got yet (a clone that
    stays, like a self-hosted runner's, may hold a commit an earlier run failed to push)."""
    base = remote_ref(remote, branch)
    if not succeeds(worktree, "rev-parse", "--verify", "--quiet", base):
        committed = run(worktree, "ls-tree", "-r", "-z", "--name-only", "HEAD")
    elif succeeds(worktree, "merge-base", "--is-ancestor", base, "HEAD"):
        committed = run(worktree, "diff", "--name-only", "-z", "--no-renames", base, "HEAD")
    else:
        committed = ""
    paths = {path for path in committed.split("\0") if path}
    return sorted(paths.union(changed_paths(worktree)))


def publish(
    data_dir: Path,
    branch: str,
    remote: str = "origin",
    message: str = "Publish results",
    retry: Retry = Retry(),
    sleep: Callable[[float], None] = time.sleep,
    jitter: Callable[[], float] = random.random,
) -> Published:
    """Commit this run's changed paths in the worktree `data_dir` and push them to
    `branch` of `remote`, recommitting onto the remote's newest commit after a rejection.
    Raises PublishError when every attempt was rejected."""
    try:
        paths = unpublished_paths(data_dir, remote, branch)
        if not paths:
            return Published(None, (), 0)
        commit = _Committer(data_dir, paths, message)
        commit()
        recommitted = False
        try:
            for attempt in range(1, retry.attempts + 1):
                if _push(data_dir, remote, branch):
                    head = run(data_dir, "rev-parse", "HEAD")
                    run(data_dir, "update-ref", remote_ref(remote, branch), head)
                    return Published(head, tuple(paths), attempt)
                if attempt < retry.attempts:
                    sleep(retry.wait(attempt, jitter))
                    # Onto the remote's newest commit, then this run's paths on top.
                    fetch_branch(data_dir, remote, branch)
                    run(data_dir, "reset", "--quiet", "--mixed", remote_ref(remote, branch))
                    commit()
                    recommitted = True
        finally:
            if recommitted:  # every path but this run's follows the branch: files too
                run(data_dir, "reset", "--quiet", "--hard", "HEAD")
                run(data_dir, "clean", "--quiet", "-d", "--force")
    except GitError as error:
        raise PublishError(str(error)) from None
    raise PublishError(
        f"{remote} rejected the push to {branch} {retry.attempts} times; "
        f"the results stay committed in {data_dir} and the next publish there retries them"
    )


class _Committer:
    """Stages exactly `paths` (additions, changes and deletions) and commits them, unless
    they already match the current commit."""

    def __init__(self, worktree: Path, paths: list[str], message: str) -> None:
        self.worktree = worktree
        self.listing = "".join(f"{path}\0" for path in paths).encode()
        self.commit_args = [*identity_args(worktree), "commit", "--quiet", "--no-verify"]
        self.message = message

    def __call__(self) -> None:
        run(self.worktree, "update-index", "--add", "--remove", "-z", "--stdin", stdin=self.listing)
        if not succeeds(self.worktree, "diff", "--cached", "--quiet"):
            run(self.worktree, *self.commit_args, "-m", self.message)


def _push(worktree: Path, remote: str, branch: str) -> bool:
    return succeeds(worktree, "push", "--quiet", remote, f"HEAD:refs/heads/{branch}")


def squash(
    data_dir: Path,
    branch: str,
    remote: str = "origin",
    message: str = "Squash the data branch",
    retry: Retry = Retry(),
    sleep: Callable[[float], None] = time.sleep,
    jitter: Callable[[], float] = random.random,
) -> str:
    """Replace the history of `branch` on `remote` by one commit holding its current
    tree. The push carries a lease on the commit that tree came from, so a result pushed
    meanwhile makes it fail instead of being lost; then it is tried again. Returns the
    new root commit. Publish first: uncommitted or unpushed work in `data_dir` is an
    error, never dropped."""
    if changed_paths(data_dir):
        raise PublishError(f"{data_dir} has unpublished changes: run publish first")
    try:
        for attempt in range(1, retry.attempts + 1):
            lease = fetch_branch(data_dir, remote, branch)
            if run(data_dir, "rev-list", "--count", f"{lease}..HEAD") != "0":
                raise PublishError(f"{data_dir} has unpushed commits: run publish first")
            root = push_root(data_dir, remote, branch, lease, message)
            if root is not None:
                run(data_dir, "reset", "--quiet", "--hard", root)
                return root
            if attempt < retry.attempts:
                sleep(retry.wait(attempt, jitter))
    except GitError as error:
        raise PublishError(str(error)) from None
    raise PublishError(f"{branch} kept changing during {retry.attempts} squash attempts")


def push_root(worktree: Path, remote: str, branch: str, lease: str, message: str) -> str | None:
    """Push a new root commit with the tree of `lease` to `branch`, only if `branch` still
    points at `lease`; returns the root commit, or None when the lease was broken."""
    root = run(
        worktree, *identity_args(worktree), "commit-tree", f"{lease}^{{tree}}", "-m", message
    )
    pushed = succeeds(
        worktree,
        "push",
        "--quiet",
        f"--force-with-lease=refs/heads/{branch}:{lease}",
        remote,
        f"{root}:refs/heads/{branch}",
    )
    return root if pushed else None
