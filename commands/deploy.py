"""`vigil publish` (the data branch: check it out, publish results, squash it) and
`vigil regions` (the check jobs' matrix), the commands the workflows in .github/ call."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from commands.common import config_option, data_option, load, now_option, parse_now
from configuration.errors import InvalidInput
from publishing.branch import checkout_data_branch
from publishing.matrix import check_matrix
from publishing.publish import Retry
from publishing.publish import publish as publish_paths
from publishing.publish import squash as squash_branch


@click.command()
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


@click.command()
@config_option
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print the check jobs\' GitHub Actions matrix: {"include": [{region, shard, runs-on}]}.',
)
@click.option(
    "--github-output",
    "output_name",
    default=None,
    metavar="NAME",
    help="Also append NAME=<the matrix> to the file $GITHUB_OUTPUT names (a workflow step's "
    "output); a config error then fails the step with its annotations in the log.",
)
def regions(config_path: Path, as_json: bool, output_name: str | None) -> None:
    """List the regions of the config: where each runs and in how many shards."""
    config, _ = load(config_path)
    matrix = json.dumps(check_matrix(config.regions), separators=(",", ":"))
    if output_name is not None:
        _append_github_output(output_name, matrix)
    if as_json or output_name is not None:
        click.echo(matrix)
        return
    for region in config.regions:
        labels = ", ".join(region.runs_on)
        click.echo(f"{region.id}\t{region.name}\truns-on: {labels}\tshards: {region.shards}")


def _append_github_output(name: str, value: str) -> None:
    """Write a step output the way GitHub Actions reads them: `name=value` lines."""
    target = os.environ.get("GITHUB_OUTPUT")
    if not target:
        raise InvalidInput(
            "--github-output: GITHUB_OUTPUT is not set (not in a GitHub Actions step)"
        )
    with open(target, "a", encoding="utf-8") as file:
        file.write(f"{name}={value}\n")
