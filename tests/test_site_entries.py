"""One source of truth for incidents: a site built from real results (Parquet history read
with DuckDB) lists each event once, the same way, on the page, in the feed and in both APIs.

- a 2-hour outage of `api` with a written incident overlapping it: ONE entry, the written
  update first, then the detected facts;
- a 30-minute outage of `db` nobody wrote about: a "Database is down" entry everywhere;
- a 2-hour outage of the private `vault`: nowhere.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest

from checks.result import ErrorKind, Result, Status
from configuration.incidents import load_incidents
from configuration.loader import load_config_text
from history.store import ResultStore
from rendering.site import build_site
from tests.test_api import SCHEMA_FOR, validators

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
START = NOW - timedelta(hours=7)  # the history starts at 05:00
CONFIG = """\
version: 1
site:
  title: Example Status
  url: https://status.example.com
  timezone: UTC
regions:
  - {id: eu-west, name: Europe}
  - {id: us-east, name: US East}
monitors:
  - {id: api, name: API, type: tcp, host: api.example.com, port: 443, interval: 5m}
  - {id: db, name: Database, type: tcp, host: db.example.com, port: 5432, interval: 5m}
  - id: vault
    name: Hidden Vault Box
    type: tcp
    host: vault.example.com
    port: 22
    interval: 5m
    public: false
"""
INCIDENT = """\
---
title: Elevated API errors
impact: minor
monitors: [api]
started_at: 2026-11-23T06:10:00Z
resolved_at: 2026-11-23T08:05:00Z
updates:
  - at: 2026-11-23T06:10:00Z
    status: investigating
    message: We are looking into API errors.
---
"""
DOWN = {  # monitor id -> (first down result, first up result again)
    "api": (datetime(2026, 11, 23, 6, 0, tzinfo=UTC), datetime(2026, 11, 23, 8, 0, tzinfo=UTC)),
    "db": (datetime(2026, 11, 23, 9, 0, tzinfo=UTC), datetime(2026, 11, 23, 9, 30, tzinfo=UTC)),
    "vault": (datetime(2026, 11, 23, 6, 0, tzinfo=UTC), datetime(2026, 11, 23, 8, 0, tzinfo=UTC)),
}
API_OUTAGE = "outage-api-20261123T0600Z"
DB_OUTAGE = "outage-db-20261123T0900Z"


def runs() -> list[list[Result]]:
    """One run every 5 minutes from each region, down in each monitor's DOWN span."""
    batches = []
    for step in range(int((NOW - START) / timedelta(minutes=5))):
        at = START + step * timedelta(minutes=5)
        for region in ("eu-west", "us-east"):
            rows = []
            for monitor, (down_from, up_again) in DOWN.items():
                down = down_from <= at < up_again
                rows.append(
                    Result(
                        monitor,
                        region,
                        f"{region}-{step}",
                        at,
                        Status.DOWN if down else Status.UP,
                        response_time_ms=None if down else 20.0,
                        error_kind=ErrorKind.CONNECT if down else None,
                        error_message="connect: Connection refused" if down else None,
                    )
                )
            batches.append(rows)
    return batches


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("entries"), CONFIG)


def build(folder: Path, config_text: str) -> Path:
    """The site of `config_text` for the history of `runs()` and INCIDENT, in `folder/site`."""
    config = load_config_text(config_text, environ={})
    store = ResultStore(folder / "data")
    for run in runs():
        store.append(run)
    (folder / "incidents").mkdir()
    (folder / "incidents" / "2026-11-23-api.md").write_text(INCIDENT)
    incidents = load_incidents(folder / "incidents", [m.id for m in config.monitors])
    build_site(config, incidents, store, folder / "site", NOW)
    return folder / "site"


def recent(site: Path) -> str:
    """The index page's list of recent incidents (nothing is ongoing at NOW)."""
    html = (site / "index.html").read_text()
    return html.split('aria-labelledby="recent"', 1)[1].split("</section>", 1)[0]


def api(site: Path, path: str) -> Any:
    return json.loads((site / "api" / path).read_text())


def test_an_incident_and_its_outage_are_one_entry_everywhere(site: Path) -> None:
    index = recent(site)
    assert index.count('href="./incidents/2026-11-23-api/"') == 1
    assert "Elevated API errors" in index and "We are looking into API errors." in index
    assert API_OUTAGE not in index and "API is down" not in index

    feed = feedparser.parse((site / "feed.atom").read_bytes())
    api_items = [e for e in feed.entries if "API" in e.title]
    assert [e.link for e in api_items] == ["https://status.example.com/incidents/2026-11-23-api/"]
    content = api_items[0].content[0].value
    assert content.index("We are looking into API errors.") < content.index("API is down from")

    (v2,) = [i for i in api(site, "v2/incidents.json")["incidents"] if "api" in i["id"]]
    assert v2["id"] == "2026-11-23-api" and v2["impact"] == "minor"
    assert v2["started_at"] == "2026-11-23T06:00:00.000Z"  # the detected start is earlier
    bodies = [u["body"] for u in v2["incident_updates"]]  # newest first by time
    assert bodies[:3] == [
        "This incident has been resolved.",  # 08:05, its resolved_at
        "API is back up after 2 h.",  # 08:00
        "We are looking into API errors.",  # 06:10
    ]
    assert bodies[3].startswith("API is down from")  # 06:00
    (v1,) = [i for i in api(site, "v1/incidents.json")["incidents"] if "api" in i["id"]]
    assert v1["id"] == "2026-11-23-api"
    assert v1["updates"][0]["message"] == "We are looking into API errors."
    assert {u["status"] for u in v1["updates"]} == {"investigating"}  # people resolved it
    assert api(site, "v1/incidents/2026-11-23-api.json") == v1

    page = (site / "incidents" / "2026-11-23-api" / "index.html").read_text()
    assert page.index("We are looking into API errors.") < page.index("API is down from")
    assert not (site / "incidents" / API_OUTAGE).exists()


def test_an_outage_nobody_wrote_about_is_a_down_entry_everywhere(site: Path) -> None:
    index = recent(site)
    assert index.count(f'href="./incidents/{DB_OUTAGE}/"') == 1
    assert "Database is down" in index and "Database is back up after 30 min." in index

    feed = feedparser.parse((site / "feed.atom").read_bytes())
    (item,) = [e for e in feed.entries if DB_OUTAGE in e.link]
    assert item.title == "Database is down (Resolved)"
    assert "Database is back up after 30 min." in item.summary

    (v2,) = [i for i in api(site, "v2/incidents.json")["incidents"] if i["id"] == DB_OUTAGE]
    assert (v2["name"], v2["status"], v2["impact"]) == ("Database is down", "resolved", "major")
    assert (v2["started_at"], v2["resolved_at"]) == (
        "2026-11-23T09:00:00.000Z",
        "2026-11-23T09:30:00.000Z",
    )
    assert [c["id"] for c in v2["components"]] == ["db"]
    assert api(site, "v2/incidents/unresolved.json")["incidents"] == []
    (v1,) = [i for i in api(site, "v1/incidents.json")["incidents"] if i["id"] == DB_OUTAGE]
    assert v1["title"] == "Database is down" and v1["impact"] == "major"
    assert api(site, f"v1/incidents/{DB_OUTAGE}.json") == v1

    page = (site / "incidents" / DB_OUTAGE / "index.html").read_text()
    assert "Database is down" in page and "30 min" in page


def test_only_the_two_entries_and_nothing_of_the_private_monitor(site: Path) -> None:
    v2 = [i["id"] for i in api(site, "v2/incidents.json")["incidents"]]
    v1 = [i["id"] for i in api(site, "v1/incidents.json")["incidents"]]
    assert v2 == v1 == [DB_OUTAGE, "2026-11-23-api"]  # newest start first
    assert recent(site).count('<article class="card') == 2
    feed = feedparser.parse((site / "feed.atom").read_bytes())
    assert len(feed.entries) == 2
    built = " ".join(p.read_text() for p in site.rglob("*") if p.suffix in (".html", ".json"))
    built += " ".join(p.read_text() for p in site.rglob("feed.*"))
    assert "vault" not in built.lower() and "Hidden Vault Box" not in built


def test_the_api_files_with_detected_outages_match_their_schemas(site: Path) -> None:
    checks = validators()
    files = sorted(p for p in (site / "api").rglob("*.json"))
    assert site / "api" / "v1" / "incidents" / f"{DB_OUTAGE}.json" in files
    for path in files:
        relative = path.relative_to(site).as_posix()
        (pattern,) = [p for p in SCHEMA_FOR if re.fullmatch(p, relative)]
        checks[SCHEMA_FOR[pattern]].validate(json.loads(path.read_text("utf-8")))
