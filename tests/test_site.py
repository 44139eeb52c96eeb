"""The built site: 90 day segments coloured from a known history, and a golden page."""

from __future__ import annotations

import os
import re
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from checks.result import Result, Status
from configuration.incidents import load_incidents
from configuration.loader import load_config_text
from configuration.models import Config
from history.store import ResultStore
from rendering.site import _swap, build_site
from tests.conftest import NOW, SMALL_CONFIG
from tests.site_fixture import MAINTENANCE

GOLDEN = Path(__file__).parent / "golden"
SEGMENT = re.compile(
    r'<li class="day day-(?P<state>\w+)" style="background:(?P<colour>#[0-9a-f]{6})" '
    r'title="(?P<label>[^"]*)" data-date="(?P<date>[\d-]+)">'
)
INCIDENT = """\
---
title: API errors <script>alert(1)</script>
impact: major
monitors: [api]
started_at: 2026-11-21T12:00:00Z
resolved_at: 2026-11-21T13:00:00Z
updates:
  - at: 2026-11-21T12:30:00Z
    status: resolved
    message: Fixed a bad deploy.
---
"""


def hourly(day_offset: int, down_hours: int, hours: int = 24) -> list[Result]:
    """One result per hour of the day `day_offset` days before NOW, the first ones down."""
    start = (NOW - timedelta(days=day_offset)).replace(hour=0)
    return [
        Result(
            "api",
            "eu-west",
            f"r{day_offset}-{h}",
            start + timedelta(hours=h),
            Status.DOWN if h < down_hours else Status.UP,
        )
        for h in range(hours)
    ]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site built from a known history of the `api` monitor (interval 1h, one region)."""
    config = load_config_text(SMALL_CONFIG, environ={})
    store = ResultStore(tmp_path / "data")
    for offset, down in ((1, 0), (2, 1), (3, 12), (5, 3)):
        for r in hourly(offset, down):
            store.append([r])
    for r in hourly(0, 0, hours=12):
        store.append([r])
    incidents_dir = tmp_path / "incidents"
    incidents_dir.mkdir()
    (incidents_dir / "2026-11-18-db.md").write_text(MAINTENANCE)
    (incidents_dir / "2026-11-21-api.md").write_text(INCIDENT)
    incidents = load_incidents(incidents_dir, ["api", "db"])
    build_site(config, incidents, store, tmp_path / "site", NOW)
    return tmp_path / "site"


def test_the_page_is_self_contained(site: Path) -> None:
    html = (site / "index.html").read_text()
    assert not re.search(
        r'(src|href)="(https?:)?//',
        html.replace('href="https://github.com/vigil-status/vigil"', ""),
    )
    assert '<link rel="stylesheet"' not in html


def test_cname_and_robots_are_written(tmp_path: Path) -> None:
    config = load_config_text(
        SMALL_CONFIG.replace("  timezone: UTC", "  timezone: UTC\n  cname: status.example.com"),
        environ={},
    )
    build_site(config, [], ResultStore(tmp_path / "data"), tmp_path / "site", NOW)
    assert (tmp_path / "site" / "CNAME").read_text() == "status.example.com\n"
    assert (tmp_path / "site" / "robots.txt").is_file()
    assert "Status unknown" in (tmp_path / "site" / "index.html").read_text()


def test_a_rebuild_replaces_the_site_without_leftovers(tmp_path: Path) -> None:
    config: Config = load_config_text(SMALL_CONFIG, environ={})
    store, out = ResultStore(tmp_path / "data"), tmp_path / "site"
    build_site(config, [], store, out, NOW)
    (out / "stale.html").write_text("old")
    build_site(config, [], store, out, NOW)
    assert "stale.html" not in [p.name for p in out.iterdir()]
    assert (out / "index.html").is_file() and (out / "status-live.json").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_built_at_uses_the_page_time_zone(tmp_path: Path) -> None:
    config = load_config_text(
        SMALL_CONFIG.replace("timezone: UTC", "timezone: Asia/Tokyo"), environ={}
    )
    build_site(config, [], ResultStore(tmp_path / "d"), tmp_path / "s", NOW)
    assert "Built Nov 23, 2026 9:00\u202fPM JST" in (tmp_path / "s" / "index.html").read_text()
    assert isinstance(NOW, datetime)


def test_a_killed_builds_folders_are_removed_by_the_next_build(tmp_path: Path) -> None:
    config: Config = load_config_text(SMALL_CONFIG, environ={})
    gone = subprocess.Popen(["true"])  # a process id that no longer runs
    gone.wait()
    leftovers = [tmp_path / f".site.tmp-{gone.pid}-abcd", tmp_path / f".site.old-{gone.pid}-ef01"]
    for folder in leftovers:
        (folder / "api").mkdir(parents=True)
    mine = tmp_path / f".site.tmp-{os.getpid()}-live"  # a build still running: kept
    mine.mkdir()
    build_site(config, [], ResultStore(tmp_path / "data"), tmp_path / "site", NOW)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [mine.name]


def test_swaps_at_once_take_turns_and_the_last_site_wins(tmp_path: Path) -> None:
    """Builds that finish at the same moment (a barrier lines their swaps up): every swap
    succeeds, one whole site stays, nothing is left beside it."""
    out = tmp_path / "site"
    stagings = []
    for number in range(8):
        staging = tmp_path / f".site.tmp-{os.getpid()}-{number:04d}"
        (staging / "api").mkdir(parents=True)
        (staging / "index.html").write_text(str(number))
        stagings.append(staging)
    barrier = threading.Barrier(len(stagings))

    def swap(staging: Path) -> None:
        barrier.wait(timeout=10)
        _swap(staging, out)

    with ThreadPoolExecutor(len(stagings)) as pool:
        list(pool.map(swap, stagings))  # re-raises a failed swap
    assert (out / "index.html").read_text() in {str(n) for n in range(8)}
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_secret_in_a_monitor_url_is_masked_on_its_page(tmp_path: Path) -> None:
    text = SMALL_CONFIG.replace(
        "url: https://api.example.com/health", "url: https://api.example.com/health?key=${KEY}"
    )
    config = load_config_text(text, environ={"KEY": "sekrit-7788"})
    build_site(config, [], ResultStore(tmp_path / "data"), tmp_path / "site", NOW)
    page = (tmp_path / "site" / "monitors" / "api" / "index.html").read_text()
    assert "https://api.example.com/health?key=***" in page
    files = [p for p in (tmp_path / "site").rglob("*") if p.is_file()]
    assert not any(b"sekrit-7788" in p.read_bytes() for p in files)
