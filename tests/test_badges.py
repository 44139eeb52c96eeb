"""Badges: values from the timelines, shields.io endpoint JSON valid against its schema,
SVG text measured wide enough for what Chromium draws, hostile text escaped, README snippets."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from checks.result import Status
from rendering.badges.font import FONT_FAMILY
from rendering.badges.svg import DARK, LIGHT, MAX_CHARACTERS, badge_svg, fit, text_width
from rendering.badges.writer import badge_snippets, monitor_badges, write_badges
from rendering.text.markup import xml_escape
from tests.contexts import make_context, timeline, validator

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = [
    "W" * 30,
    "@%WMW" * 5,
    "日本語の監視サービス",  # CJK
    "한국어 ไทย Ａ全角",
    "😀🔥🚀 👨\u200d👩\u200d👧 🇩🇪🇯🇵",  # emoji, a ZWJ sequence, flags
    "<script>alert(1)</script>",
    "\"&'<>]]>",
    "ǄÆŒ ⟶ ∰ \u2133 ‱ e\u0301\u0301",  # outside the table; combining marks
    "\u202eRTL override",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        # The system's Chromium where there is one, else the one `playwright install` fetched.
        executable = shutil.which("chromium") or shutil.which("chromium-browser")
        browser = playwright.chromium.launch(executable_path=executable)
        yield browser
        browser.close()


def test_measured_width_covers_what_chromium_draws(browser: Browser) -> None:
    texts = "".join(
        f'<text font-family="{FONT_FAMILY}" font-size="11" y="20">{xml_escape(t)}</text>'
        for t in HOSTILE
    )
    page = browser.new_page()
    page.set_content(f'<svg xmlns="http://www.w3.org/2000/svg" width="3000">{texts}</svg>')
    drawn = page.evaluate(
        "[...document.querySelectorAll('text')].map(t => t.getComputedTextLength())"
    )
    page.close()
    assert len(drawn) == len(HOSTILE) and min(drawn) > 0
    for text, width in zip(HOSTILE, drawn, strict=True):
        assert text_width(text) >= width, text
        assert text_width(text) <= 3 * width + 20, text  # covers, without absurd margins


def test_badge_texts_stay_inside_their_boxes(browser: Browser) -> None:
    page = browser.new_page()
    for label in HOSTILE:
        for theme in (LIGHT, DARK):
            page.set_content(badge_svg(label, "日本 99.9% 😀", "yellow", theme))
            # The text as the font draws it, without the textLength that would force it in.
            boxes = page.evaluate(
                """() => {
                  const svg = document.querySelector('svg');
                  const split = +svg.querySelectorAll('rect')[1].getAttribute('width');
                  const texts = [...svg.querySelectorAll('text')];
                  texts.forEach(t => t.removeAttribute('textLength'));
                  const [a, b] = texts.map(t => t.getBBox());
                  return [split, +svg.getAttribute('width'), a.x, a.x + a.width,
                          b.x, b.x + b.width];
                }"""
            )
            split, width, label_left, label_right, message_left, message_right = boxes
            assert label_left > 0 and label_right < split, label
            assert split < message_left and message_right < width, label
    page.close()


def test_long_text_is_cut_and_svg_is_well_formed() -> None:
    svg = badge_svg("W" * 200 + "\x07\x1b", "<b>\"&'</b>]]>\x00", "red", LIGHT)
    root = ET.fromstring(svg)
    label, message = (t.text for t in root.iter(f"{SVG}text"))
    assert label == "W" * (MAX_CHARACTERS - 1) + "…"
    assert message == "<b>\"&'</b>]]>"  # escaped in the file, intact once parsed
    assert root.find(f"{SVG}title") is not None and "<b>" not in svg
    assert fit("  two\n lines\t") == "two lines"


def test_monitor_badges_follow_the_timeline() -> None:
    uptime = {"24h": (86400.0, 0.0), "7d": (995.0, 5.0), "30d": (970.0, 30.0), "90d": (1, 9)}
    badges = {
        b.name: b for b in monitor_badges("API", "degraded", timeline("api", (), uptime, 712.6))
    }
    assert [(b.message, b.colour) for b in badges.values()] == [
        ("degraded", "yellow"),
        ("100%", "brightgreen"),
        ("99.50%", "green"),
        ("97.00%", "yellowgreen"),
        ("10.00%", "red"),
        ("713 ms", "yellow"),
    ]
    assert list(badges) == [
        *("status", "uptime-24h", "uptime-7d", "uptime-30d", "uptime-90d", "response-time"),
    ]
    assert badges["status"].label == "API" and badges["uptime-7d"].label == "uptime 7d"
    empty = monitor_badges("API", "nodata", timeline("api", current=None))
    assert {(b.message, b.colour) for b in empty} == {("no data", "lightgrey")}


def test_written_badges_and_their_schema(tmp_path: Path) -> None:
    context = make_context(tmp_path / "incidents", {})
    written = write_badges(tmp_path / "site", context)
    badges = tmp_path / "site" / "badges"
    names = {p.relative_to(badges).as_posix() for p in written}
    assert {"status.json", "status.svg", "status-dark.svg", "uptime-30d.svg"} <= names
    assert {"api/uptime-30d.json", "api/response-time-dark.svg", "db/status.svg"} <= names
    assert "response-time.json" not in names  # percentiles of monitors do not add up
    assert not any(name.startswith("vault-x9") for name in names)
    check = validator("shields-endpoint")
    for path in badges.rglob("*.json"):
        check.validate(json.loads(path.read_text("utf-8")))
    for path in badges.rglob("*.svg"):
        ET.parse(path)
    page = json.loads((badges / "status.json").read_text())
    # One of the two public monitors is down (the private one does not count).
    assert page == {
        "schemaVersion": 1,
        "label": "status",
        "message": "major outage",
        "color": "red",
    }
    assert json.loads((badges / "api/response-time.json").read_text())["message"] == "123 ms"
    # The page's uptime is time-weighted over its public monitors: api's 30d only.
    assert json.loads((badges / "uptime-30d.json").read_text())["message"] == "99.50%"
    assert "#b62324" in (badges / "db/status-dark.svg").read_text()  # dark red


def test_snippets_for_the_monitor_page() -> None:
    snippets = dict(badge_snippets("https://status.example.com/", "api"))
    assert snippets["Status"] == (
        "[![Status](https://status.example.com/badges/api/status.svg)]"
        "(https://status.example.com/monitors/api/)"
    )
    assert "badges/api/uptime-30d.svg" in snippets["Uptime, 30 days"]
    assert snippets["Status through shields.io"].startswith(
        "[![Status](https://img.shields.io/endpoint?url="
        "https%3A%2F%2Fstatus.example.com%2Fbadges%2Fapi%2Fstatus.json)"
    )
    relative = dict(badge_snippets(None, "db"))
    assert relative["Status"] == "[![Status](/badges/db/status.svg)](/monitors/db/)"
    assert "Status through shields.io" not in relative


def test_status_messages_cover_every_state() -> None:
    for state in ("up", "degraded", "down", "maintenance", "nodata"):
        (status, *_) = monitor_badges("X", state, timeline("x", current=Status.UP))
        assert status.message and status.colour in LIGHT.colours
