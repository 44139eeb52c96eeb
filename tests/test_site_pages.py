"""Several pages from one config (`pages:`): the config checks, and the build: each page's
folder holds nothing of the monitors it does not show, nor of their incidents."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from configuration.errors import ConfigError
from configuration.incidents import Incident
from configuration.loader import load_config_text, load_project
from configuration.models import Config
from configuration.pages import incident_pages, page_config, shown_monitors
from generator import main
from history.demo import write_demo_history
from history.store import ResultStore
from rendering.site import build_pages
from tests.test_api import SCHEMA_FOR, validators

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
CONFIG = """\
version: 1
site:
  title: Acme Status
  url: https://status.acme.example
  timezone: UTC
regions:
  - {id: eu-west, name: Europe}
  - {id: us-east, name: US East}
groups:
  - {id: core, name: Core services, slo: 99.9}
  - {id: partnerzone, name: Partner gateway zone, slo: 99.5}
  - {id: backoffice, name: Backoffice systems, slo: 99.0}
defaults: {interval: 1h}
monitors:
  - {id: website-main, name: Main website, group: core, type: http,
     url: "https://www.acme.example/"}
  - {id: public-api, name: Public API, group: core, tags: [partner], type: http,
     url: "https://api.acme.example/"}
  - {id: partner-gateway-q4, name: Partner Gateway Qx, group: partnerzone, type: http,
     url: "https://gateway-q4.partners.acme.example/"}
  - {id: ledger-vault-z9, name: Ledger Vault Zeta, group: backoffice, tags: [internal],
     type: http, url: "https://ledger-z9.internal.acme.example/",
     headers: {Authorization: "Bearer ${LEDGER_TOKEN}"}}
  - {id: hr-portal-k2, name: HR Portal Kappa, group: backoffice, type: tcp,
     host: hr-k2.internal.acme.example, port: 443}
announcements:
  - {id: public-news, title: New data centre in Lisbon, from: "2026-11-20T09:00:00Z"}
  - {id: internal-freeze, title: Backoffice change freeze Omega, from: "2026-11-20T09:00:00Z"}
pages:
  - {id: public, groups: [core], announcements: [public-news], url: "https://status.acme.example"}
  - id: partner
    title: Acme Partner Status
    url: https://partners.status.acme.example
    cname: partners.status.acme.example
    tags: [partner]
    monitors: [partner-gateway-q4]
    announcements: []
    visibility: unlisted
    host: netlify
  - id: internal
    title: Acme Internal Status
    groups: [backoffice, core]
    announcements: [internal-freeze]
    visibility: private
    host: server
    protection: basic-auth
"""
INCIDENTS = {
    "2026-11-22-ledger.md": "title: Ledger vault replication lag Sigma\n"
    "monitors: [ledger-vault-z9]\nstarted_at: 2026-11-22T10:00:00Z\n",
    "2026-11-21-mixed.md": "title: Gateway and ledger errors Tau\n"
    "monitors: [partner-gateway-q4, ledger-vault-z9]\nimpact: major\n"
    "started_at: 2026-11-21T10:00:00Z\nresolved_at: 2026-11-21T11:00:00Z\n",
    "2026-11-20-api.md": "title: Public API slowness Psi\nmonitors: [public-api]\n"
    "started_at: 2026-11-20T10:00:00Z\nresolved_at: 2026-11-20T12:00:00Z\n",
    "2026-11-24-hr.md": "title: HR portal migration Upsilon\nkind: maintenance\n"
    "monitors: [hr-portal-k2]\nscheduled_start: 2026-11-24T01:00:00Z\n"
    "scheduled_end: 2026-11-24T02:00:00Z\n",
    "2026-11-19-onboarding.md": "title: Partner onboarding notice Phi\npages: [partner]\n"
    "started_at: 2026-11-19T10:00:00Z\nresolved_at: 2026-11-19T11:00:00Z\n",
}
MONITOR_WORDS = {
    "website-main": ["website-main", "Main website", "www.acme.example"],
    "public-api": ["public-api", "Public API", "api.acme.example"],
    "partner-gateway-q4": ["partner-gateway-q4", "Partner Gateway Qx", "gateway-q4", "Partner gat"],
    "ledger-vault-z9": ["ledger-vault-z9", "Ledger Vault Zeta", "ledger-z9"],
    "hr-portal-k2": ["hr-portal-k2", "HR Portal Kappa", "hr-k2"],
}
# What each page must not hold anywhere: the monitors it does not show, their groups, the
# incidents that concern only those, the announcements it does not list.
FORBIDDEN = {
    "public": [
        *MONITOR_WORDS["partner-gateway-q4"],
        *MONITOR_WORDS["ledger-vault-z9"],
        *MONITOR_WORDS["hr-portal-k2"],
        "Backoffice",
        "Sigma",
        "Tau",
        "Upsilon",
        "Phi",
        "Omega",
    ],
    "partner": [
        *MONITOR_WORDS["website-main"],
        *MONITOR_WORDS["ledger-vault-z9"],
        *MONITOR_WORDS["hr-portal-k2"],
        "Backoffice",
        "Sigma",
        "Upsilon",
        "Omega",
        "Lisbon",
    ],
    "internal": [*MONITOR_WORDS["partner-gateway-q4"], "Phi", "Lisbon"],
}
SECRET = "tok-9f8e7d6c5b"  # LEDGER_TOKEN: in no page's files, the private one's included
for words in FORBIDDEN.values():
    words.append(SECRET)


def write_incidents(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, front in INCIDENTS.items():
        (folder / name).write_text(f"---\n{front}---\nWhat happened.\n")
    return folder


def problems_of(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config_text(text, "config.yaml", {})
    return [str(problem) for problem in caught.value.problems]


def test_pages_select_by_id_group_and_tag_and_override_the_site() -> None:
    config = load_config_text(CONFIG, environ={})
    public, partner, internal = config.pages
    assert shown_monitors(config, public) == ["website-main", "public-api"]
    assert shown_monitors(config, partner) == ["public-api", "partner-gateway-q4"]
    assert shown_monitors(config, internal) == [
        "website-main",
        "public-api",
        "ledger-vault-z9",
        "hr-portal-k2",
    ]
    restricted = page_config(config, partner)
    assert restricted.site.title == "Acme Partner Status"
    assert restricted.site.timezone == "UTC" and restricted.site.visibility == "unlisted"
    assert [g.id for g in restricted.groups] == ["core", "partnerzone"]
    assert restricted.announcements == [] and restricted.pages == []
    assert page_config(config, public).site.title == "Acme Status"
    assert page_config(config, internal).site.url is None, "a page's address is its own"


def test_an_incident_reaches_the_pages_of_its_monitors_or_those_it_lists(tmp_path: Path) -> None:
    config, incidents = load_project_with_incidents(tmp_path)
    where = {i.title.split()[-1]: incident_pages(config, i) for i in incidents}
    assert where == {
        "Sigma": ["internal"],
        "Tau": ["partner", "internal"],
        "Psi": ["public", "partner", "internal"],
        "Upsilon": ["internal"],
        "Phi": ["partner"],
    }


def load_project_with_incidents(tmp_path: Path) -> tuple[Config, list[Incident]]:
    (tmp_path / "config.yaml").write_text(CONFIG)
    return load_project(tmp_path / "config.yaml", write_incidents(tmp_path / "incidents"), {})


def test_page_mistakes_are_located() -> None:
    text = CONFIG.replace("groups: [core], announcements", "groups: [cor], announcements")
    text = text.replace("    tags: [partner]\n", "    tags: [partners]\n    folder: public\n")
    text = text.replace("  - id: internal\n", "  - id: partner\n", 1)
    assert problems_of(text) == [
        'config.yaml:30:27: pages[0].groups[0]: unknown group "cor", did you mean "core"?',
        'config.yaml:35:12: pages[1].tags[0]: no monitor has the tag "partners"',
        'config.yaml:36:13: pages[1].folder: pages[0] already uses folder "public"',
        'config.yaml:41:9: pages[2].id: duplicate id "partner", already used by pages[1]',
    ]


def test_only_one_page_is_on_github_pages() -> None:
    found = problems_of(CONFIG.replace("    host: netlify\n", ""))
    assert found == [
        'config.yaml:31:9: pages[1].id: pages[0] already uses host "github-pages"; a repository '
        "has one GitHub Pages site: set host: for this page"
    ]


def test_two_pages_on_one_domain_or_folder_are_refused() -> None:
    text = CONFIG.replace(
        "    groups: [backoffice, core]\n",
        "    groups: [backoffice]\n    folder: partner\n    cname: partners.status.acme.example\n",
    )
    found = problems_of(text)
    assert any("pages[2].folder" in p and 'already uses folder "partner"' in p for p in found)
    assert any("pages[2].cname" in p and "already uses cname" in p for p in found)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("    protection: basic-auth\n", "pages[2]: a private page on server needs protection:"),
        ("    host: server\n", "pages[2]: a private page cannot be kept private on github-pages"),
    ],
)
def test_a_private_page_needs_a_host_that_protects_it(change: str, message: str) -> None:
    found = problems_of(CONFIG.replace(change, ""))
    assert message in found[0], found


def test_a_private_site_without_pages_needs_protection_too() -> None:
    text = CONFIG.split("pages:")[0].replace(
        "  timezone: UTC\n", "  timezone: UTC\n  visibility: private\n  host: netlify\n"
    )
    assert problems_of(text) == [
        "config.yaml:3:3: site: a private page on netlify needs protection: "
        "password (see docs/hosting.md)"
    ]


def test_an_incident_naming_an_unknown_page_is_located(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(CONFIG)
    folder = write_incidents(tmp_path / "incidents")
    (folder / "2026-11-19-onboarding.md").write_text(
        "---\ntitle: x\npages: [partnr]\nstarted_at: 2026-11-19T10:00:00Z\n---\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_project(tmp_path / "config.yaml", folder, {})
    assert [p.message for p in caught.value.problems] == [
        'unknown page "partnr", did you mean "partner"?'
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_three_pages(tmp_path_factory.mktemp("pages"))


def build_three_pages(root: Path) -> Path:
    """The three pages built from one demo history (90 days, with outages): `root/site`."""
    (root / "config.yaml").write_text(CONFIG)
    config, incidents = load_project(
        root / "config.yaml", write_incidents(root / "incidents"), {"LEDGER_TOKEN": SECRET}
    )
    assert SECRET in config.secrets
    store = ResultStore(root / "data")
    write_demo_history(config, store, NOW)
    indexes = build_pages(config, incidents, store, root / "site", NOW)
    assert indexes == [root / "site" / page / "index.html" for page in FORBIDDEN]
    return root / "site"


@pytest.mark.parametrize("page", FORBIDDEN)
def test_a_page_holds_nothing_of_what_it_does_not_show(built: Path, page: str) -> None:
    files = [path for path in (built / page).rglob("*") if path.is_file()]
    assert len(files) > 40
    leaks = [
        (path.relative_to(built).as_posix(), word)
        for path in files
        for word in FORBIDDEN[page]
        if word.lower() in path.relative_to(built).as_posix().lower()
        or word.lower() in path.read_text("utf-8", errors="replace").lower()
    ]
    assert leaks == []


@pytest.mark.parametrize(
    ("page", "shown"),
    [
        ("public", ["Main website", "Public API", "Psi", "Lisbon"]),
        ("partner", ["Public API", "Partner Gateway Qx", "Psi", "Tau", "Phi"]),
        ("internal", ["Ledger Vault Zeta", "HR Portal Kappa", "Sigma", "Tau", "Upsilon", "Omega"]),
    ],
)
def test_a_page_shows_its_monitors_incidents_and_announcements(
    built: Path, page: str, shown: list[str]
) -> None:
    text = "".join(p.read_text("utf-8") for p in (built / page).rglob("*.html"))
    text += (built / page / "feed.atom").read_text("utf-8")
    assert [word for word in shown if word not in text] == []


def test_each_page_reports_its_own_objectives(built: Path) -> None:
    for page in FORBIDDEN:
        reports = [p for p in (built / page / "reports").rglob("*") if p.is_file()]
        assert reports, page  # the monthly reports, written from the page's monitors only


def test_each_page_has_its_own_hosting_files(built: Path) -> None:
    assert not (built / "public" / "CNAME").exists()
    assert (built / "partner" / "CNAME").read_text() == "partners.status.acme.example\n"
    assert "Acme Partner Status" in (built / "partner" / "index.html").read_text()
    for page in FORBIDDEN:
        names = {p.name for p in (built / page).iterdir()}
        assert {"index.html", "_headers", "robots.txt", "feed.rss", "api", "badges"} <= names
        assert "widget.js" in names and "status.txt" in names


@pytest.mark.parametrize("page", FORBIDDEN)
def test_each_pages_api_matches_its_schemas(built: Path, page: str) -> None:
    checks = validators()
    site = built / page
    for path in sorted(p for p in (site / "api").rglob("*") if p.is_file()):
        relative = path.relative_to(site).as_posix()
        matches = [p for p in SCHEMA_FOR if re.fullmatch(p, relative)]
        assert len(matches) == 1, relative
        checks[SCHEMA_FOR[matches[0]]].validate(json.loads(path.read_text("utf-8")))


def test_vigil_build_page_builds_one_page(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(CONFIG)
    write_incidents(tmp_path / "incidents")
    common = ["--config", str(tmp_path / "config.yaml"), "--data", str(tmp_path / "data")]
    common += ["--incidents", str(tmp_path / "incidents"), "--out", str(tmp_path / "site")]
    result = CliRunner().invoke(main, ["build", *common, "--page", "partner"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "site").iterdir()] == ["partner"]
    result = CliRunner().invoke(main, ["build", *common, "--page", "partnr"])
    assert result.exit_code == 2
    assert 'unknown page "partnr", did you mean "partner"?' in result.output


@pytest.mark.parametrize(
    ("page", "listed"), [("public", True), ("partner", False), ("internal", False)]
)
def test_unlisted_and_private_pages_keep_out_of_search_engines(
    built: Path, page: str, listed: bool
) -> None:
    site = built / page
    robots = (site / "robots.txt").read_text()
    assert robots == ("User-agent: *\nAllow: /\n" if listed else "User-agent: *\nDisallow: /\n")
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 10
    noindex = [p for p in pages if '<meta name="robots" content="noindex">' in p.read_text()]
    assert noindex == ([] if listed else pages)
    headers = (site / "_headers").read_text()
    assert ("\n/*\n  X-Robots-Tag: noindex\n" in headers) is not listed


def test_vigil_pages_json_is_the_deploy_plan(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(CONFIG)
    result = CliRunner().invoke(
        main, ["pages", "--config", str(tmp_path / "config.yaml"), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "main": "site/public",
        "extra": 2,
        "deploy": {
            "include": [
                {
                    "page": "partner",
                    "folder": "site/partner",
                    "host": "netlify",
                    "environment": "page-partner",
                    "url": "https://partners.status.acme.example",
                },
                {
                    "page": "internal",
                    "folder": "site/internal",
                    "host": "server",
                    "environment": "page-internal",
                    "url": "",
                },
            ]
        },
    }
    (tmp_path / "config.yaml").write_text(CONFIG.split("pages:")[0])
    result = CliRunner().invoke(
        main, ["pages", "--config", str(tmp_path / "config.yaml"), "--json"]
    )
    assert json.loads(result.output) == {"main": "site", "extra": 0, "deploy": {"include": []}}
