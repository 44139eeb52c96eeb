"""What the feeds list: one `FeedItem` per entry of the build (`rendering.views.entries`): written
incidents and maintenance, with the outages they absorbed, and detected outages nobody wrote
about, exactly as the page and the API list them.

`feed_items(context)` is the only place that decides which items a feed holds. Each item is
built once and shared by the page's feed and its monitors' feeds, so writing the feeds grows
with the number of entries, not with monitors times entries.

An item's `id` and `updated` change with every update of its timeline (a new update, a
status change, an outage that ended): the id carries the number of updates, the time of the
newest and the status, so feed readers show the change as new.

Words (statuses, "Affected", "Scheduled") are the page's language, as the entries' are;
times stay `2026-11-23 13:00 UTC` in every language.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from configuration.announcements import Announcement
from rendering.api.snapshot import entry_times, page_id
from rendering.text.display import local_time
from rendering.text.i18n import Locale
from rendering.text.markdown import render_markdown
from rendering.text.markup import site_link, xml_safe
from rendering.views.context import BuildContext
from rendering.views.entries import Entry, EntryUpdate
from rendering.views.index import STATUS_TEXT

MAX_ITEMS = 50  # newest first, as many as the API's incident lists


@dataclass(frozen=True)
class FeedItem:
    id: str  # a URI; changes with every update of the item's timeline
    url: str  # the page about it
    title: str  # plain text (escaped by the serialisers)
    summary: str  # plain text: the latest news in one paragraph
    content_html: str  # sanitised HTML: the whole timeline
    published: datetime
    updated: datetime
    kind: str  # incident | maintenance | outage | announcement


@dataclass(frozen=True)
class FeedItems:
    """The items of every feed: the page's, and each public monitor's."""

    page: list[FeedItem]
    by_monitor: Mapping[str, list[FeedItem]]

    def of(self, monitor_id: str | None) -> list[FeedItem]:
        """The page's feed (`monitor_id` None) or one monitor's."""
        return self.page if monitor_id is None else self.by_monitor.get(monitor_id, [])


def feed_items(context: BuildContext) -> FeedItems:
    """Every feed's items, newest update first, MAX_ITEMS at most, nothing dated after the
    build. Entries only name public monitors and hold their outages only."""
    public = {m.id: " ".join(m.name.split()) for m in context.config.monitors if m.public}
    bodies = {incident.id: incident.body for incident in context.incidents}
    page: list[FeedItem] = []
    by_monitor: dict[str, list[FeedItem]] = {}
    for entry in context.entries:
        item = _item(entry, context, public, bodies.get(entry.id, ""))
        if item.updated > context.now:  # nothing from the future
            continue
        page.append(item)
        for monitor_id in entry.monitors:
            by_monitor.setdefault(monitor_id, []).append(item)
    page += [
        _announcement_item(announcement, context)
        for announcement in context.config.announcements
        if announcement.starts <= context.now  # posted: in the page's feed from its `from`
    ]
    return FeedItems(_newest(page), {m: _newest(items) for m, items in by_monitor.items()})


def _newest(items: list[FeedItem]) -> list[FeedItem]:
    return sorted(items, key=lambda item: (item.updated, item.id), reverse=True)[:MAX_ITEMS]


def _item_id(context: BuildContext, path: str, version: str) -> str:
    site = context.config.site
    if site.url:
        return f"{site_link(site.url, path)}#{version}"
    return f"urn:vigil:{page_id(site)}:{path.strip('/').replace('/', ':')}:{version}"


def _item(entry: Entry, context: BuildContext, public: Mapping[str, str], body: str) -> FeedItem:
    timezone, locale = context.config.site.timezone, context.page.locale
    times = entry_times(entry)
    path = f"incidents/{entry.id}/"
    status_text = locale.gettext(STATUS_TEXT[entry.status])
    parts = [_affected(entry, public, locale)]
    if entry.kind == "maintenance" and entry.end is not None:
        window = locale.gettext("%(start)s to %(end)s") % {
            "start": local_time(entry.start, timezone),
            "end": local_time(entry.end, timezone),
        }
        scheduled = locale.gettext("Scheduled: %(window)s") % {"window": window}
        parts.append(f"<p>{html.escape(scheduled)}</p>")
    written = [u for u in entry.updates if not u.detected]
    detected = [u for u in entry.updates if u.detected]
    for update in [*written[::-1], *detected[::-1]]:  # the people's words first
        parts += _update_html(update, locale, timezone)
    if entry.body_html:
        parts.append("<hr>" + entry.body_html)
    news = [u.message for u in written] or ([body] if body else [u.message for u in detected])
    latest = news[-1] if news else ""
    version = f"{len(entry.updates)}-{entry.updated_at.astimezone(UTC):%Y%m%dT%H%M%SZ}-"
    return FeedItem(
        id=_item_id(context, path, version + entry.status),
        url=site_link(context.config.site.url, path),
        title=xml_safe(f"{entry.title} ({status_text})"),
        summary=xml_safe(latest.split("\n\n")[0]),
        content_html=xml_safe("\n".join(part for part in parts if part)),
        published=times.created,
        updated=times.updated,
        kind=entry.kind,
    )


def _announcement_item(announcement: Announcement, context: BuildContext) -> FeedItem:
    """An announcement, dated when it was posted (its `from`); it names no monitor."""
    anchor = f"announcement-{announcement.id}"
    version = f"{announcement.starts.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    message = render_markdown(announcement.message) if announcement.message else ""
    return FeedItem(
        id=_item_id(context, f"{anchor}/", version),
        url=site_link(context.config.site.url, f"#{anchor}"),
        title=xml_safe(announcement.title),
        summary=xml_safe(announcement.message.split("\n\n")[0]),
        content_html=xml_safe(message),
        published=announcement.starts,
        updated=announcement.starts,
        kind="announcement",
    )


def _update_html(update: EntryUpdate, locale: Locale, timezone: str) -> list[str]:
    """One line of the timeline: its status and time, then what it says."""
    when = html.escape(local_time(update.at, timezone))
    label = html.escape(locale.gettext(STATUS_TEXT[update.status]))
    text = render_markdown(update.message) if not update.detected else ""
    return [
        f"<p><strong>{label}</strong> · {when}</p>",
        text or f"<p>{html.escape(update.message)}</p>",
    ]


def _affected(entry: Entry, public: Mapping[str, str], locale: Locale) -> str:
    names = [public[m] for m in entry.monitors if m in public]
    if not names:
        return ""
    affected = locale.gettext("Affected: %(monitors)s") % {"monitors": ", ".join(names)}
    return f"<p>{html.escape(affected)}</p>"
