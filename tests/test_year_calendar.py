"""A year of history on a monitor's page: twelve month grids read from a hand-computed
history whose old days only the daily rollups still hold (raw results dropped by `vigil
compact`), each day coloured, worded and linked as the 90-day bar's, in the page's time zone.

The history (NOW is 23 November 2026, 12:00 UTC): three regions report hourly from 6 to
8 May 2026; on 7 May (200 days ago) all three say down from 00:00 to 06:00 UTC, and a
written incident covers it. Nothing before 6 May: no data."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from checks.result import Status
from configuration.incidents import load_incidents
from configuration.loader import load_config_text
from configuration.models import Config
from history.compact import compact
from history.days import year_start
from history.specs import monitor_specs
from history.store import ResultStore
from history.timeline import MonitorSpec, monitor_timelines
from rendering.pages.writer import write_pages
from rendering.site import collect
from rendering.text.display import level_colours
from rendering.text.i18n import Locale
from rendering.views.context import BuildContext
from rendering.views.segments import segment
from rendering.views.year import year_view
from tests.conftest import NOW, SMALL_CONFIG
from tests.test_history_windows import REGIONS, hourly, write

DOWN_DAY = date(2026, 5, 7)
INCIDENT_ID = "2026-05-07-api-errors"
INCIDENT = """\
---
title: API errors
impact: major
monitors: [api]
started_at: 2026-05-07T00:10:00Z
resolved_at: 2026-05-07T06:00:00Z
updates:
  - at: 2026-05-07T00:10:00Z
    status: investigating
    message: We are looking into it.
  - at: 2026-05-07T06:00:00Z
    status: resolved
    message: Fixed.
---
"""
# A calendar day: its state, colour grade, words and links, as the page writes it.
DAY = re.compile(
    r'<li class="d (?P<state>\w+) g(?P<level>\d)(?: c(?P<offset>\d))?"(?: tabindex="0")?>'
    r'<span class="tip">(?P<label>[^<]*)(?P<links>(?:<a [^>]*>[^<]*</a>)*)</span></li>'
)
MONTH = re.compile(r'<div class="cal">\s*<h3>(?P<name>[^<]*) <span class="muted">(?P<uptime>[^<]*)')


def down(hours: range) -> dict[int, dict[str, Status]]:
    return {h: dict.fromkeys(REGIONS, Status.DOWN) for h in hours}


def history(folder: Path, timezone: str, statuses: dict[int, dict[str, Status]]) -> ResultStore:
    """Hourly results from 6 May 2026 00:00 UTC for three days, compacted in `timezone`
    with a raw window of 30 days: the days of May are read from the rollups only."""
    store = ResultStore(folder)
    write(store, hourly(72, datetime(2026, 5, 9, tzinfo=UTC), statuses))
    config = site_config(timezone)
    compact(store, monitor_specs(config), [], NOW, timezone=timezone, raw_days=30)
    assert not [f for f in store.files() if f.parent.name < "date=2026-10"]  # raw dropped
    assert (folder / "rollups" / f"{DOWN_DAY}.parquet").is_file()
    return store


def site_config(timezone: str) -> Config:
    return load_config_text(SMALL_CONFIG.replace("timezone: UTC", f"timezone: {timezone}"), {})


def monitor_html(tmp_path: Path, store: ResultStore, timezone: str, incidents: bool) -> str:
    config = site_config(timezone)
    folder = tmp_path / "incidents"
    folder.mkdir(exist_ok=True)
    if incidents:
        (folder / f"{INCIDENT_ID}.md").write_text(INCIDENT)
    written = load_incidents(folder, ["api", "db"])
    page, timelines, entries = collect(config, written, store, NOW)
    out = tmp_path / "site"
    write_pages(out, BuildContext(config, written, page, timelines, NOW, entries))
    return (out / "monitors" / "api" / "index.html").read_text("utf-8")


def days_of(html: str) -> dict[str, re.Match[str]]:
    """The calendar's days by their date in words ("May 7, 2026")."""
    year = html.split('<div class="year">', 1)[1].split("</section>", 1)[0]
    return {m["label"].split(": ", 1)[0]: m for m in DAY.finditer(year)}


@pytest.fixture(scope="module")
def utc(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ResultStore]:
    tmp = tmp_path_factory.mktemp("year")
    (tmp / "incidents").mkdir()
    (tmp / "incidents" / f"{INCIDENT_ID}.md").write_text(INCIDENT)
    return tmp, history(tmp / "data", "UTC", down(range(24, 30)))  # 7 May, 00:00 to 06:00


@pytest.fixture(scope="module")
def utc_page(utc: tuple[Path, ResultStore]) -> str:
    return monitor_html(*utc, "UTC", incidents=True)


def test_twelve_months_up_to_today_and_nothing_after(utc_page: str) -> None:
    months = MONTH.findall(utc_page)
    assert [name for name, _ in months] == [
        "December 2025", "January 2026", "February 2026", "March 2026", "April 2026",
        "May 2026", "June 2026", "July 2026", "August 2026", "September 2026",
        "October 2026", "November 2026",
    ]  # fmt: skip
    # 72 hours, 6 of them down: 66 / 72 up; the other months have no data.
    assert dict(months)["May 2026"] == "91.66% uptime"
    assert dict(months)["April 2026"] == "No data"
    days = days_of(utc_page)
    assert len(days) == (NOW.date() - date(2025, 12, 1)).days + 1  # 1 December to today
    assert "Nov 23, 2026" in days and "Nov 24, 2026" not in days  # no day after today
    # Each month starts in its weekday's column (Monday first in English): 1 December 2025
    # is a Monday, 1 January 2026 a Thursday, 1 November 2026 a Sunday.
    assert days["Dec 1, 2025"]["offset"] is None
    assert days["Jan 1, 2026"]["offset"] == "3"
    assert days["Nov 1, 2026"]["offset"] == "6"


def test_the_down_day_200_days_ago_is_red_with_its_uptime_and_its_incident(
    utc_page: str,
) -> None:
    assert NOW.date() - DOWN_DAY == timedelta(days=200)
    day = days_of(utc_page)["May 7, 2026"]
    # 6 of 24 hours down: a quarter of the day, the bar's full red (grade 8, "down").
    assert (day["state"], day["level"]) == ("down", "8")
    assert day["label"] == "May 7, 2026: 75.00% uptime, down for 6 hr"
    assert day["links"] == f'<a href="../../incidents/{INCIDENT_ID}/">API errors</a>'
    # The colour is the bar's: the one palette, grade 8 of it.
    assert f".g8{{background:{level_colours()[8]}}}" in utc_page
    neighbours = days_of(utc_page)
    assert neighbours["May 6, 2026"]["state"] == "up"
    assert neighbours["May 6, 2026"]["label"] == "May 6, 2026: 100% uptime"
    assert neighbours["May 8, 2026"]["state"] == "up"


def test_days_before_the_history_are_grey_no_data(utc_page: str) -> None:
    days = days_of(utc_page)
    for label in ("Dec 1, 2025", "Apr 30, 2026", "May 5, 2026", "Oct 1, 2026"):
        assert (days[label]["state"], days[label]["level"]) == ("nodata", "0")
        assert days[label]["label"] == f"{label}: no data"
        assert days[label]["links"] == ""
    assert ".d.nodata{background:var(--nodata-bar)}" in utc_page  # the bar's grey


def test_a_day_links_as_the_bars_day_does(utc: tuple[Path, ResultStore]) -> None:
    """The same link rule (`rendering.views.segments.segment`): the incident's day, and only it."""
    tmp, store = utc
    incidents = load_incidents(tmp / "incidents", ["api", "db"])
    _, timelines, entries = collect(site_config("UTC"), incidents, store, NOW)
    timeline = timelines["api"]
    assert timeline.year[0].day == year_start(NOW.date()) == date(2025, 12, 1)
    mine = [e for e in entries if "api" in e.monitors]
    locale = Locale("en", "UTC")
    view = year_view(timeline.year, mine, NOW, locale)
    shown = {s.date: s for month in view.months for s in month.days}
    for day in timeline.year:
        assert shown[day.day.isoformat()] == segment(day, mine, NOW, locale)
    linked = [d for d, s in shown.items() if s.links]
    assert linked == [DOWN_DAY.isoformat()]
    assert [link.href for link in shown[DOWN_DAY.isoformat()].links] == [
        f"incidents/{INCIDENT_ID}/"
    ]


@pytest.mark.parametrize(
    ("timezone", "red", "green"),
    [
        # Down 20:00 to 21:00 UTC on 6 May: 05:00 on 7 May in Tokyo.
        ("UTC", "May 6, 2026", "May 7, 2026"),
        ("Asia/Tokyo", "May 7, 2026", "May 6, 2026"),
    ],
)
def test_a_day_is_a_day_in_the_pages_time_zone(
    tmp_path: Path, timezone: str, red: str, green: str
) -> None:
    store = history(tmp_path / "data", timezone, down(range(20, 21)))
    days = days_of(monitor_html(tmp_path, store, timezone, incidents=False))
    assert days[red]["state"] == "partial"  # 1 h of 24 down: amber, not red
    assert days[red]["label"] == f"{red}: 95.83% uptime, down for 1 hr"
    assert (days[green]["state"], days[green]["level"]) == ("up", "0")


def test_the_year_starts_on_the_first_of_the_month_eleven_months_back(tmp_path: Path) -> None:
    assert year_start(date(2026, 11, 23)) == date(2025, 12, 1)
    assert year_start(date(2026, 1, 31)) == date(2025, 2, 1)
    assert year_start(date(2024, 12, 31)) == date(2024, 1, 1)  # 366 days, longer than 365
    now = datetime(2024, 12, 31, 12, tzinfo=UTC)
    spec = [MonitorSpec("api", timedelta(hours=1))]
    timeline = monitor_timelines(ResultStore(tmp_path), spec, [], now)["api"]
    assert len(timeline.year) == 366 and timeline.year[0].day == date(2024, 1, 1)
    assert len(timeline.days) == 90  # the bar is as it was


def test_weeks_start_on_the_languages_first_weekday() -> None:
    """English (CLDR's world default) starts on Monday, Brazilian Portuguese on Sunday."""
    for code, weekdays, offset in (("en", "MTWTFSS", 6), ("pt_BR", "DSTQQSS", 0)):
        view = year_view([], [], NOW, Locale(code, "UTC"))
        assert "".join(view.weekdays) == weekdays
        assert view.months[-1].offset == offset  # 1 November 2026 is a Sunday
        assert len(view.months) == 12 and len(view.months[-1].days) == 23
        assert {s.state for m in view.months for s in m.days} == {"nodata"}
