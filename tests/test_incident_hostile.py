"""Hostile text in every field of an incident: nothing executable reaches the HTML, the JSON
stays valid and holds the text as plain text, files round-trip, huge inputs are bounded."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from configuration.errors import ConfigError
from configuration.incident_files import IncidentFile
from configuration.incidents import Incident, load_incidents, parse_incident_text
from configuration.loader import load_config_text
from history.store import ResultStore
from rendering.site import build_site
from rendering.text.markdown import MAX_MARKDOWN, render_markdown
from tests.conftest import NOW, SMALL_CONFIG

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
    "![x](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[ref]\n\n[ref]: javascript:alert(1)",
    '<http://a.example/"onmouseover=alert(1)>',
    '[a](http://a.example "t\\" onmouseover=alert(1)")',
    "<div><b><iframe src=//evil.example>unclosed",
    "<!-- <script>alert(1)</script> -->",
    "<style>body{display:none}</style>",
    "</p></li></ul></section></main><script>alert(1)</script>",
    "{{ 7*7 }} {% raw %}",
]
HOSTILE = " ".join(PAYLOADS)
ICON = "data:image/svg+xml,"
SAFE_SCHEMES = ("http:", "https:", "mailto:", "#", "/", "./", "../")


class Executable(HTMLParser):
    """Collects whatever in an HTML document could run: inline scripts holding a payload,
    event handler attributes, and links or sources that are not plain web addresses."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("iframe", "object", "embed", "svg", "img") and any(
            "evil" in (value or "") or name.startswith("on") for name, value in attrs
        ):
            self.found.append(f"<{tag}>")
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            target = (value or "").strip().lower()
            linked = name in ("href", "src", "action", "formaction")
            # The page's own favicon is an inline SVG image: an icon, never run as a document.
            icon = tag == "link" and ("rel", "icon") in attrs and target.startswith(ICON)
            if (
                linked
                and not icon
                and not target.startswith(SAFE_SCHEMES)
                and ":" in target.split("/")[0]
            ):
                self.found.append(f"{tag}[{name}={target[:40]}]")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and "alert" in data:
            self.found.append(f"<script>{data[:40]}")


def executable(html: str) -> list[str]:
    parser = Executable()
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_detector_sees_what_could_run() -> None:
    raw = "<img src=x onerror=alert(1)><a href='javascript:x'>a</a><script>alert(1)</script>"
    assert executable(raw) == ["<img>", "img[onerror]", "a[href=javascript:x]", "<script>alert(1)"]
    assert executable('<a href="https://a.example/">a</a><script src="app.js"></script>') == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_never_lets_anything_run(payload: str) -> None:
    html = render_markdown(payload)
    assert executable(html) == []
    assert "<script" not in html and "<style" not in html and "<iframe" not in html


def test_unclosed_html_cannot_swallow_the_page() -> None:
    html = render_markdown("<div><b>unclosed\n\n<table><tr><td>x")
    assert "<div" not in html and "<b>" not in html and "&lt;div&gt;" in html


def test_a_megabyte_of_markdown_is_rendered_as_escaped_text() -> None:
    brackets = "[" * (MAX_MARKDOWN * 10)
    assert render_markdown(brackets) == f"<p>{brackets}</p>\n"
    script = "<script>alert(1)</script>\n\n" * (MAX_MARKDOWN // 10)
    html = render_markdown(script)
    assert "<script" not in html and executable(html) == []


def test_a_megabyte_title_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "incidents" / "big.md"
    text = f"---\ntitle: {'<script>' * 125_000}\nstarted_at: 2026-11-23T10:00:00Z\n---\n"
    with pytest.raises(ConfigError) as caught:
        parse_incident_text(text, path)
    [problem] = caught.value.problems
    assert (problem.line, problem.column, problem.path) == (2, 8, "title")
    assert problem.message == "expected at most 300 characters"


@pytest.mark.parametrize(
    "text",
    [HOSTILE, "x\n---\ny", "!!python/object/apply:os.system ['ls']", "*alias &anchor", "# c"],
)
def test_hostile_text_round_trips_through_a_file(tmp_path: Path, text: str) -> None:
    at = datetime(2026, 11, 23, 10, tzinfo=UTC)
    title = text.replace("\n", " ")[:300]
    update = {"at": at, "status": "investigating", "message": text}
    file = IncidentFile(
        tmp_path / "2026-11-23-x.md", {"title": title, "started_at": at, "updates": [update]}, text
    )
    file.save(None)
    [incident] = load_incidents(tmp_path)
    assert (incident.title, incident.updates[0].message) == (title, text)
    assert incident.body == text.strip()


def hostile_incidents() -> list[Incident]:
    huge = HOSTILE * (1_000_000 // len(HOSTILE))
    incident = Incident.model_validate(
        {
            "id": "hostile",
            "title": "<script>alert('title')</script><img src=x onerror=alert(2)>",
            "impact": "major",
            "monitors": ["api"],
            "started_at": NOW.replace(hour=10),
            "updates": [
                {"at": NOW.replace(hour=10, minute=5), "status": "identified", "message": HOSTILE},
                {"at": NOW.replace(hour=10, minute=9), "status": "monitoring", "message": huge},
            ],
            "body": HOSTILE,
        }
    )
    maintenance = Incident.model_validate(
        {
            "id": "hostile-maintenance",
            "title": "javascript:alert(3)",
            "kind": "maintenance",
            "monitors": ["db"],
            "scheduled_start": NOW.replace(hour=11),
            "scheduled_end": NOW.replace(hour=13),
            "body": "<a href=javascript:alert(4)>x</a>\n\n" + HOSTILE,
        }
    )
    return [incident, maintenance]


def test_the_built_site_holds_nothing_executable_and_valid_plain_json(tmp_path: Path) -> None:
    config = load_config_text(SMALL_CONFIG)
    incidents = hostile_incidents()
    build_site(config, incidents, ResultStore(tmp_path / "data"), tmp_path / "site", NOW)
    pages = list((tmp_path / "site").rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert executable(html) == [], page
        assert "alert('title')</script>" not in html
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in index  # the title is shown, as text
    documents = {
        path.relative_to(tmp_path / "site").as_posix(): json.loads(path.read_text("utf-8"))
        for path in (tmp_path / "site" / "api").rglob("*.json")
    }
    titles = {incident.title for incident in incidents}
    messages = {update.message for update in incidents[0].updates}
    found_titles, found_messages = set(), set()
    for document in documents.values():
        for value in _strings(document):
            if value in titles:
                found_titles.add(value)
            if value in messages:
                found_messages.add(value)
    assert found_titles == titles  # as written: plain text, not HTML-escaped
    assert found_messages == messages
    assert not any("&lt;" in value for doc in documents.values() for value in _strings(doc))


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []
