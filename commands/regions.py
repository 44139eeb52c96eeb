"""`vigil regions`: the regions of the config, and the check jobs' GitHub Actions matrix
built from them, so adding a region to config.yaml adds its job."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click

from commands.common import (
    config_option,
    github_output_option,
    json_option,
    load,
    printed_json,
)
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
@json_option(
    'Print the check jobs\' GitHub Actions matrix: {"include": [{region, shard, runs-on}]}.'
)
@github_output_option("the matrix")
def regions(config_path: Path, as_json: bool, output_name: str | None) -> None:
    """List the regions of the config: where each runs and in how many shards."""
    config, _ = load(config_path)
    matrix = json.dumps(check_matrix(config.regions), separators=(",", ":"))
    if printed_json(matrix, as_json, output_name):
        return
    for region in config.regions:
        labels = ", ".join(region.runs_on)
        click.echo(f"{region.id}\t{region.name}\truns-on: {labels}\tshards: {region.shards}")
