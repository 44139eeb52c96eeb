"""`vigil validate [--fix]`: check the config, every incident file and the person's
templates at once; `--fix` first rewrites the keys of the config a newer Vigil renamed."""

from __future__ import annotations

from pathlib import Path

import click

from commands.common import config_option, incidents_option, load, report
from configuration.errors import ConfigError, Failure, KeysLeft
from configuration.incidents import Incident
from configuration.loader import load_project
from configuration.models import Config
from configuration.renames import Fixed, fix_renames
from configuration.secrets import needed_secrets
from rendering.pages.writer import check_templates, custom_templates


def validate(config_path: Path, incidents_dir: Path) -> tuple[Config, list[Incident]]:
    """The config and the incidents, or a ConfigError of every problem of both; a template
    of the person's that would fail the build is one too."""
    config, incidents = load(config_path, incidents_dir)
    templates = custom_templates(config_path, config)
    if templates and (mistakes := check_templates(templates)):
        raise ConfigError(mistakes)
    return config, incidents


def fix_renamed_keys(config_path: Path, incidents_dir: Path) -> Fixed:
    """Rewrite the old key names of a valid config file in place (an invalid project is
    raised as a ConfigError, and nothing is written): each key changed, and each a text
    edit cannot rewrite. A file that cannot be written is a Failure."""
    load_project(config_path, incidents_dir)
    try:
        return fix_renames(config_path)
    except OSError as error:
        raise Failure(f"{config_path}: cannot write the fixed config: {error.strerror}") from None


@click.command("validate")
@config_option
@incidents_option
@click.option(
    "--fix", is_flag=True, help="Rewrite renamed keys to their new names, keeping comments."
)
def validate_command(config_path: Path, incidents_dir: Path, fix: bool) -> None:
    """Check the config and every incident file; print every problem at once, then the
    secrets the config uses (needed by `vigil check` and `vigil notify`, not here)."""
    fixed = fix_renamed_keys(config_path, incidents_dir) if fix else Fixed([], [])
    for change in fixed.changed:
        click.echo(f"Fixed {change}")
    for problem in fixed.left:
        click.echo(str(problem), err=True)
    config, incidents = validate(config_path, incidents_dir)
    click.echo(
        f"{config_path}: OK ({len(config.monitors)} monitors, {len(config.regions)} regions); "
        f"{incidents_dir}: {len(incidents)} incident file(s) OK"
    )
    report(needed_secrets(config.secret_uses), "notice")
    if fixed.left:
        raise KeysLeft()
