"""manual: a component nobody probes, whose status people write (Statuspage's components).

It has no target and is never checked: no region runs it (`Config.regions_for` is empty),
so `vigil check` and the check workflow skip it and no result is ever written for it. What
it shows comes only from the incidents and maintenance that affect it
(`configuration.impacts.shown_state`, with "operational" as what its checks would say):
operational with 100 % uptime while nothing is open, as a Statuspage component that nobody
touched. Its days count in full (every elapsed second is observed), so a written major outage
of an hour on a day is exactly an hour down.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from checks.base import CheckType, ProbeContext
from checks.result import ErrorKind, Observation
from configuration.monitor import MonitorBase


class ManualMonitor(MonitorBase):
    """Never checked: no target, no results; its status comes only from the incidents and
    maintenance that name it (`affects:`), operational while none is open. The check
    settings (`interval`, `regions`, …) are accepted and unused.

    A component as on Statuspage."""

    type: Literal["manual"] = Field(description="Check type.")

    @model_validator(mode="after")
    def _nothing_to_check(self) -> ManualMonitor:
        if self.conditions or self.assertions or self.degraded_conditions:
            raise ValueError(
                "a manual monitor is never checked: remove its conditions and assertions"
            )
        return self

    @property
    def target(self) -> str:
        return ""

    @property
    def checked(self) -> bool:
        return False


async def probe(monitor: ManualMonitor, context: ProbeContext) -> Observation:
    """Never called (no region checks a manual monitor); says so if it ever is."""
    return Observation.failed(ErrorKind.INTERNAL, "a manual monitor is never checked")


CHECK = CheckType(name="manual", model=ManualMonitor, probe=probe)
