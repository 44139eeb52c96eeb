"""`api/v2/`: the Statuspage public API v2 shapes that aggregators, chat bots and exporters
read. The decisions behind the values are in `rendering.api.snapshot`'s docstring."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from configuration.impacts import STATE
from configuration.models import Site
from history.days import day_bounds
from rendering.api.snapshot import (
    RECENT,
    TERMINAL,
    GroupSnapshot,
    Json,
    MonitorSnapshot,
    Snapshot,
    Times,
    entry_times,
    page_id,
)
from rendering.views.entries import Entry, EntryUpdate

COMPONENT_STATUS = {
    **{state: str(impact) for impact, state in STATE.items()},  # up: operational, ...
    "nodata": "operational",  # Statuspage has no "unknown"; see rendering.api.snapshot
}
INDICATOR = {
    "up": ("none", "All Systems Operational"),
    "degraded": ("minor", "Minor Service Outage"),
    "partial": ("major", "Partial System Outage"),
    "major": ("critical", "Major Service Outage"),
    "maintenance": ("maintenance", "Service Under Maintenance"),
    "nodata": ("none", "Status Unknown: No Recent Checks"),
}
NO_DATA_NOTE = "No recent checks"


def v2_time(moment: datetime) -> str:
    """`2026-11-23T10:15:00.000Z`: UTC with milliseconds, as Statuspage writes its times."""
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def v2_time_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else v2_time(moment)


def files(snapshot: Snapshot) -> dict[str, Json]:
    """Every `api/v2/` file by its path under the site."""
    page = page_json(snapshot)
    components = components_json(snapshot)
    by_id = {str(component["id"]): component for component in components}
    incidents = [incident_json(i, snapshot, by_id) for i in snapshot.incidents]
    maintenances = [incident_json(i, snapshot, by_id) for i in snapshot.maintenances]
    unresolved = [i for i in incidents if i["status"] not in TERMINAL]
    upcoming = [m for m in maintenances if m["status"] == "scheduled"]
    active = [m for m in maintenances if m["status"] in ("in_progress", "verifying")]
    indicator, description = INDICATOR[snapshot.state]
    status = {"indicator": indicator, "description": description}
    return {
        "api/v2/summary.json": {
            "page": page,
            "components": components,
            "incidents": unresolved,
            "scheduled_maintenances": upcoming + active,
            "status": status,
        },
        "api/v2/status.json": {"page": page, "status": status},
        "api/v2/components.json": {"page": page, "components": components},
        "api/v2/incidents.json": {"page": page, "incidents": incidents[:RECENT]},
        "api/v2/incidents/unresolved.json": {"page": page, "incidents": unresolved},
        "api/v2/scheduled-maintenances.json": {
            "page": page,
            "scheduled_maintenances": maintenances[:RECENT],
        },
        "api/v2/scheduled-maintenances/upcoming.json": {
            "page": page,
            "scheduled_maintenances": upcoming,
        },
        "api/v2/scheduled-maintenances/active.json": {
            "page": page,
            "scheduled_maintenances": active,
        },
    }


def public_url(site: Site) -> str | None:
    """`site.url`, else `https://<site.cname>/`: Statuspage always says where its page is.
    None only when the config names neither."""
    if site.url:
        return site.url
    return f"https://{site.cname}/" if site.cname else None


def page_json(snapshot: Snapshot) -> Json:
    site = snapshot.site
    return {
        "id": page_id(site),
        "name": site.title,
        "url": public_url(site),
        "time_zone": site.timezone,
        "updated_at": v2_time(snapshot.now),
    }


def components_json(snapshot: Snapshot) -> list[Json]:
    """Groups each followed by their monitors, then the monitors without a group."""
    monitors = {monitor.id: monitor for monitor in snapshot.monitors}
    ordered: list[Json] = []
    for group in snapshot.groups:
        children = [monitor_component(monitors[m], snapshot) for m in group.members]
        ordered += [group_component(group, children, snapshot), *children]
    ordered += [monitor_component(m, snapshot) for m in snapshot.monitors if m.group is None]
    for position, component in enumerate(ordered, start=1):
        component["position"] = position
    return ordered


def monitor_component(monitor: MonitorSnapshot, snapshot: Snapshot) -> Json:
    observed = [day.day for day in monitor.timeline.days if day.observed > 0]
    # Since when it is shown with data, as far back as the page's history goes.
    created = day_bounds(observed[0], snapshot.site.timezone)[0] if observed else None
    updated = monitor.timeline.last_checked
    description = monitor.description or None
    if monitor.state == "nodata":
        description = f"{description} ({NO_DATA_NOTE})" if description else NO_DATA_NOTE
    return _component(
        snapshot,
        id=monitor.id,
        name=monitor.name,
        status=COMPONENT_STATUS[monitor.state],
        created_at=v2_time(created or snapshot.now),
        updated_at=v2_time(updated or snapshot.now),
        description=description,
        showcase=True,
        start_date=observed[0].isoformat() if observed else None,
        group_id=f"group.{monitor.group}" if monitor.group else None,
        group=False,
    )


def group_component(group: GroupSnapshot, children: list[Json], snapshot: Snapshot) -> Json:
    statuses = [child["status"] for child in children]
    status = COMPONENT_STATUS[group.state]
    if status == "major_outage" and statuses.count(status) < len(statuses):
        status = "partial_outage"  # some of its monitors are down, not all
    starts = [str(child["start_date"]) for child in children if child["start_date"]]
    component = _component(
        snapshot,
        id=f"group.{group.id}",
        name=group.name,
        status=status,
        created_at=min(str(child["created_at"]) for child in children),
        updated_at=max(str(child["updated_at"]) for child in children),
        description=group.description or None,
        showcase=False,
        start_date=min(starts, default=None),
        group_id=None,
        group=True,
    )
    component["components"] = [child["id"] for child in children]
    return component


def _component(
    snapshot: Snapshot,
    *,
    id: str,
    name: str,
    status: str,
    created_at: str,
    updated_at: str,
    description: str | None,
    showcase: bool,
    start_date: str | None,
    group_id: str | None,
    group: bool,
) -> Json:
    """The Statuspage component fields in their usual order; position is set by the list."""
    return {
        "id": id,
        "name": name,
        "status": status,
        "created_at": created_at,
        "updated_at": updated_at,
        "position": 0,
        "description": description,
        "showcase": showcase,
        "start_date": start_date,
        "group_id": group_id,
        "page_id": page_id(snapshot.site),
        "group": group,
        "only_show_if_degraded": False,
    }


def published_times(entry: Entry, now: datetime) -> Times:
    """`entry_times`, published dates never after `now`: maintenance not yet announced (or
    with an update dated ahead) says it was created and updated by this build."""
    times = entry_times(entry)
    return replace(times, created=min(times.created, now), updated=min(times.updated, now))


def incident_json(entry: Entry, snapshot: Snapshot, components: dict[str, Json]) -> Json:
    times = published_times(entry, snapshot.now)
    # Statuspage starts maintenance when it was created; its window is `scheduled_for`.
    started = times.created if entry.kind == "maintenance" else entry.start
    url = public_url(snapshot.site)
    data: Json = {
        "id": entry.id,
        "name": entry.title,
        "status": entry.status,
        "created_at": v2_time(times.created),
        "updated_at": v2_time(times.updated),
        "monitoring_at": v2_time_or_none(times.monitoring),
        "resolved_at": v2_time_or_none(times.resolved),
        "impact": "maintenance" if entry.kind == "maintenance" else entry.impact,
        "shortlink": f"{url.rstrip('/')}/incidents/{entry.id}/" if url else None,
        "started_at": v2_time(started),
        "page_id": page_id(snapshot.site),
        # Only public monitors are components, so a private one is silently left out.
        "components": [components[m] for m in entry.monitors if m in components],
        "incident_updates": updates_json(entry, components, times),
    }
    if entry.kind == "maintenance":
        data["scheduled_for"] = v2_time(entry.start)
        data["scheduled_until"] = v2_time_or_none(entry.end)
    return data


RESOLVED_BODY = "This incident has been resolved."  # what Statuspage's form says


def updates_json(entry: Entry, components: dict[str, Json], times: Times) -> list[Json]:
    return [
        {
            "id": update_id,
            "status": update.status,
            "body": update.message,
            "incident_id": entry.id,
            "created_at": v2_time(update.at),
            "updated_at": v2_time(update.at),
            "display_at": v2_time(update.at),
            "affected_components": affected_components(update, components),
            "deliver_notifications": entry.notify,
            "custom_tweet": None,
            "tweet_id": None,
        }
        for update_id, update in numbered_updates(entry, times)
    ]


def numbered_updates(entry: Entry, times: Times) -> list[tuple[str, EntryUpdate]]:
    """Every update with its id, newest first by time (written before detected at the same
    time); a "resolved" one at `times.resolved` when a resolved incident has none, and a
    "scheduled" one with the write-up at `times.created` for maintenance without updates.
    Ids survive new updates: a written one is `<id>-<n>`, n counting the written updates
    oldest first; a detected one is `<id>-<status>-<its time>`, an added one `<id>-<status>`."""
    written = [u for u in entry.updates if not u.detected]
    listed = [(f"{entry.id}-{n}", u) for n, u in enumerate(written, start=1)]
    listed += [
        (f"{entry.id}-{u.status}-{u.at.astimezone(UTC):%Y%m%dT%H%M%SZ}", u)
        for u in entry.updates
        if u.detected
    ]
    resolved = times.resolved
    if resolved and entry.kind != "maintenance" and all(u.status != "resolved" for _, u in listed):
        closing = EntryUpdate(resolved, "resolved", RESOLVED_BODY, detected=False)
        listed.append((f"{entry.id}-resolved", closing))
    if entry.kind == "maintenance" and not listed:
        notice = EntryUpdate(times.created, "scheduled", entry.body or entry.title, detected=False)
        listed.append((f"{entry.id}-scheduled", notice))
    order = {update_id: n for n, (update_id, _) in enumerate(listed)}
    return sorted(
        listed, key=lambda pair: (pair[1].at, not pair[1].detected, order[pair[0]]), reverse=True
    )


def affected_components(update: EntryUpdate, components: dict[str, Json]) -> list[Json] | None:
    """The public components whose status a written update changed, as Statuspage lists
    them (`code` is the component id); null when it changed none, as Statuspage writes it."""
    changed = [
        {"code": m, "name": components[m]["name"], "old_status": old, "new_status": new}
        for m, old, new in update.changes
        if m in components
    ]
    return changed or None
