"""`vigil pages`: the pages of the config, and the build workflow's deploy plan built from
them (`configuration.pages.deploy_plan`), so adding a page to config.yaml adds its job."""

from __future__ import annotations

import json
from pathlib import Path

import click

from commands.common import (
    config_option,
    github_output_option,
    json_option,
    load,
    printed_json,
)
from configuration.pages import deploy_plan, page_site, shown_monitors


@click.command()
@config_option
@json_option(
    'Print the deploy plan: {"main": folder for GitHub Pages, "extra": N, "deploy": '
    '{"include": [{page, folder, host, environment, url}]}}.'
)
@github_output_option("the plan")
def pages(config_path: Path, as_json: bool, output_name: str | None) -> None:
    """List the pages of the config: folder, host, visibility and monitors shown."""
    config, _ = load(config_path)
    plan = json.dumps(deploy_plan(config), separators=(",", ":"))
    if printed_json(plan, as_json, output_name):
        return
    if not config.pages:
        click.echo("no pages: one page from site:, built into site/")
    for page in config.pages:
        site = page_site(config.site, page)
        shown = len(shown_monitors(config, page))
        click.echo(
            f"{page.id}\tsite/{page.out_folder}\thost: {site.host}\t{site.visibility}\t"
            f"monitors: {shown}"
        )
