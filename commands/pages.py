"""`vigil pages`: the pages of the config, and the build workflow's deploy plan built from
them (`configuration.pages.deploy_plan`), so adding a page to config.yaml adds its job."""

from __future__ import annotations

import json
from pathlib import Path

import click

from commands.common import config_option, load
from commands.regions import append_github_output
from configuration.pages import deploy_plan, page_site, shown_monitors


@click.command()
@config_option
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print the deploy plan: {"main": folder for GitHub Pages, "extra": N, "deploy": '
    '{"include": [{page, folder, host, environment, url}]}}.',
)
@click.option(
    "--github-output",
    "output_name",
    default=None,
    metavar="NAME",
    help="Also append NAME=<the plan> to the file $GITHUB_OUTPUT names (a workflow step's "
    "output); a config error then fails the step with its annotations in the log.",
)
def pages(config_path: Path, as_json: bool, output_name: str | None) -> None:
    """List the pages of the config: folder, host, visibility and monitors shown."""
    config, _ = load(config_path)
    plan = json.dumps(deploy_plan(config), separators=(",", ":"))
    if output_name is not None:
        append_github_output(output_name, plan)
    if as_json or output_name is not None:
        click.echo(plan)
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
