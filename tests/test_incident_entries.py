"""Detected outages merged with written incidents: one event, one entry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from configuration.incidents import Incident
from configuration.loader import load_config_text
from configuration.models import Config
from history.timeline import MonitorTimeline, Outage
from rendering.text.i18n import Locale
from rendering.views.entries import Entry, incident_entries
from tests.conftest import SMALL_CONFIG

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
PRIVATE = """\
  - id: internal
    name: Internal admin
    type: tcp
    host: admin.example.com
    port: 22
    interval: 1h
    public: false
"""


def config() -> Config:
    return load_config_text(SMALL_CONFIG + PRIVATE)


def outage(monitor: str, start_h: float, end_h: float | None = None) -> Outage:
    day = datetime(2026, 11, 23, tzinfo=UTC)
    return Outage(
        monitor_id=monitor,
        start=day + timedelta(hours=start_h),
        end=None if end_h is None else day + timedelta(hours=end_h),
        regions=("eu-west", "us-east"),
        first_error="connect: Connection refused",
        failed_conditions=("[CONNECTED] == true",),
    )


def timelines(*outages: Outage) -> dict[str, MonitorTimeline]:
    ids = ("api", "db", "internal")
    return {
        monitor: MonitorTimeline(
            monitor, [], None, None, outages=[o for o in outages if o.monitor_id == monitor]
        )
        for monitor in ids
    }


def incident(**fields: Any) -> Incident:
    data = {"id": "api-errors", "title": "API errors", "monitors": ["api"], **fields}
    data.setdefault("started_at", "2026-11-23T10:05:00Z")
    return Incident.model_validate(data)


def entries(incidents: Sequence[Incident], *outages: Outage) -> list[Entry]:
    return incident_entries(incidents, timelines(*outages), config(), NOW)


def test_an_ongoing_outage_is_an_investigating_entry() -> None:
    [entry] = entries([], outage("api", 11.5))
    assert (entry.kind, entry.title, entry.status, entry.impact) == (
        "outage",
        "API is down",
        "investigating",
        "major",
    )
    assert entry.active and entry.end is None and entry.id == "outage-api-20261123T1130Z"
    assert entry.updates[0].message == (
        "API is down from Europe, US East: connect: Connection refused. "
        "Failed: [CONNECTED] == true."
    )
    assert entry.updates[0].detected


def test_a_resolved_outage_says_how_long_it_lasted() -> None:
    [entry] = entries([], outage("db", 9, 9.2))
    assert entry.status == "resolved" and not entry.active
    assert entry.updates[-1].message == "Database is back up after 12 min."
    assert entry.duration(NOW) == timedelta(minutes=12)


def test_a_written_incident_absorbs_its_overlapping_outage() -> None:
    written = incident(
        updates=[
            {"at": "2026-11-23T10:10:00Z", "status": "identified", "message": "Pool exhausted."}
        ],
        resolved_at="2026-11-23T10:40:00Z",
        body="Post-mortem <script>alert(1)</script> **soon**.",
    )
    [entry] = entries([written], outage("api", 10, 10.5))
    assert (entry.id, entry.title, entry.kind, entry.status) == (
        "api-errors",
        "API errors",
        "incident",
        "resolved",
    )
    assert [(u.detected, u.status) for u in entry.updates] == [
        (False, "identified"),
        (True, "investigating"),  # 10:00, before anything was written
        (True, "identified"),  # back up at 10:30: people resolved it at 10:40
    ]
    assert entry.start == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # the outage began first
    assert entry.end == datetime(2026, 11, 23, 10, 40, tzinfo=UTC)
    assert len(entry.outages) == 1
    assert "<script" not in entry.body_html and "<strong>soon</strong>" in entry.body_html


def test_an_incident_written_minutes_after_the_outage_still_absorbs_it() -> None:
    late = incident(started_at="2026-11-23T10:40:00Z", resolved_at="2026-11-23T10:45:00Z")
    assert len(entries([late], outage("api", 10, 10.5))) == 1


def test_other_monitors_and_other_times_stay_separate() -> None:
    written = incident(resolved_at="2026-11-23T10:40:00Z")
    result = entries([written], outage("db", 10, 10.5), outage("api", 3, 3.5))
    assert sorted(entry.title for entry in result) == [
        "API errors",
        "API is down",
        "Database is down",
    ]
    assert [entry.title for entry in result] == ["API errors", "Database is down", "API is down"]


def test_an_outage_joins_the_incident_it_overlaps_most_and_only_that_one() -> None:
    first = incident(
        id="first", started_at="2026-11-23T09:00:00Z", resolved_at="2026-11-23T10:05:00Z"
    )
    second = incident(id="second", started_at="2026-11-23T10:10:00Z")
    result = entries([first, second], outage("api", 10, 11))
    assert len(result) == 2
    by_id = {entry.id: entry for entry in result}
    assert len(by_id["second"].outages) == 1 and by_id["first"].outages == ()


def test_private_monitors_never_show() -> None:
    written = incident(monitors=["api", "internal"])
    result = entries([written], outage("internal", 10, 10.5), outage("internal", 2))
    [entry] = result
    assert entry.monitors == ("api",) and entry.outages == ()
    assert all("Internal" not in update.message for update in entry.updates)


def test_an_outage_inside_maintenance_is_not_shown() -> None:
    window = Incident.model_validate(
        {
            "id": "upgrade",
            "title": "Upgrade",
            "kind": "maintenance",
            "monitors": ["db"],
            "scheduled_start": "2026-11-23T02:00:00Z",
            "scheduled_end": "2026-11-23T04:00:00Z",
        }
    )
    result = entries([window], outage("db", 2.5, 3), outage("db", 5, 5.5))
    assert sorted(entry.id for entry in result) == ["outage-db-20261123T0500Z", "upgrade"]
    [maintenance] = [entry for entry in result if entry.kind == "maintenance"]
    assert maintenance.status == "completed" and not maintenance.active
    assert maintenance.end == datetime(2026, 11, 23, 4, tzinfo=UTC)


def test_upcoming_maintenance_is_flagged() -> None:
    soon = Incident.model_validate(
        {
            "id": "soon",
            "title": "Soon",
            "kind": "maintenance",
            "scheduled_start": "2026-11-24T02:00:00Z",
            "scheduled_end": "2026-11-24T04:00:00Z",
        }
    )
    [entry] = entries([soon])
    assert entry.upcoming and not entry.active and entry.status == "scheduled"
    assert entry.updated_at == entry.start


def test_hide_errors_keeps_the_error_and_conditions_off_the_entry() -> None:
    interval = "    interval: 1h\n"
    hiding = SMALL_CONFIG.replace(interval, interval + "    hide_errors: true\n", 1)  # the api
    [entry] = incident_entries([], timelines(outage("api", 11.5)), load_config_text(hiding), NOW)
    assert entry.updates[0].message == "API is down from Europe, US East."
    assert entry.outages[0].first_error is None and entry.outages[0].failed_conditions == ()


@pytest.mark.parametrize(
    ("regions", "error", "conditions", "line"),
    [
        (("eu-west",), "dns: NXDOMAIN", ("[DNS_RCODE] == NOERROR",),
         "Database est en panne (vu depuis Europe) : dns: NXDOMAIN. "
         "Conditions non remplies : [DNS_RCODE] == NOERROR."),
        (("eu-west", "us-east"), None, (), "Database est en panne (vu depuis Europe, US East)."),
        ((), "dns: NXDOMAIN", (), "Database est en panne : dns: NXDOMAIN."),
        ((), None, (), "Database est en panne."),
    ],
)  # fmt: skip
def test_detected_facts_are_worded_in_the_language_asked_for(
    regions: tuple[str, ...], error: str | None, conditions: tuple[str, ...], line: str
) -> None:
    detected = replace(
        outage("db", 11, 11.2), regions=regions, first_error=error, failed_conditions=conditions
    )
    locale = Locale("fr", "UTC")
    [entry] = incident_entries([], timelines(detected), config(), NOW, locale)
    assert entry.title == "Database est en panne"
    back = "Database est de nouveau opérationnel après 12\xa0min."
    assert [update.message for update in entry.updates] == [line, back]


def test_an_update_dated_after_now_is_not_news_yet() -> None:
    """A resolved update (or resolved_at) written ahead of time, e.g. by a wrong time zone,
    neither resolves the incident nor shows before its time; once it has come, it does."""
    ahead = incident(
        updates=[
            {"at": "2026-11-23T10:10:00Z", "status": "identified", "message": "Pool exhausted."},
            {"at": "2026-11-23T13:00:00Z", "status": "resolved", "message": "Fixed."},
        ]
    )
    [entry] = entries([ahead])
    assert (entry.status, entry.active, entry.end) == ("identified", True, None)
    assert [u.message for u in entry.updates] == ["Pool exhausted."]
    assert entry.updated_at <= NOW
    later = incident_entries([ahead], timelines(), config(), NOW + timedelta(hours=2))
    assert (later[0].status, later[0].active) == ("resolved", False)
    assert later[0].end == datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
    by_field = incident(resolved_at="2026-11-23T15:00:00Z")
    [entry] = entries([by_field])
    assert (entry.status, entry.active, entry.end) == ("investigating", True, None)
