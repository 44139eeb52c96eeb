"""What the history needs from config.yaml and the incident files, in its own terms."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from configuration.impacts import STATE, Impact
from configuration.incidents import Incident
from configuration.models import Config
from configuration.written import written_stretches
from history.model import MonitorSpec, Window


def monitor_specs(config: Config) -> list[MonitorSpec]:
    return [
        MonitorSpec(
            m.id,
            m.interval,
            None if m.quorum == "majority" else m.quorum,
            config.outage.confirm,
            checked=m.checked,
        )
        for m in config.monitors
    ]


def written_windows(incidents: Sequence[Incident], now: datetime, days: int) -> list[Window]:
    """What the incidents and maintenance said of each monitor over the last `days` days up
    to `now` (recurrences expanded): under maintenance, degraded, partial or down; the
    operational stretches change nothing and are left out."""
    start = now - timedelta(days=days + 1)
    return [
        Window(monitor_id, low, min(high, now), STATE[impact])
        for monitor_id, low, high, impact in written_stretches(incidents, start, now)
        if impact is not Impact.OPERATIONAL and low < now
    ]


maintenance_of = written_windows  # the name the compaction command was wired with
