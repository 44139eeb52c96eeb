"""What the history says of every monitor now, in the terms `decide` compares: the
consensus status, what the open incidents and maintenance say of it, and the details of the
newest failure (error, status code, response time, regions).

What is written follows the site's one rule (`configuration.written.written_status`, and
`history.specs.written_windows` for the history): one-off windows and every occurrence of a
recurring one as their updates changed them, and each incident's `affects` while it is open,
so a window freezes the alerts exactly as it greys the page, and a written outage changes
the component's status in the alerts exactly as on the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from configuration.impacts import Impact
from configuration.incidents import Incident
from configuration.models import Config
from configuration.written import written_status
from history.location import open_store
from history.model import MonitorTimeline
from history.specs import monitor_specs, written_windows
from history.timeline import monitor_timelines
from notifications.decide import Observed

DAYS = 2  # today and yesterday: enough for the newest result of every monitor


def observe(
    config: Config, incidents: Sequence[Incident], data_dir: Path, now: datetime
) -> dict[str, Observed]:
    """The consensus status of every monitor now, from today's and yesterday's results."""
    store = open_store(config.history.store, data_dir)
    windows = written_windows(incidents, now, DAYS)
    timelines = monitor_timelines(store, monitor_specs(config), windows, now, days=DAYS)
    written = written_status(incidents, now)
    return {
        monitor_id: _observed(timeline, written.get(monitor_id))
        for monitor_id, timeline in timelines.items()
    }


def _observed(timeline: MonitorTimeline, written: Impact | None) -> Observed:
    status = timeline.current.value if timeline.current is not None else None
    newest = sorted(timeline.latest.values(), key=lambda latest: latest.checked_at)
    failing = [latest for latest in newest if latest.status.value in ("down", "degraded")]
    shown = failing[-1] if failing else (newest[-1] if newest else None)
    return Observed(
        status=status if status in ("up", "degraded", "down") else None,
        in_maintenance=written is Impact.UNDER_MAINTENANCE,
        written=None if written is Impact.UNDER_MAINTENANCE else written,
        error=failing[-1].error if failing else None,
        latency_ms=shown.response_time_ms if shown else None,
        status_code=shown.status_code if shown else None,  # all of the newest result
        regions=tuple(sorted(latest.region for latest in failing)),
    )
