"""`vigil maintenance …`: schedule, list, show, update and delete maintenance notices.

A one-off window: `--start` and `--end` (or `--duration`) are ISO times with a zone. A
recurring one (`--every Sunday`): `--start 02:00` is a local wall time in `--timezone`
(default: the page's), lasting `--duration` (or until the local `--end`), from `--from`
(default now) until `--until` (default: for ever).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click

from commands.common import config_option, incidents_option, load, now_option, parse_now
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
    parsed,
    save,
)
from configuration.durations import format_duration, parse_duration
from configuration.incident_files import IncidentFile, new_path, utc_day
from configuration.incidents import MAINTENANCE_STATUSES

AUTO = "auto"  # `update --status auto`: let the clock decide again
STATUS_MESSAGES = {
    "scheduled": "This maintenance is scheduled.",
    "in_progress": "This maintenance has started.",
    "completed": "This maintenance is complete.",
    AUTO: "This maintenance follows its schedule again.",
}
# Moving a window is an update too: visitors read it, and calendars see a new SEQUENCE.
RESCHEDULED = "This maintenance has been rescheduled."


def _duration(text: str, option: str) -> timedelta:
    try:
        return parse_duration(text)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint=option) from None


def _clock(text: str, option: str) -> timedelta:
    """`02:00` as the time since midnight."""
    hours, _, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
        raise click.BadParameter(
            f'with --every, expected a local time like "02:00", got "{text}"', param_hint=option
        )
    return timedelta(hours=int(hours), minutes=int(minutes))


def recurrence(
    start: str, end: str | None, duration: str | None, every: list[str], timezone: str
) -> dict[str, Any]:
    """The `recurrence:` mapping of a file from the command's options."""
    begin = _clock(start, "--start")
    if duration is not None:
        length = _duration(duration, "--duration")
    elif end is not None:
        length = (_clock(end, "--end") - begin) % timedelta(days=1) or timedelta(days=1)
    else:
        raise click.UsageError("give --duration or --end")
    hours, minutes = divmod(int(begin.total_seconds()) // 60, 60)
    return {
        "start": f"{hours:02d}:{minutes:02d}",
        "duration": format_duration(length),
        "timezone": timezone,
        "every": every,
    }


def one_off(start: str, end: str | None, duration: str | None) -> tuple[datetime, datetime]:
    begin = parse_time(start, "--start")
    if end is not None:
        return begin, parse_time(end, "--end")
    if duration is not None:
        return begin, begin + _duration(duration, "--duration")
    raise click.UsageError("give --end or --duration")


def weekdays(values: tuple[str, ...]) -> list[str]:
    return [part.strip().capitalize() for v in values for part in v.split(",") if part.strip()]


@click.group()
def maintenance() -> None:
    """Schedule maintenance: files under incidents/, optionally committed."""


@maintenance.command("new")
@click.option("--title", required=True, help="One line saying what is maintained.")
@click.option("--start", required=True, help="ISO time with zone; with --every: local 02:00.")
@click.option("--end", default=None, help="ISO time with zone; with --every: local 04:00.")
@click.option("--duration", default=None, help="Instead of --end, e.g. 2h.")
@click.option("--every", multiple=True, help="Repeat on this weekday, e.g. Sunday; repeatable.")
@click.option("--timezone", default=None, help="With --every: IANA zone; the page's by default.")
@click.option("--from", "from_text", default=None, help="With --every: first day; now.")
@click.option("--until", default=None, help="With --every: when it stops; never by default.")
@monitor_option
@affects_option
@click.option("--impact", type=click.Choice(IMPACTS), default="none", show_default=True)
@click.option("--message", default=None, help="What visitors are told (the write-up).")
@click.option("--announce-before", default=None, help="Notice ahead of it; 72h by default.")
@commit_option
@config_option
@incidents_option
@now_option
def new_maintenance(
    title: str,
    start: str,
    end: str | None,
    duration: str | None,
    every: tuple[str, ...],
    timezone: str | None,
    from_text: str | None,
    until: str | None,
    monitors: tuple[str, ...],
    affects: tuple[str, ...],
    impact: str,
    message: str | None,
    announce_before: str | None,
    commit_: bool,
    config_path: Path,
    incidents_dir: Path,
    now_text: str | None,
) -> None:
    """Write a new maintenance file (one window, or a weekly recurrence with --every)."""
    now = parse_now(now_text)
    data: dict[str, Any] = {
        "title": title,
        "kind": "maintenance",
        "impact": impact,
        "monitors": monitor_ids(monitors),
    }
    if affects:
        data["affects"] = affects_mapping(affects)
    if every:
        zone = timezone or load(config_path)[0].site.timezone
        data["scheduled_start"] = parse_time(from_text, "--from") if from_text else now
        if until:
            data["scheduled_end"] = parse_time(until, "--until")
        data["recurrence"] = recurrence(start, end, duration, weekdays(every), zone)
    else:
        data["scheduled_start"], data["scheduled_end"] = one_off(start, end, duration)
    if announce_before:
        data["announce_before"] = format_duration(_duration(announce_before, "--announce-before"))
    day = utc_day(now if every else data["scheduled_start"])
    file = IncidentFile(
        new_path(incidents_dir, day, title), data, f"{message}\n" if message else ""
    )
    save(file, config_path, now, commit_)


@maintenance.command("update")
@click.argument("maintenance_id")
@click.option("--title", default=None, help="A new title.")
@click.option("--start", default=None, help="New start (as for new).")
@click.option("--end", default=None, help="New end (as for new).")
@click.option("--duration", default=None, help="New length, e.g. 3h.")
@click.option(
    "--status",
    type=click.Choice([*MAINTENANCE_STATUSES, AUTO]),
    default=None,
    help="Set the status by hand; auto: follow the clock again.",
)
@click.option("--message", default=None, help="An update visitors read.")
@affects_option
@commit_option
@config_option
@incidents_option
@now_option
def update_maintenance(
    maintenance_id: str,
    title: str | None,
    start: str | None,
    end: str | None,
    duration: str | None,
    status: str | None,
    message: str | None,
    affects: tuple[str, ...],
    commit_: bool,
    config_path: Path,
    incidents_dir: Path,
    now_text: str | None,
) -> None:
    """Change the title, times or status of MAINTENANCE_ID, or post an update to it
    (`--affects`: the monitors' statuses from now on)."""
    changes = affects_mapping(affects)
    now = parse_now(now_text)
    file = existing(incidents_dir, maintenance_id, "maintenance")
    data = file.data
    if title is not None:
        data["title"] = title
    if isinstance(data.get("recurrence"), dict) and (start or end or duration):
        old = data["recurrence"]
        data["recurrence"] = recurrence(
            start or str(old.get("start")),
            end,
            duration or (None if end else str(old.get("duration"))),
            list(old.get("every") or []),
            str(old.get("timezone", "UTC")),
        )
    elif start or end or duration:
        begin = parse_time(start, "--start") if start else parsed(file).start
        if end:
            data["scheduled_end"] = parse_time(end, "--end")
        elif duration:
            data["scheduled_end"] = begin + _duration(duration, "--duration")
        data["scheduled_start"] = begin
    if status == AUTO:
        data.pop("status", None)
    elif status is not None:
        data["status"] = status
    if status in (*MAINTENANCE_STATUSES, AUTO) and message is None:
        message = STATUS_MESSAGES[status]  # a status set by hand is an update at its time
    elif (start or end or duration) and message is None:
        message = RESCHEDULED
    posted = "scheduled" if status == AUTO else status  # auto: the schedule again
    posted = current_status(file, now) if posted is None else posted
    if changes and message is None:
        message = default_message(posted, changes)
    if message is not None:
        file.append_update(now, posted, message, changes)
    save(file, config_path, now, commit_)


add_entry_commands(
    maintenance,
    "maintenance",
    MAINTENANCE_STATUSES,
    list_help="List maintenance, newest first.",
    show_help="Show MAINTENANCE_ID with its next window and updates.",
)
