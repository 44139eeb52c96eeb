"""`/subscribe/`: one page, linked from every page's header, listing every way to follow the
page and each monitor (feeds, calendars, the public chat and push channels with their join
links, the badge and widget snippets); works without JavaScript, in every language; a
channel that is not public, and every secret, stay off it."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from configuration.errors import ConfigError
from configuration.loader import load_config_text
from tests.conftest import SMALL_CONFIG
from tests.site_fixture import build_fixture_site

SECRET = "tg-secret-5512"
CHANNELS = """\
notifications:
  - {id: news, type: ntfy, topic: acme-status, public: true,
     join_url: "https://ntfy.sh/acme-status", join_text: "ntfy: acme-status"}
  - {id: tg, type: telegram, bot_token: "${BOT}", chat_id: "@acme_status", public: true,
     join_url: "https://t.me/acme_status"}
  - {id: oncall, type: webhook, url: "https://ops.example.com/${BOT}"}
"""


def _config(extra: str = CHANNELS, site: str = "  url: https://status.example.com\n") -> str:
    return SMALL_CONFIG.replace("  timezone: UTC\n", "  timezone: UTC\n" + site) + extra


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("subscribe") / "site"
    text = _config().replace("  timezone: UTC\n", "  timezone: UTC\n  languages: [de]\n", 1)
    build_fixture_site(out, load_config_text(text, environ={"BOT": SECRET}))
    return out


def _links(page: str) -> dict[str, str]:
    found = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', page)
    return {html.unescape(text): html.unescape(href) for href, text in found}


def test_the_page_lists_every_way_to_follow_the_page(site: Path) -> None:
    page = (site / "subscribe" / "index.html").read_text()
    links = _links(page)
    assert links["JSON Feed"] == "../feed.json" and links["RSS"].endswith("feed.rss")
    calendar = "Add the maintenance calendar to your calendar app"
    assert links[calendar] == "webcal://status.example.com/maintenance.ics"
    assert links["Download the maintenance calendar (.ics)"] == "../maintenance.ics"
    assert links["ntfy: acme-status"] == "https://ntfy.sh/acme-status"
    assert links["Telegram"] == "https://t.me/acme_status"
    assert "ops.example.com" not in page and SECRET not in page  # not public, a secret
    assert "../monitors/api/feed.atom" in page and "../monitors/db/maintenance.ics" in page
    assert "webcal://status.example.com/monitors/db/maintenance.ics" in page
    assert "[![Example Status](https://status.example.com/badges/status.svg)]" in page
    assert '<script src="https://status.example.com/widget.js" async>' in html.unescape(page)
    for target in ("feed.json", "maintenance.ics", "monitors/api/feed.atom", "widget.js",
                   "monitors/db/maintenance.ics", "badges/status.svg"):  # fmt: skip
        assert (site / target).is_file(), target


def test_every_page_links_it_in_the_header_in_its_language(site: Path) -> None:
    for path in ("index.html", "incidents/index.html", "monitors/api/index.html"):
        header = (site / path).read_text().split("</header>")[0]
        assert re.search(r'<a href="(\./|(\.\./)+)subscribe/"[^>]*>Subscribe</a>', header), path
    german = (site / "de" / "subscribe" / "index.html").read_text()
    assert "<h1>Abonnieren</h1>" in german and 'aria-current="page">Abonnieren</a>' in german
    assert "Wartungskalender" in german and 'href="../../feed.rss"' in german
    maintenance = (site / "maintenance" / "index.html").read_text()
    assert _links(maintenance)["More ways to follow this page"] == "../subscribe/"


def test_without_a_site_url_the_calendar_is_a_download_and_snippets_are_paths(
    tmp_path: Path,
) -> None:
    build_fixture_site(tmp_path / "site", load_config_text(_config("", ""), environ={}))
    page = (tmp_path / "site" / "subscribe" / "index.html").read_text()
    assert "webcal://" not in page and "Chat and push" not in page
    assert _links(page)["Download the maintenance calendar (.ics)"] == "../maintenance.ics"
    assert '<script src="/widget.js" async>' in html.unescape(page)


@pytest.mark.parametrize(
    ("channel", "message"),
    [
        ("{id: n, type: ntfy, topic: t, public: true}", "a public channel needs join_url"),
        (
            '{id: n, type: ntfy, topic: t, public: true, join_url: "https://x.example/${BOT}"}',
            "notifications[0].join_url: published on the page: cannot hold a ${SECRET}",
        ),
    ],
)
def test_a_public_channel_needs_a_link_that_holds_no_secret(channel: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config_text(_config(f"notifications:\n  - {channel}\n"), environ={"BOT": SECRET})
    (problem,) = raised.value.problems
    assert message in str(problem) and SECRET not in str(problem)
    assert problem.line == SMALL_CONFIG.count("\n") + 3
