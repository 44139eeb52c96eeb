"""The static JSON API: Statuspage v2 and the seeds' v1 built from known histories, stable
ids, private monitors left out, and every built file valid against its schema."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from checks.result import Result, Status
from configuration.incidents import load_incidents
from configuration.loader import load_config_text
from history.store import ResultStore
from rendering.site import build_site
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
groups:
  - {id: api, name: API, description: Public endpoints}
  - {id: internal, name: Internal}
monitors:
  - {id: api, name: API, group: api, type: http, url: "https://api.example.com", interval: 1h}
  - {id: web, name: Website, group: api, type: http, url: "https://example.com", interval: 1h}
  - id: db
    name: Database
    description: Primary database
    type: tcp
    host: db.example.com
    port: 5432
    interval: 1h
  - id: vault-x9
    name: Hidden Vault Box
    group: internal
    public: false
    type: tcp
    host: vault.example.com
    port: 8200
    interval: 1h
"""
PRIVATE = ("vault-x9", "Hidden Vault Box")
INCIDENTS = {
    "api-errors": """\
title: Elevated API errors
status: monitoring
monitors: [api, vault-x9]
started_at: 2026-11-23T10:00:00Z
updates:
  - {at: "2026-11-23T10:05:00Z", status: investigating, message: Looking into it.}
  - {at: "2026-11-23T10:30:00Z", status: identified, message: A bad deploy.}
  - {at: "2026-11-23T11:00:00Z", status: monitoring, message: Rolled back.}
""",
    "db-outage": """\
title: Database outage
impact: major
monitors: [db]
started_at: 2026-11-21T08:00:00Z
resolved_at: 2026-11-21T09:00:00Z
updates:
  - {at: "2026-11-21T08:10:00Z", status: investigating, message: Down.}
  - {at: "2026-11-21T09:00:00Z", status: resolved, message: Back.}
""",
    "web-migration": """\
title: Website migration
kind: maintenance
monitors: [web]
scheduled_start: 2026-11-23T11:00:00Z
scheduled_end: 2026-11-23T13:00:00Z
updates:
  - {at: "2026-11-20T09:00:00Z", status: scheduled, message: Announced.}
""",
    "db-upgrade": """\
title: Database upgrade
kind: maintenance
monitors: [db, vault-x9]
scheduled_start: 2026-11-25T22:00:00Z
scheduled_end: 2026-11-26T01:00:00Z
""",
    "cdn-switch": """\
title: CDN switch
kind: maintenance
monitors: [api]
scheduled_start: 2026-11-20T01:00:00Z
scheduled_end: 2026-11-20T03:00:00Z
""",
}
MORE_INCIDENTS = {  # not in every build: tuple(INCIDENTS) lists the usual ones
    "db-blip": """\
title: Database blip
monitors: [db]
started_at: 2026-11-22T08:00:00Z
resolved_at: 2026-11-22T08:40:00Z
updates:
  - {at: "2026-11-22T08:05:00Z", status: identified, message: Failover.}
""",
    "far-migration": """\
title: Data centre move
kind: maintenance
monitors: [db]
scheduled_start: 2026-12-10T22:00:00Z
scheduled_end: 2026-12-11T02:00:00Z
---
We move the database to the new data centre.
""",
}
STATES = {"U": Status.UP, "D": Status.DOWN, "G": Status.DEGRADED}
ALL_UP = {"api": {0: "U" * 12}, "web": {0: "U" * 12}, "db": {0: "U" * 12}}


def build(
    tmp_path: Path,
    history: dict[str, dict[int, str]],
    incidents: tuple[str, ...] = (),
    now: datetime = NOW,
    name: str = "site",
    config_text: str = CONFIG,
) -> Path:
    """Build a site from `history`: per monitor, per day offset before NOW, one letter per
    hour from midnight (U up, D down, G degraded)."""
    runs: dict[datetime, list[Result]] = defaultdict(list)
    for monitor, days in history.items():
        for offset, letters in days.items():
            midnight = (NOW - timedelta(days=offset)).replace(hour=0)
            for hour, letter in enumerate(letters):
                at = midnight + timedelta(hours=hour)
                runs[at].append(Result(monitor, "eu-west", f"r{at:%Y%m%d%H}", at, STATES[letter]))
    root = tmp_path / name  # a project folder of its own per build
    store = ResultStore(root / "data")
    for results in runs.values():
        store.append(results)
    folder = root / "incidents"
    folder.mkdir(parents=True)
    for incident in incidents:
        front, _, body = {**INCIDENTS, **MORE_INCIDENTS}[incident].partition("---\n")
        (folder / f"{incident}.md").write_text(f"---\n{front}---\n{body}")
    config = load_config_text(config_text, environ={})
    loaded = load_incidents(folder, [monitor.id for monitor in config.monitors])
    build_site(config, loaded, store, root / "site", now)
    return root / "site"


def read(site: Path, path: str) -> Any:
    return json.loads((site / "api" / path).read_text("utf-8"))


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]


@pytest.mark.parametrize(
    ("last_hour", "indicator", "description", "v1_status"),
    [
        ({}, "none", "All Systems Operational", "operational"),
        ({"web": "G"}, "minor", "Minor Service Outage", "degraded"),
        ({"api": "D"}, "major", "Partial System Outage", "partial_outage"),
        ({"api": "D", "db": "D"}, "critical", "Major Service Outage", "major_outage"),
    ],
)
def test_status_follows_the_monitors(
    tmp_path: Path,
    last_hour: dict[str, str],
    indicator: str,
    description: str,
    v1_status: str,
) -> None:
    # The private monitor is down throughout: it must not count.
    history = {m: {0: "U" * 11 + last_hour.get(m, "U")} for m in ("api", "web", "db")}
    site = build(tmp_path, {**history, "vault-x9": {0: "D" * 12}})
    status = read(site, "v2/status.json")
    assert status["status"] == {"indicator": indicator, "description": description}
    assert read(site, "v2/summary.json")["status"] == status["status"]
    assert read(site, "v1/status.json")["status"] == v1_status


def test_maintenance_in_progress(tmp_path: Path) -> None:
    site = build(tmp_path, ALL_UP, ("web-migration",))
    assert read(site, "v2/status.json")["status"] == {
        "indicator": "maintenance",
        "description": "Service Under Maintenance",
    }
    components = {c["id"]: c for c in read(site, "v2/components.json")["components"]}
    assert components["web"]["status"] == "under_maintenance"
    assert components["api"]["status"] == "operational"
    v1 = {c["id"]: c["status"] for c in read(site, "v1/status.json")["components"]}
    assert v1 == {"api": "operational", "web": "maintenance", "db": "operational"}
    assert read(site, "v1/status.json")["status"] == "maintenance"


def test_components_with_a_group(tmp_path: Path) -> None:
    site = build(tmp_path, {**ALL_UP, "api": {0: "U" * 11 + "D"}})
    document = read(site, "v2/components.json")
    components = document["components"]
    assert ids(components) == ["group.api", "api", "web", "db"]  # no group of private ones
    group, api, web, db = components
    assert group["group"] is True and group["components"] == ["api", "web"]
    assert group["group_id"] is None and group["description"] == "Public endpoints"
    assert group["status"] == "partial_outage"  # one of its two monitors is down
    assert api["status"] == "major_outage" and web["status"] == "operational"
    assert api["group_id"] == web["group_id"] == "group.api" and db["group_id"] is None
    assert "components" not in api and api["group"] is False
    assert [c["position"] for c in components] == [1, 2, 3, 4]
    assert api["updated_at"] == "2026-11-23T11:00:00.000Z"  # the last check
    # Its first day with data starts at midnight in the page's time zone (Europe/Berlin).
    assert api["created_at"] == "2026-11-22T23:00:00.000Z" and api["start_date"] == "2026-11-23"
    assert db["description"] == "Primary database"
    page = document["page"]
    assert page["name"] == "Example Status" and page["url"] == "https://status.example.com/"
    assert page["time_zone"] == "Europe/Berlin" and page["updated_at"] == "2026-11-23T12:00:00.000Z"
    assert {c["page_id"] for c in components} == {page["id"]}


def test_no_data_is_never_an_outage(tmp_path: Path) -> None:
    site = build(tmp_path, {})
    assert read(site, "v2/status.json")["status"] == {
        "indicator": "none",
        "description": "Status Unknown: No Recent Checks",
    }
    components = {c["id"]: c for c in read(site, "v2/components.json")["components"]}
    assert {c["status"] for c in components.values()} == {"operational"}
    assert components["api"]["description"] == "No recent checks"
    assert components["db"]["description"] == "Primary database (No recent checks)"
    assert read(site, "v1/status.json")["status"] == "unknown"
    assert read(site, "v1/components/db.json") == {
        "id": "db",
        "name": "Database",
        "status": "unknown",
        "uptime_day": None,
        "uptime_week": None,
        "uptime_month": None,
        "response_time_ms": None,
        "slo": None,
    }


def test_v1_uptime_for_a_known_history(tmp_path: Path) -> None:
    api = {
        0: "DDD" + "U" * 9,  # today so far: 9 h up, 3 h down
        1: "U" * 24,
        2: "D" + "U" * 23,
        3: "D" * 12 + "U" * 12,
        10: "D" * 24,  # in the month, not the week
        40: "D" * 24,  # beyond the month
    }
    site = build(tmp_path, {**ALL_UP, "api": api})
    component = read(site, "v1/components/api.json")
    assert component == {
        "id": "api",
        "name": "API",
        "status": "operational",
        "uptime_day": 87.5,  # the last 24 h: 12 up yesterday, then 3 down and 9 up = 21 / 24
        # Calendar days in Europe/Berlin (UTC+1): each local day starts at 23:00 UTC.
        "uptime_week": 80.95,  # (10 + 24 + 23 + 11) / (13 + 24 + 24 + 23) = 68 / 84
        "uptime_month": 62.96,  # 68 / (84 + 24)
        "response_time_ms": None,
        "slo": None,
    }
    assert component in read(site, "v1/components.json")["components"]


def test_incidents_updates_and_lists(tmp_path: Path) -> None:
    site = build(tmp_path, ALL_UP, tuple(INCIDENTS))
    incidents = read(site, "v2/incidents.json")["incidents"]
    assert ids(incidents) == ["api-errors", "db-outage"]  # newest first, no maintenance
    open_one, resolved = incidents
    assert ids(open_one["incident_updates"]) == ["api-errors-3", "api-errors-2", "api-errors-1"]
    assert [u["status"] for u in open_one["incident_updates"]] == [
        "monitoring",
        "identified",
        "investigating",
    ]
    assert open_one["incident_updates"][0]["body"] == "Rolled back."
    assert open_one["status"] == "monitoring" and open_one["impact"] == "minor"
    assert open_one["monitoring_at"] == "2026-11-23T11:00:00.000Z"
    assert open_one["created_at"] == open_one["started_at"] == "2026-11-23T10:00:00.000Z"
    assert open_one["updated_at"] == "2026-11-23T11:00:00.000Z" and open_one["resolved_at"] is None
    assert open_one["shortlink"] == "https://status.example.com/incidents/api-errors/"
    assert ids(open_one["components"]) == ["api"]  # the private monitor is left out
    assert (
        resolved["status"] == "resolved" and resolved["resolved_at"] == "2026-11-21T09:00:00.000Z"
    )
    assert ids(read(site, "v2/incidents/unresolved.json")["incidents"]) == ["api-errors"]
    assert ids(read(site, "v2/summary.json")["incidents"]) == ["api-errors"]
    v1 = read(site, "v1/incidents/db-outage.json")
    assert v1 == {
        "id": "db-outage",
        "title": "Database outage",
        "status": "resolved",
        "impact": "major",
        "created_at": "2026-11-21T08:00:00Z",
        "resolved_at": "2026-11-21T09:00:00Z",
        "updates": [  # oldest first, as in the seed
            {"status": "investigating", "message": "Down.", "timestamp": "2026-11-21T08:10:00Z"},
            {"status": "resolved", "message": "Back.", "timestamp": "2026-11-21T09:00:00Z"},
        ],
        # The checks saw the database up all along; its first word is its first update.
        "detected_at": None,
        "detected_regions": [],
        "first_update_at": "2026-11-21T08:10:00Z",
    }
    assert ids(read(site, "v1/incidents.json")["incidents"]) == ["api-errors", "db-outage"]


def test_upcoming_active_and_completed_maintenance(tmp_path: Path) -> None:
    site = build(tmp_path, ALL_UP, tuple(INCIDENTS))
    everything = read(site, "v2/scheduled-maintenances.json")["scheduled_maintenances"]
    assert ids(everything) == ["db-upgrade", "web-migration", "cdn-switch"]
    upcoming, active, done = everything
    assert (upcoming["status"], active["status"], done["status"]) == (
        "scheduled",
        "in_progress",
        "completed",
    )
    assert {m["impact"] for m in everything} == {"maintenance"}
    assert active["scheduled_for"] == "2026-11-23T11:00:00.000Z"
    assert active["scheduled_until"] == "2026-11-23T13:00:00.000Z"
    assert active["created_at"] == "2026-11-20T09:00:00.000Z"  # announced before it began
    assert done["resolved_at"] == "2026-11-20T03:00:00.000Z" and upcoming["resolved_at"] is None
    assert ids(upcoming["components"]) == ["db"]
    path = "v2/scheduled-maintenances/"
    assert ids(read(site, path + "upcoming.json")["scheduled_maintenances"]) == ["db-upgrade"]
    assert ids(read(site, path + "active.json")["scheduled_maintenances"]) == ["web-migration"]
    summary = read(site, "v2/summary.json")["scheduled_maintenances"]
    assert ids(summary) == ["db-upgrade", "web-migration"]


def test_the_page_url_comes_from_the_custom_domain_without_site_url(tmp_path: Path) -> None:
    config = CONFIG.replace("  url: https://status.example.com/\n", "  cname: status.example.org\n")
    site = build(tmp_path, ALL_UP, tuple(INCIDENTS), config_text=config)
    summary = read(site, "v2/summary.json")
    assert summary["page"]["url"] == "https://status.example.org/"
    (incident,) = summary["incidents"]
    assert incident["shortlink"] == "https://status.example.org/incidents/api-errors/"
    nothing = CONFIG.replace("  url: https://status.example.com/\n", "")
    bare = build(tmp_path, ALL_UP, tuple(INCIDENTS), name="bare", config_text=nothing)
    assert read(bare, "v2/status.json")["page"]["url"] is None  # nothing says where it is


def test_updates_are_newest_first_with_one_resolved_also_with_a_detected_outage(
    tmp_path: Path,
) -> None:
    # api down 09:00-11:00 (inside "api-errors", written from 10:00), db down 08:00-10:00
    # two days ago ("db-outage" resolved by its update at 09:00).
    history = {**ALL_UP, "api": {0: "U" * 9 + "DD" + "U"}, "db": {0: "U" * 12, 2: "U" * 8 + "DD"}}
    site = build(tmp_path, history, tuple(INCIDENTS))
    incidents = {i["id"]: i for i in read(site, "v2/incidents.json")["incidents"]}
    assert set(incidents) == {"api-errors", "db-outage"}  # the outages joined them
    for incident in incidents.values():
        times = [u["created_at"] for u in incident["incident_updates"]]
        assert times == sorted(times, reverse=True), incident["id"]
    assert [u["status"] for u in incidents["api-errors"]["incident_updates"]] == [
        "monitoring",  # 11:00 written
        "monitoring",  # 11:00 api back up: what the incident said then
        "identified",  # 10:30
        "investigating",  # 10:05
        "investigating",  # 09:00 api down
    ]
    db = incidents["db-outage"]
    resolved = [u for u in db["incident_updates"] if u["status"] == "resolved"]
    assert [u["body"] for u in resolved] == ["Back."]  # back up at 10:00 adds no second one
    assert db["resolved_at"] == resolved[0]["created_at"] == "2026-11-21T09:00:00.000Z"
    assert db["incident_updates"][0]["body"] == "Database is back up after 2 h."


def test_an_incident_resolved_without_a_resolved_update_gets_one(tmp_path: Path) -> None:
    site = build(tmp_path, ALL_UP, ("db-blip",))
    (incident,) = read(site, "v2/incidents.json")["incidents"]
    newest, first = incident["incident_updates"]
    assert (newest["id"], newest["status"], newest["body"]) == (
        "db-blip-resolved",
        "resolved",
        "This incident has been resolved.",
    )
    assert incident["resolved_at"] == newest["created_at"] == "2026-11-22T08:40:00.000Z"
    assert first["status"] == "identified"


def test_maintenance_publishes_no_future_dates_and_says_its_notice(tmp_path: Path) -> None:
    site = build(tmp_path, ALL_UP, ("far-migration", "web-migration"))
    path = "v2/scheduled-maintenances/upcoming.json"
    (far,) = read(site, path)["scheduled_maintenances"]
    now = "2026-11-23T12:00:00.000Z"  # its notice appears on 2026-12-07, after this build
    assert far["scheduled_for"] == "2026-12-10T22:00:00.000Z"
    assert far["created_at"] == far["started_at"] == far["updated_at"] == now
    (notice,) = far["incident_updates"]
    assert (notice["id"], notice["status"], notice["created_at"]) == (
        "far-migration-scheduled",
        "scheduled",
        now,
    )
    assert notice["body"] == "We move the database to the new data centre."
    (active,) = read(site, "v2/scheduled-maintenances/active.json")["scheduled_maintenances"]
    assert active["started_at"] == active["created_at"] == "2026-11-20T09:00:00.000Z"
    assert [u["body"] for u in active["incident_updates"]] == ["Announced."]


def collect_ids(value: object) -> set[str]:
    """Every `id` anywhere in a JSON document."""
    if isinstance(value, dict):
        own = {value["id"]} if isinstance(value.get("id"), str) else set()
        return own.union(*(collect_ids(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(collect_ids(v) for v in value))
    return set()


def test_ids_are_stable_across_builds(tmp_path: Path) -> None:
    first = build(tmp_path, ALL_UP, tuple(INCIDENTS), NOW, "first")
    second = build(tmp_path, ALL_UP, tuple(INCIDENTS), NOW + timedelta(minutes=30), "second")
    files = sorted(p.relative_to(first).as_posix() for p in (first / "api").rglob("*.json"))
    assert files == sorted(
        p.relative_to(second).as_posix() for p in (second / "api").rglob("*.json")
    )
    for file in files:
        before = collect_ids(json.loads((first / file).read_text()))
        assert before == collect_ids(json.loads((second / file).read_text())), file
    assert "api-errors-1" in collect_ids(json.loads((first / "api/v2/summary.json").read_text()))


def test_a_private_monitor_appears_in_no_file(tmp_path: Path) -> None:
    site = build(tmp_path, {**ALL_UP, "vault-x9": {0: "D" * 12}}, tuple(INCIDENTS))
    files = [path for path in site.rglob("*") if path.is_file()]
    assert site / "index.html" in files and len(files) >= 18  # the page and the API
    for path in files:
        assert not any(secret in path.as_posix() for secret in PRIVATE)
        text = path.read_text("utf-8")
        assert not any(secret in text for secret in PRIVATE), path
    assert "Internal" not in (site / "api/v2/components.json").read_text()


# Every built file under site/api/ and the schema it must match (a full match of the path).
SCHEMA_FOR = {
    r"api/v2/summary\.json": "statuspage-v2-summary",
    r"api/v2/status\.json": "statuspage-v2-status",
    r"api/v2/components\.json": "statuspage-v2-components",
    r"api/v2/incidents(/unresolved)?\.json": "statuspage-v2-incidents",
    r"api/v2/scheduled-maintenances(/upcoming|/active)?\.json": (
        "statuspage-v2-scheduled-maintenances"
    ),
    r"api/v1/status\.json": "api-v1-status",
    r"api/v1/components\.json": "api-v1-components",
    r"api/v1/components/[a-z0-9][a-z0-9_-]*\.json": "api-v1-component",
    r"api/v1/incidents\.json": "api-v1-incidents",
    r"api/v1/incidents/([a-z0-9][a-z0-9_-]*|outage-[a-z0-9_-]+-\d{8}T\d{4}Z)\.json": (
        "api-v1-incident"
    ),
}


def validators() -> dict[str, Draft202012Validator]:
    paths = [*SCHEMAS.glob("statuspage-v2-*.schema.json"), *SCHEMAS.glob("api-v1-*.schema.json")]
    schemas = {p.name.removesuffix(".schema.json"): json.loads(p.read_text()) for p in paths}
    registry: Registry[object] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    for schema in schemas.values():
        Draft202012Validator.check_schema(schema)
    return {name: Draft202012Validator(s, registry=registry) for name, s in schemas.items()}


def test_every_built_file_matches_its_schema(tmp_path: Path) -> None:
    checks = validators()
    used = set()
    for history in ({}, {**ALL_UP, "api": {0: "U" * 11 + "D"}}):
        site = build(tmp_path, history, tuple(INCIDENTS), name=f"history-{len(history)}")
        for path in sorted((site / "api").rglob("*")):
            if path.is_dir():
                continue
            relative = path.relative_to(site).as_posix()
            matches = [p for p in SCHEMA_FOR if re.fullmatch(p, relative)]
            assert len(matches) == 1, f"{relative} has no schema in SCHEMA_FOR"
            used.add(matches[0])
            checks[SCHEMA_FOR[matches[0]]].validate(json.loads(path.read_text("utf-8")))
    assert used == set(SCHEMA_FOR), "every schema is exercised by a built file"


def test_the_schemas_are_strict(tmp_path: Path) -> None:
    checks = validators()
    site = build(tmp_path, ALL_UP, tuple(INCIDENTS))
    summary = read(site, "v2/summary.json")
    summary["components"][0]["status"] = "unknown"
    with pytest.raises(ValidationError):
        checks["statuspage-v2-summary"].validate(summary)
    component = read(site, "v1/components/api.json") | {"extra": 1}
    with pytest.raises(ValidationError):
        checks["api-v1-component"].validate(component)
    incidents = read(site, "v2/incidents.json")
    incidents["incidents"][0]["created_at"] = "2026-11-23T10:00:00+01:00"
    with pytest.raises(ValidationError):
        checks["statuspage-v2-incidents"].validate(incidents)
