"""What a written incident or maintenance says of a monitor: Statuspage's five component
statuses, how they rank, how they weigh in uptime, and how they combine with what the checks
say. Defined once; the page, both APIs, the feeds, the badges, the history and the alerts
import it.

- **Rank** (Statuspage's severity order): operational < under maintenance < degraded
  performance < partial outage < major outage. Several open incidents on one monitor: the
  worst wins.
- **With the checks:** while an incident or maintenance holds a monitor, the monitor shows the
  worse of what its checks say and what was written (`shown_state`). Under maintenance is the
  exception, as it always was: it replaces what the checks say (failures in a maintenance
  window are expected).
- **Uptime weights** (`DOWNTIME_WEIGHT`): a second of major outage is a second down, a second
  of partial outage is 0.3 of a second down, degraded performance is up. This is the rule of
  Statuspage's uptime showcase, the one its users know: minutes in major outage count in
  full, minutes in partial outage at 30 % (help.statuspage.io, "Display historical uptime of
  components"; Instatus and Sorry describe Statuspage's rule with the same 0.3). A partial
  outage is one that some users see and others do not; 0.3 counts it without equating it with
  the outage that hit everyone. Under maintenance is left out of uptime, like no data.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Impact(StrEnum):
    """A component status, spelled as Statuspage spells it."""

    OPERATIONAL = "operational"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    UNDER_MAINTENANCE = "under_maintenance"


RANK = (
    Impact.OPERATIONAL,
    Impact.UNDER_MAINTENANCE,
    Impact.DEGRADED_PERFORMANCE,
    Impact.PARTIAL_OUTAGE,
    Impact.MAJOR_OUTAGE,
)
# Seconds down per second in each status; under maintenance is not in it: left out of uptime.
DOWNTIME_WEIGHT = {
    Impact.OPERATIONAL: 0.0,
    Impact.DEGRADED_PERFORMANCE: 0.0,
    Impact.PARTIAL_OUTAGE: 0.3,
    Impact.MAJOR_OUTAGE: 1.0,
}
# What a monitor listed under `monitors:` (no impact of its own) is while the incident is
# open: Statuspage's incident impact read back as the component status that would cause it.
FROM_INCIDENT_IMPACT = {
    "none": Impact.OPERATIONAL,
    "minor": Impact.DEGRADED_PERFORMANCE,
    "major": Impact.PARTIAL_OUTAGE,
    "critical": Impact.MAJOR_OUTAGE,
}
FOR_MAINTENANCE = Impact.UNDER_MAINTENANCE  # a monitor listed in a maintenance notice

# The history's and the page's word for each status (`checks.result.Status` values, plus
# `partial`, which only a person can say).
PARTIAL = "partial"
STATE = {
    Impact.OPERATIONAL: "up",
    Impact.DEGRADED_PERFORMANCE: "degraded",
    Impact.PARTIAL_OUTAGE: PARTIAL,
    Impact.MAJOR_OUTAGE: "down",
    Impact.UNDER_MAINTENANCE: "maintenance",
}
IMPACT_OF_STATE = {state: impact for impact, state in STATE.items()}


def worst(impacts: Iterable[Impact]) -> Impact | None:
    """The worst of `impacts` by `RANK`; None when there are none."""
    return max(impacts, key=RANK.index, default=None)


def shown_state(checks: str | None, written: Impact | None) -> str | None:
    """The one rule for what a monitor shows: `checks` is what its checks say (`up`,
    `degraded`, `down`; None: no recent result), `written` what the open incidents and
    maintenance say of it (None: nothing). Returns a `STATE` word, or None for no data."""
    if written is None or written is Impact.OPERATIONAL:
        return checks
    if written is Impact.UNDER_MAINTENANCE:
        return STATE[written]
    if checks is None or checks not in IMPACT_OF_STATE:
        return STATE[written]
    return STATE[worst([IMPACT_OF_STATE[checks], written]) or written]


def downtime(seconds: dict[Impact, float]) -> float:
    """Weighted seconds down of time spent in each status (`DOWNTIME_WEIGHT`)."""
    return sum(seconds.get(impact, 0.0) * weight for impact, weight in DOWNTIME_WEIGHT.items())
