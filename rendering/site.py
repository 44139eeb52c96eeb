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
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from configuration.incidents import Incident
from configuration.models import Config
from history.specs import monitor_specs, written_windows
from history.store import ResultStore
from history.timeline import HISTORY_DAYS, MonitorTimeline, monitor_timelines
from rendering.api_files import write_api
from rendering.badges import write_badges
from rendering.calendar import write_calendars
from rendering.context import BuildContext, Writer
from rendering.entries import Entry, incident_entries
from rendering.feeds import write_feeds
from rendering.hosting import write_hosting
from rendering.metrics import write_metrics
from rendering.pages import forget_templates, write_pages
from rendering.view import PageView, page_view
from rendering.widget import write_widget

BAR_DAYS = 90


def collect(
    config: Config, incidents: Sequence[Incident], store: ResultStore, now: datetime
) -> tuple[PageView, dict[str, MonitorTimeline], list[Entry]]:
    """Query the history and prepare the entries and the page's view model."""
    timelines = monitor_timelines(
        store,
        monitor_specs(config),
        written_windows(incidents, now, HISTORY_DAYS),
        now,
        days=BAR_DAYS,
        timezone=config.site.timezone,
        raw_days=config.history.raw_days,
    )
    entries = incident_entries(incidents, timelines, config, now)
    checked = store.last_checked_by_region()
    return page_view(config, timelines, incidents, entries, checked, now), timelines, entries


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
    page, timelines, entries = collect(config, incidents, store, now)
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
