"""Announcements (issue 17 item 7): news that is not an incident, pinned above the services
from its `from` until its `until`, in the page's feed from its `from`, in status-live.json
and status.txt; a located error for what cannot be meant."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest

from configuration.errors import ConfigError
from configuration.loader import load_config_text
from history.store import ResultStore
from rendering.site import build_site
from tests.conftest import NOW, SMALL_CONFIG
from tests.contexts import validator

ANNOUNCEMENTS = """\
announcements:
  - id: holidays
    title: Support is closed on 24-26 December
    message: "Write to **support@example.com**; we answer on the 27th."
    level: warning
    from: 2026-11-20T09:00:00Z
    until: 2026-12-27T00:00:00Z
  - id: old-move
    title: We moved to a new data centre
    from: 2026-10-01T09:00:00Z
    until: 2026-10-08T00:00:00Z
  - id: next-year
    title: New pricing from January
    from: 2026-12-01T09:00:00Z
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("announcements")
    config = load_config_text(SMALL_CONFIG + ANNOUNCEMENTS, environ={})
    build_site(config, [], ResultStore(root / "data"), root / "site", NOW)
    return root / "site"


def test_only_the_current_one_is_pinned_above_the_services(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'class="announcement level-warning" id="announcement-holidays"' in index
    assert "<strong>support@example.com</strong>" in index  # its Markdown, rendered
    assert '<time datetime="2026-11-20T09:00:00Z">' in index
    assert index.index("announcement-holidays") < index.index(">Services<")
    assert "We moved to a new data centre" not in index  # over
    assert "New pricing from January" not in index  # not yet posted


def test_the_page_feed_lists_what_was_posted_dated_when_it_was(site: Path) -> None:
    feed = feedparser.parse((site / "feed.atom").read_bytes())
    posted = {e.title: e for e in feed.entries if "announcement" in [t.term for t in e.tags]}
    assert set(posted) == {"Support is closed on 24-26 December", "We moved to a new data centre"}
    assert posted["We moved to a new data centre"].published == "2026-10-01T09:00:00+00:00"
    assert posted["Support is closed on 24-26 December"].link.endswith("/#announcement-holidays")
    items = json.loads((site / "feed.json").read_text())["items"]
    assert "New pricing from January" not in {item["title"] for item in items}
    monitor_feed = json.loads((site / "monitors" / "api" / "feed.json").read_text())
    assert monitor_feed["items"] == []  # an announcement names no monitor


def test_status_live_and_status_txt_carry_the_current_one(site: Path) -> None:
    live = json.loads((site / "status-live.json").read_text())
    validator("status-live").validate(live)
    assert live["announcements"] == [
        {
            "id": "holidays",
            "title": "Support is closed on 24-26 December",
            "level": "warning",
            "since": "2026-11-20T09:00:00Z",
            "href": "#announcement-holidays",
        }
    ]
    text = (site / "status.txt").read_text()
    assert "* Support is closed on 24-26 December (" in text
    assert "New pricing" not in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("until: 2026-12-27T00:00:00Z", "until: 2026-11-01T00:00:00Z"),
            "announcements[0]: `until` must be after `from`",
        ),
        (
            ("from: 2026-11-20T09:00:00Z", "from: 2026-11-20T09:00:00"),
            'announcements[0].from: expected a time with a time zone, like "2026-11-23T10:00:00Z"',
        ),
        (("id: old-move", "id: holidays"), 'duplicate id "holidays"'),
        (("level: warning", "level: urgent"), "announcements[0].level:"),
    ],
)
def test_what_cannot_be_meant_is_a_located_error(change: tuple[str, str], message: str) -> None:
    text = SMALL_CONFIG + ANNOUNCEMENTS.replace(*change)
    with pytest.raises(ConfigError) as caught:
        load_config_text(text, "config.yaml", {})
    [problem] = caught.value.problems
    assert str(problem).startswith("config.yaml:")
    assert message in str(problem)
