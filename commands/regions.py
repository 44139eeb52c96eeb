"""`vigil regions`: the regions of the config, and the check jobs' GitHub Actions matrix
built from them, so adding a region to config.yaml adds its job."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import click

from commands.common import config_option, load
from configuration.errors import InvalidInput
from configuration.models import Region


def check_matrix(regions: Sequence[Region]) -> dict[str, list[dict[str, object]]]:
    """`{"include": [{"region", "shard": "I/N", "runs-on": [labels]}, …]}` in config order;
    a region without runner labels runs outside GitHub Actions and has no entry."""
    return {
        "include": [
            {"region": region.id, "shard": f"{index}/{region.shards}", "runs-on": region.runs_on}
            for region in regions
            if region.runs_on
            for index in range(1, region.shards + 1)
        ]
    }


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
        append_github_output(output_name, matrix)
    if as_json or output_name is not None:
        click.echo(matrix)
        return
    for region in config.regions:
        labels = ", ".join(region.runs_on)
        click.echo(f"{region.id}\t{region.name}\truns-on: {labels}\tshards: {region.shards}")


def append_github_output(name: str, value: str) -> None:
    """Write a step output the way GitHub Actions reads them: `name=value` lines."""
    target = os.environ.get("GITHUB_OUTPUT")
    if not target:
        raise InvalidInput(
            "--github-output: GITHUB_OUTPUT is not set (not in a GitHub Actions step)"
        )
    with open(target, "a", encoding="utf-8") as file:
        file.write(f"{name}={value}\n")
