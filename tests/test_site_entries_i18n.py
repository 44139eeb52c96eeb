"""Detected outages speak the page's language: sites in German and in Japanese, built from the
real history of `tests/test_site_entries.py` (a detected `db` outage nobody wrote about, an
`api` outage inside a written incident), word them in that language on the pages, in the
feeds (with the feeds' own labels) and in both JSON APIs, and never in English; the English
pages under `/en/` keep the English words.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import feedparser
import pytest

from tests.test_site_entries import API_OUTAGE, CONFIG, DB_OUTAGE, api, build, recent

INCIDENT_ID = "2026-11-23-api"
# The English wording of detected facts and of the feeds' labels: none of it may show on a
# translated page (the APIs' statuses are codes: "resolved", never "Resolved").
ENGLISH = ("is down", "is back up", "Failed:", "Resolved", "Investigating", "Affected")


@dataclass(frozen=True)
class Words:
    title: str  # of the db outage's entry
    down: str  # its first line
    back: str  # its last line
    api_back: str  # the api outage's last line, inside the written incident
    resolved: str  # the status
    affected: str  # the feed's line naming the monitor
    description: str  # the feed's, for a site without one


WORDS = {
    "de": Words(
        title="Database ist ausgefallen",
        down="Database ist ausgefallen (gesehen aus Europe, US East): connect: connect: "
        "Connection refused.",
        back="Database ist nach 30 Min. wieder betriebsbereit.",
        api_back="API ist nach 2 Std. wieder betriebsbereit.",
        resolved="Behoben",
        affected="Betroffen: Database",
        description="Vorfälle, Wartungen und Ausfälle: Example Status",
    ),
    "ja": Words(
        title="Database が停止中",
        down="Database が停止中です（Europe, US East から検出）: connect: connect: "  # noqa: RUF001 (Japanese parentheses)
        "Connection refused。",
        back="Database は 30 分 後に正常稼働に戻りました。",
        api_back="API は 2 時間 後に正常稼働に戻りました。",
        resolved="解決済み",
        affected="影響範囲: Database",
        description="インシデント、メンテナンス、障害: Example Status",
    ),
}


@pytest.fixture(scope="module", params=sorted(WORDS))
def built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    """(language, site): the page in that language at `/`, English under `/en/`."""
    code: str = request.param
    config = CONFIG.replace(
        "  timezone: UTC\n", f"  timezone: UTC\n  language: {code}\n  languages: [en]\n"
    )
    return code, build(tmp_path_factory.mktemp(f"entries-{code}"), config)


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text("utf-8")


def assert_no_english(text: str) -> None:
    assert [word for word in ENGLISH if word in text] == []


def test_pages_word_detected_outages_in_the_page_language(built: tuple[str, Path]) -> None:
    code, site = built
    words = WORDS[code]
    index = recent(site)
    assert words.title in index and words.back in index
    detail = page(site, f"incidents/{DB_OUTAGE}")
    assert words.title in detail and words.down in detail and words.back in detail
    assert words.api_back in page(site, f"incidents/{INCIDENT_ID}")
    assert words.title in page(site, "monitors/db")  # the day's link in the 90-day bar
    for text in (index, detail, page(site, f"incidents/{INCIDENT_ID}"), page(site, "incidents")):
        assert_no_english(text)
    assert not (site / "incidents" / API_OUTAGE).exists()


def test_feeds_word_detected_outages_in_the_page_language(built: tuple[str, Path]) -> None:
    code, site = built
    words = WORDS[code]
    for name in ("feed.atom", "feed.rss", "monitors/db/feed.atom"):
        feed = feedparser.parse((site / name).read_bytes())
        (item,) = [e for e in feed.entries if DB_OUTAGE in e.link]
        assert item.title.startswith(words.title)
        assert words.back in item.summary
        assert_no_english(" ".join([item.title, item.summary, item.description]))
    assert_no_english(feedparser.parse((site / "feed.atom").read_bytes()).feed.subtitle)
    document = json.loads((site / "feed.json").read_text("utf-8"))
    (item,) = [i for i in document["items"] if DB_OUTAGE in i["id"]]
    assert item["title"].startswith(words.title) and words.down in item["content_html"]
    assert_no_english(json.dumps(document, ensure_ascii=False))


def test_the_apis_word_detected_outages_in_the_page_language(built: tuple[str, Path]) -> None:
    code, site = built
    words = WORDS[code]
    (v2,) = [i for i in api(site, "v2/incidents.json")["incidents"] if i["id"] == DB_OUTAGE]
    assert v2["name"] == words.title and v2["status"] == "resolved"  # statuses stay codes
    assert [u["body"] for u in v2["incident_updates"]] == [words.back, words.down]
    (v1,) = [i for i in api(site, "v1/incidents.json")["incidents"] if i["id"] == DB_OUTAGE]
    assert v1["title"] == words.title
    assert [u["message"] for u in v1["updates"]] == [words.down, words.back]
    (written,) = [i for i in api(site, "v1/incidents.json")["incidents"] if i["id"] == INCIDENT_ID]
    assert words.api_back in [u["message"] for u in written["updates"]]
    for path in ("v2/incidents.json", "v2/summary.json", "v1/incidents.json"):
        assert_no_english(json.dumps(api(site, path), ensure_ascii=False))


def test_the_english_pages_beside_it_keep_the_english_words(built: tuple[str, Path]) -> None:
    _, site = built
    detail = page(site, f"en/incidents/{DB_OUTAGE}")
    assert "Database is down" in detail and "Database is back up after 30 min." in detail
    assert "API is back up after 2 h." in page(site, f"en/incidents/{INCIDENT_ID}")
    assert "Database is down" in recent(site / "en")


def test_feeds_label_their_items_in_the_page_language(built: tuple[str, Path]) -> None:
    code, site = built
    words = WORDS[code]
    feed = feedparser.parse((site / "feed.atom").read_bytes())
    assert feed.feed.subtitle == words.description
    (item,) = [e for e in feed.entries if DB_OUTAGE in e.link]
    assert item.title == f"{words.title} ({words.resolved})"
    content = item.content[0].value
    assert f"<p>{words.affected}</p>" in content
    assert f"<strong>{words.resolved}</strong>" in content
