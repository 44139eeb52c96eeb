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
from configuration.errors import InvalidInput
from configuration.messages import did_you_mean
from history.location import open_store
from rendering.pages.writer import custom_templates
from rendering.site import build_pages, build_site


def build(
    config_path: Path,
    data_dir: Path,
    incidents_dir: Path,
    out_dir: Path,
    now: datetime,
    page: str | None = None,
) -> list[Path]:
    """Write the site to `out_dir` as of `now` (with `pages:`, each page, or the one with id
    `page`, to its folder there); returns the index pages. A mistake in one of the person's
    templates is a ConfigError, and nothing is written."""
    config, incidents = load(config_path, incidents_dir)
    store = open_store(config.history.store, data_dir)
    if page is not None:
        known = [p.id for p in config.pages]
        if page not in known:
            where = "; the config has no pages:" if not known else did_you_mean(page, known)
            raise InvalidInput(f'--page: unknown page "{page}"{where}')
    if not config.pages:
        templates = custom_templates(config_path, config)
        return [build_site(config, incidents, store, out_dir, now, templates)]
    return build_pages(
        config,
        incidents,
        store,
        out_dir,
        now,
        page,
        lambda restricted: custom_templates(config_path, restricted),
    )


@click.command("build")
@config_option
@data_option
@incidents_option
@out_option
@now_option
@click.option(
    "--page",
    "page",
    default=None,
    metavar="ID",
    help="With `pages:` in the config, build only this page (into OUT/<its folder>).",
)
def build_command(
    config_path: Path,
    data_dir: Path,
    incidents_dir: Path,
    out_dir: Path,
    now_text: str | None,
    page: str | None,
) -> None:
    """Render the site from config, history and incidents; with `pages:`, each page into
    its own folder under OUT."""
    for index in build(config_path, data_dir, incidents_dir, out_dir, parse_now(now_text), page):
        click.echo(f"Built {index}")
