"""What every command shares: the common options, loading the project, and turning a
ConfigError into located messages and exit status 2. Only the CLI (generator.py and this
package) prints or exits."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from configuration.errors import ConfigError, Problem
from configuration.incidents import Incident
from configuration.loader import load_project
from configuration.models import Config

EXIT_INVALID = 2
FC = TypeVar("FC", bound=Callable[..., Any] | click.Command)  # what a click decorator takes
HEARTBEATS_FOLDER = "heartbeats"  # under --data: data/heartbeats/<monitor_id>.json

config_option = click.option(
    "--config",
    "config_path",
    default="config.yaml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The config file.",
)


def _folder_option(flag: str, name: str, default: str, help_text: str) -> Callable[[FC], FC]:
    """An option naming a folder, passed to the command as a `Path` (its default shown)."""
    return click.option(
        flag,
        name,
        default=default,
        show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help=help_text,
    )


data_option = _folder_option("--data", "data_dir", "data", "Folder of the history.")
incidents_option = _folder_option(
    "--incidents", "incidents_dir", "incidents", "Folder of incident files."
)
out_option = _folder_option("--out", "out_dir", "site", "Where the site is written.")
now_option = click.option(
    "--now",
    "now_text",
    default=None,
    hidden=True,
    help="Pretend it is this ISO time (UTC); for tests and reproducible builds.",
)


def parse_now(now_text: str | None) -> datetime:
    if now_text is None:
        return datetime.now(UTC)
    moment = datetime.fromisoformat(now_text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def fail(problems: ConfigError) -> NoReturn:
    for problem in problems.problems:
        click.echo(str(problem), err=True)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            click.echo(problem.github_annotation())
    count = len(problems.problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", err=True)
    sys.exit(EXIT_INVALID)


def load(
    config_path: Path,
    incidents_dir: Path | None = None,
    needs_env: Collection[str] | None = (),
    *,
    warn_renamed: bool = True,
) -> tuple[Config, list[Incident]]:
    """Config and incidents, or every problem of both printed and exit status 2.
    `needs_env`: the sections whose `${NAME}` this command uses, so must be set (see
    `load_config_text`); a command that sends nothing needs none of them, and runs in a job
    that was given no secret (a pull request's validation, the regions job, the build)."""
    try:
        config, incidents = load_project(config_path, incidents_dir, needs_env=needs_env)
    except ConfigError as error:
        fail(error)
    if warn_renamed:
        warn(config.renamed.warnings)
    return config, incidents


def warn(warnings: Sequence[Problem]) -> None:
    """Located warnings on standard error (and as annotations under GitHub Actions)."""
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            click.echo(warning.github_annotation("warning"))
