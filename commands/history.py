"""`vigil history`: the history as a whole, wherever it lives."""

from __future__ import annotations

import click

from history.location import open_store
from history.migrate import copy_history


@click.group("history")
def history_group() -> None:
    """Move the history between the data folder and object storage."""


@history_group.command("copy")
@click.option("--from", "source", required=True, help="A data folder or s3://bucket/prefix.")
@click.option("--to", "target", required=True, help="A data folder or s3://bucket/prefix.")
def copy_command(source: str, target: str) -> None:
    """Copy results, rollups, state, ledger and heartbeats from one store to another; run it
    again after an interruption (what is there is kept), then set `history.store`."""
    stores = [
        open_store(place, "data") if place.startswith("s3://") else open_store(None, place)
        for place in (source, target)
    ]
    done = copy_history(*stores)
    click.echo(
        f"{source} → {target}: {done.copied} files copied, {done.present} already there; "
        f"{done.results} results in both"
    )
