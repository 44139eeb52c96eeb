"""widget.js in real Chromium, on a page of another loopback origin with a strict
Content-Security-Policy that allows the status page's origin only in `script-src` and
`connect-src` (what the docs tell operators): a banner while maintenance or an incident is
under way, nothing otherwise, no console error and no CSP violation; the custom element
works where it is placed; axe finds nothing on the host page with the banner; the status
site's `_headers` (applied by the test's server, as Netlify would) are what allow the
cross-origin read; the script stays below 5 KB gzip."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from rendering.pages.widget import WIDGET_GZIP_LIMIT, gzip_size, widget_script
from tests.conftest import NOW
from tests.site_fixture import build_fixture_site
from tests.web import SiteServer, browser

__all__ = ["browser"]  # the module's one Chromium, a fixture
DURING = datetime(2026, 11, 24, 2, 30, tzinfo=NOW.tzinfo)  # in the network maintenance
WATCH = """window.__problems = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__problems.push("CSP " + e.violatedDirective + " " + e.blockedURI));"""


def served_with_headers(folder: Path) -> SiteServer:
    """A built site served with the headers its own `_headers` file gives each path."""
    rules = _rules((folder / "_headers").read_text())
    return SiteServer(
        folder, lambda path: [h for pattern, hs in rules if re.fullmatch(pattern, path) for h in hs]
    )


def _rules(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """`_headers` as (path regex, headers): `*` anything, `:name` one segment."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for line in text.splitlines():
        if line.startswith("/"):
            pattern = re.escape(line).replace(r"\*", ".*")
            rules.append((re.sub(r":\w+", "[^/]+", pattern), []))
        elif line.startswith("  ") and rules:
            name, _, value = line.strip().partition(": ")
            rules[-1][1].append((name, value))
    return rules


class HostPage:
    """Another origin: one page of "your app" with a strict policy and the widget."""

    def __init__(self, status: SiteServer, body: str) -> None:
        origin = status.url("").rstrip("/")
        policy = (
            f"default-src 'none'; script-src {origin}; connect-src {origin}; "
            "style-src 'none'; img-src 'none'; base-uri 'none'"
        )
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>My app</title>'
            f"</head><body><main><h1>My app</h1><p>Hello.</p>{body.replace('ORIGIN', origin)}"
            "</main></body></html>"
        ).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Security-Policy", policy)
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://localhost:{self.server.server_address[1]}/"  # another origin

    def __exit__(self, *args: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


SCRIPT = '<script src="ORIGIN/widget.js" async></script>'


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, SiteServer]]:
    folder = tmp_path_factory.mktemp("widget")
    build_fixture_site(folder / "quiet", now=NOW)
    build_fixture_site(folder / "during", now=DURING)
    with (
        served_with_headers(folder / "quiet") as quiet,
        served_with_headers(folder / "during") as during,
    ):
        yield {"quiet": quiet, "during": during}


def _open(
    browser: Browser, url: str, scheme: str = "light", motion: str = "no-preference"
) -> tuple[Page, list[str]]:
    context = browser.new_context(color_scheme=scheme, reduced_motion=motion)  # type: ignore[arg-type]
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.add_init_script(WATCH)
    page.goto(url)
    page.wait_for_selector("vigil-status[data-active]", state="attached", timeout=10_000)
    return page, problems


def _problems(page: Page, problems: list[str]) -> list[str]:
    return problems + page.evaluate("window.__problems")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_banner_shows_during_maintenance_with_title_status_and_link(
    browser: Browser, sites: dict[str, SiteServer], scheme: str
) -> None:
    status = sites["during"]
    with HostPage(status, SCRIPT) as url:
        page, problems = _open(browser, url, scheme)
        banner = page.get_by_role("status", name="Service status")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("Network maintenance")
        expect(banner).to_contain_text("In progress")
        link = banner.get_by_role("link", name="Details")
        assert link.get_attribute("href") == status.url("incidents/2026-11-24-network/")
        box = banner.bounding_box()
        assert box is not None and box["width"] > 150  # styled: the sheet applied
        assert page.evaluate("getComputedStyle(document.querySelector('vigil-status')"
                             ".shadowRoot.querySelector('.box')).position") == "fixed"  # fmt: skip
        # The banner fades in; judge its contrast once the fade is over, not mid-way.
        page.evaluate("Promise.all(document.querySelector('vigil-status').shadowRoot"
                      ".getAnimations().map(animation => animation.finished))")  # fmt: skip
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_snapshot()
        assert _problems(page, problems) == []
        banner.get_by_role("button", name="Dismiss").click()
        expect(banner).to_have_count(0)  # and it stays away for the session:
        page.reload()
        page.wait_for_selector("vigil-status[data-active]", state="attached")
        expect(page.get_by_role("status")).to_have_count(0)
        page.context.close()


def test_nothing_shows_while_all_is_well(browser: Browser, sites: dict[str, SiteServer]) -> None:
    with HostPage(sites["quiet"], SCRIPT) as url:
        page, problems = _open(browser, url)
        assert page.get_attribute("vigil-status", "data-active") == "0"
        expect(page.locator("vigil-status")).to_be_hidden()
        expect(page.get_by_role("status")).to_have_count(0)
        assert _problems(page, problems) == []
        page.context.close()


@pytest.mark.parametrize(("motion", "animation"), [("reduce", "none"), ("no-preference", "in")])
def test_the_custom_element_shows_where_it_is_placed_and_moves_only_if_allowed(
    browser: Browser, sites: dict[str, SiteServer], motion: str, animation: str
) -> None:
    body = (
        '<script src="ORIGIN/widget.js" data-manual></script><section><h2>Status</h2>'
        '<vigil-status src="ORIGIN/"></vigil-status></section>'
    )
    with HostPage(sites["during"], body) as url:
        page, problems = _open(browser, url, motion=motion)
        assert page.locator("vigil-status").count() == 1  # no second, floating one
        banner = page.locator("section vigil-status").get_by_role("status")
        expect(banner).to_contain_text("Network maintenance")
        position = "getComputedStyle(document.querySelector('vigil-status').shadowRoot" \
                   ".querySelector('.box')).position"  # fmt: skip
        assert page.evaluate(position) == "static"
        assert page.evaluate(position.replace(".position", ".animationName")) == animation
        assert _problems(page, problems) == []
        page.context.close()


def test_without_the_cors_header_the_widget_stays_silent(
    browser: Browser, sites: dict[str, SiteServer], tmp_path: Path
) -> None:
    """The `_headers` rule is what makes the cross-origin read work: a host without it
    (a plain file server) blocks the read, and the widget then shows nothing."""
    with SiteServer(sites["during"].folder) as plain, HostPage(plain, SCRIPT) as url:
        context = browser.new_context()
        page = context.new_page()
        with page.expect_console_message(lambda m: "CORS" in m.text, timeout=10_000):
            page.goto(url)
        expect(page.get_by_role("status")).to_have_count(0)
        context.close()


def test_the_widget_is_small_and_self_contained() -> None:
    script = widget_script()
    assert gzip_size(script) <= WIDGET_GZIP_LIMIT
    assert not re.search(r"\bimport\b|https?://(?!status\.example\.com)", script)
    assert fnmatch.fnmatch(script.strip().splitlines()[-1], "})();")
    assert timedelta(0) < DURING - NOW < timedelta(days=1)
