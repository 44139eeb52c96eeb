"""`vigil demo`: 90 days of synthetic history (history/demo.py) and the incident files
that tell its story, so a newcomer with no network sees a populated page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import click

from commands.common import load, parse_now, project_options
from configuration.models import Config
from configuration.times import utc_iso
from history.demo import DEMO_PREFIX, Disturbance, demo_disturbances, write_demo_history
from history.location import open_store


@dataclass(frozen=True)
class DemoWritten:
    """What `vigil demo` wrote: how many results, and which incident files."""

    results: int
    incidents: list[Path]


def demo(config_path: Path, data_dir: Path, incidents_dir: Path, now: datetime) -> DemoWritten:
    """Write the demo history up to `now` into `data_dir` and its incidents into
    `incidents_dir` (replacing those an earlier run wrote)."""
    config, _ = load(config_path)
    count = write_demo_history(config, open_store(config.history.store, data_dir), now)
    return DemoWritten(count, write_demo_incidents(incidents_dir, config, now))


@click.command("demo")
@project_options
def demo_command(
    config_path: Path, data_dir: Path, incidents_dir: Path, now_text: str | None
) -> None:
    """Write 90 days of synthetic history and sample incidents, for a populated page offline."""
    written = demo(config_path, data_dir, incidents_dir, parse_now(now_text))
    click.echo(
        f"Wrote {written.results} demo results to {data_dir}/ and {len(written.incidents)} "
        f"files to {incidents_dir}/"
    )
    click.echo("Next: vigil build, then open site/index.html")


def write_demo_incidents(directory: Path, config: Config, now: datetime) -> list[Path]:
    """Two written incidents and two maintenance notices matching the demo history."""
    for old in directory.glob(f"*-{DEMO_PREFIX}*.md"):
        old.unlink()
    directory.mkdir(parents=True, exist_ok=True)
    disturbances = demo_disturbances(config, now)
    written = []
    for slug, text, when in _stories(disturbances, now):
        path = directory / f"{when:%Y-%m-%d}-{DEMO_PREFIX}{slug}.md"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


Story = tuple[str, str, datetime]  # the file's slug, its text, the day it is dated


def _stories(disturbances: dict[str, Disturbance], now: datetime) -> list[Story]:
    """The incident files that tell what the demo history shows."""
    return [
        _api_errors(disturbances["api-errors"]),
        _ingestion_outage(disturbances["ingestion-outage"]),
        *_maintenance(disturbances, now),
    ]


def _api_errors(api: Disturbance) -> Story:
    api_end = api.start + api.duration
    text = f"""---
title: Elevated error rates on the REST API
impact: major
monitors: [{api.monitor_id}]
started_at: {utc_iso(api.start)}
resolved_at: {utc_iso(api_end)}
updates:
  - at: {utc_iso(api.start + timedelta(minutes=6))}
    status: investigating
    message: We are investigating elevated 503 errors from the API.
  - at: {utc_iso(api.start + timedelta(minutes=21))}
    status: identified
    message: A database connection pool was exhausted after a configuration change.
  - at: {utc_iso(api.start + timedelta(minutes=38))}
    status: monitoring
    message: The change was rolled back; error rates are back to normal.
  - at: {utc_iso(api_end + timedelta(minutes=15))}
    status: resolved
    message: The API has been stable for 15 minutes. We will publish a post-mortem.
---
Between {api.start:%H:%M} and {api_end:%H:%M} UTC about 40 % of API requests failed with
HTTP 503. A configuration change lowered the database connection pool limit; it was rolled
back and the deployment pipeline now checks the limit.
"""
    return "api-errors", text, api.start


def _ingestion_outage(ingest: Disturbance) -> Story:
    ingest_end = ingest.start + ingest.duration
    text = f"""---
title: Event ingestion unavailable
impact: critical
monitors: [{ingest.monitor_id}]
started_at: {utc_iso(ingest.start)}
resolved_at: {utc_iso(ingest_end)}
updates:
  - at: {utc_iso(ingest.start + timedelta(minutes=9))}
    status: investigating
    message: Events from the tracking snippet are being rejected.
  - at: {utc_iso(ingest_end)}
    status: resolved
    message: A failed load balancer was replaced; no events were lost, they were retried.
---
The ingestion load balancer stopped accepting connections after a kernel update.
"""
    return "ingestion-outage", text, ingest.start


def _maintenance(disturbances: dict[str, Disturbance], now: datetime) -> list[Story]:
    """A window that is over (the database upgrade) and one in two days."""
    api = disturbances["api-errors"]
    past_window = disturbances["database-upgrade"].start
    next_window = (now + timedelta(days=2)).replace(hour=1, minute=0, second=0, microsecond=0)
    past = f"""---
title: Database upgrade
kind: maintenance
impact: minor
monitors: [{api.monitor_id}]
scheduled_start: {utc_iso(past_window)}
scheduled_end: {utc_iso(past_window + timedelta(hours=1))}
---
The primary database was upgraded to a new major version.
"""
    upcoming = f"""---
title: Network maintenance in Frankfurt
kind: maintenance
impact: minor
monitors: [{disturbances["website-timeout"].monitor_id}]
scheduled_start: {utc_iso(next_window)}
scheduled_end: {utc_iso(next_window + timedelta(hours=2))}
---
Our hosting provider replaces core switches. Short interruptions are possible.
"""
    return [
        ("database-upgrade", past, past_window),
        ("network-maintenance", upcoming, next_window),
    ]
