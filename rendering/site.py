"""Write the static site. The whole tree is rendered into a temporary folder next to the
output and swapped in at the end, so a visitor or a deploy never sees a half-built site.

Builds may run at once (`vigil serve` and a `vigil build`): each renders into its own
`.site.tmp-<pid>-<token>` folder, and the swaps take turns under a lock on the folder that
holds the site, the last one winning. Folders left by a build that was killed are removed
by the next build.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from configuration.incidents import Incident
from configuration.models import Config
from configuration.pages import page_config, page_incidents
from history.specs import monitor_specs, written_windows
from history.store import ResultStore
from history.timeline import HISTORY_DAYS, MonitorTimeline, monitor_timelines
from rendering.api.metrics import write_metrics
from rendering.api.writer import write_api
from rendering.badges.writer import write_badges
from rendering.feeds.calendar import write_calendars
from rendering.feeds.writer import write_feeds
from rendering.hosting.writer import write_hosting
from rendering.pages.widget import write_widget
from rendering.pages.writer import forget_templates, write_pages
from rendering.views.context import BuildContext, Writer
from rendering.views.entries import Entry, incident_entries
from rendering.views.index import PageView, page_view

BAR_DAYS = 90


@dataclass(frozen=True)
class Judged:
    """The history judged once for a build, for every monitor of the config."""

    timelines: dict[str, MonitorTimeline]  # by monitor id
    checked: dict[str, datetime]  # when each region last checked


def judge(
    config: Config, incidents: Sequence[Incident], store: ResultStore, now: datetime
) -> Judged:
    """Query the history: every monitor's timeline, and when each region last checked."""
    timelines = monitor_timelines(
        store,
        monitor_specs(config),
        written_windows(incidents, now, HISTORY_DAYS),
        now,
        days=BAR_DAYS,
        timezone=config.site.timezone,
        raw_days=config.history.raw_days,
    )
    return Judged(timelines, store.last_checked_by_region())


def collect(
    config: Config, incidents: Sequence[Incident], store: ResultStore, now: datetime
) -> tuple[PageView, dict[str, MonitorTimeline], list[Entry]]:
    """Query the history and prepare the entries and the page's view model."""
    judged = judge(config, incidents, store, now)
    return _prepare(config, incidents, judged, now)


def _prepare(
    config: Config, incidents: Sequence[Incident], judged: Judged, now: datetime
) -> tuple[PageView, dict[str, MonitorTimeline], list[Entry]]:
    timelines = judged.timelines
    entries = incident_entries(incidents, timelines, config, now)
    return page_view(config, timelines, incidents, entries, judged.checked, now), timelines, entries


def build_site(
    config: Config,
    incidents: Sequence[Incident],
    store: ResultStore,
    out: Path,
    now: datetime,
    templates: Path | None = None,
) -> Path:
    """Render the whole site into `out`; returns the path of the index page. `templates`:
    the folder whose files override the package's (`custom_templates`)."""
    return _render(config, incidents, judge(config, incidents, store, now), out, now, templates)


def build_pages(
    config: Config,
    incidents: Sequence[Incident],
    store: ResultStore,
    out: Path,
    now: datetime,
    only: str | None = None,
    templates: Callable[[Config], Path | None] = lambda config: None,
) -> list[Path]:
    """Render each of `config.pages` (or the one with id `only`) into its folder under
    `out` from one judgement of the history; returns their index pages. `templates`: the
    folder of a page's own templates, from its config."""
    judged = judge(config, incidents, store, now)
    indexes = []
    for page in config.pages:
        if only is None or page.id == only:
            restricted = page_config(config, page)
            shown = Judged(
                {m.id: judged.timelines[m.id] for m in restricted.monitors}, judged.checked
            )
            written = page_incidents(config, page, incidents)
            folder = out / page.out_folder
            indexes.append(_render(restricted, written, shown, folder, now, templates(restricted)))
    return indexes


def _render(
    config: Config,
    incidents: Sequence[Incident],
    judged: Judged,
    out: Path,
    now: datetime,
    templates: Path | None,
) -> Path:
    page, timelines, entries = _prepare(config, incidents, judged, now)
    forget_templates()  # each build reads the templates as they are now
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    staging = out.with_name(f".{out.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    staging.mkdir()
    context = BuildContext(config, incidents, page, timelines, now, entries, templates)
    try:
        for write in WRITERS:
            write(staging, context)
        _swap(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out / "index.html"


# Every output of the site, in the order written; each is `write(folder, context)`.
WRITERS: list[Writer] = [
    write_pages,
    write_api,
    write_feeds,
    write_badges,
    write_calendars,
    write_widget,
    write_metrics,
    write_hosting,  # last: it lists the files the others wrote
]


def _swap(staging: Path, out: Path) -> None:
    old = staging.with_name(staging.name.replace(".tmp-", ".old-", 1))
    # One swap at a time: a lock on the folder that holds the site (nothing is left behind).
    folder = os.open(out.parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        if out.exists():
            out.rename(old)
        staging.rename(out)
    finally:
        os.close(folder)  # releases the lock
    shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(out: Path) -> None:
    """The staging and old folders of builds whose process no longer runs."""
    for kind in ("tmp", "old"):
        for folder in out.parent.glob(f".{out.name}.{kind}-*"):
            pid = folder.name.split("-")[1]
            if pid.isdigit() and not _running(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
