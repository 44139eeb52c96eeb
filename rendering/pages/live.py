"""Small outputs for programs and the page's own script: `status-live.json` (what the
auto-refresh reads every 30 s) and `status.txt` (a plain-text summary for `curl`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from history.timeline import MonitorTimeline
from rendering.views.index import PageView

LIVE_WINDOWS = ("24h", "7d", "30d", "90d")
WIDGET_FILE = "widget.js"  # the script other sites add; it shows `active` (rendering.pages.widget)


def live_status(page: PageView, timelines: Mapping[str, MonitorTimeline]) -> dict[str, Any]:
    """The states the open page refreshes in place, and what widget.js shows; shape in
    schemas/status-live.schema.json."""
    t = page.locale
    return {
        "built_at": page.built_at_iso,
        "newest": page.newest_iso or None,
        "stale_after_s": page.stale_after_s,
        "state": page.state,
        "monitors": {
            monitor.id: {
                "state": monitor.state,
                "uptime": {w: timelines[monitor.id].window_uptime(w) for w in LIVE_WINDOWS},
            }
            for group in page.groups
            for monitor in group.monitors
        },
        "regions": {region.id: region.last_checked_iso or None for region in page.regions},
        # What widget.js shows: the incidents and maintenance under way, in the page's words.
        "active": [
            {
                "id": item.id,
                "title": item.title,
                "kind": item.kind,
                "impact": item.impact,
                "status_text": item.status,
                "href": item.href,
            }
            for item in page.active
        ],
        "announcements": [
            {
                "id": note.id,
                "title": note.title,
                "level": note.level,
                "since": note.since_iso,
                "href": f"#announcement-{note.id}",
            }
            for note in page.announcements
        ],
        "words": {
            "label": t.gettext("Service status"),
            "details": t.gettext("Details"),
            "dismiss": t.gettext("Dismiss"),
        },
    }


def status_text(page: PageView) -> str:
    """`curl https://status.example.com/status.txt`: the headline, then one line a monitor."""
    t = page.locale
    lines = [f"{page.site.title}: {page.headline}", ""]
    for note in page.announcements:
        lines.append(f"* {note.title} ({note.since})")
    for incident in page.active:
        lines.append(f"! {incident.title} ({incident.status}, {incident.when})")
    if page.active:
        lines.append("")
    for group in page.groups:
        lines.append(f"{group.name}")
        width = max(len(m.name) for m in group.monitors)
        for monitor in group.monitors:
            lines.append(
                f"  {monitor.name.ljust(width)}  {monitor.state_text}  "
                f"({t.gettext('%(uptime)s uptime') % {'uptime': monitor.uptime['90d']}}, 90d)"
            )
        lines.append("")
    lines.append(t.gettext("Built %(time)s") % {"time": page.built_at})
    return "\n".join(lines) + "\n"
