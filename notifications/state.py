"""`data/state.json`: what was last published, so the next run knows what changed.

Per monitor the consensus status the alerts last said, with a transition counter `seq`
that names the next transition (every region reading the same state names it the same);
per incident and maintenance the status and update count last announced. Written
atomically (temp file + rename); no secret ever goes in.

An ended problem episode is kept a while (`MonitorState.ended`), so a channel's
`min_duration` can still tell a long outage from a blip when no run fell inside it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from configuration.files import write_atomically

STATE_FILE = "state.json"
STATE_VERSION = 1
ENDED_KEPT = 16  # ended episodes remembered per monitor


class Episode(BaseModel):
    """When a monitor stopped being up, and when it was up (or under maintenance) again."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: AwareDatetime
    end: AwareDatetime


class MonitorState(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    status: str = Field(description="Last alerted consensus status: up, degraded or down.")
    seq: int = Field(ge=0, description="Transitions so far; the next one is seq + 1.")
    since: AwareDatetime = Field(description="When that status was first decided.")
    episode: tuple[str, ...] = Field(
        (), description="Keys of the problem events since it was last up; a recovery ends them."
    )
    episode_start: AwareDatetime | None = Field(
        None, description="When it stopped being up, while it is not."
    )
    component: str = Field(description="Status the page shows: up, degraded, down, maintenance.")
    component_seq: int = Field(0, ge=0, description="Changes of the page status so far.")
    component_since: AwareDatetime | None = Field(
        None, description="When the page status last changed."
    )
    ended: dict[str, Episode] = Field(
        default_factory=dict,
        description="The last few ended episodes, by the key of their last problem event.",
    )
    reminded: dict[str, int] = Field(
        default_factory=dict,
        description="Reminders decided in the open episode, by channel id.",
    )
    escalated: tuple[str, ...] = Field(
        (), description="Channels the open episode was escalated to."
    )


class PageItemState(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    status: str = Field(description="Status last announced.")
    updates: int = Field(ge=0, description="Updates in the file when last announced.")
    window: AwareDatetime | None = Field(
        None, description="Maintenance: start of the window (occurrence) that status is about."
    )


class State(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = Field(STATE_VERSION, description="Format version of this file.")
    monitors: dict[str, MonitorState] = Field(default_factory=dict)
    incidents: dict[str, PageItemState] = Field(
        default_factory=dict, description="Incidents and maintenance by id."
    )


def read_state(data_dir: Path) -> State | None:
    """The stored state; None when there is none yet (the first run records, sends nothing
    about incidents that already existed)."""
    path = data_dir / STATE_FILE
    try:
        return State.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return None


def write_state(data_dir: Path, state: State) -> None:
    write_json_atomically(data_dir / STATE_FILE, state.model_dump(mode="json"))


def write_json_atomically(path: Path, data: Any) -> None:
    """Write `data` as JSON so a reader sees the old file or the new one, never half."""
    write_atomically(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
