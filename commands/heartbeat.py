"""`vigil heartbeat MONITOR_ID`: record that the job of a heartbeat monitor reported in."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

import click

from checks.heartbeat import HeartbeatMonitor, record_heartbeat
from commands.common import (
    HEARTBEATS_FOLDER,
    config_option,
    data_option,
    load,
    now_option,
    parse_now,
)
from configuration.errors import NotFound
from history.location import open_store


def heartbeat(
    config_path: Path,
    data_dir: Path,
    monitor_id: str,
    status: Literal["up", "down"],
    message: str | None,
    now: datetime,
) -> Path:
    """Record the heartbeat of MONITOR_ID under `data_dir`; returns the file written. An id
    that is not a heartbeat monitor of the config is NotFound."""
    config, _ = load(config_path)
    monitor = next((m for m in config.monitors if m.id == monitor_id), None)
    if not isinstance(monitor, HeartbeatMonitor):
        known = ", ".join(m.id for m in config.monitors if isinstance(m, HeartbeatMonitor))
        problem = (
            f'no monitor "{monitor_id}" in {config_path}'
            if monitor is None
            else f'monitor "{monitor_id}" is type {monitor.type}, not heartbeat'
        )
        raise NotFound(f"{problem}; heartbeat monitors: {known or 'none'}")
    with open_store(config.history.store, data_dir).side_files():
        return record_heartbeat(data_dir / HEARTBEATS_FOLDER, monitor_id, status, message, now)


@click.command("heartbeat")
@click.argument("monitor_id")
@click.option(
    "--status",
    type=click.Choice(["up", "down"]),
    default="up",
    show_default=True,
    help="What the job reports: down when it failed.",
)
@click.option("--message", default=None, help="One line for the page, e.g. why it failed.")
@config_option
@data_option
@now_option
def heartbeat_command(
    monitor_id: str,
    status: Literal["up", "down"],
    message: str | None,
    config_path: Path,
    data_dir: Path,
    now_text: str | None,
) -> None:
    """Record that the job of heartbeat monitor MONITOR_ID reported in; commit data/ after."""
    path = heartbeat(config_path, data_dir, monitor_id, status, message, parse_now(now_text))
    click.echo(f"{monitor_id}: heartbeat {status} recorded in {path}")
