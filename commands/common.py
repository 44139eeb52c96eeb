"""What every command shares: the common options, loading the project, printing an error
of the tree in configuration/errors.py (a ConfigError as located messages), and reporting
the unset secrets that keep a monitor or channel from running. Only the CLI (generator.py
and this package) prints; only generator.py's group exits."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

import click

from configuration.errors import ConfigError, InvalidInput, Problem, UnsetSecret, VigilError
from configuration.incidents import Incident
from configuration.loader import load_project
from configuration.models import Config

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


def json_option(help_text: str) -> Callable[[FC], FC]:
    """`--json`: print what the command lists as one line of JSON."""
    return click.option("--json", "as_json", is_flag=True, help=help_text)


def github_output_option(what: str) -> Callable[[FC], FC]:
    """`--github-output NAME`: also write `what` (JSON) as a workflow step's output."""
    return click.option(
        "--github-output",
        "output_name",
        default=None,
        metavar="NAME",
        help=f"Also append NAME=<{what}> to the file $GITHUB_OUTPUT names (a workflow step's "
        "output); a config error then fails the step with its annotations in the log.",
    )


now_option = click.option(
    "--now",
    "now_text",
    default=None,
    hidden=True,
    help="Pretend it is this ISO time (UTC); for tests and reproducible builds.",
)


def project_options(command: FC) -> FC:
    """--config, --data, --incidents and the hidden --now, in that order: the options of a
    command that reads the whole project."""
    for option in (now_option, incidents_option, data_option, config_option):
        command = option(command)
    return command


def parse_now(now_text: str | None) -> datetime:
    if now_text is None:
        return datetime.now(UTC)
    moment = datetime.fromisoformat(now_text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def report(problems: Iterable[Problem], level: Literal["error", "notice"] = "error") -> None:
    """Each problem as its located line (errors on stderr, notes on stdout) and, under
    GitHub Actions, as an annotation shown on the file."""
    for problem in problems:
        click.echo(str(problem), err=level == "error")
        if os.environ.get("GITHUB_ACTIONS") == "true":
            click.echo(problem.github_annotation(level))


def show_error(error: VigilError) -> None:
    """What ends a command, on standard error: a ConfigError as its warnings and located
    problems (annotations under GitHub Actions) and how many; any other as its message."""
    if isinstance(error, ConfigError):
        warn(error.warnings)
        report(error.problems)
        count = len(error.problems)
        click.echo(
            f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", err=True
        )
    elif error.shown:
        click.echo(error.shown, err=True)


def load(config_path: Path, incidents_dir: Path | None = None) -> tuple[Config, list[Incident]]:
    """Config and incidents (or a ConfigError of every problem of both), the warnings about
    renamed keys printed."""
    config, incidents = load_project(config_path, incidents_dir)
    warn(config.renamed.warnings)
    return config, incidents


def warn(warnings: Sequence[Problem]) -> None:
    """Located warnings on standard error, and under GitHub Actions as annotations, also on
    standard error (the runner reads workflow commands from both), so the output a step
    captures (`vigil regions --json`) holds only what the command prints."""
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            click.echo(warning.github_annotation("warning"), err=True)


def unset_secrets(
    config: Config, section: str, owners: Iterable[str], step: str
) -> tuple[list[Problem], set[str]]:
    """A located error per unset secret of each monitor (`section` "monitors") or channel
    ("notifications") in `owners`, naming the workflow `step` that needs it, and the ids
    that have one: they are not run."""
    unset = {owner: config.unset_secrets(section, owner) for owner in owners}
    problems = sorted(use.unset(step) for uses in unset.values() for use in uses)
    return problems, {owner for owner, uses in unset.items() if uses}


def report_unset_secrets(
    config: Config, section: str, owners: Iterable[str], step: str
) -> set[str]:
    """Print the errors of `unset_secrets`; return the ids that are not run."""
    problems, not_run = unset_secrets(config, section, owners, step)
    report(problems)
    return not_run


def raise_if_unset(not_run: Mapping[str, Collection[str]]) -> None:
    """UnsetSecret when an unset secret kept something from running, saying what: `not_run`
    maps a label ("monitor(s) not checked") to the ids."""
    parts = [
        f"{len(ids)} {label} ({', '.join(sorted(ids))})" for label, ids in not_run.items() if ids
    ]
    if parts:
        raise UnsetSecret(f"{' and '.join(parts)}: a secret they use is not set")


def append_github_output(name: str, value: str) -> None:
    """Write a step output the way GitHub Actions reads them: `name=value` lines."""
    target = os.environ.get("GITHUB_OUTPUT")
    if not target:
        raise InvalidInput(
            "--github-output: GITHUB_OUTPUT is not set (not in a GitHub Actions step)"
        )
    with open(target, "a", encoding="utf-8") as file:
        file.write(f"{name}={value}\n")


def printed_json(value: str, as_json: bool, output_name: str | None) -> bool:
    """Print `value` (one line of JSON) for `--json` or `--github-output NAME`, which also
    writes it as that step output; False when neither was asked for."""
    if output_name is not None:
        append_github_output(output_name, value)
    if as_json or output_name is not None:
        click.echo(value)
        return True
    return False
