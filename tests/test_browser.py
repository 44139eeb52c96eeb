"""The site in real headless Chromium (Debian's, driven by Playwright): pages render, bars
and tooltips work, the page is complete without JavaScript, statuses refresh in place, and
axe-core finds no accessibility violation on any page type, light or dark."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from configuration.loader import load_config_text
from tests.conftest import NOW, SMALL_CONFIG
from tests.site_fixture import build_fixture_site, fixture_config
from tests.web import SiteServer, browser

__all__ = ["browser"]  # the session's one Chromium, a fixture

PAGES = {
    "index": "",
    "monitor": "monitors/api/",
    "incident": "incidents/2026-11-21-api/",
    "incidents": "incidents/",
    "maintenance": "maintenance/",
    "subscribe": "subscribe/",
    "reports": "reports/",
    "embed": "embed/",
    "not-found": "404.html",
    "german": "de/",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    out = tmp_path_factory.mktemp("browser") / "site"
    build_fixture_site(out, fixture_config("  languages: [de]\n"))
    with SiteServer(out) as running:
        yield running


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_index_renders_ninety_segments_per_monitor(page: Page, server: SiteServer) -> None:
    page.goto(server.url(""))
    expect(page.locator("h1")).to_have_text("All systems operational")
    assert page.locator("li.monitor").count() == 2
    for monitor in ("api", "db"):
        assert page.locator(f"#monitor-{monitor} .bar > li").count() == 90


def test_tooltip_of_a_known_outage_day(page: Page, server: SiteServer) -> None:
    page.goto(server.url(""))
    day = page.locator('#monitor-api li[data-date="2026-11-21"]')
    day.hover()
    tip = day.locator(".tip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("Nov 21, 2026: 95.83% uptime, down for 1 hr")
    expect(tip.get_by_role("link", name="API errors <script>alert(1)</script>")).to_be_visible()
    assert (tip.bounding_box() or {}).get("width", 0) > 100  # shown, not clipped to 1 px


def test_year_calendar_tooltips_work_without_javascript(
    browser: Browser, server: SiteServer
) -> None:
    """Twelve month grids; a day's words and links show on hover and on focus, by CSS
    alone, just under the day and as wide as its month; the link leads to the incident."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url("monitors/api/"))
    expect(page.locator(".year .cal")).to_have_count(12)
    month = page.locator(".cal").last
    expect(month.locator("h3")).to_contain_text("November 2026")
    day = month.locator("li.d").filter(has_text="Nov 21, 2026")
    day.hover()
    tip = day.locator(".tip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("Nov 21, 2026: 95.83% uptime, down for 1 hr")
    box, cell = tip.bounding_box(), day.bounding_box()
    grid = month.locator(".cal-days").bounding_box()
    assert box and cell and grid
    assert box["y"] >= cell["y"] + cell["height"] - 1  # under the day, not over it
    assert box["width"] >= grid["width"] and abs(box["x"] - grid["x"]) <= 10
    tip.get_by_role("link", name="API errors <script>alert(1)</script>").click()
    expect(page).to_have_url(server.url("incidents/2026-11-21-api/"))
    page.goto(server.url("monitors/api/"))
    page.mouse.move(0, 0)
    focused = page.locator(".cal li.d.maintenance").first
    focused.focus()
    expect(focused.locator(".tip")).to_contain_text("maintenance for 1 day")
    expect(focused.locator(".tip")).to_be_visible()
    context.close()


def test_pages_render(page: Page, server: SiteServer) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for name, path in PAGES.items():
        page.goto(server.url(path))
        assert page.locator("h1").count() == 1, name
    page.goto(server.url("monitors/api/"))
    assert page.locator("svg.chart path.line").count() == 9
    expect(page.locator("#panel-24h svg.chart")).to_be_visible()
    page.locator("label[for=w-7d]").click()
    expect(page.locator("#panel-7d svg.chart")).to_be_visible()
    expect(page.locator("#panel-24h svg.chart")).to_be_hidden()
    assert errors == []  # no script error, no CSP violation


def test_complete_without_javascript(browser: Browser, server: SiteServer) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url(""))
    expect(page.locator("#monitor-api [data-status]")).to_have_text("Operational")
    expect(page.locator("#monitor-api .uptime")).to_have_text("99.58% uptime")
    expect(page.locator("[data-windows]")).to_be_hidden()
    expect(page.get_by_text("Network maintenance")).to_be_visible()
    assert page.locator(".bar > li").count() == 180
    page.goto(server.url("monitors/api/"))
    expect(page.locator("#panel-24h svg.chart")).to_be_visible()
    context.close()


def test_uptime_window_switches_with_javascript(page: Page, server: SiteServer) -> None:
    page.goto(server.url(""))
    page.locator('[data-window="7d"]').click()
    expect(page.locator("#monitor-api .uptime")).to_have_text("99.40% uptime")
    page.locator('[data-window="24h"]').click()
    expect(page.locator("#monitor-api .uptime")).to_have_text("100% uptime")


def test_statuses_refresh_in_place(page: Page, server: SiteServer) -> None:
    page.clock.install(time=NOW.timestamp())
    page.goto(server.url(""))
    page.evaluate("window.__same = document.body")
    live = json.loads(server.read("status-live.json"))
    live["state"] = "partial"
    live["monitors"]["api"]["state"] = "down"
    with server.replaced("status-live.json", json.dumps(live)):
        page.clock.run_for(31_000)
        expect(page.locator("#monitor-api [data-status]")).to_have_text("Down")
        expect(page.locator("h1")).to_have_text("Partial outage")
    assert page.evaluate("window.__same === document.body")  # no navigation


def test_stale_data_warning_follows_the_clock(browser: Browser, server: SiteServer) -> None:
    for offset, hidden in ((timedelta(minutes=10), True), (timedelta(hours=4), False)):
        context = browser.new_context()
        page = context.new_page()
        page.clock.install(time=(NOW + offset).timestamp())
        page.goto(server.url(""))
        stale = page.locator("[data-stale]")
        expect(stale).to_be_hidden() if hidden else expect(stale).to_be_visible()
        context.close()


def test_theme_toggle_is_remembered(page: Page, server: SiteServer) -> None:
    page.emulate_media(color_scheme="light")
    page.goto(server.url(""))
    page.locator("[data-theme-toggle]").click()
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"


def test_embed_sections_and_theme_from_the_query(page: Page, server: SiteServer) -> None:
    page.goto(server.url("embed/") + "?embed=banner,nonsense&theme=dark")
    expect(page.locator('[data-embed-section="components"]')).to_be_hidden()
    expect(page.locator('[data-embed-section="banner"]').first).to_be_visible()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    page.goto(server.url("embed/") + "?embed=unknown")
    expect(page.locator('[data-embed-section="components"]')).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_accessibility_violations(browser: Browser, server: SiteServer, scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    axe = Axe()
    found = {}
    for name, path in PAGES.items():
        page.goto(server.url(path))
        results = axe.run(page)
        if results.violations_count:
            found[name] = results.generate_snapshot()
    context.close()
    assert found == {}


def test_long_pages_load_the_rest_as_one_scrolls(browser: Browser, tmp_path: Path) -> None:
    monitors = "".join(
        f"    - {{id: m{n}, name: Monitor {n}, type: tcp, host: h{n}.example.com, port: 1}}\n"
        for n in range(60)
    )
    config = load_config_text(SMALL_CONFIG + monitors.replace("    - ", "  - "), environ={})
    build_fixture_site(tmp_path / "site", config)
    with SiteServer(tmp_path / "site") as server:
        context = browser.new_context()
        page = context.new_page()
        page.goto(server.url(""))
        assert page.locator("li.monitor").count() == 50
        page.locator("[data-more]").scroll_into_view_if_needed()
        expect(page.locator("li.monitor")).to_have_count(62)
        context.close()
        no_js = browser.new_context(java_script_enabled=False)
        plain = no_js.new_page()
        plain.goto(server.url(""))
        plain.locator("[data-more]").click()
        # count() does not wait: all.html may still be parsing when the click returns.
        plain.wait_for_url("**/all.html")
        expect(plain.locator("li.monitor")).to_have_count(62)
        no_js.close()
