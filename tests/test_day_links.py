"""A day of the 90-day bar is a day in the page's time zone, and so are its links: an incident
at 05:00 on 24 November in Tokyo is linked from the 24 November segment there, and one at
19:00 on 23 November in Los Angeles (03:00 UTC on the 24th) from the 23rd."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from history.model import Day
from rendering.text.i18n import Locale
from rendering.views.entries import Entry
from rendering.views.segments import segment

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def incident(start: datetime) -> Entry:
    return Entry(
        id="2026-11-24-outage",
        kind="incident",
        title="Elevated errors",
        status="resolved",
        impact="major",
        monitors=("api",),
        start=start,
        end=start + timedelta(minutes=30),
        updates=(),
        body_html="",
        outages=(),
        active=False,
        upcoming=False,
        notify=False,
    )


@pytest.mark.parametrize(
    ("timezone", "start", "linked_from"),
    [
        ("Asia/Tokyo", datetime(2026, 11, 23, 20, 0, tzinfo=UTC), date(2026, 11, 24)),
        ("America/Los_Angeles", datetime(2026, 11, 24, 3, 0, tzinfo=UTC), date(2026, 11, 23)),
        ("UTC", datetime(2026, 11, 23, 23, 20, tzinfo=UTC), date(2026, 11, 23)),
    ],
)
def test_an_incident_is_linked_from_its_day_in_the_pages_time_zone(
    timezone: str, start: datetime, linked_from: date
) -> None:
    locale = Locale("en", timezone)
    entries = [incident(start)]
    for day in (date(2026, 11, 22), date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)):
        links = segment(Day(day=day, up=86400.0), entries, NOW, locale).links
        expected = ("incidents/2026-11-24-outage/",) if day == linked_from else ()
        assert tuple(link.href for link in links) == expected, day
