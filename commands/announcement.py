"""`vigil announcement new`: write an announcement file (`announcements/<date>-<slug>.md`
beside the incidents folder), optionally committed, as `vigil incident new` writes incidents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from commands.common import config_option, incidents_option, load, now_option, parse_now
from commands.writing import commit_option, finish, invalid_input, parse_time
from configuration.announcement_files import announcements_folder, save_announcement
from configuration.announcements import Level
from configuration.errors import ConfigError
from configuration.incident_files import new_path, utc_day


@click.group()
def announcement() -> None:
    """Post announcements: files under announcements/, optionally committed."""


@announcement.command("new")
@click.option("--title", required=True, help="One line, e.g. Support is closed on 24 December.")
@click.option("--message", default=None, help="Markdown shown under the title.")
@click.option(
    "--level", type=click.Choice([str(level) for level in Level]), default="info", show_default=True
)
@click.option("--from", "from_text", default=None, help="When it is first shown (ISO time); now.")
@click.option("--until", default=None, help="When it stops being shown; never by default.")
@commit_option
@config_option
@incidents_option
@now_option
def new_announcement(
    title: str,
    message: str | None,
    level: str,
    from_text: str | None,
    until: str | None,
    commit_: bool,
    config_path: Path,
    incidents_dir: Path,
    now_text: str | None,
) -> None:
    """Write a new announcement file."""
    starts = parse_time(from_text, "--from") if from_text else parse_now(now_text)
    data: dict[str, Any] = {"title": title, "level": level, "from": starts}
    if until:
        data["until"] = parse_time(until, "--until")
    config, _ = load(config_path)
    path = new_path(announcements_folder(incidents_dir), utc_day(starts), title)
    try:
        save_announcement(path, data, message or "", config.announcements)
    except ConfigError as error:
        raise invalid_input(error) from None
    finish([path], f"announcement: {title}", commit_)
