"""The site's `metrics` file, read by `prometheus_client`'s text parser as Prometheus reads
it: every public monitor and no private one, the values the page shows (from the fixed
timelines and from real results through DuckDB), names by Prometheus' conventions,
escaping, its content type in `_headers`, and the docs and the Grafana dashboard naming
exactly what the file holds."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from checks.result import ErrorKind, Result, Status
from configuration.incidents import load_incidents
from configuration.loader import load_config_text
from history.store import ResultStore
from rendering.hosting.writer import header_rules
from rendering.site import build_site
from tests.conftest import NOW, SMALL_CONFIG
from tests.contexts import PRIVATE_MONITOR
from tests.site_fixture import build_fixture_site

DOCS = Path(__file__).resolve().parent.parent / "docs"
NAME = 'API "edge" \\ ünï'  # quotes and a backslash, escaped in a label value


@pytest.fixture(scope="module")
def fixed(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The file of the fixed site (tests/site_fixture.py) with a private monitor added."""
    text = SMALL_CONFIG.replace("    name: API\n", f"    name: '{NAME}'\n") + PRIVATE_MONITOR
    out = tmp_path_factory.mktemp("metrics") / "site"
    build_fixture_site(out, load_config_text(text, environ={}))
    return (out / "metrics").read_text("utf-8")


def samples(text: str) -> Iterator[Sample]:
    for family in text_string_to_metric_families(text):
        yield from family.samples


def value(text: str, metric: str, **labels: str) -> float:
    """The value of the one sample of `metric` whose labels include `labels`."""
    found = [
        s.value for s in samples(text) if s.name == metric and labels.items() <= s.labels.items()
    ]
    assert len(found) == 1, (metric, labels, found)
    return found[0]


def test_every_public_monitor_is_in_it_and_no_private_one(fixed: str) -> None:
    monitors = {s.labels["monitor"] for s in samples(fixed) if "monitor" in s.labels}
    assert monitors == {"api", "db"}
    for private in ("vault-x9", "Hidden Vault Box", "internal.example"):
        assert private not in fixed


def test_the_values_are_what_the_page_shows(fixed: str) -> None:
    assert value(fixed, "vigil_monitor_status", monitor="api", status="up") == 1
    assert value(fixed, "vigil_monitor_status", monitor="api", status="down") == 0
    assert value(fixed, "vigil_monitor_status", monitor="db", status="nodata") == 1
    assert value(fixed, "vigil_monitor_up", monitor="api") == 1
    assert not [
        s for s in samples(fixed) if s.name == "vigil_monitor_up" and s.labels["monitor"] == "db"
    ]
    assert value(fixed, "vigil_monitor_uptime_ratio", monitor="api", window="7d") == pytest.approx(
        601200 / 604800
    )
    assert value(fixed, "vigil_monitor_uptime_ratio", monitor="api", window="24h") == 1
    p95 = {"monitor": "api", "window": "24h", "quantile": "0.95"}
    assert value(fixed, "vigil_monitor_response_time_seconds", **p95, region="all") == 0.09
    assert value(fixed, "vigil_monitor_response_time_seconds", **p95, region="us-east") == 0.135
    assert value(fixed, "vigil_monitor_response_time_samples", monitor="api", region="all",
                 window="30d") == 100  # fmt: skip
    checked = (NOW - timedelta(minutes=20)).timestamp()
    assert value(fixed, "vigil_monitor_last_check_timestamp_seconds", region="ap-south") == checked
    assert value(fixed, "vigil_region_last_check_timestamp_seconds", region="eu-west") == checked
    assert value(fixed, "vigil_site_build_timestamp_seconds") == NOW.timestamp()
    assert value(fixed, "vigil_page_status", status="up") == 1
    assert value(fixed, "vigil_group_status", group="api", status="up") == 1
    assert value(fixed, "vigil_monitor_open_incidents", monitor="api") == 0  # it was resolved
    assert value(fixed, "vigil_monitor_info", monitor="api", name=NAME, group="api") == 1


def test_a_state_is_one_series_per_state_exactly_one_of_them_set(fixed: str) -> None:
    per_subject: dict[tuple[str, str], list[float]] = {}
    for sample in samples(fixed):
        if sample.name.endswith("_status"):
            subject = sample.labels.get("monitor") or sample.labels.get("group") or "page"
            per_subject.setdefault((sample.name, subject), []).append(sample.value)
    assert len(per_subject) == 4  # the page, one group, two monitors
    for (name, _), values in per_subject.items():
        assert sorted(values) == [0.0] * (len(values) - 1) + [1.0]
        assert len(values) == (6 if name == "vigil_page_status" else 5)


def test_names_follow_prometheus_conventions(fixed: str) -> None:
    families = list(text_string_to_metric_families(fixed))
    assert len(families) == 14
    for family in families:
        assert re.fullmatch(r"vigil_[a-z]+(_[a-z0-9]+)*", family.name), family.name
        assert family.type == "gauge" and family.documentation
        assert not family.name.endswith(("_ms", "_milliseconds", "_percent", "_total"))
        for sample in family.samples:
            assert all(re.fullmatch(r"[a-z_]+", label) for label in sample.labels)
    timed = [f.name for f in families if "response_time" in f.name or "timestamp" in f.name]
    assert len(timed) == 5 and all(name.endswith(("_seconds", "_samples")) for name in timed)
    ratios = [s.value for s in samples(fixed) if s.name == "vigil_monitor_uptime_ratio"]
    assert ratios and all(0 <= ratio <= 1 for ratio in ratios)


def test_a_monitor_that_is_down_now_from_real_results(tmp_path: Path) -> None:
    """Real Parquet results read by DuckDB: api down for the last two hours with an open
    incident, db up; the file says so."""
    config = load_config_text(SMALL_CONFIG, environ={})  # ap-south checks nothing here
    store = ResultStore(tmp_path / "data")
    for hour in range(12):
        at = NOW - timedelta(hours=12 - hour)
        status = Status.DOWN if hour >= 10 else Status.UP
        for region in ("eu-west", "us-east"):
            error = ErrorKind.HTTP_STATUS if status is Status.DOWN else None
            run = f"r{hour}-{region}"
            store.append([
                Result("api", region, run, at, status, 100.0 + hour, error_kind=error),
                Result("db", region, run, at, Status.UP, 20.0),
            ])  # fmt: skip
    (tmp_path / "incidents").mkdir()
    (tmp_path / "incidents" / "2026-11-23-api.md").write_text(
        "---\ntitle: API errors\nimpact: critical\nmonitors: [api]\n"
        "started_at: 2026-11-23T10:05:00Z\n---\nLooking into it.\n"
    )
    incidents = load_incidents(tmp_path / "incidents", ["api", "db"])
    build_site(config, incidents, store, tmp_path / "site", NOW)
    text = (tmp_path / "site" / "metrics").read_text()
    assert value(text, "vigil_monitor_status", monitor="api", status="down") == 1
    assert value(text, "vigil_monitor_up", monitor="api") == 0
    assert value(text, "vigil_monitor_up", monitor="db") == 1
    assert value(text, "vigil_monitor_open_incidents", monitor="api") == 1
    assert value(text, "vigil_page_open_incidents", impact="critical") == 1
    assert value(text, "vigil_page_status", status="major") == 1  # half of them down
    newest = (NOW - timedelta(hours=1)).timestamp()
    assert value(text, "vigil_monitor_last_check_timestamp_seconds", monitor="api",
                 region="us-east") == newest  # fmt: skip
    assert value(text, "vigil_region_last_check_timestamp_seconds", region="eu-west") == newest
    assert not [s for s in samples(text) if s.labels.get("region") == "ap-south"]
    assert value(text, "vigil_monitor_response_time_seconds", monitor="db", region="all",
                 window="24h", quantile="0.5") == 0.02  # fmt: skip
    assert value(text, "vigil_monitor_uptime_ratio", monitor="api", window="24h") < 1


def test_headers_serve_it_with_the_prometheus_content_type() -> None:
    rules = dict(header_rules())
    assert rules["/metrics"]["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert rules["/metrics"]["Cache-Control"] == "public, max-age=60"


def test_the_docs_describe_every_metric_and_no_other(fixed: str) -> None:
    written = {family.name for family in text_string_to_metric_families(fixed)}
    documented = set(re.findall(r"^\| `(vigil_[a-z0-9_]+)` \|", (DOCS / "metrics.md").read_text(),
                                re.MULTILINE))  # fmt: skip
    assert documented == written


def test_every_metric_the_grafana_dashboard_queries_is_in_the_file(fixed: str) -> None:
    dashboard = json.loads((DOCS / "grafana-dashboard.json").read_text())
    queries = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    queries += [v["definition"] for v in dashboard["templating"]["list"] if "definition" in v]
    used = {name for query in queries for name in re.findall(r"\bvigil_[a-z0-9_]+", query)}
    written = {family.name for family in text_string_to_metric_families(fixed)}
    assert len(used) >= 10 and used <= written, used - written
    assert len(dashboard["panels"]) == len({panel["id"] for panel in dashboard["panels"]})
