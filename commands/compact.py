"""`vigil compact`: merge closed days, write daily rollups, drop what is past retention."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from commands.common import load, parse_now, project_options
from history.compact import Compaction
from history.compact import compact as compact_history
from history.location import open_store
from history.specs import maintenance_of, monitor_specs


def compact(config_path: Path, data_dir: Path, incidents_dir: Path, now: datetime) -> Compaction:
    """Compact the history in `data_dir` as of `now`, with the retention of the config."""
    config, incidents = load(config_path, incidents_dir)
    return compact_history(
        open_store(config.history.store, data_dir),
        monitor_specs(config),
        maintenance_of(incidents, now, config.history.raw_days),
        now,
        timezone=config.site.timezone,
        raw_days=config.history.raw_days,
        rollup_days=config.history.rollup_days,
    )


@click.command("compact")
@project_options
def compact_command(
    config_path: Path, data_dir: Path, incidents_dir: Path, now_text: str | None
) -> None:
    """Merge closed days, write daily rollups, and drop what is past retention."""
    done = compact(config_path, data_dir, incidents_dir, parse_now(now_text))
    click.echo(
        f"Merged {done.merged_files} run files into {done.merged_days} region-days; "
        f"{done.rollups_written} rollup days written; dropped {done.raw_days_dropped} raw "
        f"region-days and {done.rollups_dropped} rollup days past retention."
    )
