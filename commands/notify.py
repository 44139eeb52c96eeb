"""`vigil notify`: send a test message to a channel, or decide and deliver now."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import click

from commands.common import (
    config_option,
    load,
    now_option,
    parse_now,
    project_options,
    raise_if_unset,
    report_unset_secrets,
)
from configuration.errors import DeliveryFailed, NotFound
from configuration.incidents import Incident
from configuration.models import Config
from history.location import open_store
from notifications.events import trial_event
from notifications.run import describe, notify, preview_pending, send_test


@click.group("notify")
def notify_group() -> None:
    """Send notifications: a test message, or what changed since the last run."""


@notify_group.command("test")
@click.argument("channel_id")
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send nothing.")
@config_option
@now_option
def test_command(channel_id: str, dry_run: bool, config_path: Path, now_text: str | None) -> None:
    """Send a test message to the channel CHANNEL_ID of `notifications:`."""
    config, _ = load(config_path)
    channel = next((c for c in config.notifications if c.id == channel_id), None)
    if channel is None:
        known = ", ".join(c.id for c in config.notifications) or "none"
        raise NotFound(f'no channel "{channel_id}" in {config_path}; channels: {known}')
    now = parse_now(now_text)
    if dry_run:  # needs no secret: an unset one is shown masked, like a set one
        click.echo(describe(config, channel, trial_event(now, config.site.url)), nl=False)
        return
    unset = report_unset_secrets(config, "notifications", [channel_id], "notify")
    raise_if_unset({"channel(s) not sent to": unset})
    delivery = send_test(config, channel, now)
    if delivery.status != "sent":
        raise DeliveryFailed(
            f"{channel_id}: not delivered after {delivery.attempts} attempt(s): {delivery.detail}"
        )
    click.echo(f"{channel_id}: test message delivered")


@notify_group.command("send")
@click.option("--dry-run", is_flag=True, help="Print what would be sent; record and send nothing.")
@project_options
def send_command(
    dry_run: bool, config_path: Path, data_dir: Path, incidents_dir: Path, now_text: str | None
) -> None:
    """Compare the current status with data/state.json and deliver what changed (and
    whatever an earlier run left pending). Run it after `vigil check`, then commit data/."""
    config, incidents = load(config_path, incidents_dir)
    with open_store(config.history.store, data_dir).side_files():
        _send(config, incidents, data_dir, parse_now(now_text), dry_run)


def _send(
    config: Config, incidents: Sequence[Incident], data_dir: Path, now: datetime, dry_run: bool
) -> None:
    if dry_run:
        pending = preview_pending(config, incidents, data_dir, now)
        for event, channel in pending:
            click.echo(f"# {event.key} → {channel.id}")
            click.echo(describe(config, channel, event))
        click.echo(f"{len(pending)} notification(s) would be sent")
        return
    channels = [channel.id for channel in config.notifications]
    unset = report_unset_secrets(config, "notifications", channels, "notify")
    report = notify(config, incidents, data_dir, now)  # a channel in `unset` fails alone
    for key, channel_id, record in report.deliveries:
        detail = f" ({record.detail})" if record.detail else ""
        click.echo(f"{key} → {channel_id}: {record.status}{detail}")
    click.echo(f"{len(report.decided)} new event(s), {len(report.deliveries)} delivery record(s)")
    raise_if_unset({"channel(s) not sent to": unset})
