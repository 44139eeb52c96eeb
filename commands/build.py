"""`vigil build`: render the site from the config, the history and the incidents."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from commands.common import (
    config_option,
    data_option,
    incidents_option,
    load,
    now_option,
    out_option,
    parse_now,
)
from history.location import open_store
from rendering.pages import custom_templates
from rendering.site import build_site


def build(
    config_path: Path, data_dir: Path, incidents_dir: Path, out_dir: Path, now: datetime
) -> Path:
    """Write the site to `out_dir` as of `now`; returns its index page. A mistake in one of
    the person's templates is a ConfigError, and nothing is written."""
    config, incidents = load(config_path, incidents_dir)
    templates = custom_templates(config_path, config)
    return build_site(
        config, incidents, open_store(config.history.store, data_dir), out_dir, now, templates
    )


@click.command("build")
@config_option
@data_option
@incidents_option
@out_option
@now_option
def build_command(
    config_path: Path, data_dir: Path, incidents_dir: Path, out_dir: Path, now_text: str | None
) -> None:
    """Render the site from config, history and incidents."""
    index = build(config_path, data_dir, incidents_dir, out_dir, parse_now(now_text))
    click.echo(f"Built {index}")
