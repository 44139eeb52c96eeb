"""The whole built site from real results: a private monitor and secrets appear in no file,
hostile text from config and incidents is escaped (every XML and SVG file parses), every
feed parses and every JSON file outside the API matches its schema, and the hosting files
cover what they should."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest

from checks.result import ErrorKind, Result, Status
from configuration.incidents import load_incidents
from configuration.loader import load_config_text
from history.store import ResultStore
from history.timeline import MonitorTimeline
from rendering.api import v1 as api_v1
from rendering.api.snapshot import MonitorSnapshot
from rendering.hosting.writer import header_rules
from rendering.site import build_site
from tests.conftest import NOW
from tests.contexts import timeline, validator

HOSTILE = "<script>alert(1)</script> \"&'<> ]]>"
SECRETS = ("tok-public-5521", "tok-vault-7788")
PRIVATE = ("vault-x9", "Hidden Vault Box", "vault-x9.internal.example")
# Names and titles refuse control characters (test_bad_input.py); an update's message and
# the body may carry them, and no output does.
CONFIG = f"""\
version: 1
site:
  title: 'Status {HOSTILE.replace("'", "''")}'
  description: "Hostile text"
  url: https://status.example.com/
regions:
  - {{id: eu-west, name: "Europe <i>"}}
monitors:
  - id: api
    name: "API <b>&amp; ]]>"
    type: http
    url: https://api.example.com/health
    headers: {{Authorization: "Bearer ${{PUBLIC_TOKEN}}"}}
    interval: 1h
  - id: vault-x9
    name: Hidden Vault Box
    public: false
    type: http
    url: https://vault-x9.internal.example/v1/sys/health
    headers: {{X-Vault-Token: "${{VAULT_TOKEN}}"}}
    interval: 1h
"""
INCIDENT = """\
---
title: "Errors <script>alert(1)</script> ]]>"
monitors: [api, vault-x9]
started_at: 2026-11-23T08:00:00Z
updates:
  - at: 2026-11-23T08:10:00Z
    status: identified
    message: "Fixed <img src=x onerror=alert(1)> \\"&'<> ]]> \\x1b in [link](javascript:alert(1))"
---
Body with <script>alert(2)</script> and ]]>, \a and \x0b.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("outputs")
    store = ResultStore(root / "data")
    for hour in range(12):
        at = NOW.replace(hour=0) + timedelta(hours=hour)
        down = hour in (8, 9)
        store.append(
            [
                Result("api", "eu-west", f"r{hour}", at, Status.DOWN if down else Status.UP, 80.0),
                Result(
                    "vault-x9",
                    "eu-west",
                    f"r{hour}",
                    at,
                    Status.DOWN,
                    error_kind=ErrorKind.CONNECT,
                    error_message="connect to vault-x9.internal.example:443 refused",
                ),
            ]
        )
    (root / "incidents").mkdir()
    (root / "incidents" / "2026-11-23-errors.md").write_text(INCIDENT)
    environ = {"PUBLIC_TOKEN": SECRETS[0], "VAULT_TOKEN": SECRETS[1]}
    config = load_config_text(CONFIG, environ=environ)
    incidents = load_incidents(root / "incidents", [m.id for m in config.monitors])
    build_site(config, incidents, store, root / "site", NOW)
    return root / "site"


def files(site: Path) -> list[Path]:
    return sorted(path for path in site.rglob("*") if path.is_file())


def test_private_monitor_and_secrets_are_in_no_file(site: Path) -> None:
    found = files(site)
    assert len(found) > 40 and site / "feed.atom" in found and site / "_headers" in found
    for path in found:
        text = path.read_text("utf-8")
        for secret in (*PRIVATE, *SECRETS):
            assert secret not in path.relative_to(site).as_posix()
            assert secret not in text, (path, secret)


def test_every_xml_and_svg_file_is_well_formed_and_escaped(site: Path) -> None:
    xml_files = [p for p in files(site) if p.suffix in (".rss", ".atom", ".svg")]
    assert len(xml_files) > 20
    for path in xml_files:
        text = path.read_text("utf-8")
        ET.fromstring(text)  # raises on anything unescaped or not allowed in XML
        assert "<script" not in text and "<img" not in text, path
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text), path
    atom = ET.parse(site / "feed.atom").getroot()
    title = atom.find("{http://www.w3.org/2005/Atom}title")
    assert title is not None and title.text == f"Status {HOSTILE}"  # intact once parsed
    status = ET.parse(site / "badges/api/status.svg").getroot()
    texts = [t.text for t in status.iter("{http://www.w3.org/2000/svg}text")]
    # The open incident lists api with the default impact, minor: degraded performance.
    assert texts == ["API <b>&amp; ]]>", "degraded"]


def test_every_feed_parses_and_carries_the_incident(site: Path) -> None:
    feeds = [p for p in files(site) if p.name in ("feed.rss", "feed.atom")]
    assert {p.parent.relative_to(site).as_posix() for p in feeds} == {".", "monitors/api"}
    for path in feeds:
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        links = [entry.link for entry in feed.entries]
        assert "https://status.example.com/incidents/2026-11-23-errors/" in links, path
        content = " ".join(entry.content[0].value for entry in feed.entries)
        # Written markup arrives as text, never as elements or links that run.
        assert "<script" not in content and "<img" not in content
        assert 'href="javascript' not in content and "&lt;img src=x onerror" in content
        assert "Fixed" in content and "Body with" in content


def test_every_feed_and_badge_json_matches_its_schema(site: Path) -> None:
    schemas = {"feed.json": validator("jsonfeed-1.1"), "badge": validator("shields-endpoint")}
    checked = 0
    for path in files(site):
        if path.name == "feed.json":
            schemas["feed.json"].validate(json.loads(path.read_text("utf-8")))
        elif path.suffix == ".json" and path.relative_to(site).parts[0] == "badges":
            schemas["badge"].validate(json.loads(path.read_text("utf-8")))
        else:
            continue
        checked += 1
    assert checked == 2 + 5 + 6  # two feeds, the page's badges, api's badges


def test_v1_response_time_is_the_24h_median() -> None:
    def component(timeline: MonitorTimeline) -> object:
        state = MonitorSnapshot("api", "API", "", "up", None, timeline)
        return api_v1.component_json(state)["response_time_ms"]

    assert component(timeline("api", p50=123.4)) == 123.0
    assert component(timeline("api")) is None


def matches(pattern: str, path: str) -> bool:
    regex = re.escape(pattern).replace(r"\*", ".*").replace(":monitor", "[^/]+")
    return re.fullmatch(regex, path) is not None


def test_headers_give_cors_and_a_short_cache_once(site: Path) -> None:
    rules = header_rules()
    written = (site / "_headers").read_text()
    for pattern, headers in rules:
        assert f"\n{pattern}\n" + "".join(f"  {k}: {v}\n" for k, v in headers.items()) in written
    shared = [p for p in files(site) if p.parts[len(site.parts)] in ("api", "badges", "reports")]
    shared += [p for p in files(site) if p.name.startswith("feed.")]
    assert len(shared) > 30
    for path in shared:
        url = "/" + path.relative_to(site).as_posix()
        applied = [h for pattern, h in rules if matches(pattern, url)]
        names = [name for headers in applied for name in headers]
        assert len(names) == len(set(names)), f"{url}: a header set twice would be joined"
        merged = {k: v for headers in applied for k, v in headers.items()}
        assert merged["Access-Control-Allow-Origin"] == "*", url
        assert merged["Cache-Control"] == "public, max-age=60", url
    assert not any(matches(pattern, "/index.html") for pattern, _ in rules)


def test_redirects_serve_every_api_file_without_its_extension(site: Path) -> None:
    lines = (site / "_redirects").read_text().splitlines()
    rules = [line.split() for line in lines if not line.startswith("#")]
    api = {"/" + p.relative_to(site).as_posix() for p in (site / "api").rglob("*.json")}
    assert {target for _, target, _ in rules} == api
    for source, target, code in rules:
        assert (source + ".json", code) == (target, "200")
    assert ["/api/v1/status", "/api/v1/status.json", "200"] in rules
