"""What the feeds list: one `FeedItem` per incident, maintenance and detected outage.

`feed_items(context, monitor_id)` is the only place that decides which items a feed holds.
It builds them from the written incidents and the timelines' outages directly; when
`rendering.entries` (outages merged with the incidents written about them) is available,
swap the body of `feed_items` for those entries and keep `FeedItem` as the output.

An item's `id` and `updated` change with every update of its timeline (a new update, a
status change, an outage that ended), so feed readers show the change as new.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from configuration.incidents import Incident
from history.timeline import Outage
from rendering.api import incident_times, page_id
from rendering.context import BuildContext
from rendering.markdown import render_markdown
from rendering.markup import site_link, xml_safe
from rendering.text import human_duration, local_time

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
    kind: str  # incident | maintenance | outage


def feed_items(context: BuildContext, monitor_id: str | None = None) -> list[FeedItem]:
    """The items of the page's feed (`monitor_id` None) or of one public monitor's feed,
    newest update first. Only public monitors are named or have outages listed."""
    public = {m.id: " ".join(m.name.split()) for m in context.config.monitors if m.public}
    incidents = [i for i in context.incidents if monitor_id is None or monitor_id in i.monitors]
    outages = [
        outage
        for timeline_id, timeline in context.timelines.items()
        if timeline_id in public and monitor_id in (None, timeline_id)
        for outage in timeline.outages
    ]
    items = [_incident_item(i, context, public) for i in incidents]
    items += [_outage_item(o, context, public[o.monitor_id]) for o in outages]
    items.sort(key=lambda item: (item.updated, item.id), reverse=True)
    return items[:MAX_ITEMS]


def _item_id(context: BuildContext, path: str, version: str) -> str:
    site = context.config.site
    if site.url:
        return f"{site_link(site.url, path)}#{version}"
    return f"urn:vigil:{page_id(site)}:{path.strip('/').replace('/', ':')}:{version}"


def _incident_item(
    incident: Incident, context: BuildContext, public: Mapping[str, str]
) -> FeedItem:
    now, timezone = context.now, context.config.site.timezone
    status = incident.current_status(now)
    times = incident_times(incident, now)
    path = f"incidents/{incident.id}/"
    status_text = status.replace("_", " ").capitalize()
    parts = [_affected(incident, public)]
    if incident.kind == "maintenance" and incident.scheduled_start and incident.scheduled_end:
        window = f"{local_time(incident.scheduled_start, timezone)} to "
        window += local_time(incident.scheduled_end, timezone)
        parts.append(f"<p>Scheduled: {html.escape(window)}</p>")
    for update in sorted(incident.updates, key=lambda u: u.at, reverse=True):
        when = html.escape(local_time(update.at, timezone))
        label = html.escape(update.status.replace("_", " ").capitalize())
        parts.append(f"<p><strong>{label}</strong> · {when}</p>")
        parts.append(render_markdown(update.message))
    if incident.body:
        parts.append("<hr>" + render_markdown(incident.body))
    newest = max(incident.updates, key=lambda u: u.at, default=None)
    latest = newest.message if newest else incident.body
    return FeedItem(
        id=_item_id(context, path, f"{len(incident.updates)}-{status}"),
        url=site_link(context.config.site.url, path),
        title=xml_safe(f"{incident.title} ({status_text})"),
        summary=xml_safe(latest.split("\n\n")[0]),
        content_html=xml_safe("\n".join(part for part in parts if part)),
        published=times.created,
        updated=times.updated,
        kind=incident.kind,
    )


def _affected(incident: Incident, public: Mapping[str, str]) -> str:
    names = [public[m] for m in incident.monitors if m in public]
    return f"<p>Affected: {html.escape(', '.join(names))}</p>" if names else ""


def _outage_item(outage: Outage, context: BuildContext, name: str) -> FeedItem:
    now, timezone = context.now, context.config.site.timezone
    regions = {region.id: region.name for region in context.config.regions}
    path = f"monitors/{outage.monitor_id}/"
    duration = human_duration(outage.duration(now).total_seconds())
    start = local_time(outage.start, timezone)
    if outage.end is None:
        title, span = f"{name} is down", f"since {start} ({duration} so far)"
    else:
        title, span = f"{name} was down for {duration}", f"from {start} to "
        span += f"{local_time(outage.end, timezone)} ({duration})"
    summary = f"Detected automatically: {name} {'is' if outage.end is None else 'was'} down {span}."
    parts = [f"<p>{html.escape(summary)}</p>"]
    if outage.regions:
        seen = ", ".join(regions.get(r, r) for r in outage.regions)
        parts.append(f"<p>Seen from: {html.escape(seen)}</p>")
    if outage.first_error:
        parts.append(f"<p>First error: <code>{html.escape(outage.first_error)}</code></p>")
    parts += _failed_conditions(outage.failed_conditions)
    end = "ongoing" if outage.end is None else f"{outage.end.timestamp():.0f}"
    return FeedItem(
        id=_item_id(context, path, f"outage-{outage.start.timestamp():.0f}-{end}"),
        url=site_link(context.config.site.url, path),
        title=xml_safe(title),
        summary=xml_safe(summary),
        content_html=xml_safe("\n".join(parts)),
        published=outage.start,
        updated=outage.end or outage.start,
        kind="outage",
    )


def _failed_conditions(conditions: Sequence[str]) -> list[str]:
    if not conditions:
        return []
    rows = "".join(f"<li><code>{html.escape(c)}</code></li>" for c in conditions)
    return [f"<p>Failed conditions:</p><ul>{rows}</ul>"]
