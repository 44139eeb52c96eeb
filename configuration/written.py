"""What the incidents and maintenance say of each monitor over time: the one rule the page,
the history and the alerts follow (the worst claim wins where several hold a monitor), and
the questions asked of it ("what is written at t", "in maintenance at t", the windows)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import pairwise

from configuration.impacts import Impact, worst
from configuration.incidents import INSTANT, Incident, Stretch

Piece = tuple[datetime, datetime, Impact]


def written_stretches(
    incidents: Sequence[Incident], start: datetime | None = None, end: datetime | None = None
) -> list[Stretch]:
    """The one rule of what the incidents and maintenance say of each monitor: (monitor,
    start, end, impact) over [start, end), oldest first, a monitor's stretches never
    overlapping. Where several hold the same monitor, the worst (`impacts.RANK`) wins."""
    claimed: dict[str, list[tuple[datetime, datetime, Impact]]] = {}
    for incident in incidents:
        for monitor_id, low, high, impact in incident.claims(start, end):
            claimed.setdefault(monitor_id, []).append((low, high, impact))
    stretches = [
        (monitor_id, low, high, impact)
        for monitor_id, claims in claimed.items()
        for low, high, impact in _worst_of(claims)
    ]
    return sorted(stretches, key=lambda stretch: (stretch[1], stretch[2], stretch[0]))


def _worst_of(claims: Iterable[tuple[datetime, datetime, Impact]]) -> list[Piece]:
    """Overlapping claims on one monitor cut into pieces, each with the worst claim on it."""
    ordered = sorted(claims)
    points = sorted({moment for low, high, _ in ordered for moment in (low, high)})
    pieces: list[Piece] = []
    active: list[tuple[datetime, datetime, Impact]] = []
    next_claim = 0
    for low, high in pairwise(points):
        while next_claim < len(ordered) and ordered[next_claim][0] <= low:
            active.append(ordered[next_claim])
            next_claim += 1
        active = [claim for claim in active if claim[1] > low]
        impact = worst(claim[2] for claim in active)
        if impact is None:
            continue
        if pieces and pieces[-1][1] == low and pieces[-1][2] == impact:
            pieces[-1] = (pieces[-1][0], high, impact)
        else:
            pieces.append((low, high, impact))
    return pieces


def written_status(incidents: Sequence[Incident], at: datetime) -> dict[str, Impact]:
    """What the incidents and maintenance say of each monitor they hold at `at`."""
    return {
        monitor_id: impact
        for monitor_id, low, high, impact in written_stretches(incidents, at, at + INSTANT)
        if low <= at < high  # a maintenance window is not cut to the range asked
    }


def in_maintenance(incidents: Sequence[Incident], at: datetime) -> set[str]:
    """The monitors under maintenance at `at`, by the one rule (`written_stretches`, with
    `Incident.windows`) that the page, the history and the alerts follow."""
    return {
        monitor_id
        for monitor_id, impact in written_status(incidents, at).items()
        if impact is Impact.UNDER_MAINTENANCE
    }


def maintenance_windows(
    incidents: Sequence[Incident], start: datetime | None = None, end: datetime | None = None
) -> list[tuple[str, datetime, datetime]]:
    """(monitor id, start, end) of every stretch a monitor is under maintenance overlapping
    [start, end), recurrences expanded; without a range every window (an open-ended
    recurrence up to `RECURRENCE_HORIZON` after its scheduled_start)."""
    return [
        (monitor_id, low, high)
        for monitor_id, low, high, impact in written_stretches(incidents, start, end)
        if impact is Impact.UNDER_MAINTENANCE
    ]
