"""Feeds of incidents, maintenance and detected outages: RSS 2.0 and Atom 1.0 (feedgen) and
JSON Feed 1.1 (`json.dumps`, schema in `schemas/jsonfeed-1.1.schema.json`).

One set for the whole page (`feed.rss`, `feed.atom`, `feed.json` at the site root) and one
per public monitor (`monitors/<id>/feed.rss|feed.atom|feed.json`). What they hold is decided
by `rendering.feeds.items.feed_items`; this module only serialises.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]

from configuration.times import utc_iso
from rendering.api.snapshot import page_id
from rendering.feeds.items import FeedItem, feed_items
from rendering.text.markup import site_link, xml_safe
from rendering.views.context import BuildContext

FEED_FILES = ("feed.rss", "feed.atom", "feed.json")
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


@dataclass(frozen=True)
class Feed:
    """One feed's own fields; `folder` is where it lives under the site root."""

    title: str
    description: str
    folder: str  # "" for the page, "monitors/<id>/" for a monitor
    site_url: str | None
    language: str
    id: str  # a URI naming the feed
    updated: datetime
    items: Sequence[FeedItem]

    @property
    def home(self) -> str:
        return site_link(self.site_url, self.folder)

    def url(self, name: str) -> str:
        return site_link(self.site_url, self.folder + name)


def write_feeds(folder: Path, context: BuildContext) -> list[Path]:
    """Write the page's feeds and every public monitor's; returns the files written."""
    site = context.config.site
    items = feed_items(context)
    feeds = [_feed(context, xml_safe(site.title), "", items.of(None))]
    for monitor in context.config.monitors:
        if monitor.public:
            title = xml_safe(f"{site.title}: {monitor.name}")
            path = f"monitors/{monitor.id}/"
            feeds.append(_feed(context, title, path, items.of(monitor.id)))
    written = []
    for feed in feeds:
        target = folder / feed.folder
        target.mkdir(parents=True, exist_ok=True)
        for name, data in zip(FEED_FILES, (rss(feed), atom(feed), json_feed(feed)), strict=True):
            (target / name).write_bytes(data)
            written.append(target / name)
    return written


def _feed(context: BuildContext, title: str, path: str, items: Sequence[FeedItem]) -> Feed:
    site = context.config.site
    if site.url:
        feed_id = site_link(site.url, path)
    else:
        feed_id = ":".join(["urn:vigil", page_id(site), *path.strip("/").split("/")]).rstrip(":")
    words = context.page.locale.gettext("Incidents, maintenance and outages: %(title)s")
    description = xml_safe(site.description) or words % {"title": title}
    return Feed(
        title=title,
        description=description,
        folder=path,
        site_url=site.url,
        language=site.language,
        id=feed_id,
        # The newest item's time, so an unchanged feed stays byte for byte the same.
        updated=max((item.updated for item in items), default=context.now),
        items=items,
    )


def _generator(feed: Feed, self_name: str) -> FeedGenerator:
    generator = FeedGenerator()
    generator.id(feed.id)
    generator.title(feed.title)
    generator.subtitle(feed.description)
    generator.description(feed.description)
    # RSS's one <link> is feedgen's last link: the page, not the feed itself.
    generator.link(href=feed.url(self_name), rel="self")
    generator.link(href=feed.home, rel="alternate")
    generator.author({"name": feed.title})
    generator.language(feed.language)
    generator.updated(feed.updated)
    generator.lastBuildDate(feed.updated)
    generator.generator("Vigil")
    for item in feed.items:
        entry = generator.add_entry(order="append")
        entry.id(item.id)
        entry.guid(item.id, permalink=False)
        entry.title(item.title)
        entry.link(href=item.url, rel="alternate")
        # feedgen has one field for Atom's <published> and RSS's <pubDate>: the creation for
        # Atom (as JSON Feed's date_published), the latest change for RSS's one date.
        entry.published(item.updated if self_name == "feed.rss" else item.published)
        entry.updated(item.updated)
        entry.category(term=item.kind)
        # RSS's <description> is HTML (readers render it): plain text is escaped into it
        # once; Atom's <summary> is text.
        summary = item.summary or item.title
        entry.description(html.escape(summary) if self_name == "feed.rss" else summary)
        entry.content(item.content_html, type="html")
    return generator


def rss(feed: Feed) -> bytes:
    data: bytes = _generator(feed, "feed.rss").rss_str(pretty=True)
    return data


def atom(feed: Feed) -> bytes:
    data: bytes = _generator(feed, "feed.atom").atom_str(pretty=True)
    return data


def json_feed(feed: Feed) -> bytes:
    document: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "description": feed.description,
        "language": feed.language,
        "authors": [{"name": feed.title}],
    }
    if feed.site_url:  # both must be absolute URLs
        document["home_page_url"] = feed.home
        document["feed_url"] = feed.url("feed.json")
    document["items"] = [
        {
            "id": item.id,
            **({"url": item.url} if feed.site_url else {}),
            "title": item.title,
            "summary": item.summary,
            "content_html": item.content_html,
            "date_published": utc_iso(item.published),
            "date_modified": utc_iso(item.updated),
            "tags": [item.kind],
        }
        for item in feed.items
    ]
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
