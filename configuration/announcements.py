"""Announcements: news that is not an incident ("We move to a new data centre on 1 March",
"Support is closed over the holidays"), declared under `announcements:` in config.yaml.

One is shown, pinned above the services and in `status-live.json`, from its `from` until
its `until` (`Announcement.shown_at`, the one rule); the feeds list it from its `from`, which
is when it was posted, never a future time.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field, model_validator

from configuration.incidents import Moment
from configuration.monitor import Identifier, OneLine, Options


class Level(StrEnum):
    """How an announcement is shown: `info` in the maintenance colour, `warning` in the
    degraded one."""

    INFO = "info"
    WARNING = "warning"


class Announcement(Options):
    """News pinned above the services while it is current, and in the feeds."""

    id: Identifier = Field(description="Stable key: the anchor on the page and the feed item id.")
    title: OneLine = Field(description="One line, e.g. `Support is closed on 24-26 December`.")
    message: str = Field("", description="Markdown under the title, as an incident's body.")
    level: Level = Field(Level.INFO, description="`info` or `warning`: how it is coloured.")
    starts: Moment = Field(
        alias="from",
        description="When it was posted and is first shown, e.g. `2026-12-01T09:00:00Z`; "
        "the feeds date it so, and list it only from then.",
    )
    until: Moment | None = Field(
        None, description="When it stops being shown on the page; unset: until removed."
    )

    @model_validator(mode="after")
    def _until_after_from(self) -> Announcement:
        if self.until is not None and self.until <= self.starts:
            raise ValueError("`until` must be after `from`")
        return self

    def shown_at(self, now: datetime) -> bool:
        """Pinned on the page at `now`: from `from` until (not including) `until`."""
        return self.starts <= now and (self.until is None or now < self.until)
