"""What the pages list as events: detected outages (from the timelines) and written incidents
and maintenance (from `incidents/`), merged into one newest-first list.

`build_events` is the single place that decides this, so it can be swapped for a richer
merge (outages matched to the incidents that explain them) without touching the pages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from configuration.incidents import Incident
from history.timeline import MonitorTimeline, Outage


@dataclass(frozen=True)
class Event:
    kind: str  # outage | incident | maintenance
    id: str  # the incident's id, or `<monitor id>-<start epoch>` for an outage
    monitor_ids: tuple[str, ...]
    start: datetime
    end: datetime | None  # None while ongoing
    impact: str  # none | minor | major | critical; an outage is major
    incident: Incident | None = None
    outage: Outage | None = None

    def overlaps(self, start: datetime, end: datetime, now: datetime) -> bool:
        return self.start < end and (self.end or now) > start


def build_events(
    incidents: Sequence[Incident], timelines: Mapping[str, MonitorTimeline], now: datetime
) -> list[Event]:
    """Every incident, maintenance and outage, newest first."""
    events = [
        Event(
            incident.kind,
            incident.id,
            tuple(incident.monitors),
            incident.start,
            incident.resolved_at or incident.scheduled_end,
            incident.impact,
            incident=incident,
        )
        for incident in incidents
    ]
    for timeline in timelines.values():
        events += [
            Event(
                "outage",
                outage_id(outage),
                (outage.monitor_id,),
                outage.start,
                outage.end,
                "major",
                outage=outage,
            )
            for outage in timeline.outages
        ]
    return sorted(events, key=lambda event: event.start, reverse=True)


def outage_id(outage: Outage) -> str:
    return f"{outage.monitor_id}-{int(outage.start.timestamp())}"
