"""The honesty line (issue 17 item 6): when the checks first saw a written incident's problem,
by how many regions, and how long before (or after) the first update, from hand-computed
Parquet histories; on the incident's page, its card, and in `api/v1/`."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from checks.result import Result, Status
from configuration.incidents import load_incidents
from configuration.loader import load_config_text
from history.store import ResultStore
from rendering.site import build_site, collect
from rendering.text.i18n import Locale
from rendering.views.entries import Detection
from rendering.views.honesty import honesty_line

NOW = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # the history: every 5 min from here to NOW
FIVE = timedelta(minutes=5)
# New York is UTC-5 in November: 14:05 UTC is 9:05 AM on the page.
CONFIG = """\
version: 1
site: {title: Example Status, url: "https://status.example.com/", timezone: America/New_York}
regions:
  - {id: eu, name: Europe}
  - {id: us, name: US East}
  - {id: ap, name: Asia}
monitors:
  - {id: api, name: API, type: http, url: "https://api.example.com", interval: 5m}
  - {id: web, name: Website, type: http, url: "https://example.com", interval: 5m}
  - {id: db, name: Database, type: tcp, host: db.example.com, port: 5432, interval: 5m}
"""
# Down (UTC, [from, to)) and by which regions; every other result is up.
DOWN = {
    "api": (datetime(2026, 11, 23, 14, 5, tzinfo=UTC), datetime(2026, 11, 23, 14, 30, tzinfo=UTC),
            ("eu", "us", "ap")),
    "web": (datetime(2026, 11, 23, 15, 0, tzinfo=UTC), datetime(2026, 11, 23, 15, 20, tzinfo=UTC),
            ("eu", "us")),  # two of three: a quorum
}  # fmt: skip
INCIDENTS = {
    # Written 6 min 30 s after the checks saw it (the minutes shown: 14:05 and 14:11).
    "api-late": """\
title: API errors
monitors: [api]
started_at: 2026-11-23T14:00:00Z
resolved_at: 2026-11-23T14:40:00Z
updates:
  - {at: "2026-11-23T14:11:30Z", status: investigating, message: Looking.}
  - {at: "2026-11-23T14:40:00Z", status: resolved, message: Fixed.}
""",
    # Posted before the checks saw it: a deploy announced as risky.
    "web-early": """\
title: Website deploy trouble
monitors: [web]
started_at: 2026-11-23T14:50:00Z
updates:
  - {at: "2026-11-23T14:52:00Z", status: identified, message: A deploy may break pages.}
""",
    # The database answered all along: the checks did not see it.
    "db-quiet": """\
title: Slow reports
monitors: [db]
started_at: 2026-11-23T13:00:00Z
resolved_at: 2026-11-23T13:30:00Z
""",
    # Before the history begins: nobody knows what the checks would have said.
    "db-old": """\
title: Old database trouble
monitors: [db]
started_at: 2026-10-01T13:00:00Z
resolved_at: 2026-10-01T13:30:00Z
""",
}


def history(store: ResultStore) -> None:
    at = START
    while at < NOW:
        for region in ("eu", "us", "ap"):
            rows = []
            for monitor in ("api", "web", "db"):
                start, end, regions = DOWN.get(monitor, (NOW, NOW, ()))
                down = start <= at < end and region in regions
                status = Status.DOWN if down else Status.UP
                rows.append(Result(monitor, region, f"{region}-{at:%H%M}", at, status))
            store.append(rows)
        at += FIVE


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("honesty")
    store = ResultStore(root / "data")
    history(store)
    folder = root / "incidents"
    folder.mkdir()
    for name, front in INCIDENTS.items():
        (folder / f"{name}.md").write_text(f"---\n{front}---\n", encoding="utf-8")
    config = load_config_text(CONFIG, environ={})
    build_site(config, load_incidents(folder, ["api", "web", "db"]), store, root / "site", NOW)
    return root / "site"


def v1(site: Path, incident_id: str) -> Any:
    return json.loads((site / "api" / "v1" / "incidents" / f"{incident_id}.json").read_text())


def line(site: Path, incident_id: str) -> str:
    """The honesty line of the incident's page, as HTML; "" without one."""
    page = (site / "incidents" / incident_id / "index.html").read_text("utf-8")
    found = re.search(r'<p class="meta honesty">(.*?)</p>', page)
    return found.group(1) if found else ""


def test_written_after_the_checks_saw_it(site: Path) -> None:
    assert line(site, "api-late") == (
        'Detected <time datetime="2026-11-23T14:05:00Z">9:05\u202fAM</time> by 3 regions'
        ' · first update <time datetime="2026-11-23T14:11:30Z">9:11\u202fAM</time>, 6 min later'
    )
    assert {k: v for k, v in v1(site, "api-late").items() if k.startswith(("det", "first"))} == {
        "detected_at": "2026-11-23T14:05:00Z",
        "detected_regions": ["ap", "eu", "us"],
        "first_update_at": "2026-11-23T14:11:30Z",
    }


def test_written_before_the_checks_saw_it(site: Path) -> None:
    assert line(site, "web-early") == (
        'Detected <time datetime="2026-11-23T15:00:00Z">10:00\u202fAM</time> by 2 regions'
        ' · first update <time datetime="2026-11-23T14:52:00Z">9:52\u202fAM</time>,'
        " 8 min before detection"
    )
    assert v1(site, "web-early")["detected_regions"] == ["eu", "us"]


def test_not_seen_by_checks_that_were_watching(site: Path) -> None:
    assert line(site, "db-quiet") == "Not detected by checks"
    facts = v1(site, "db-quiet")
    assert (facts["detected_at"], facts["detected_regions"]) == (None, [])
    assert facts["first_update_at"] == "2026-11-23T13:00:00Z"  # no update: its started_at


def test_nothing_is_said_where_there_is_no_history(site: Path) -> None:
    assert line(site, "db-old") == ""
    assert v1(site, "db-old")["detected_at"] is None


def test_the_cards_of_the_incident_history_carry_the_line(site: Path) -> None:
    listing = (site / "incidents" / "index.html").read_text("utf-8")
    assert listing.count('<p class="meta honesty">') == 3  # not the one without history
    assert "6 min later" in listing and "Not detected by checks" in listing


def test_a_detected_outage_nobody_wrote_about_keeps_its_entry(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "data")
    history(store)
    config = load_config_text(CONFIG, environ={})
    _, _, entries = collect(config, [], store, NOW)
    assert [(e.kind, e.detection) for e in entries] == [("outage", None), ("outage", None)]


def facts(detected: str | None, first: str, regions: int = 3) -> Detection:
    def at(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)

    ids = tuple(f"r{i}" for i in range(regions))
    return Detection(at(first), at(detected) if detected else None, ids, watched=True)


@pytest.mark.parametrize(
    ("detection", "code", "zone", "text"),
    [
        (facts("2026-11-23T14:05:50", "2026-11-23T14:06:10", 1), "en", "UTC",
         "Detected 2:05\u202fPM by 1 region · first update 2:06\u202fPM, 1 min later"),
        (facts("2026-11-23T14:05:10", "2026-11-23T14:05:50"), "en", "UTC",
         "Detected 2:05\u202fPM by 3 regions · first update 2:05\u202fPM, the same minute"),
        (facts("2026-11-23T14:05:00", "2026-11-23T16:15:00", 0), "en", "UTC",
         "Detected 2:05\u202fPM · first update 4:15\u202fPM, 2 hr 10 min later"),
        # Berlin is UTC+1: 23:30 UTC is already the next local day there.
        (facts("2026-11-23T22:50:00", "2026-11-23T23:30:00", 2), "de", "Europe/Berlin",
         "Erkannt 23.11.2026 23:50 CET von 2 Regionen · erste Aktualisierung"
         " 24.11.2026 00:30 CET, 40 Min. später"),
        (facts(None, "2026-11-23T14:00:00"), "fr", "UTC", "Non détecté par les vérifications"),
    ],
)  # fmt: skip
def test_the_words_in_the_page_language_and_time_zone(
    detection: Detection, code: str, zone: str, text: str
) -> None:
    shown = honesty_line(detection, Locale(code, zone))
    assert re.sub(r"<[^>]+>", "", str(shown)) == text


def test_nothing_is_said_of_an_unwatched_incident() -> None:
    unwatched = Detection(NOW, None, (), watched=False)
    assert str(honesty_line(unwatched, Locale("en", "UTC"))) == ""
    assert str(honesty_line(None, Locale("en", "UTC"))) == ""
