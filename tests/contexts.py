"""Build contexts for the feed, badge and hosting tests: a config with a private monitor,
incident files loaded as `vigil build` loads them, and timelines constructed with outages,
uptime windows and latency filled in."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

from jsonschema import Draft202012Validator

from checks.result import Status
from configuration.incidents import load_incidents
from configuration.loader import load_config_text
from history.timeline import Latency, MonitorTimeline, Outage, Tally
from rendering.views.context import BuildContext
from rendering.views.entries import incident_entries
from rendering.views.index import page_view
from tests.conftest import NOW

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
CONFIG = """\
version: 1
site:
  title: Example Status
  url: https://status.example.com/
  timezone: Europe/Berlin
regions:
  - {id: eu-west, name: Europe}
  - {id: us-east, name: US East}
monitors:
  - {id: api, name: API, type: http, url: "https://api.example.com", interval: 1h}
  - {id: db, name: Database, type: tcp, host: db.example.com, port: 5432, interval: 1h}
"""
PRIVATE_MONITOR = """\
  - id: vault-x9
    name: Hidden Vault Box
    public: false
    type: tcp
    host: vault-x9.internal.example
    port: 8200
    interval: 1h
"""
CONFIG += PRIVATE_MONITOR
PRIVATE = ("vault-x9", "Hidden Vault Box")
INCIDENT = """\
title: Elevated API errors
monitors: [api, vault-x9]
started_at: 2026-11-23T10:00:00Z
updates:
  - {at: "2026-11-23T10:05:00Z", status: investigating, message: "Looking **into** it."}
"""
SECOND_UPDATE = """\
  - {at: "2026-11-23T11:00:00Z", status: monitoring, message: Rolled back.}
"""
MAINTENANCE = """\
title: Database upgrade
kind: maintenance
monitors: [db]
scheduled_start: 2026-11-25T22:00:00Z
scheduled_end: 2026-11-26T01:00:00Z
---
We upgrade the primary database.
"""
ENDED = Outage(
    "api",
    NOW - timedelta(hours=5),
    NOW - timedelta(hours=4, minutes=30),
    ("eu-west", "us-east"),
    "http_status: 503 Service Unavailable",
    ("[STATUS] == 200",),
)
ONGOING = Outage("db", NOW - timedelta(minutes=20), None, ("eu-west",), "connect: refused", ())
PRIVATE_OUTAGE = Outage("vault-x9", NOW - timedelta(hours=2), None, ("eu-west",), "x", ())


def timeline(
    monitor_id: str,
    outages: tuple[Outage, ...] = (),
    uptime: Mapping[str, tuple[float, float]] | None = None,
    p50: float | None = None,
    current: Status | None = Status.UP,
) -> MonitorTimeline:
    """A timeline with `uptime` as window -> (up seconds, down seconds) and a 24h p50."""
    windows = {w: Tally(up=up, down=down) for w, (up, down) in (uptime or {}).items()}
    latency = {}
    if p50 is not None:
        figures = Latency(10, p50, p50, p50, p50, p50, p50, p50)
        latency = {"24h": {"all": figures, "eu-west": figures}}
    return MonitorTimeline(
        monitor_id, [], current, NOW, windows=windows, latency=latency, outages=outages
    )


def default_timelines() -> dict[str, MonitorTimeline]:
    return {
        "api": timeline("api", (ENDED,), {"24h": (86400, 0), "30d": (99.5, 0.5)}, 123.4),
        "db": timeline("db", (ONGOING,), current=Status.DOWN),
        "vault-x9": timeline("vault-x9", (PRIVATE_OUTAGE,), current=Status.DOWN),
    }


def make_context(
    folder: Path,
    incidents: Mapping[str, str],
    timelines: Mapping[str, MonitorTimeline] | None = None,
    config_text: str = CONFIG,
    now: datetime = NOW,
) -> BuildContext:
    """A context as `build_site` makes it; `incidents` maps a file id to its front matter
    (and, after a `---` line, its body)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in incidents.items():
        (folder / f"{name}.md").write_text(f"---\n{text}" + ("" if "---" in text else "---\n"))
    config = load_config_text(config_text, environ={})
    loaded = load_incidents(folder, [m.id for m in config.monitors])
    timelines = dict(timelines if timelines is not None else default_timelines())
    entries = incident_entries(loaded, timelines, config, now)
    page = page_view(config, timelines, loaded, entries, {}, now)
    return BuildContext(config, loaded, page, timelines, now, entries)


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)
