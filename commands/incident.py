"""`vigil incident …`: create, update, resolve, list, show and delete incident files.

Mirrors the seeds' incident API (create, update with a timeline entry, resolve, delete) on
files in git: each command writes `incidents/<YYYY-MM-DD>-<slug>.md`, and `--commit` commits
that one file. Invalid input prints what is wrong, exits 2 and writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from commands.common import config_option, incidents_option, now_option, parse_now
from commands.writing import (
    IMPACTS,
    add_entry_commands,
    affects_mapping,
    affects_option,
    commit_option,
    current_status,
    default_message,
    existing,
    monitor_ids,
    monitor_option,
    parse_time,
    save,
)
from configuration.incident_files import IncidentFile, new_path, utc_day
from configuration.incidents import INCIDENT_STATUSES

RESOLVED_MESSAGE = "This incident has been resolved."


@click.group()
def incident() -> None:
    """Post and update incidents: files under incidents/, optionally committed."""


@incident.command("new")
@click.option("--title", required=True, help="One line saying what is affected.")
@click.option(
    "--status", type=click.Choice(INCIDENT_STATUSES), default="investigating", show_default=True
)
@click.option("--impact", type=click.Choice(IMPACTS), default="minor", show_default=True)
@monitor_option
@affects_option
@click.option("--message", default=None, help="The first update visitors read.")
@click.option("--started-at", default=None, help="When it began (ISO time with zone); now.")
@commit_option
@config_option
@incidents_option
@now_option
def new_incident(
    title: str,
    status: str,
    impact: str,
    monitors: tuple[str, ...],
    affects: tuple[str, ...],
    message: str | None,
    started_at: str | None,
    commit_: bool,
    config_path: Path,
    incidents_dir: Path,
    now_text: str | None,
) -> None:
    """Write a new incident file."""
    now = parse_now(now_text)
    started = parse_time(started_at, "--started-at") if started_at else now
    data: dict[str, Any] = {
        "title": title,
        "impact": impact,
        "monitors": monitor_ids(monitors),
        "started_at": started,
    }
    if affects:
        data["affects"] = affects_mapping(affects)
    if status == "resolved":
        data["resolved_at"] = now
    if not message:  # the GitHub form passes an empty --message when none was typed
        data["status"] = status
    else:
        data["updates"] = [{"at": now, "status": status, "message": message}]
    file = IncidentFile(new_path(incidents_dir, utc_day(started), title), data, "")
    save(file, config_path, now, commit_)


@incident.command("update")
@click.argument("incident_id")
@click.option("--status", type=click.Choice(INCIDENT_STATUSES), default=None, help="New status.")
@click.option("--message", default=None, help="What visitors are told now.")
@affects_option
@commit_option
@config_option
@incidents_option
@now_option
def update_incident(
    incident_id: str,
    status: str | None,
    message: str | None,
    affects: tuple[str, ...],
    commit_: bool,
    config_path: Path,
    incidents_dir: Path,
    now_text: str | None,
) -> None:
    """Append an update (status, message, changed monitor statuses) to INCIDENT_ID."""
    if status is None and not message and not affects:
        raise click.UsageError("give --status, --message, --affects or several")
    changes = affects_mapping(affects)
    now = parse_now(now_text)
    file = existing(incidents_dir, incident_id, "incident")
    new_status = status or current_status(file, now)
    if new_status == "resolved":
        file.data.setdefault("resolved_at", now)
    else:
        file.data.pop("resolved_at", None)  # reopened: a resolved_at would keep it resolved
    file.append_update(now, new_status, message or default_message(new_status, changes), changes)
    save(file, config_path, now, commit_)


@incident.command("resolve")
@click.argument("incident_id")
@click.option("--message", default=RESOLVED_MESSAGE, show_default=True, help="The last update.")
@commit_option
@config_option
@incidents_option
@now_option
def resolve_incident(
    incident_id: str,
    message: str,
    commit_: bool,
    config_path: Path,
    incidents_dir: Path,
    now_text: str | None,
) -> None:
    """Mark INCIDENT_ID resolved now, with a last update."""
    now = parse_now(now_text)
    file = existing(incidents_dir, incident_id, "incident")
    file.data["resolved_at"] = now
    file.append_update(now, "resolved", message or RESOLVED_MESSAGE)
    save(file, config_path, now, commit_)


add_entry_commands(
    incident,
    "incident",
    INCIDENT_STATUSES,
    list_help="List incidents, newest first.",
    show_help="Show INCIDENT_ID with its timeline.",
)
