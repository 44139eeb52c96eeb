"""Publishing results to the data branch, against a real bare repository in tmp_path: the
worktree setup, commits of only this run's paths, recommits after rejected pushes, many
region jobs pushing at once, and the squash with its lease."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from configuration.errors import PublishError
from configuration.git import run
from generator import main
from publishing.branch import checkout_data_branch, fetch_branch
from publishing.publish import Published, Retry, publish, push_root, squash

BRANCH = "status-data"
# Small waits for the tests, spread enough that six jobs pushing at once all get through.
FAST = Retry(attempts=80, delay=0.005, max_delay=0.2)


def clone(origin: Path, name: str) -> Path:
    """A job's own clone of the repository, with data/ checked out from the data branch."""
    folder = origin.parent / name
    run(origin.parent, "clone", "--quiet", str(origin), str(folder))
    checkout_data_branch(folder, folder / "data", BRANCH)
    return folder


def write(data: Path, relative: str, content: str = "") -> str:
    path = data / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content or relative)
    return relative


def branch_files(origin: Path) -> dict[str, str]:
    """Every file on the data branch of `origin`, with its content."""
    names = run(origin, "ls-tree", "-r", "--name-only", "-z", BRANCH).split("\0")
    return {name: run(origin, "show", f"{BRANCH}:{name}") for name in names if name}


def history(origin: Path) -> tuple[int, int, int]:
    """(commits, root commits, merge commits) of the data branch."""
    count = int(run(origin, "rev-list", "--count", BRANCH))
    roots = len(run(origin, "rev-list", "--max-parents=0", BRANCH).split())
    merges = len(run(origin, "rev-list", "--min-parents=2", BRANCH).split())
    return count, roots, merges


def test_first_checkout_starts_an_orphan_branch_holding_only_a_gitignore(origin: Path) -> None:
    job = clone(origin, "job")
    data = job / "data"
    assert sorted(p.name for p in data.iterdir()) == [".git", ".gitignore"]
    assert "*.tmp" in (data / ".gitignore").read_text()
    assert run(data, "rev-list", "--count", "HEAD") == "1"
    write(data, "results/region=eu-west/date=2026-11-23/a.parquet")
    done = publish(data, BRANCH, retry=FAST)
    result = "results/region=eu-west/date=2026-11-23/a.parquet"
    assert done.paths == (".gitignore", result), "the new branch goes out with the first run"
    assert set(branch_files(origin)) == {".gitignore", result}
    assert "config.yaml" not in branch_files(origin), "main's files stay off the data branch"
    other = origin.parent / "other"
    run(origin.parent, "clone", "--quiet", str(origin), str(other))
    assert checkout_data_branch(other, other / "data", BRANCH) is False
    assert (other / "data" / result).is_file()


def test_checkout_never_overwrites_a_plain_data_folder(origin: Path) -> None:
    job = origin.parent / "job"
    run(origin.parent, "clone", "--quiet", str(origin), str(job))
    write(job / "data", "results/mine.parquet", "precious")
    with pytest.raises(PublishError, match="not a git worktree"):
        checkout_data_branch(job, job / "data", BRANCH)
    assert (job / "data" / "results/mine.parquet").read_text() == "precious"


def test_nothing_changed_publishes_nothing(origin: Path) -> None:
    data = clone(origin, "job") / "data"
    publish(data, BRANCH, retry=FAST)  # pushes the new branch
    before = run(origin, "rev-parse", BRANCH)
    assert publish(data, BRANCH, retry=FAST) == Published(None, (), 0)
    assert run(origin, "rev-parse", BRANCH) == before


def test_only_this_runs_paths_are_committed_and_temporary_files_never(origin: Path) -> None:
    data = clone(origin, "job") / "data"
    write(data, "results/region=eu-west/date=2026-11-23/old.parquet")
    publish(data, BRANCH, retry=FAST)
    new = write(data, "results/region=eu-west/date=2026-11-23/new.parquet")
    write(data, "results/region=eu-west/date=2026-11-23/.half.parquet.tmp")
    (data / "results/region=eu-west/date=2026-11-23/old.parquet").unlink()  # quarantined
    done = publish(data, BRANCH, retry=FAST)
    assert done.paths == (new, "results/region=eu-west/date=2026-11-23/old.parquet")
    assert set(branch_files(origin)) == {".gitignore", new}


def test_a_rejected_push_is_recommitted_onto_the_newest_commit(origin: Path) -> None:
    first, second = clone(origin, "eu") / "data", clone(origin, "us") / "data"
    publish(first, BRANCH, retry=FAST)
    a = write(first, "results/region=eu-west/a.parquet")
    b = write(second, "results/region=us-east/b.parquet")
    write(first, "heartbeats/backups.json", "older")
    write(second, "heartbeats/backups.json", "newer")
    assert publish(first, BRANCH, retry=FAST).attempts == 1
    waits: list[float] = []
    done = publish(second, BRANCH, retry=Retry(3, 0.5, 10), sleep=waits.append, jitter=lambda: 0)
    assert done.attempts == 2
    assert waits == [0.25], "first wait: delay x (0.5 + jitter)"
    files = branch_files(origin)
    assert {a, b} <= set(files)
    assert files["heartbeats/backups.json"] == "newer", "this run's version of a path wins"
    assert history(origin)[1:] == (1, 0), "one root, no merge commits"
    assert (second / a).is_file(), "the worktree follows the branch after the recommit"


def reject_every_push(origin: Path) -> Path:
    hook = origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'maintenance: pushes refused' >&2\nexit 1\n")
    hook.chmod(0o755)
    return hook


def test_attempts_are_bounded_and_an_unpushed_commit_goes_out_next_time(origin: Path) -> None:
    data = clone(origin, "job") / "data"
    publish(data, BRANCH, retry=FAST)
    hook = reject_every_push(origin)
    stuck = write(data, "results/region=eu-west/stuck.parquet")
    waits: list[float] = []
    with pytest.raises(PublishError, match="rejected the push to status-data 3 times"):
        publish(data, BRANCH, retry=Retry(3, 0.1, 0.15), sleep=waits.append, jitter=lambda: 0.5)
    assert waits == [0.1, 0.15], "doubling, capped at max_delay"
    assert stuck not in branch_files(origin)
    hook.unlink()
    other = clone(origin, "other") / "data"
    write(other, "results/region=us-east/other.parquet")
    publish(other, BRANCH, retry=FAST)
    later = write(data, "results/region=eu-west/later.parquet")
    done = publish(data, BRANCH, retry=FAST)
    assert stuck in done.paths and later in done.paths
    assert {stuck, later, "results/region=us-east/other.parquet"} <= set(branch_files(origin))


def test_commits_without_a_configured_identity(
    origin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = clone(origin, "job") / "data"
    empty = tmp_path / "empty.gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    write(data, "results/a.parquet")
    done = publish(data, BRANCH, retry=FAST)
    assert done.commit is not None
    assert run(origin, "log", "-1", "--format=%an", BRANCH) == "Vigil"


def run_region_job(
    origin: Path, region: str, runs: int, failures: list[str], publish_run: Callable[[Path], None]
) -> None:
    try:
        data = clone(origin, region) / "data"
        for number in range(runs):
            write(data, f"results/region={region}/date=2026-11-23/run-{number:03}.parquet")
            publish_run(data)
    except Exception as error:  # a thread reports, the test asserts
        failures.append(f"{region}: {error}")


def start_jobs(
    origin: Path, regions: list[str], runs: int, failures: list[str]
) -> list[threading.Thread]:
    def publish_run(data: Path) -> None:
        publish(data, BRANCH, message=f"Results {data.parent.name}", retry=FAST)

    threads = [
        threading.Thread(target=run_region_job, args=(origin, r, runs, failures, publish_run))
        for r in regions
    ]
    for thread in threads:
        thread.start()
    return threads


def expected_files(regions: list[str], runs: int) -> set[str]:
    return {
        f"results/region={region}/date=2026-11-23/run-{number:03}.parquet"
        for region in regions
        for number in range(runs)
    }


def test_six_regions_publishing_twenty_runs_at_once_lose_nothing(origin: Path) -> None:
    regions = [f"region-{index}" for index in range(6)]
    failures: list[str] = []
    for thread in start_jobs(origin, regions, 20, failures):
        thread.join(timeout=120)
        assert not thread.is_alive(), "a job hung"
    assert failures == []
    assert expected_files(regions, 20) <= set(branch_files(origin))
    commits, roots, merges = history(origin)
    assert (roots, merges) == (1, 0), "linear history"
    assert commits >= 120


def test_squash_leaves_one_commit_with_the_same_tree(origin: Path) -> None:
    data = clone(origin, "job") / "data"
    for number in range(3):
        write(data, f"results/run-{number}.parquet")
        publish(data, BRANCH, retry=FAST)
    tree = run(origin, "rev-parse", f"{BRANCH}^{{tree}}")
    root = squash(data, BRANCH, retry=FAST)
    assert run(origin, "rev-parse", BRANCH) == root
    assert history(origin) == (1, 1, 0)
    assert run(origin, "rev-parse", f"{BRANCH}^{{tree}}") == tree
    assert run(data, "rev-parse", "HEAD") == root


def test_squash_on_a_broken_lease_pushes_nothing(origin: Path) -> None:
    data, other = clone(origin, "job") / "data", clone(origin, "other") / "data"
    publish(data, BRANCH, retry=FAST)
    lease = fetch_branch(data, "origin", BRANCH)
    write(other, "results/late.parquet")
    publish(other, BRANCH, retry=FAST)
    newest = run(origin, "rev-parse", BRANCH)
    assert push_root(data, "origin", BRANCH, lease, "Squash") is None
    assert run(origin, "rev-parse", BRANCH) == newest


def test_squash_refuses_unpublished_changes(origin: Path) -> None:
    data = clone(origin, "job") / "data"
    publish(data, BRANCH, retry=FAST)
    write(data, "results/unpublished.parquet")
    with pytest.raises(PublishError, match="run publish first"):
        squash(data, BRANCH, retry=FAST)
    assert (data / "results/unpublished.parquet").is_file()


def test_squash_while_regions_publish_loses_nothing(origin: Path) -> None:
    compactor = clone(origin, "compactor") / "data"
    publish(compactor, BRANCH, retry=FAST)
    regions = ["eu-west", "us-east"]
    failures: list[str] = []
    threads = start_jobs(origin, regions, 15, failures)
    squashes = 0
    while any(thread.is_alive() for thread in threads) and squashes < 20:
        squash(compactor, BRANCH, retry=FAST)
        squashes += 1
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a job hung"
    assert failures == []
    assert squashes >= 1
    assert expected_files(regions, 15) <= set(branch_files(origin))
    assert history(origin)[1:] == (1, 0)


VALID_CONFIG = "version: 1\nregions:\n  - {id: eu-west, name: Europe}\n"


def test_cli_checks_out_publishes_and_squashes(
    origin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = origin.parent / "job"
    run(origin.parent, "clone", "--quiet", str(origin), str(job))
    monkeypatch.chdir(job)
    (job / "config.yaml").write_text(VALID_CONFIG)
    runner = CliRunner()
    result = runner.invoke(main, ["publish", "--checkout"])
    assert result.exit_code == 0, result.output
    assert "new branch status-data" in result.output
    write(job / "data", "results/a.parquet")
    result = runner.invoke(main, ["publish", "--message", "check eu-west 1/1"])
    assert result.exit_code == 0, result.output
    assert "published 2 path(s)" in result.output, ".gitignore and the result"
    assert run(origin, "log", "-1", "--format=%s", BRANCH) == "check eu-west 1/1"
    result = runner.invoke(main, ["publish", "--squash"])
    assert result.exit_code == 0, result.output
    assert history(origin) == (1, 1, 0)
    result = runner.invoke(main, ["publish", "--checkout", "--squash"])
    assert result.exit_code == 2
    reject_every_push(origin)
    write(job / "data", "results/b.parquet")
    result = runner.invoke(main, ["publish", "--attempts", "1"])
    assert result.exit_code == 1
    assert "publish failed" in result.stderr and "rejected the push" in result.stderr


def test_with_an_object_store_every_form_of_publish_does_nothing(
    origin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = origin.parent / "job"
    run(origin.parent, "clone", "--quiet", str(origin), str(job))
    monkeypatch.chdir(job)
    (job / "config.yaml").write_text(VALID_CONFIG + "history:\n  store: s3://acme-status/history\n")
    before = run(origin, "for-each-ref", "--format=%(refname)")
    for args in (["--checkout"], ["--message", "check eu-west 1/1"], ["--squash"]):
        result = CliRunner().invoke(main, ["publish", *args])
        assert result.exit_code == 0, result.output
        assert result.stdout == (
            "history.store is s3://acme-status/history: the history lives there, "
            "nothing to publish\n"
        )
    assert run(origin, "for-each-ref", "--format=%(refname)") == before  # no data branch
    assert not (job / "data").exists()


def test_regions_prints_the_check_matrix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "config.yaml").write_text(
        "version: 1\nregions:\n"
        "  - {id: eu-west, name: Europe}\n"
        "  - {id: home, name: Home, runs_on: [self-hosted, linux, home], shards: 2}\n"
        "  - {id: basement, name: Basement, runs_on: []}\n"
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["regions", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "include": [
            {"region": "eu-west", "shard": "1/1", "runs-on": ["ubuntu-latest"]},
            {"region": "home", "shard": "1/2", "runs-on": ["self-hosted", "linux", "home"]},
            {"region": "home", "shard": "2/2", "runs-on": ["self-hosted", "linux", "home"]},
        ]
    }
    assert len(result.output.strip().splitlines()) == 1, "one line for $GITHUB_OUTPUT"
