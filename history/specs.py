"""What the history needs from config.yaml and the incident files, in its own terms."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from configuration.incidents import Incident, maintenance_windows
from configuration.models import Config
from history.model import MonitorSpec, Window


def monitor_specs(config: Config) -> list[MonitorSpec]:
    return [
        MonitorSpec(
            m.id, m.interval, None if m.quorum == "majority" else m.quorum, config.outage.confirm
        )
        for m in config.monitors
    ]


def maintenance_of(incidents: Sequence[Incident], now: datetime, days: int) -> list[Window]:
    """The maintenance windows of the last `days` days up to `now` (recurrences expanded)."""
    start = now - timedelta(days=days + 1)
    return [Window(*window) for window in maintenance_windows(incidents, start, now)]
