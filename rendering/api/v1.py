"""`api/v1/`: the seeds' read API (JustKalm style, snake_case) as static files. The decisions
behind the values are in `rendering.api.snapshot`'s docstring."""

from __future__ import annotations

import math

from configuration.impacts import PARTIAL
from configuration.times import utc_iso
from history.timeline import ALL_REGIONS, MonitorTimeline
from rendering.api.snapshot import (
    RECENT,
    Json,
    MonitorSnapshot,
    Snapshot,
    entry_times,
    iso_or_none,
)
from rendering.views.budget import budget_json
from rendering.views.entries import Entry

STATUS = {
    "up": "operational",
    "degraded": "degraded",
    PARTIAL: "partial_outage",
    "down": "major_outage",
    "maintenance": "maintenance",
    "nodata": "unknown",  # no recent checks: v1 has no fixed set, so it says so
}
PAGE_STATUS = {
    "up": "operational",
    "degraded": "degraded",
    "partial": "partial_outage",
    "major": "major_outage",
    "maintenance": "maintenance",
    "nodata": "unknown",
}
# Uptime windows in UTC days, today (so far) included, as the timeline counts them.


def files(snapshot: Snapshot) -> dict[str, Json]:
    """Every `api/v1/` file by its path under the site."""
    components = [component_json(monitor) for monitor in snapshot.monitors]
    incidents = [incident_json(incident, snapshot) for incident in snapshot.incidents]
    updated_at = utc_iso(snapshot.now)
    result: dict[str, Json] = {
        "api/v1/status.json": {
            "status": PAGE_STATUS[snapshot.state],
            "updated_at": updated_at,
            "components": [
                {"id": c["id"], "name": c["name"], "status": c["status"]} for c in components
            ],
        },
        "api/v1/components.json": {"updated_at": updated_at, "components": components},
        "api/v1/incidents.json": {"incidents": incidents[:RECENT]},
    }
    result |= {f"api/v1/components/{c['id']}.json": c for c in components}
    result |= {f"api/v1/incidents/{i['id']}.json": i for i in incidents}
    return result


def component_json(monitor: MonitorSnapshot) -> Json:
    timeline = monitor.timeline
    return {
        "id": monitor.id,
        "name": monitor.name,
        "status": STATUS[monitor.state],
        "uptime_day": uptime_value(timeline.window_uptime("24h")),
        "uptime_week": uptime_value(timeline.window_uptime("7d")),
        "uptime_month": uptime_value(timeline.window_uptime("30d")),
        "response_time_ms": _response_time(timeline),
        "slo": budget_json(monitor.budget),
    }


def _response_time(timeline: MonitorTimeline) -> float | None:
    """The median response time over the last 24 hours across all regions, whole ms."""
    latency = timeline.latency.get("24h", {}).get(ALL_REGIONS)
    return None if latency is None or latency.count == 0 else float(round(latency.p50))


def uptime_value(value: float | None) -> float | None:
    """Cut to two decimals, as the page shows it: 99.996 must not become 100."""
    if value is None:
        return None
    return math.floor(value * 100 + 1e-9) / 100  # the epsilon absorbs float error in * 100


def incident_json(entry: Entry, snapshot: Snapshot) -> Json:
    times = entry_times(entry)
    return {
        "id": entry.id,
        "title": entry.title,
        "status": entry.status,
        "impact": entry.impact,
        "created_at": utc_iso(times.created),
        "resolved_at": iso_or_none(times.resolved),
        # The written timeline (oldest first, as the seed's reads), then the detected facts.
        "updates": [
            {"status": update.status, "message": update.message, "timestamp": utc_iso(update.at)}
            for update in entry.updates
        ],
        **_detection_json(entry),
    }


def _detection_json(entry: Entry) -> Json:
    """The honesty line's facts (`entries.Detection`): a written incident's; a detected
    outage nobody wrote about was detected at its start, and has no first written word."""
    if entry.detection is not None:
        detected_at, regions = entry.detection.detected_at, entry.detection.regions
        first_update_at = utc_iso(entry.detection.first_update_at)
    else:
        outage = entry.outages[0] if entry.outages else None
        detected_at, regions = (outage.start, outage.regions) if outage else (None, ())
        first_update_at = None
    return {
        "detected_at": iso_or_none(detected_at),
        "detected_regions": list(regions),
        "first_update_at": first_update_at,
    }
