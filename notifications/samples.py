"""Sample events: the docs show what channels make of them (notifications/reference.py),
and the tests send them to real receivers."""

from __future__ import annotations

from datetime import UTC, datetime

from notifications.events import Event, IncidentInfo, MonitorInfo, UpdateInfo

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

API = MonitorInfo(
    id="api",
    name="API",
    target="https://api.example.com/health",
    group="core",
    status="down",
    old_status="up",
    error="http_status: 503 Service Unavailable",
    latency_ms=812.4,
    status_code=503,
    regions=("eu-west", "us-east"),
)
DOWN = Event(
    name="down",
    key="monitor.api.1.down",
    at=NOW,
    title="API is down",
    text="http_status: 503 Service Unavailable",
    severity="critical",
    alert_key="monitor.api.1.down",
    url="https://status.example.com",
    monitor=API,
)
RECOVERED = Event(
    name="recovered",
    key="monitor.api.2.recovered",
    at=NOW,
    title="API has recovered",
    text="Up again after 10m.",
    severity="ok",
    alert_key="monitor.api.1.down",
    resolves=("monitor.api.1.down",),
    url="https://status.example.com",
    monitor=API.model_copy(
        update={
            "status": "up",
            "old_status": "down",
            "error": None,
            "latency_ms": 93.0,
            "status_code": 200,
        }
    ),
)
INCIDENT = Event(
    name="incident.created",
    key="incident.2026-11-23-errors.created",
    at=NOW,
    title="Elevated error rates",
    text="We are investigating elevated 503 errors.",
    severity="critical",
    alert_key="incident.2026-11-23-errors",
    url="https://status.example.com/incidents/2026-11-23-errors/",
    incident=IncidentInfo(
        id="2026-11-23-errors",
        title="Elevated error rates",
        kind="incident",
        status="investigating",
        impact="major",
        monitors=("api",),
        started_at=NOW,
        updates=(UpdateInfo(at=NOW, status="investigating", message="We are investigating."),),
    ),
)
