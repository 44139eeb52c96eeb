"""Monthly reports and the error budget in a built site, from a hand-computed history
(tests.test_api's: hourly results, Europe/Berlin, NOW 23 November 2026 12:00 UTC):
`api` down from 11:00 to 12:00 UTC on 23 November, `db` from 08:00 to 09:00 on 21 November
(the written incident `db-outage`), `web` up. November has 720 hours in Berlin: 99.9 %
allows 43.2 minutes, 99.5 % 216. JSON and CSV agree, every file matches its schema."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.test_api import CONFIG, INCIDENTS, build, validators

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
SLO_CONFIG = CONFIG.replace(
    "  - {id: api, name: API, description: Public endpoints}",
    "  - {id: api, name: API, description: Public endpoints, slo: 99.9}",
).replace("    port: 5432\n", "    port: 5432\n    slo: 99.5\n")
HISTORY = {
    "api": {0: "U" * 11 + "D"},
    "web": {0: "U" * 12},
    "db": {2: "U" * 8 + "D" + "U" * 3},
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("slo"), HISTORY, tuple(INCIDENTS), config_text=SLO_CONFIG)


def load(site: Path, name: str) -> Any:
    return json.loads((site / "reports" / name).read_text("utf-8"))


def test_this_months_budget_in_api_v1(site: Path) -> None:
    api = json.loads((site / "api/v1/components/api.json").read_text())
    assert api["slo"] == {
        "target": 99.9,
        "month": "2026-11",
        "budget_minutes": 43.2,
        "used_minutes": 60.0,
        "left_minutes": -16.8,
        "left_percent": -38.89,
        "met": False,
    }
    db = json.loads((site / "api/v1/components/db.json").read_text())["slo"]
    assert (db["budget_minutes"], db["used_minutes"], db["left_minutes"]) == (216.0, 60.0, 156.0)
    assert db["met"] is True
    web = json.loads((site / "api/v1/components/web.json").read_text())["slo"]
    assert (web["target"], web["left_minutes"], web["left_percent"]) == (99.9, 43.2, 100.0)
    validators()["api-v1-component"].validate(api)


def test_the_monitor_page_and_the_group_show_the_budget_left(site: Path) -> None:
    api = (site / "monitors/api/index.html").read_text()
    assert "Overspent by 16 min 48 sec of 43 min 12 sec in November 2026." in api
    db = (site / "monitors/db/index.html").read_text()
    assert "2 hr 36 min of 3 hr 36 min left in November 2026 (72.22%)." in db
    index = (site / "index.html").read_text()
    # The group's: its monitors' downtime averaged, (60 + 0) / 2 = 30 of 43.2 minutes.
    assert "Error budget: 13 min 12 sec of 43 min 12 sec left in November 2026 (30.55%)." in index


def test_the_months_report_lists_every_public_monitor(site: Path) -> None:
    assert load(site, "index.json")["months"] == [
        {"month": "2026-11", "partial": True, "json": "2026-11.json", "csv": "2026-11.csv"}
    ]  # no data before November: no other month
    report = load(site, "2026-11.json")
    assert (report["start"], report["until"]) == ("2026-10-31T23:00:00Z", "2026-11-23T12:00:00Z")
    rows = {row["id"]: row for row in report["monitors"]}
    assert list(rows) == ["api", "web", "db"]  # page order; the private monitor left out
    assert rows["api"] | {"incidents": []} == {
        "id": "api",
        "name": "API",
        "group": "api",
        "uptime_percent": 91.66,  # 11 of 12 hours
        "downtime_minutes": 60.0,
        "outages": 1,
        "incident_count": 1,
        "incidents": [],
        "slo": 99.9,
        "slo_met": False,
        "budget_minutes": 43.2,
        "budget_left_minutes": -16.8,
    }
    assert rows["api"]["incidents"] == [{"id": "api-errors", "title": "Elevated API errors"}]
    assert rows["db"]["incidents"] == [{"id": "db-outage", "title": "Database outage"}]
    assert (rows["db"]["slo"], rows["db"]["slo_met"], rows["db"]["outages"]) == (99.5, True, 1)
    assert rows["web"]["downtime_minutes"] == 0.0
    assert rows["web"]["incidents"] == []  # maintenance is no incident


def test_csv_and_json_agree(site: Path) -> None:
    report = load(site, "2026-11.json")
    with (site / "reports/2026-11.csv").open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [r["id"] for r in rows] == [m["id"] for m in report["monitors"]]
    for row, monitor in zip(rows, report["monitors"], strict=True):
        assert row["month"] == "2026-11"
        assert row["incident_ids"] == " ".join(i["id"] for i in monitor["incidents"])
        for column in ("uptime_percent", "downtime_minutes", "budget_left_minutes", "slo"):
            assert float(row[column]) == monitor[column]
        assert row["slo_met"] == {True: "true", False: "false", None: ""}[monitor["slo_met"]]


def test_every_report_file_matches_its_schema(site: Path) -> None:
    for name in ("report", "report-index"):
        schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
        Draft202012Validator.check_schema(schema)
    report = Draft202012Validator(json.loads((SCHEMAS / "report.schema.json").read_text()))
    index = Draft202012Validator(json.loads((SCHEMAS / "report-index.schema.json").read_text()))
    for month in load(site, "index.json")["months"]:
        report.validate(load(site, month["json"]))
    index.validate(load(site, "index.json"))
    bad = load(site, "2026-11.json")
    bad["monitors"][0]["slo"] = 100
    assert not report.is_valid(bad)


def test_the_reports_page_links_each_month_and_tables_it(site: Path) -> None:
    page = (site / "reports/index.html").read_text()
    assert '<a href="../reports/2026-11.json" type="application/json">JSON</a>' in page
    assert "November 2026 (so far)" in page
    assert '<a href="../monitors/db/">Database</a>' in page
    assert '<a href="../incidents/db-outage/">Database outage</a>' in page
    assert "99.50%: <span>Met</span>" in page
    assert '<span class="overspent">Missed</span>' in page
    assert '<a href="./reports/">Monthly reports</a>' in (site / "index.html").read_text()


def test_an_outage_across_a_months_end_is_in_both_months_reports(tmp_path: Path) -> None:
    """`api` down from 22:00 to 24:00 UTC on 31 October: 23:00 to 01:00 in Berlin (UTC+1),
    one hour in each month. October has 745 hours there (clocks went back on the 25th):
    99.9 % allows 44.7 minutes."""
    history = {**HISTORY, "api": {23: "U" * 22 + "DD", 0: "U" * 11 + "D"}}
    site = build(tmp_path, history, config_text=SLO_CONFIG)
    assert [m["month"] for m in load(site, "index.json")["months"]] == ["2026-11", "2026-10"]
    october = load(site, "2026-10.json")
    assert (october["start"], october["until"], october["partial"]) == (
        "2026-09-30T22:00:00Z",
        "2026-10-31T23:00:00Z",
        False,
    )
    api = october["monitors"][0]
    assert (api["downtime_minutes"], api["budget_minutes"], api["budget_left_minutes"]) == (
        60.0,
        44.7,
        -15.3,
    )
    assert (api["uptime_percent"], api["slo_met"], api["outages"]) == (95.65, False, 1)  # 22/23
    november = load(site, "2026-11.json")["monitors"][0]
    assert (november["downtime_minutes"], november["outages"]) == (120.0, 1)  # one started here
    assert (
        json.loads((site / "api/v1/components/api.json").read_text())["slo"]["used_minutes"] == 120
    )
