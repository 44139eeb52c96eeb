"""What the history says of every monitor now, in the terms `decide` compares: the
consensus status, whether a maintenance window is in progress, and the details of the
newest failure (error, status code, response time, regions).

Maintenance follows the site's one rule (`configuration.incidents.in_maintenance`, and
`history.specs.maintenance_of` for the history): one-off windows and every occurrence of a
recurring one as their updates changed them, so a window freezes the alerts exactly as it
greys the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from configuration.incidents import Incident, in_maintenance
from configuration.models import Config
from history.model import MonitorTimeline
from history.specs import maintenance_of, monitor_specs
from history.store import open_store
from history.timeline import monitor_timelines
from notifications.decide import Observed

DAYS = 2  # today and yesterday: enough for the newest result of every monitor


def observe(
    config: Config, incidents: Sequence[Incident], data_dir: Path, now: datetime
) -> dict[str, Observed]:
    """The consensus status of every monitor now, from today's and yesterday's results."""
    store = open_store(config.history.store, data_dir)
    windows = maintenance_of(incidents, now, DAYS)
    timelines = monitor_timelines(store, monitor_specs(config), windows, now, days=DAYS)
    active = in_maintenance(incidents, now)
    return {
        monitor_id: _observed(timeline, monitor_id in active)
        for monitor_id, timeline in timelines.items()
    }


def _observed(timeline: MonitorTimeline, in_maintenance: bool) -> Observed:
    status = timeline.current.value if timeline.current is not None else None
    newest = sorted(timeline.latest.values(), key=lambda latest: latest.checked_at)
    failing = [latest for latest in newest if latest.status.value in ("down", "degraded")]
    shown = failing[-1] if failing else (newest[-1] if newest else None)
    return Observed(
        status=status if status in ("up", "degraded", "down") else None,
        in_maintenance=in_maintenance,
        error=failing[-1].error if failing else None,
        latency_ms=shown.response_time_ms if shown else None,
        status_code=shown.status_code if shown else None,  # all of the newest result
        regions=tuple(sorted(latest.region for latest in failing)),
    )
