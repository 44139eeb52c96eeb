"""What the public read APIs are built from: the `Snapshot` of one build (public monitors and
groups as the page shows them, incidents, maintenance) and the helpers both APIs share. The
files are a Statuspage-compatible `api/v2/` (`rendering.api.v2`) and the seeds' `api/v1/`
(`rendering.api.v1`), written together by `rendering.api.writer`.

Both are serialised from dicts built in those modules (`json.dumps`, never templates) and say
what the HTML page says: the states come from the same `page_view`, so the API never
disagrees with the page. Each file shape has a JSON Schema in `schemas/`; `tests/test_api.py`
validates every built file against it.

Decisions (the formats leave them open):

- **Only public monitors.** A monitor with `public: false` is in no file: not as a component,
  not in an incident's components, not in a group's children. A group without public
  monitors is left out, as on the page.
- **Ids are stable across builds:** a monitor's component id is its config id; a group's is
  `group.<id>` (a dot is not allowed in config ids, so it cannot clash with a monitor); an
  incident's is its file id; an update's is `<incident id>-<n>`, n counting the updates in
  their file order from 1, so appending an update keeps the earlier ids. The page id is a
  hash of `site.url` (or of the title when there is no url).
- **Times** are ISO 8601 in UTC with a `Z`: to the second in `api/v1/`
  (`2026-11-23T10:15:00Z`), with milliseconds in `api/v2/` (`2026-11-23T10:15:00.000Z`), as
  Statuspage writes them; Statuspage gives the page's offset (`-05:00`), Vigil UTC.
- **No data.** Statuspage has no "unknown" component status, and aggregators reject values
  outside its set, while the timeline keeps no last known state once results are stale. So in
  `api/v2/` a monitor without recent checks is `operational` (Statuspage's "nothing
  reported"), its `description` says "No recent checks", and when no monitor has data the
  page's `status.description` is "Status Unknown: No Recent Checks" with indicator `none`.
  Missing data is never reported as an outage (no false alarms). `api/v1/` has no fixed set,
  so it says `unknown` there.
- **Down** is `major_outage` for a monitor (the quorum of regions agreed). A group with some
  but not all of its monitors down is `partial_outage`.
- **Written statuses** (an open incident's `affects`, docs/incidents.md) combine with the
  checks by `configuration.impacts.shown_state`; a component's `status` is the result. An
  incident's `components` are its affected public monitors as they are now; each written
  update's `affected_components` lists the public monitors whose status it changed
  (`code` is the monitor id), the first against operational, a resolving one back to
  operational; null when it changed none, as Statuspage writes it.
- **Updates** are listed newest first by time, written and detected alike. An incident's
  `resolved_at` is the time of its newest "resolved" update; a written incident resolved by
  `resolved_at` (or `status`) alone gets one at that time in `api/v2/`, with Statuspage's
  words "This incident has been resolved.", so every resolved incident has exactly one.
- **The page indicator** follows the components, raised to the worst impact of the open
  incidents, as Statuspage raises it (minor, major, critical; see `rendering.views.index`).
- **Response time** (`api/v1/` `response_time_ms`) is the median (p50) response time of the
  last 24 hours over all regions, rounded to whole milliseconds; null without results in that
  window. A median over a day says what users typically get, where the latest single result
  would swing with every network blip.
- **Error budget** (`api/v1/` `slo`): a monitor with an objective (its own `slo:` or its
  group's) has this month's budget, used and left minutes and the share left, by the rule
  of `history.slo`; null without one.
- **Incidents and maintenance** come from the build's entries (`rendering.views.entries`), as on the
  page: a written incident with the outages it absorbed is one incident, and a detected
  outage nobody wrote about is an incident of its own (id `outage-<monitor>-<start>`, impact
  major). Listed newest first by their start; `incidents.json` holds incidents and outages,
  `scheduled-maintenances.json` maintenance, 50 of each at most.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from configuration.models import Config, Site
from configuration.times import utc_iso
from history.slo import ErrorBudget
from history.timeline import MonitorTimeline
from rendering.views.budget import monitor_budget
from rendering.views.entries import Entry
from rendering.views.index import PageView

Json = dict[str, object]
RECENT = 50  # incidents per list, as Statuspage's incidents.json
TERMINAL = ("resolved", "completed")


@dataclass(frozen=True)
class MonitorSnapshot:
    """A public monitor as the page shows it."""

    id: str
    name: str
    description: str
    state: str  # up | degraded | down | maintenance | nodata
    group: str | None  # id of its (declared) group
    timeline: MonitorTimeline
    budget: ErrorBudget | None = None  # this month's, with an objective (`slo:`)


@dataclass(frozen=True)
class GroupSnapshot:
    id: str
    name: str
    description: str
    state: str  # the worst state of its public monitors
    members: list[str]  # public monitor ids, in page order


@dataclass(frozen=True)
class Snapshot:
    """Everything the API files are built from, public monitors only."""

    site: Site
    now: datetime
    state: str  # the page's state: up | degraded | partial | major | maintenance | nodata
    monitors: list[MonitorSnapshot]  # in page order
    groups: list[GroupSnapshot]
    incidents: list[Entry]  # written incidents and detected outages, newest first
    maintenances: list[Entry]  # kind maintenance, newest first


def snapshot_of(
    config: Config,
    page: PageView,
    timelines: Mapping[str, MonitorTimeline],
    entries: Sequence[Entry],
    now: datetime,
) -> Snapshot:
    # The page's own view model, so that states and grouping match the page exactly.
    declared = {group.id for group in config.groups}
    monitors = [
        MonitorSnapshot(
            m.id,
            m.name,
            m.description,
            m.state,
            g.id or None,
            timelines[m.id],
            monitor_budget(config, config.monitor(m.id), timelines[m.id], now),
        )
        for g in page.groups
        for m in g.monitors
    ]
    groups = [
        GroupSnapshot(g.id, g.name, g.description, g.state, [m.id for m in g.monitors])
        for g in page.groups
        if g.id in declared
    ]
    ordered = sorted(entries, key=lambda e: (e.start, e.id), reverse=True)
    return Snapshot(
        site=config.site,
        now=now,
        state=page.state,
        monitors=monitors,
        groups=groups,
        incidents=[e for e in ordered if e.kind != "maintenance"],
        maintenances=[e for e in ordered if e.kind == "maintenance"],
    )


def iso_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else utc_iso(moment)


def page_id(site: Site) -> str:
    return hashlib.sha256((site.url or site.title).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Times:
    """When an incident was created, last changed, reached monitoring and ended."""

    created: datetime
    updated: datetime
    monitoring: datetime | None
    resolved: datetime | None


def entry_times(entry: Entry) -> Times:
    """The API's and the feeds' times of an entry; `updated` moves with every change."""
    posted = [update.at for update in entry.updates]
    # Maintenance is published when announced, before its window and still once it began;
    # never at its future start.
    created = min([entry.start if entry.announced is None else entry.announced, *posted])

    def first(wanted: str) -> datetime | None:
        return next((u.at for u in entry.updates if u.status == wanted), None)

    resolved = None
    if entry.status in TERMINAL:
        said = [u.at for u in entry.updates if u.status == entry.status]
        if entry.kind == "maintenance":  # the window's end, else the update that said so
            resolved = entry.end or first(entry.status) or max([created, *posted])
        else:  # the newest update that resolved it, else the written or detected end
            resolved = max(said, default=None) or entry.end or max([created, *posted])
    events = [created, *posted, *([resolved] if resolved else [])]
    if entry.kind == "maintenance" and entry.status != "scheduled":
        events.append(entry.start)  # the clock moved it to in progress
    return Times(created, max(events), first("monitoring"), resolved)
