"""What incidents say of components, in every output: the page, Statuspage v2 (component
`status`, the page indicator raised to the worst open impact, incident `components` and
updates' `affected_components`), v1, badges, feeds, status.txt and the alerts; and a manual
component in all of them. Built from real Parquet through the code that builds the site."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from checks.result import Result, Status
from configuration.incidents import load_incidents
from configuration.loader import load_config_text
from history.store import ResultStore
from notifications.decide import decide
from notifications.observe import observe
from rendering.site import build_site
from tests.conftest import NOW
from tests.test_api import SCHEMA_FOR, validators

CONFIG = """\
version: 1
site:
  title: Example Status
  url: https://status.example.com/
regions:
  - {id: eu-west, name: Europe}
groups:
  - {id: shop, name: Shop}
monitors:
  - {id: api, name: API, group: shop, type: http, url: "https://api.example.com", interval: 1h}
  - {id: billing, name: Billing, group: shop, type: manual}
"""
AFFECTS = """\
title: Payments failing
impact: major
affects: {api: partial_outage}
started_at: 2026-11-23T10:00:00Z
updates:
  - {at: "2026-11-23T10:00:00Z", status: investigating, message: Some payments fail.}
  - {at: "2026-11-23T11:00:00Z", status: identified, message: All payments fail.,
     affects: {billing: major_outage}}
"""
NO_MONITORS = """\
title: Everything is slow
impact: critical
started_at: 2026-11-23T11:30:00Z
"""


def build(tmp_path: Path, incident: str, now_offset: timedelta = timedelta(0)) -> Path:
    root = tmp_path / "project"
    store = ResultStore(root / "data")
    for hour in range(12):  # api is checked every hour today and is up
        moment = NOW.replace(hour=hour)
        store.append([Result("api", "eu-west", f"r{hour}", moment, Status.UP, 100.0)])
    folder = root / "incidents"
    folder.mkdir(parents=True)
    (folder / "2026-11-23-incident.md").write_text(f"---\n{incident}---\nWhat happened.\n")
    config = load_config_text(CONFIG, environ={})
    loaded = load_incidents(folder, [monitor.id for monitor in config.monitors])
    build_site(config, loaded, store, root / "site", NOW + now_offset)
    return root / "site"


def read(site: Path, path: str) -> Any:
    return json.loads((site / path).read_text("utf-8"))


def test_statuspage_v2_components_and_incidents_follow_what_is_written(tmp_path: Path) -> None:
    site = build(tmp_path, AFFECTS)
    components = {c["id"]: c for c in read(site, "api/v2/components.json")["components"]}
    assert components["api"]["status"] == "partial_outage"  # checks up, written partial
    assert components["billing"]["status"] == "major_outage"  # manual, written major
    assert components["group.shop"]["status"] == "partial_outage"  # one of two down
    (written,) = read(site, "api/v2/incidents/unresolved.json")["incidents"]
    assert {c["id"]: c["status"] for c in written["components"]} == {
        "api": "partial_outage",
        "billing": "major_outage",
    }
    newest, first = written["incident_updates"]  # newest first, as Statuspage lists them
    assert first["affected_components"] == [
        {"code": "api", "name": "API", "old_status": "operational", "new_status": "partial_outage"}
    ]
    assert newest["affected_components"] == [
        {
            "code": "billing",
            "name": "Billing",
            "old_status": "operational",
            "new_status": "major_outage",
        }
    ]
    # One of two components down is half of them: Vigil's "major" page state, critical.
    assert read(site, "api/v2/status.json")["status"] == {
        "indicator": "critical",
        "description": "Major Service Outage",
    }
    checks = validators()
    for path in sorted((site / "api").rglob("*.json")):
        relative = path.relative_to(site).as_posix()
        (schema,) = [SCHEMA_FOR[p] for p in SCHEMA_FOR if re.fullmatch(p, relative)]
        checks[schema].validate(json.loads(path.read_text("utf-8")))


def test_the_other_outputs_say_the_same(tmp_path: Path) -> None:
    site = build(tmp_path, AFFECTS)
    billing = read(site, "api/v1/components/billing.json")
    # Written major outage 11:00-12:00, up (nothing written) the 23 hours before.
    assert (billing["status"], billing["uptime_day"]) == ("major_outage", 95.83)
    assert billing["response_time_ms"] is None
    assert read(site, "api/v1/components/api.json")["status"] == "partial_outage"
    assert read(site, "badges/api/status.json")["message"] == "partial outage"
    assert read(site, "badges/api/status.json")["color"] == "orange"
    assert read(site, "badges/billing/status.json")["message"] == "down"
    text = (site / "status.txt").read_text("utf-8")
    assert re.search(r"API\s+Partial outage", text) and re.search(r"Billing\s+Down", text)
    feed = read(site, "monitors/billing/feed.json")
    assert [item["title"] for item in feed["items"]] == ["Payments failing (Identified)"]
    page = (site / "index.html").read_text("utf-8")
    assert 'class="status state-partial"' in page and "Partial outage" in page
    live = read(site, "status-live.json")
    uptime = live["monitors"]["billing"]["uptime"]
    assert live["monitors"]["billing"]["state"] == "down"
    assert uptime["24h"] == 100 * 23 / 24
    week = 6 * 86400 + 12 * 3600  # six whole days and today until noon, all observed
    assert uptime["7d"] == 100 * (week - 3600) / week


def test_an_open_incident_raises_the_page_indicator_as_statuspage_does(tmp_path: Path) -> None:
    site = build(tmp_path, NO_MONITORS)
    components = read(site, "api/v2/components.json")["components"]
    assert {c["status"] for c in components} == {"operational"}  # it names no component
    assert read(site, "api/v2/status.json")["status"] == {
        "indicator": "critical",
        "description": "Major Service Outage",
    }
    assert read(site, "api/v1/status.json")["status"] == "major_outage"
    resolved = build(tmp_path / "later", NO_MONITORS + "resolved_at: 2026-11-23T11:45:00Z\n")
    assert read(resolved, "api/v2/status.json")["status"] == {
        "indicator": "none",
        "description": "All Systems Operational",
    }


def test_the_alerts_announce_the_written_component_status(tmp_path: Path) -> None:
    config = load_config_text(CONFIG, environ={})
    folder = tmp_path / "incidents"
    folder.mkdir()
    data = tmp_path / "data"
    ResultStore(data).append([Result("api", "eu-west", "r1", NOW, Status.UP, 100.0)])
    _, state = decide(config, [], observe(config, [], data, NOW), None, NOW)
    assert {m: s.component for m, s in state.monitors.items()} == {"api": "up", "billing": "up"}
    (folder / "2026-11-23-incident.md").write_text(f"---\n{AFFECTS}---\n")
    incidents = load_incidents(folder, ["api", "billing"])
    later = NOW + timedelta(minutes=5)
    events, _ = decide(config, incidents, observe(config, incidents, data, later), state, later)
    changed = {
        e.monitor.id: e for e in events if e.name == "component.status_changed" and e.monitor
    }
    assert changed["api"].title == "API: partial outage"
    assert changed["billing"].title == "Billing: major outage"
    assert not [e for e in events if e.name in ("down", "degraded")]  # the checks say up
