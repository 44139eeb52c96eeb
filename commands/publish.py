"""`vigil publish`: the data branch, which the workflows in .github/ call to check it out,
publish results to it and squash it. With `history.store: s3://…` the history lives in the
bucket and there is no data branch: every form of the command says so and does nothing, so
the same workflows serve both stores."""

from __future__ import annotations

from pathlib import Path

import click

from commands.common import config_option, data_option, load, now_option, parse_now
from publishing.branch import checkout_data_branch
from publishing.publish import Retry
from publishing.publish import publish as publish_paths
from publishing.publish import squash as squash_branch


@click.command()
@config_option
@data_option
@click.option("--branch", default="status-data", show_default=True, help="The data branch.")
@click.option("--remote", default="origin", show_default=True, help="The remote to push to.")
@click.option("--message", default=None, help="Commit message (default: the time).")
@click.option(
    "--checkout",
    is_flag=True,
    help="Instead: check out the branch as a worktree at --data (created on first use).",
)
@click.option(
    "--squash",
    is_flag=True,
    help="Instead: replace the branch's history by one commit of its current tree.",
)
@click.option(
    "--attempts",
    default=Retry.attempts,
    show_default=True,
    type=click.IntRange(1, 100),
    help="Push attempts before giving up.",
)
@now_option
def publish(
    config_path: Path,
    data_dir: Path,
    branch: str,
    remote: str,
    message: str | None,
    checkout: bool,
    squash: bool,
    attempts: int,
    now_text: str | None,
) -> None:
    """Commit this run's new and changed files in --data to the data branch and push them,
    retrying with jitter when another job pushed first."""
    if checkout and squash:
        raise click.UsageError("--checkout and --squash do different jobs: give one")
    store = load(config_path)[0].history.store if config_path.is_file() else None
    if store is not None:
        click.echo(f"history.store is {store}: the history lives there, nothing to publish")
        return
    retry = Retry(attempts=attempts)
    if checkout:
        created = checkout_data_branch(Path.cwd(), data_dir, branch, remote)
        click.echo(f"{data_dir}/: {'new branch' if created else 'worktree of'} {branch}")
    elif squash:
        root = squash_branch(data_dir, branch, remote, message or "Squash", retry)
        click.echo(f"{branch}: history squashed to {root[:12]}")
    else:
        text = message or f"Results of {parse_now(now_text):%Y-%m-%d %H:%M:%S} UTC"
        done = publish_paths(data_dir, branch, remote, text, retry)
        click.echo(
            f"{branch}: published {len(done.paths)} path(s) in {done.commit[:12]} "
            f"(push attempt {done.attempts})"
            if done.commit
            else f"{branch}: nothing new in {data_dir}/"
        )
