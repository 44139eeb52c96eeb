"""`vigil alerts`: what was alerted on, to whom, and what became of it, from the ledger.

`--json` prints the history as JSON (schemas/cli-alerts.schema.json); `--out FILE` writes
that JSON to a file for an internal page (`alerts.json`) and refuses a path inside a site
that `vigil build` wrote: the history names private monitors and channels, so it never
lands on the public page by accident.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import click

from commands.common import config_option, data_option, load, now_option, parse_now
from configuration.durations import positive_duration
from configuration.errors import Failure, InvalidInput, NotFound
from configuration.files import write_atomically
from configuration.messages import escape_control
from configuration.times import utc_iso
from notifications.alert_history import (
    AlertRow,
    Filters,
    alert_rows,
    counts,
    history_json,
    known_ids,
)
from notifications.ledger import KEEP, Ledger
from rendering.hosting.writer import built_site


def _since(text: str) -> timedelta:
    try:
        return positive_duration(text)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--since") from None


@click.command("alerts")
@click.option(
    "--since",
    default="7d",
    show_default=True,
    help="How far back, e.g. 24h or 7d; the ledger keeps 14 days.",
)
@click.option("--monitor", "monitor_id", default=None, help="Only alerts about this monitor.")
@click.option("--channel", "channel_id", default=None, help="Only what went to this channel.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (cli-alerts.schema.json).")
@click.option(
    "--out",
    "out_file",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the JSON to this file (e.g. alerts.json for an internal page), never into "
    "a built site.",
)
@config_option
@data_option
@now_option
def alerts(
    since: str,
    monitor_id: str | None,
    channel_id: str | None,
    as_json: bool,
    out_file: Path | None,
    config_path: Path,
    data_dir: Path,
    now_text: str | None,
) -> None:
    """The alert history: each notification decided since --since, the channel it went to,
    delivered / retried / failed / skipped / expired / pending, and why it failed."""
    config, _ = load(config_path)
    now = parse_now(now_text)
    filters = Filters(now - _since(since), monitor_id, channel_id)
    ledger = Ledger(data_dir)
    _check_ids(config_path, [m.id for m in config.monitors],
               [c.id for c in config.notifications], ledger, filters)  # fmt: skip
    if out_file is not None:
        _refuse_in_site(out_file)
    rows = alert_rows(config, ledger, filters)
    if out_file is not None or as_json:
        text = json.dumps(history_json(rows, filters, now), ensure_ascii=False, indent=2) + "\n"
        if out_file is None:
            click.echo(text, nl=False)
            return
        _write(out_file, text)
        click.echo(f"Wrote {len(rows)} alert deliveries to {out_file}")
        return
    for row in rows:
        click.echo(_line(row))
    click.echo(_summary(rows, filters))
    if now - filters.since > KEEP:
        click.echo(f"note: the ledger keeps {KEEP.days} days; older alerts are pruned", err=True)


def _check_ids(
    config_path: Path,
    monitors: list[str],
    channels: list[str],
    ledger: Ledger,
    filters: Filters,
) -> None:
    """An id must be in the config or in the ledger (a monitor since removed still has its
    history); otherwise NotFound, saying which ids exist."""
    logged_monitors, logged_channels = known_ids(ledger)
    for kind, wanted, known in (
        ("monitor", filters.monitor, [*monitors, *sorted(logged_monitors - set(monitors))]),
        ("channel", filters.channel, [*channels, *sorted(logged_channels - set(channels))]),
    ):
        if wanted is not None and wanted not in known:
            listed = ", ".join(known) or "none"
            raise NotFound(
                f'no {kind} "{wanted}" in {config_path} or the ledger; {kind}s: {listed}'
            )


def _refuse_in_site(out_file: Path) -> None:
    site = built_site(out_file)
    if site is not None:
        raise InvalidInput(
            f"--out {out_file}: inside {site}/, a site vigil build wrote; the alert history "
            "names private monitors and channels, so write it outside the site"
        )


def _write(out_file: Path, text: str) -> None:
    try:
        write_atomically(out_file, text)
    except OSError as error:
        raise Failure(f"--out {out_file}: cannot write: {error.strerror}") from None


def _line(row: AlertRow) -> str:
    """`<when>  <title> [<key>] → <channel>: <outcome>[ at <recorded>] (<tries>)[: <reason>]`."""
    event, record = row.event, row.record
    text = f"{utc_iso(event.at)}  {event.title} [{event.key}] → {row.channel}: {row.outcome}"
    if record is not None and record.at != event.at:
        text += f" at {utc_iso(record.at)}"
    if record is not None and row.runs:
        attempts = f"{record.attempts + sum(f.attempts for f in record.earlier)} attempt(s)"
        text += f" ({attempts} in {row.runs} run(s))" if row.runs > 1 else f" ({attempts})"
    if record is not None and record.detail:
        text += f": {record.detail}"
    if record is not None and record.earlier and record.status != "failed":
        text += f"; earlier: {record.earlier[-1].detail}"
    if event.alert_key != event.key:
        text += f" (episode {event.alert_key})"
    return escape_control(text)  # reasons quote what a service answered


def _summary(rows: list[AlertRow], filters: Filters) -> str:
    since = f"since {utc_iso(filters.since)}"
    if not rows:
        return f"No alerts {since}."
    parts = ", ".join(f"{count} {outcome}" for outcome, count in counts(rows).items())
    return f"{len(rows)} alert deliveries {since}: {parts}"
