"""What the `incident` and `maintenance` commands share: options, validation and writing
(InvalidInput and nothing written when invalid), `--commit`, the seeds' JSON shape of `show`, and
the `list`, `show` and `delete` commands themselves (`add_entry_commands`)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from commands.common import config_option, incidents_option, load, now_option, parse_now
from configuration.errors import ConfigError, GitError, InvalidInput
from configuration.impacts import Impact
from configuration.incident_files import IncidentFile, commit, commit_message, find
from configuration.incidents import Incident, load_incidents, parse_incident
from configuration.times import utc_iso

IMPACTS = ("none", "minor", "major", "critical")

commit_option = click.option(
    "--commit", "commit_", is_flag=True, help="Commit the change with git (this file only)."
)
monitor_option = click.option(
    "--monitor",
    "monitors",
    multiple=True,
    help="Id of an affected monitor; repeat it, or separate ids with commas.",
)


affects_option = click.option(
    "--affects",
    "affects",
    multiple=True,
    help="An affected monitor with the status it shows, ID=STATUS: "
    + ", ".join(Impact)
    + "; repeat it, or separate pairs with commas.",
)


def monitor_ids(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def affects_mapping(values: Sequence[str]) -> dict[str, str]:
    """`("api=major_outage,web=degraded_performance",)` → `{api: major_outage, …}`; a pair
    that is not ID=STATUS with a known status is a usage error (exit 2)."""
    mapping: dict[str, str] = {}
    for pair in monitor_ids(values):
        monitor, _, status = (part.strip() for part in pair.partition("="))
        if not monitor or status not in list(Impact):
            raise click.BadParameter(
                f'expected ID=STATUS with STATUS one of {", ".join(Impact)}, got "{pair}"',
                param_hint="--affects",
            )
        mapping[monitor] = status
    return mapping


def default_message(status: str, changes: Mapping[str, str]) -> str:
    """What an update says when it is given no --message."""
    if not changes:
        return f"The status is now {status.replace('_', ' ')}."
    listed = ", ".join(f"{m} {impact.replace('_', ' ')}" for m, impact in changes.items())
    return f"The status is now {status.replace('_', ' ')}; {listed}."


def parse_time(text: str, option: str) -> datetime:
    """An ISO 8601 time with a time zone (`Z` or an offset)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise click.BadParameter(
            f'expected a time with a time zone, like "2026-11-23T10:00:00Z", got "{text}"',
            param_hint=option,
        )
    return moment


def save(file: IncidentFile, config_path: Path, now: datetime, commit_: bool) -> None:
    """Validate and write `file` (monitor ids checked against the config), or InvalidInput;
    then report it and, with --commit, commit it as `incident: API is down (investigating)`."""
    config, _ = load(config_path)
    try:
        saved = file.save([monitor.id for monitor in config.monitors])
    except ConfigError as error:
        raise invalid_input(error) from None
    finish([file.path], commit_message(saved, now), commit_)


def invalid_input(error: ConfigError) -> InvalidInput:
    """What a command says of the file it was about to write: each problem's key path and
    message (the options, not a file's lines, are what the person wrote), then that nothing
    was written."""
    lines = [f"{p.path}: {p.message}" if p.path else p.message for p in error.problems]
    return InvalidInput("\n".join([*lines, "Nothing was written."]))


def existing(incidents_dir: Path, incident_id: str, kind: str) -> IncidentFile:
    """The file of `incident_id`, or NotFound; InvalidInput when it is not of `kind`."""
    file = find(incidents_dir, incident_id)
    if file.data.get("kind", "incident") != kind:
        raise InvalidInput(f'"{incident_id}" is not {"an" if kind == "incident" else "a"} {kind}')
    return file


def finish(paths: Sequence[Path], message: str, commit_: bool) -> None:
    """Report what was written and, with --commit, commit it (GitError when git fails)."""
    for path in paths:
        click.echo(f"{'Wrote' if path.exists() else 'Deleted'} {path}")
    if not commit_:
        return
    try:
        done = commit(paths, message)
    except GitError as error:
        raise GitError(f"{error}\nThe file was changed but not committed.") from None
    if done is None:
        click.echo("Nothing to commit: git never tracked the file.")
    else:
        click.echo(f"Committed {done[:12]}: {message}")


def incident_json(incident: Incident, now: datetime) -> dict[str, Any]:
    """The seeds' incident shape (camelCase), plus impact and the maintenance fields."""
    data: dict[str, Any] = {
        "id": incident.id,
        "title": incident.title,
        "status": incident.current_status(now),
        "impact": incident.impact,
        "monitorIds": list(incident.affected),
        # What it says of each monitor as last written (while it is open, or in a window).
        "affects": {m: str(impact) for m, impact in incident.impact_steps()[-1][1].items()},
        "startedAt": utc_iso(incident.start),
        "resolvedAt": utc_iso(incident.resolved_at) if incident.resolved_at else None,
        "maintenance": incident.kind == "maintenance",
        "updates": [
            {
                "id": f"{incident.id}-{number}",
                "status": update.status,
                "message": update.message,
                "createdAt": utc_iso(update.at),
            }
            for number, update in enumerate(incident.updates, start=1)
        ],
    }
    if incident.kind == "maintenance":
        window = incident.next_window(now)
        data["scheduledStart"] = utc_iso(window[0] if window else incident.start)
        end = window[1] if window else incident.scheduled_end
        data["scheduledEnd"] = utc_iso(end) if end else None
    return data


def describe(incident: Incident, now: datetime) -> str:
    """The human view of `show`: header, timeline, write-up."""
    status = incident.current_status(now).replace("_", " ")
    lines = [
        f"{incident.title} [{incident.id}]",
        f"{incident.kind}, {status}, impact {incident.impact}",
        f"monitors: {_affected(incident)}",
        f"started:  {utc_iso(incident.start)}",
    ]
    if incident.kind == "maintenance":
        window = incident.next_window(now)
        if window:
            lines.append(f"window:   {utc_iso(window[0])} to {utc_iso(window[1])}")
    if incident.resolved_at:
        lines.append(f"resolved: {utc_iso(incident.resolved_at)}")
    lines += [f"  {utc_iso(u.at)}  {u.status}: {u.message}" for u in incident.updates]
    return "\n".join([*lines, "", incident.body] if incident.body else lines)


def _affected(incident: Incident) -> str:
    """`api (major outage), web (degraded performance)`, as last written; or `none`."""
    written = incident.impact_steps()[-1][1]
    named = [f"{m} ({written[m].replace('_', ' ')})" for m in incident.affected if m in written]
    return ", ".join(named) or "none"


def listing(
    incidents_dir: Path, config_path: Path, kind: str, status: str | None, now: datetime
) -> list[Incident]:
    config, _ = load(config_path)
    try:
        loaded = load_incidents(incidents_dir, [m.id for m in config.monitors])
    except ConfigError as error:
        raise InvalidInput("\n".join([str(p) for p in error.problems])) from None
    return [
        i for i in loaded if i.kind == kind and (status is None or i.current_status(now) == status)
    ]


def parsed(file: IncidentFile) -> Incident:
    """The incident as the loader reads it, or its problems as InvalidInput."""
    try:
        return parse_incident(file.path)
    except ConfigError as error:
        raise InvalidInput("\n".join(str(p) for p in error.problems)) from None


def current_status(file: IncidentFile, now: datetime) -> str:
    return parsed(file).current_status(now)


def print_list(incidents: Sequence[Incident], as_json: bool, now: datetime) -> None:
    if as_json:
        click.echo(
            json.dumps([incident_json(i, now) for i in incidents], indent=2, ensure_ascii=False)
        )
        return
    for item in incidents:
        status = item.current_status(now)
        click.echo(f"{item.id}  {status:<13} {utc_iso(item.start)}  {item.title}")


def add_entry_commands(
    group: click.Group, kind: str, statuses: Sequence[str], *, list_help: str, show_help: str
) -> None:
    """Declare `list`, `show` and `delete` on `group` for the files of `kind` ("incident" or
    "maintenance"): the same commands for both but for the statuses `list --status` accepts
    and the help of `list` and `show`. The id argument reads `INCIDENT_ID`/`MAINTENANCE_ID`."""
    id_metavar = f"{kind.upper()}_ID"
    json_option = click.option(
        "--json", "as_json", is_flag=True, help="Print JSON (the seeds' incident shape)."
    )

    @group.command("list", help=list_help)
    @click.option("--status", type=click.Choice(statuses), default=None, help="Only these.")
    @json_option
    @config_option
    @incidents_option
    @now_option
    def list_command(
        status: str | None,
        as_json: bool,
        config_path: Path,
        incidents_dir: Path,
        now_text: str | None,
    ) -> None:
        now = parse_now(now_text)
        print_list(listing(incidents_dir, config_path, kind, status, now), as_json, now)

    @group.command("show", help=show_help)
    @click.argument("entry_id", metavar=id_metavar)
    @json_option
    @incidents_option
    @now_option
    def show_command(
        entry_id: str, as_json: bool, incidents_dir: Path, now_text: str | None
    ) -> None:
        now = parse_now(now_text)
        incident = parsed(existing(incidents_dir, entry_id, kind))
        if as_json:
            click.echo(json.dumps(incident_json(incident, now), indent=2, ensure_ascii=False))
        else:
            click.echo(describe(incident, now))

    @group.command("delete", help=f"Delete the file of {id_metavar} (git keeps its history).")
    @click.argument("entry_id", metavar=id_metavar)
    @commit_option
    @incidents_option
    def delete_command(entry_id: str, commit_: bool, incidents_dir: Path) -> None:
        file = existing(incidents_dir, entry_id, kind)
        title = str(file.data.get("title", entry_id))
        file.path.unlink()
        finish([file.path], f"{kind}: delete {title}", commit_)
