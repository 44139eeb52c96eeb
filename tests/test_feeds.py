"""Feeds: RSS and Atom parse in feedparser without errors and carry incidents, maintenance
and detected outages; ids and times change with every update; JSON Feed matches its schema."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import feedparser

from rendering.feeds.writer import FEED_FILES, write_feeds
from tests.contexts import (
    CONFIG,
    INCIDENT,
    MAINTENANCE,
    NOW,
    SECOND_UPDATE,
    default_timelines,
    make_context,
    timeline,
    validator,
)

SITE = "https://status.example.com"
INCIDENT_URL = f"{SITE}/incidents/api-errors/"
MAINTENANCE_URL = f"{SITE}/incidents/db-upgrade/"
# Detected outages nobody wrote about are entries with pages of their own.
API_URL = f"{SITE}/incidents/outage-api-20261123T0700Z/"
DB_URL = f"{SITE}/incidents/outage-db-20261123T1140Z/"


def parsed(path: Path) -> Any:
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, (path, feed.get("bozo_exception"))
    return feed


def write(tmp_path: Path, incidents: dict[str, str], name: str = "site", **kwargs: Any) -> Path:
    out = tmp_path / name
    context = make_context(tmp_path / f"{name}-incidents", incidents, **kwargs)
    write_feeds(out, context)
    return out


def test_the_page_feeds_carry_incidents_maintenance_and_outages(tmp_path: Path) -> None:
    site = write(tmp_path, {"api-errors": INCIDENT, "db-upgrade": MAINTENANCE})
    for name in ("feed.rss", "feed.atom"):
        feed = parsed(site / name)
        links = [entry.link for entry in feed.entries]
        # Newest change first: the ongoing outage by its start, the incident's update, the
        # ended outage, then the maintenance, dated when announced (72 h before its window).
        assert links == [DB_URL, INCIDENT_URL, API_URL, MAINTENANCE_URL], name
        ongoing, incident, ended, maintenance = feed.entries
        assert incident.title == "Elevated API errors (Investigating)"
        assert incident.id == f"{INCIDENT_URL}#1-20261123T100500Z-investigating"
        assert maintenance.title == "Database upgrade (Scheduled)"
        assert ongoing.title == "Database is down (Investigating)"
        assert ongoing.id.endswith("-investigating")
        assert ended.title == "API is down (Resolved)"
        assert "API is back up after 30 min." in ended.summary
        assert [tag.term for tag in incident.tags] == ["incident"]
        assert [tag.term for tag in ended.tags] == ["outage"]
        assert feed.feed.title == "Example Status"
    atom = parsed(site / "feed.atom")
    assert atom.feed.link == f"{SITE}/"
    assert [link.href for link in atom.feed.links if link.rel == "self"] == [f"{SITE}/feed.atom"]


def test_content_carries_the_timeline_as_safe_html(tmp_path: Path) -> None:
    hostile = INCIDENT.replace(
        "Looking **into** it.", "Looking **into** it. <script>alert(1)</script>"
    )
    site = write(tmp_path, {"api-errors": hostile + SECOND_UPDATE})
    entries = {entry.link: entry for entry in parsed(site / "feed.atom").entries}
    content = entries[INCIDENT_URL].content[0].value
    # Both updates, newest first, each with its status and local time; markdown rendered.
    assert content.index("Monitoring") < content.index("Investigating")
    assert "Rolled back." in content and "<strong>into</strong>" in content
    assert "12:00 CET" in content  # 11:00 UTC in Europe/Berlin
    assert "<script>" not in content and "Affected: API</p>" in content  # vault-x9 is private
    outage = entries[API_URL].content[0].value
    assert "http_status: 503 Service Unavailable" in outage
    assert "from Europe, US East" in outage and "[STATUS] == 200" in outage
    assert "back up after 30 min" in outage


def test_ids_and_times_change_with_every_update(tmp_path: Path) -> None:
    first = write(tmp_path, {"api-errors": INCIDENT}, "first")
    again = write(tmp_path, {"api-errors": INCIDENT}, "again")
    second = write(tmp_path, {"api-errors": INCIDENT + SECOND_UPDATE}, "second")
    for name in FEED_FILES:
        assert (first / name).read_bytes() == (again / name).read_bytes(), "deterministic"

    def incident(site: Path) -> Any:
        entries = parsed(site / "feed.atom").entries
        return next(entry for entry in entries if entry.link == INCIDENT_URL)

    before, after = incident(first), incident(second)
    assert before.id != after.id and after.id == f"{INCIDENT_URL}#2-20261123T110000Z-monitoring"
    assert (before.updated, after.updated) == (
        "2026-11-23T10:05:00+00:00",
        "2026-11-23T11:00:00+00:00",
    )
    rss = {entry.link: entry for entry in parsed(second / "feed.rss").entries}
    assert rss[INCIDENT_URL].id == after.id  # the RSS guid is the same id
    assert rss[INCIDENT_URL].published == "Mon, 23 Nov 2026 11:00:00 +0000"


def test_an_outage_that_ends_gets_a_new_id(tmp_path: Path) -> None:
    ongoing = default_timelines()
    outage = ongoing["db"].outages[0]
    ended = {
        **ongoing,
        "db": timeline("db", (replace(outage, end=outage.start + timedelta(minutes=10)),)),
    }
    a = write(tmp_path, {}, "a", timelines=ongoing)
    b = write(tmp_path, {}, "b", timelines=ended)
    (before,) = [e for e in parsed(a / "feed.atom").entries if e.link == DB_URL]
    (after,) = [e for e in parsed(b / "feed.atom").entries if e.link == DB_URL]
    assert before.id != after.id and after.title == "Database is down (Resolved)"
    assert "Database is back up after 10 min." in after.summary
    assert after.updated > before.updated


def test_monitor_feeds_hold_only_their_own_items(tmp_path: Path) -> None:
    site = write(tmp_path, {"api-errors": INCIDENT, "db-upgrade": MAINTENANCE})
    api = parsed(site / "monitors/api/feed.rss")
    assert [entry.link for entry in api.entries] == [INCIDENT_URL, API_URL]
    assert api.feed.title == "Example Status: API"
    assert api.feed.link == f"{SITE}/monitors/api/"
    db = parsed(site / "monitors/db/feed.atom")
    assert [entry.link for entry in db.entries] == [DB_URL, MAINTENANCE_URL]
    assert not (site / "monitors/vault-x9").exists()
    everything = " ".join(p.read_text() for p in site.rglob("feed.*"))
    assert "vault" not in everything.lower() and "Hidden Vault Box" not in everything


def test_json_feed_matches_its_schema_and_the_atom_feed(tmp_path: Path) -> None:
    site = write(tmp_path, {"api-errors": INCIDENT, "db-upgrade": MAINTENANCE})
    check = validator("jsonfeed-1.1")
    for path in site.rglob("feed.json"):
        document = json.loads(path.read_text("utf-8"))
        check.validate(document)
        atom = parsed(path.with_name("feed.atom"))
        assert [item["id"] for item in document["items"]] == [e.id for e in atom.entries]
    page = json.loads((site / "feed.json").read_text("utf-8"))
    assert page["feed_url"] == f"{SITE}/feed.json" and page["home_page_url"] == f"{SITE}/"
    assert [item["tags"] for item in page["items"]] == [
        ["outage"],
        ["incident"],
        ["outage"],
        ["maintenance"],
    ]
    assert page["items"][1]["date_modified"] == "2026-11-23T10:05:00Z"


def test_feeds_without_a_site_url(tmp_path: Path) -> None:
    config = CONFIG.replace("  url: https://status.example.com/\n", "")
    site = write(tmp_path, {"api-errors": INCIDENT}, config_text=config)
    feed = parsed(site / "feed.atom")
    assert {entry.id.split(":")[0] for entry in feed.entries} == {"urn"}
    assert "/incidents/api-errors/" in [entry.link for entry in feed.entries]
    document = json.loads((site / "feed.json").read_text("utf-8"))
    validator("jsonfeed-1.1").validate(document)
    assert "feed_url" not in document and all("url" not in i for i in document["items"])


def dates(site: Path) -> dict[str, list[str]]:
    """Every date each format gives, feed-level and per item, as ISO strings."""
    atom, rss = parsed(site / "feed.atom"), parsed(site / "feed.rss")
    document = json.loads((site / "feed.json").read_text("utf-8"))

    def iso(struct: Any) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:00Z", struct)

    return {
        "atom": [iso(atom.feed.updated_parsed)]
        + [iso(e.published_parsed) for e in atom.entries]
        + [iso(e.updated_parsed) for e in atom.entries],
        "rss": [iso(rss.feed.updated_parsed)] + [iso(e.published_parsed) for e in rss.entries],
        "json": [i["date_published"] for i in document["items"]]
        + [i["date_modified"] for i in document["items"]],
    }


def test_no_date_is_in_the_future_and_maintenance_is_dated_when_announced(
    tmp_path: Path,
) -> None:
    site = write(tmp_path, {"api-errors": INCIDENT, "db-upgrade": MAINTENANCE})
    for name, found in dates(site).items():
        assert max(found) <= NOW.strftime("%Y-%m-%dT%H:%M:00Z"), name
    entries = {e.link: e for e in parsed(site / "feed.atom").entries}
    assert entries[MAINTENANCE_URL].published == "2026-11-22T22:00:00+00:00"  # 72 h ahead


def test_maintenance_not_yet_announced_is_in_no_feed(tmp_path: Path) -> None:
    later = MAINTENANCE.replace("2026-11-25T22", "2026-12-25T22").replace(
        "2026-11-26", "2026-12-26"
    )
    site = write(tmp_path, {"db-upgrade": later})
    for name in ("feed.rss", "feed.atom"):
        assert MAINTENANCE_URL not in [e.link for e in parsed(site / name).entries]


def test_maintenance_keeps_its_published_date_through_its_window(tmp_path: Path) -> None:
    # Published once, when announced: not moved to the window's start once it begins.
    published = set()
    for hours, status in ((0, "Scheduled"), (59, "In progress"), (62, "Completed")):
        site = write(tmp_path, {"db-upgrade": MAINTENANCE}, f"at-{hours}",
                     now=NOW + timedelta(hours=hours))  # fmt: skip
        (entry,) = [e for e in parsed(site / "feed.atom").entries if e.link == MAINTENANCE_URL]
        assert entry.title == f"Database upgrade ({status})"
        items = json.loads((site / "feed.json").read_text("utf-8"))["items"]
        (item,) = [i for i in items if i["url"] == MAINTENANCE_URL]
        published |= {entry.published.replace("+00:00", "Z"), item["date_published"]}
    assert published == {"2026-11-22T22:00:00Z"}  # 72 h before the window


def test_the_feed_date_moves_with_an_incident_update(tmp_path: Path) -> None:
    incidents = {"api-errors": INCIDENT, "db-upgrade": MAINTENANCE}
    before = write(tmp_path, incidents, "before", now=NOW + timedelta(hours=2))
    update = '  - {at: "2026-11-23T13:30:00Z", status: identified, message: Found it.}\n'
    after = write(tmp_path, {**incidents, "api-errors": INCIDENT + update}, "after",
                  now=NOW + timedelta(hours=2))  # fmt: skip
    assert parsed(before / "feed.atom").feed.updated == "2026-11-23T11:40:00+00:00"
    assert parsed(after / "feed.atom").feed.updated == "2026-11-23T13:30:00+00:00"
    assert parsed(after / "feed.rss").feed.updated == "Mon, 23 Nov 2026 13:30:00 +0000"


def test_atom_and_json_feed_agree_on_every_date(tmp_path: Path) -> None:
    site = write(tmp_path, {"api-errors": INCIDENT + SECOND_UPDATE, "db-upgrade": MAINTENANCE})
    atom = parsed(site / "feed.atom")
    document = json.loads((site / "feed.json").read_text("utf-8"))
    pairs = [
        ((e.published, e.updated), (i["date_published"], i["date_modified"]))
        for e, i in zip(atom.entries, document["items"], strict=True)
    ]
    assert len(pairs) == 4
    for (published, updated), (date_published, date_modified) in pairs:
        assert published.replace("+00:00", "Z") == date_published
        assert updated.replace("+00:00", "Z") == date_modified
    assert any(p != u for (p, u), _ in pairs), "an item published before its last change"


def test_rss_descriptions_show_text_never_live_html(tmp_path: Path) -> None:
    hostile = INCIDENT.replace("Looking **into** it.", "Fixed <b onclick=x()>it</b> & more")
    site = write(tmp_path, {"api-errors": hostile})
    channel = ET.parse(site / "feed.rss").getroot().find("channel")
    assert channel is not None
    (item,) = [i for i in channel.findall("item") if i.findtext("link") == INCIDENT_URL]
    # The XML text is HTML that shows the characters, not elements.
    assert item.findtext("description") == "Fixed &lt;b onclick=x()&gt;it&lt;/b&gt; &amp; more"
    document = json.loads((site / "feed.json").read_text("utf-8"))
    summaries = [item["summary"] for item in document["items"]]
    assert "Fixed <b onclick=x()>it</b> & more" in summaries  # JSON Feed's summary is text
