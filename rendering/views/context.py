"""What every part of the site is written from: one `BuildContext`, prepared once per build.

Each output of the site (pages, API, feeds, badges, hosting files) is a writer function
`write(folder, context)` listed in `rendering.site.WRITERS`; adding an output is one new
module plus one line there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from configuration.incidents import Incident
from configuration.models import Config
from history.timeline import MonitorTimeline
from rendering.text.i18n import Locale
from rendering.views.entries import Entry, incident_entries
from rendering.views.index import PageView, page_view


@dataclass(frozen=True)
class BuildContext:
    config: Config
    incidents: Sequence[Incident]  # every incident and maintenance file, as loaded
    page: PageView  # the index page's view model; states here are what every output says
    timelines: Mapping[str, MonitorTimeline]  # by monitor id, every monitor (public or not)
    now: datetime  # the build time, UTC
    entries: Sequence[Entry]  # `incident_entries`: what every output lists, newest first;
    #                           detected facts in the page's language (see `in_language`)
    templates: Path | None = None  # the person's `site.custom_dir`, when it has files

    def in_language(self, locale: Locale) -> tuple[Sequence[Entry], PageView]:
        """The entries (detected facts worded in `locale`'s language) and the page's view
        model from them: the build's own `entries` and `page` in the site's language."""
        if locale.code == self.config.site.language:
            return self.entries, self.page
        entries = incident_entries(self.incidents, self.timelines, self.config, self.now, locale)
        checked = {
            r.id: datetime.fromisoformat(r.last_checked_iso)
            for r in self.page.regions
            if r.last_checked_iso
        }
        page = page_view(
            self.config, self.timelines, self.incidents, entries, checked, self.now, locale
        )
        return entries, page


class Writer(Protocol):
    def __call__(self, folder: Path, context: BuildContext) -> object: ...
