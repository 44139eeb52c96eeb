"""`vigil import SOURCE FILE|URL`: another tool's configuration as a Vigil config.yaml and
incident files. The importers (importers/) translate; this module validates what they made
exactly as `vigil validate` will read it, then writes it, or prints it with --dry-run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click

from commands.common import now_option, parse_now
from configuration.errors import ConfigError, Failure, Problem
from configuration.files import write_atomically
from configuration.incidents import parse_incident_text
from configuration.loader import load_config, load_config_text
from importers.base import Imported, Untranslated
from importers.registry import IMPORTERS
from importers.writing import config_text, incident_text, insert_entries

CONFIG = "config.yaml"
INCIDENTS = "incidents"
MERGED_SECTIONS = ("regions", "groups", "monitors", "notifications")  # entries added by id


@dataclass
class Plan:
    """The files an import writes (path → text), and what it leaves out when merging."""

    files: dict[Path, str] = field(default_factory=dict)
    left_out: list[Untranslated] = field(default_factory=list)


@click.command("import")
@click.argument("source", type=click.Choice(sorted(IMPORTERS)))
@click.argument("location", metavar="FILE|URL")
@click.option(
    "--into",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Folder to write config.yaml and incidents/ into; it must be empty (or not exist).",
)
@click.option(
    "--merge",
    is_flag=True,
    help="Add to the config.yaml in --into the monitors (groups, regions, channels) whose "
    "ids are free, and the incident files whose names are; report the rest.",
)
@click.option("--dry-run", is_flag=True, help="Print what would be written; write nothing.")
@now_option
def import_command(
    source: str, location: str, into: Path, merge: bool, dry_run: bool, now_text: str | None
) -> None:
    """Write a Vigil config.yaml (and incident files) from SOURCE's configuration at FILE|URL:
    upptime (.upptimerc.yml), gatus (config.yaml, or a folder of them), openstatus
    (openstatus.yaml), uptime-kuma (a backup JSON), statuspage (a page's URL, or a folder
    holding its api/v2 summary.json, incidents.json and scheduled-maintenances.json).

    Every field that could not be translated is listed on standard error with where it was
    written (FILE:LINE, or the JSON path) and why; see docs/migrating.md. Secrets stay
    `${NAME}` references: nothing is read from the environment.

    Exit status: 0 written (untranslated fields do not fail it); 2 invalid input, located, or
    --into not empty (without --merge): nothing is written; 1 a file could not be written.
    """
    imported = IMPORTERS[source].run(location, parse_now(now_text))
    plan = _merged(imported, location, into) if merge else _fresh(imported, location, into)
    _validate(plan, into)
    for line in sorted(imported.untranslated, key=Untranslated.order) + plan.left_out:
        click.echo(f"not translated: {line}", err=True)
    if dry_run:
        for path, text in plan.files.items():
            click.echo(f"--- {path} ---\n{text}")
        click.echo(f"Dry run: {len(plan.files)} file(s) not written.")
        return
    _write(plan)
    count = len(imported.untranslated) + len(plan.left_out)
    click.echo(
        f"Imported {source} into {into}/: {len(plan.files)} file(s) written; "
        f"{count} field(s) not translated (listed above). Next: vigil validate"
    )


def _fresh(imported: Imported, location: str, into: Path) -> Plan:
    if into.exists() and any(into.iterdir()):
        message = (
            f"{into}/ is not empty; import into an empty folder, or add --merge to add "
            f"the monitors to its {CONFIG}"
        )
        raise ConfigError([Problem(str(into), 0, 0, "", message)])
    plan = Plan({into / CONFIG: config_text(imported, location)})
    for draft in imported.incidents:
        plan.files[into / INCIDENTS / f"{draft.stem}.md"] = incident_text(draft, into / INCIDENTS)
    return plan


def _merged(imported: Imported, location: str, into: Path) -> Plan:
    """New entries added below the existing ones, ids that are taken left out and reported."""
    path = into / CONFIG
    if not path.is_file():
        raise ConfigError([Problem(str(path), 0, 0, "", "no config to merge into")])
    existing = load_config(path, environ={})
    text = path.read_text(encoding="utf-8")
    plan = Plan()
    for section in MERGED_SECTIONS:
        taken = {entry.id for entry in getattr(existing, section)}
        added = []
        for index, entry in enumerate(imported.config.get(section, [])):
            if entry["id"] in taken:
                why = f'id "{entry["id"]}" is taken in {path}: not added'
                plan.left_out.append(Untranslated(location, f"{section}[{index}]", why))
            else:
                added.append(entry)
        try:
            text = insert_entries(text, section, added)
        except ValueError as error:
            raise ConfigError([Problem(str(path), 0, 0, section, str(error))]) from None
    plan.files[path] = text
    for section in sorted(set(imported.config) - {"version", *MERGED_SECTIONS}):
        why = f"not merged: {path} keeps its own (copy what you need by hand)"
        plan.left_out.append(Untranslated(location, section, why))
    for draft in imported.incidents:
        target = into / INCIDENTS / f"{draft.stem}.md"
        if target.exists():
            plan.left_out.append(
                Untranslated(location, draft.stem, f"{target} exists: not written")
            )
        else:
            plan.files[target] = incident_text(draft, into / INCIDENTS)
    return plan


def _validate(plan: Plan, into: Path) -> None:
    """Read the planned files as `vigil validate` reads them (no secret expanded)."""
    config_path = into / CONFIG
    config = load_config_text(plan.files[config_path], str(config_path), environ={})
    ids = [monitor.id for monitor in config.monitors]
    problems: list[Problem] = []
    for path, text in plan.files.items():
        if path != config_path:
            try:
                parse_incident_text(text, path, ids)
            except ConfigError as error:
                problems += error.problems
    if problems:
        raise ConfigError(problems)


def _write(plan: Plan) -> None:
    for path, text in plan.files.items():
        try:
            write_atomically(path, text)
        except OSError as error:
            raise Failure(f"{path}: cannot write: {error.strerror}") from None
        click.echo(f"Wrote {path}")
