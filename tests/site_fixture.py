"""A fixed site for the page tests: two monitors, three regions, one known outage day, an
incident, a maintenance window, and every timeline field (windows, latency, outages, latest,
series) filled in for `api` and left empty for `db`, so both paths are rendered."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from checks.result import Status
from configuration.incidents import Incident, load_incidents
from configuration.loader import load_config_text
from configuration.models import Config
from history.timeline import Day, Latency, MonitorTimeline, Outage, RegionLatest, Tally
from rendering.site import WRITERS
from rendering.views.context import BuildContext
from rendering.views.entries import incident_entries
from rendering.views.index import page_view
from tests.conftest import NOW, SMALL_CONFIG

OUTAGE_DAY = date(2026, 11, 21)
OUTAGE_START = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
INCIDENT = """\
---
title: API errors <script>alert(1)</script>
impact: major
monitors: [api]
started_at: 2026-11-21T12:00:00Z
resolved_at: 2026-11-21T13:00:00Z
updates:
  - at: 2026-11-21T12:10:00Z
    status: investigating
    message: We are looking into errors on the API.
  - at: 2026-11-21T13:00:00Z
    status: resolved
    message: Fixed a bad deploy.
---
A deploy broke the health endpoint. **We rolled it back.**

<script>alert(2)</script>
"""
MAINTENANCE = """\
---
title: Database upgrade
kind: maintenance
monitors: [api]
scheduled_start: 2026-11-18T00:00:00Z
scheduled_end: 2026-11-19T00:00:00Z
---
Upgrading the primary database.
"""
UPCOMING = """\
---
title: Network maintenance
kind: maintenance
monitors: [db]
scheduled_start: 2026-11-24T02:00:00Z
scheduled_end: 2026-11-24T03:00:00Z
---
Switches are replaced.
"""
REGIONS = ("eu-west", "us-east", "ap-south")


def fixture_config(extra_site: str = "", extra_monitor: str = "") -> Config:
    text = SMALL_CONFIG.replace("  timezone: UTC", "  timezone: UTC\n" + extra_site)
    text = text.replace("    interval: 1h\n", "    interval: 1h\n" + extra_monitor, 1)
    text = text.replace("  - {id: api, name: API}", "  - {id: api, name: API, slo: 99.9}")
    text = text.replace(
        "    url: https://api.example.com/health\n",
        '    url: https://api.example.com/health\n    conditions: ["[STATUS] == 200"]\n',
    )
    return load_config_text(text, environ={})


def fixture_incidents(folder: Path) -> list[Incident]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "2026-11-21-api.md").write_text(INCIDENT)
    (folder / "2026-11-18-db.md").write_text(MAINTENANCE)
    (folder / "2026-11-24-network.md").write_text(UPCOMING)
    return load_incidents(folder, ["api", "db"])


def _days(now: datetime) -> list[Day]:
    days = []
    for offset in range(89, -1, -1):
        day = now.date() - timedelta(days=offset)
        total = 43200.0 if offset == 0 else 86400.0
        if offset > 10:
            days.append(Day(day, total=total))
        elif day == OUTAGE_DAY:
            days.append(Day(day, up=82800, down=3600, total=total))
        elif day == date(2026, 11, 18):
            days.append(Day(day, maintenance=86400, total=total))
        elif day == date(2026, 11, 20):
            days.append(
                Day(day, up=85500, degraded=900, total=total, degraded_regions=("ap-south",))
            )
        else:
            days.append(Day(day, up=total, total=total))
    return days


def _latency(scale: float) -> Latency:
    return Latency(100, 40 * scale, 50 * scale, 70 * scale, 90 * scale, 150 * scale, 20, 400)


def api_timeline(now: datetime = NOW) -> MonitorTimeline:
    series = {
        window: {
            region: [(now - span + span * i / 24, 40.0 + 30 * r + (i % 5) * 7) for i in range(25)]
            for r, region in enumerate(REGIONS)
        }
        for window, span in (
            ("24h", timedelta(hours=24)),
            ("7d", timedelta(days=7)),
            ("30d", timedelta(days=30)),
        )
    }
    return MonitorTimeline(
        "api",
        _days(now),
        Status.UP,
        now - timedelta(minutes=20),
        windows={
            "24h": Tally(up=86400),
            "7d": Tally(up=601200, down=3600),
            "30d": Tally(up=860400, down=3600),
            "90d": Tally(up=860400, degraded=900, down=3600),
            "365d": Tally(up=860400, down=3600),
        },
        latency={
            w: {"all": _latency(1.0), **{r: _latency(1 + i / 2) for i, r in enumerate(REGIONS)}}
            for w in ("24h", "7d", "30d")
        },
        outages=[
            Outage(
                "api",
                OUTAGE_START,
                OUTAGE_START + timedelta(hours=1),
                ("eu-west", "us-east"),
                "http_status: HTTP 503 Service Unavailable",
                ("[STATUS] == 200",),
            )
        ],
        latest={
            r: RegionLatest(r, Status.UP, now - timedelta(minutes=20), 42.0 + i, None)
            for i, r in enumerate(REGIONS)
        },
        series=series,
        year=_days(now),  # the year calendar: no data before the bar's 90 days
    )


def fixture_timelines(now: datetime = NOW) -> dict[str, MonitorTimeline]:
    empty = [Day(now.date() - timedelta(days=o), total=86400.0) for o in range(89, -1, -1)]
    return {"api": api_timeline(now), "db": MonitorTimeline("db", empty, None, None)}


def build_fixture_site(
    out: Path, config: Config | None = None, now: datetime = NOW
) -> BuildContext:
    """Render every writer of the site for the fixed history into `out`."""
    config = config or fixture_config()
    incidents = fixture_incidents(out.parent / f"{out.name}-incidents")
    known = fixture_timelines(now)
    timelines = {
        m.id: known.get(m.id) or MonitorTimeline(m.id, known["db"].days, None, None)
        for m in config.monitors
    }
    checked = {r: now - timedelta(minutes=20) for r in REGIONS}
    entries = incident_entries(incidents, timelines, config, now)
    page = page_view(config, timelines, incidents, entries, checked, now)
    context = BuildContext(config, incidents, page, timelines, now, entries)
    out.mkdir(parents=True, exist_ok=True)
    for write in WRITERS:
        write(out, context)
    return context
