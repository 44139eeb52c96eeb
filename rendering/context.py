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
from rendering.entries import Entry, incident_entries
from rendering.i18n import Locale
from rendering.view import PageView, page_view


@dataclass(frozen=True)
class BuildContext:
    config: Config
    incidents: Sequence[Incident]  # every incident and maintenance file, as loaded
    page: PageView  # the index page's view model; states here are what every output says
    timelines: Mapping[str, MonitorTimeline]  # by monitor id, every monitor (public or not)
    now: datetime  # the build time, UTC
    entries: Sequence[Entry]  # `incident_entries`: what every output lists, newest first;
    #                           detected facts in the page's language (see `entries_in`)

    def entries_in(self, locale: Locale) -> Sequence[Entry]:
        """The build's entries with the detected facts worded in `locale`'s language."""
        if locale.code == self.config.site.language:
            return self.entries
        return incident_entries(self.incidents, self.timelines, self.config, self.now, locale)

    def page_in(self, locale: Locale) -> PageView:
        """The page's view model in `locale`'s language: `page` itself in the site's."""
        if locale.code == self.config.site.language:
            return self.page
        checked = {
            r.id: datetime.fromisoformat(r.last_checked_iso)
            for r in self.page.regions
            if r.last_checked_iso
        }
        entries = self.entries_in(locale)
        return page_view(
            self.config, self.timelines, self.incidents, entries, checked, self.now, locale
        )


class Writer(Protocol):
    def __call__(self, folder: Path, context: BuildContext) -> object: ...
