"""The pages of the site from a fixed history: bars, tooltips, monitor details, incidents,
languages, the security policy, live JSON and golden files."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from checks.result import Status
from configuration.errors import ConfigError, Problem
from configuration.incidents import load_incidents
from history.timeline import RegionLatest
from rendering.pages import writer as pages
from rendering.pages.writer import write_pages
from rendering.text.i18n import Locale
from rendering.views.context import BuildContext
from rendering.views.detail import monitor_page
from rendering.views.entries import incident_entries
from rendering.views.index import page_view
from tests.conftest import NOW
from tests.site_fixture import api_timeline, build_fixture_site, fixture_config, fixture_timelines

GOLDEN = Path(__file__).parent / "golden"
SCHEMAS = Path(__file__).parent.parent / "schemas"
SEGMENT = re.compile(r'<li class="d (?P<state>\w+) g(?P<level>\d)"(?P<rest>[^>]*)>')


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pages") / "site"
    build_fixture_site(out, fixture_config("  languages: [de, ja, fr]\n"))
    return out


def read(site: Path, path: str) -> str:
    return (site / path).read_text("utf-8")


def bar_of(html: str, monitor_id: str) -> str:
    return html.split(f'id="monitor-{monitor_id}"', 1)[1].split("</ol>", 1)[0]


def test_ninety_segments_per_monitor_graded_by_downtime(site: Path) -> None:
    html = read(site, "index.html")
    api = SEGMENT.findall(bar_of(html, "api"))
    assert len(api) == 90 and len(SEGMENT.findall(bar_of(html, "db"))) == 90
    states = [state for state, _, _ in api]
    assert states[-3] == "partial"  # 2026-11-21: 1 h of 24 down
    assert api[-3][1] == "4"  # amber, not red
    assert states[-6] == "maintenance"  # 2026-11-18
    assert states.count("nodata") == 79


def test_tooltip_of_the_outage_day_says_when_how_long_and_links(site: Path) -> None:
    bar = bar_of(read(site, "index.html"), "api")
    tip = bar.split('data-date="2026-11-21"', 1)[1].split("</li>", 1)[0]
    assert "Nov 21, 2026: 95.83% uptime, down for 1 hr" in tip
    assert 'href="./incidents/2026-11-21-api/"' in tip
    assert "API errors &lt;script&gt;" in tip
    # The day's outage is the written incident's: one link, not a second one for the outage.
    assert tip.count("<a href=") == 1
    assert 'title="Nov 22, 2026: 100% uptime"' in bar
    degraded = bar.split('data-date="2026-11-20"', 1)[1].split("</li>", 1)[0]
    assert "degraded for 15 min, failures seen only in ap-south" in degraded


def test_index_shows_status_regions_banners_and_windows(site: Path) -> None:
    html = read(site, "index.html")
    assert '<h1 id="headline" data-headline>All systems operational</h1>' in html
    assert html.count("last check:") == 3
    assert "Network maintenance" in html.split('id="upcoming"', 1)[1]
    api = html.split('id="monitor-api"', 1)[1].split('id="monitor-db"', 1)[0]
    assert 'data-w24h="100%"' in api and 'data-w7d="99.40%"' in api
    assert "99.58% uptime" in api
    assert "No data" in html.split('id="monitor-db"', 1)[1]
    assert "<details" in html and "<script>alert" not in html


def test_monitor_page_has_chart_percentiles_latest_and_conditions(site: Path) -> None:
    html = read(site, "monitors/api/index.html")
    charts = re.findall(r'<svg class="chart".*?</svg>', html, re.S)
    assert len(charts) == 3
    assert all(chart.count('<path class="line') == 3 for chart in charts)
    assert html.count("<caption>Percentiles over") == 3
    assert '<th scope="row">All regions</th><td>40 ms</td><td>50 ms</td>' in html
    assert "99.40%" in html and "1 year" in html
    assert "<code>https://api.example.com/health</code>" in html
    assert "<code>[STATUS] == 200</code>" in html
    assert 'id="outage-api-1795262400"' in html
    assert "http_status: HTTP 503 Service Unavailable" in html
    assert 'href="feed.rss"' in html


def test_a_monitor_pages_regions_follow_the_config_in_any_order_from_the_history() -> None:
    config, at = fixture_config(), NOW - timedelta(minutes=20)
    latest = {  # as the database may give them; "gone" is no longer in the config
        "gone": RegionLatest("gone", Status.UP, at, 9.0, None),
        "ap-south": RegionLatest("ap-south", Status.DOWN, at, None, "timeout: from Asia"),
        "us-east": RegionLatest("us-east", Status.UP, at, 40.0, None),
        "eu-west": RegionLatest("eu-west", Status.DOWN, at, None, "connect: from Europe"),
    }
    api = dataclasses.replace(api_timeline(), latest=latest)
    latency = {w: dict(reversed(list(by.items()))) for w, by in api.latency.items()}
    api = dataclasses.replace(api, latency=latency)
    page = page_view(config, {**fixture_timelines(), "api": api}, [], [], {}, NOW)
    view = next(m for g in page.groups for m in g.monitors if m.id == "api")
    detail = monitor_page(config, config.monitors[0], view, api, [], NOW, Locale("en", "UTC"), {})
    assert [row.region for row in detail.latest] == ["Europe", "US East", "Asia", "gone"]
    assert detail.last_error == "connect: from Europe"
    for chart in detail.charts:
        assert [row.region for row in chart.latency] == ["Europe", "US East", "Asia", "All regions"]


def test_monitor_page_without_data_says_so(site: Path) -> None:
    html = read(site, "monitors/db/index.html")
    assert html.count("No response times recorded in this period.") == 3
    assert "No checks recorded yet." in html
    assert "No outages detected in the last 90 days." in html


def test_hidden_target_and_errors_stay_off_the_page(tmp_path: Path) -> None:
    config = fixture_config(extra_monitor="    hide_target: true\n    hide_errors: true\n")
    build_fixture_site(tmp_path / "site", config)
    html = (tmp_path / "site" / "monitors" / "api" / "index.html").read_text()
    assert "api.example.com" not in html and "[STATUS] == 200" not in html
    assert "HTTP 503" not in html
    assert 'id="outage-api-1795262400"' in html


def test_incident_page_has_timeline_duration_impact_and_safe_writeup(site: Path) -> None:
    html = read(site, "incidents/2026-11-21-api/index.html")
    assert html.index("Fixed a bad deploy.") < html.index("We are looking into errors")
    assert "<dd>1 hr</dd>" in html and "<dd>Major</dd>" in html
    assert '<a href="../../monitors/api/">API</a>' in html
    assert "<strong>We rolled it back.</strong>" in html
    assert "<script>alert(2)" not in html


def test_incident_history_by_month_and_paginated(tmp_path: Path) -> None:
    context = build_fixture_site(tmp_path / "site")
    folder = tmp_path / "site-incidents"
    for n in range(1, 25):
        (folder / f"2026-10-{n:02d}-x{n}.md").write_text(
            f"---\ntitle: Incident {n}\nstarted_at: 2026-10-{n:02d}T10:00:00Z\n"
            f"resolved_at: 2026-10-{n:02d}T11:00:00Z\n---\n"
        )
    incidents = load_incidents(folder, ["api", "db"])
    write_pages(
        tmp_path / "again",
        BuildContext(
            context.config,
            incidents,
            context.page,
            context.timelines,
            context.now,
            incident_entries(incidents, context.timelines, context.config, context.now),
        ),
    )
    first = (tmp_path / "again" / "incidents" / "index.html").read_text()
    second = (tmp_path / "again" / "incidents" / "page" / "2" / "index.html").read_text()
    assert "Page 1 of 2" in first and 'rel="next" href="../incidents/page/2/"' in first
    assert "November 2026" in first and "October 2026" in first
    assert "Incident 1<" in second and 'rel="prev"' in second


def test_maintenance_page_lists_upcoming_and_past(site: Path) -> None:
    html = read(site, "maintenance/index.html")
    upcoming = html.split('<h2 id="m-2">Upcoming</h2>', 1)[1].split("</section>", 1)[0]
    past = html.split('<h2 id="m-3">Past</h2>', 1)[1].split("</section>", 1)[0]
    assert "Network maintenance" in upcoming and "Database upgrade" in past


def test_embed_has_no_navigation_and_opens_links_in_a_new_tab(site: Path) -> None:
    html = read(site, "embed/index.html")
    assert "<header" not in html and "<nav" not in html
    links = re.findall(r"<a [^>]*>", html.split("<main", 1)[1])
    assert links and all('target="_blank"' in link for link in links)
    assert {"title", "banner", "components", "feed"} <= set(
        re.findall(r'data-embed-section="(\w+)"', html)
    )


def test_every_language_is_built_with_a_switcher(site: Path) -> None:
    german = read(site, "de/index.html")
    assert '<html lang="de">' in german and "Alle Systeme betriebsbereit" in german
    assert "21.11.2026: 95,83\xa0% Verfügbarkeit, ausgefallen für 1 Std." in german
    assert '<a href="../ja/" lang="ja" hreflang="ja">日本語</a>' in german
    assert '<a href="../" lang="en" hreflang="en">English</a>' in german
    japanese = read(site, "ja/monitors/api/index.html")
    assert "すべてのシステム" in read(site, "ja/index.html") and "応答時間" in japanese
    assert '<a href="../../../de/monitors/api/"' in japanese
    assert "novembre 2026" in read(site, "fr/incidents/index.html")


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


@pytest.mark.parametrize(
    "page",
    ["index.html", "monitors/api/index.html", "incidents/2026-11-21-api/index.html",
     "maintenance/index.html", "embed/index.html", "404.html", "de/incidents/index.html"],
)  # fmt: skip
def test_the_security_policy_allows_exactly_the_inline_code(site: Path, page: str) -> None:
    html = read(site, page)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert policy is not None
    allowed = set(re.findall(r"'(sha256-[^']+)'", policy.group(1)))
    inline = re.findall(r"<(?:script|style)>(.*?)</(?:script|style)>", html, re.S)
    assert {_hash(code) for code in inline} == allowed and len(inline) == 3
    assert "default-src 'none'" in policy.group(1)
    assert " style=" not in html
    external = re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', html)
    assert set(external) <= {"https://github.com/vigil-status/vigil"}


def test_live_json_matches_its_schema_and_status_text_reads_well(site: Path) -> None:
    live = json.loads(read(site, "status-live.json"))
    schema = json.loads((SCHEMAS / "status-live.schema.json").read_text())
    jsonschema.validate(live, schema)
    assert live["monitors"]["api"]["state"] == "up" and live["monitors"]["db"]["state"] == "nodata"
    text = read(site, "status.txt")
    assert text.startswith("Example Status: All systems operational\n")
    assert "  API  Operational  (99.58% uptime, 90d)" in text


def test_golden_pages(site: Path, update_golden: bool) -> None:
    """The pages for the fixed history; `pytest --update-golden` rewrites them."""
    for page, name in (("index.html", "index.html"), ("monitors/api/index.html", "monitor.html"),
                       ("incidents/2026-11-21-api/index.html", "incident.html"),
                       ("de/index.html", "index-de.html"),
                       ("reports/index.html", "reports.html")):  # fmt: skip
        html = read(site, page)
        golden = GOLDEN / name
        if update_golden:
            golden.write_text(html, "utf-8")
        assert html == golden.read_text("utf-8"), f"{name}: run `pytest --update-golden`"


def test_monitor_pages_rendered_by_worker_processes_are_the_same(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large site renders its monitor pages in forked processes, one per core: the same
    bytes as one process writes, and a template's mistake is still one ConfigError."""
    monkeypatch.setattr(pages, "PARALLEL_MONITORS", 1)
    monkeypatch.setattr(pages, "WORKERS", 3)
    pids = tmp_path / "pids"
    rendered = pages.monitor_page

    def monitor_page(*args: Any) -> Any:
        with pids.open("a") as file:
            file.write(f"{os.getpid()}\n")
        return rendered(*args)

    monkeypatch.setattr(pages, "monitor_page", monitor_page)
    out = tmp_path / "site"
    build_fixture_site(out, fixture_config("  languages: [de, ja, fr]\n"))

    def files(folder: Path) -> dict[str, bytes]:
        found = (f for f in folder.rglob("*") if f.is_file())
        return {str(f.relative_to(folder)): f.read_bytes() for f in found}

    assert files(out) == files(site)
    assert len(set(pids.read_text().split())) >= 2
    assert os.getpid() not in {int(pid) for pid in pids.read_text().split()}

    def broken(*args: Any) -> Any:
        raise ConfigError([Problem("templates/monitor.html", 3, 1, "", "template error: x")])

    monkeypatch.setattr(pages, "monitor_page", broken)
    with pytest.raises(ConfigError, match=r"templates/monitor\.html:3:1"):
        build_fixture_site(tmp_path / "broken", fixture_config())
