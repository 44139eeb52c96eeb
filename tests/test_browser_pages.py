"""The three pages of tests/test_site_pages.py in real headless Chromium: every kind of page
renders without a script error, axe-core finds no accessibility violation, and the Nu Html
Checker finds no error (the `noindex` meta of the unlisted and private pages included)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from tests.test_html_valid import VNU_JAR, nu_errors
from tests.test_site_pages import FORBIDDEN, build_three_pages
from tests.web import SiteServer, browser

__all__ = ["browser"]  # the session's one Chromium, a fixture

PATHS = ("", "incidents/", "maintenance/", "subscribe/", "embed/", "404.html")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_three_pages(tmp_path_factory.mktemp("browser-pages"))


@pytest.fixture(scope="module", params=list(FORBIDDEN))
def server(request: pytest.FixtureRequest, site: Path) -> Iterator[SiteServer]:
    with SiteServer(site / request.param) as running:
        yield running


def test_every_kind_of_page_renders_without_an_error(
    browser: Browser, server: SiteServer, site: Path
) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    monitor = next(p for p in (server.folder / "monitors").iterdir() if p.is_dir()).name
    axe, found = Axe(), {}
    for path in (*PATHS, f"monitors/{monitor}/"):
        page.goto(server.url(path))
        assert page.locator("h1").count() == 1, path
        results = axe.run(page)
        if results.violations_count:
            found[path] = results.generate_snapshot()
    context.close()
    assert errors == [] and found == {}


def test_the_pages_html_has_no_error(site: Path) -> None:
    java = shutil.which("java")
    assert java and VNU_JAR.is_file(), "java and the Nu Html Checker (VNU_JAR) are needed"
    pages = [str(site / page / "index.html") for page in FORBIDDEN]
    pages += [str(p) for page in FORBIDDEN for p in (site / page / "monitors").glob("*/index.html")]
    assert nu_errors(java, pages) == []
