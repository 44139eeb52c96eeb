"""`export.otlp`: `vigil check` sends its run's results to an OTLP/HTTP receiver on loopback,
which decodes the protobuf requests (`opentelemetry-proto`) and the test asserts their
values for a known run; a collector that answers 500 or hangs never fails the run or holds
it past the configured timeout, and the loss is logged without the secret; an unset
secret, a missing extra and a bad option are clear errors."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import KeyValue
from opentelemetry.sdk.metrics.export import MetricExportResult, MetricsData

import exporting.otlp
from generator import main
from tests.notify_receivers import Receiver, http_receiver

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TOKEN = "otlp-token-3f9a7c"
ENV = {"OTLP_TOKEN": TOKEN, "RUNNER_NAME": "runner-7"}
CONFIG = """\
version: 1
site: {{title: Test}}
regions: [{{id: local, name: Loopback}}]
runner: {{canary: []}}
monitors:
  - {{id: web, name: Web, type: http, url: "{web}/health", timeout: 2s}}
  - {{id: closed, name: Closed, type: tcp, host: 127.0.0.1, port: {port}, timeout: 2s}}
  - {{id: hidden, name: Hidden, type: http, url: "{web}/private", public: false}}
export:
  otlp:
    endpoint: "{collector}"
    headers: {{Authorization: "Bearer ${{OTLP_TOKEN}}"}}
    timeout: {timeout}
    spans: true
"""


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens once it is closed


@pytest.fixture
def web() -> Iterator[Receiver]:
    with http_receiver(200) as receiver:
        yield receiver


def check(folder: Path, web: Receiver, collector: str, timeout: str = "2s") -> tuple[int, str, str]:
    config = CONFIG.format(web=web.url, port=closed_port(), collector=collector, timeout=timeout)
    (folder / "config.yaml").write_text(config)
    args = ["check", "--region", "local", "--all", "--no-notify", "--now", NOW.isoformat()]
    result = CliRunner().invoke(main, args, env=ENV, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def attributes(pairs: Any) -> dict[str, Any]:
    return {kv.key: _value(kv) for kv in pairs}


def _value(kv: KeyValue) -> Any:
    return getattr(kv.value, kv.value.WhichOneof("value"))


def points(request: ExportMetricsServiceRequest) -> dict[str, list[tuple[dict[str, Any], Any]]]:
    """Per metric name: (attributes, value) of each data point, and every point's time."""
    found: dict[str, list[tuple[dict[str, Any], Any]]] = {}
    for resource in request.resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                assert metric.WhichOneof("data") == "gauge"
                for point in metric.gauge.data_points:
                    assert point.time_unix_nano == int(NOW.timestamp() * 1e9)
                    value = getattr(point, point.WhichOneof("value"))
                    found.setdefault(metric.name, []).append((attributes(point.attributes), value))
    return found


def by_monitor(found: list[tuple[dict[str, Any], Any]]) -> dict[str, Any]:
    return {attrs["vigil.monitor.id"]: value for attrs, value in found}


def test_a_known_run_arrives_as_otlp_metrics_and_spans(project: Path, web: Receiver) -> None:
    with http_receiver(200) as collector:
        code, out, err = check(project, web, collector.url)
    assert code == 0, err
    assert [r.path for r in collector.requests] == ["/v1/metrics", "/v1/traces"]
    assert {r.headers["content-type"] for r in collector.requests} == {"application/x-protobuf"}
    assert collector.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    request = ExportMetricsServiceRequest.FromString(collector.requests[0].body)
    resource = attributes(request.resource_metrics[0].resource.attributes)
    assert resource["service.name"] == "vigil" and resource["service.instance.id"] == "local"
    assert (resource["vigil.region"], resource["vigil.runner"]) == ("local", "runner-7")
    found = points(request)
    assert by_monitor(found["vigil.check.up"]) == {"web": 1, "closed": 0, "hidden": 1}
    assert by_monitor(found["vigil.check.attempts"]) == {"web": 1, "closed": 1, "hidden": 1}
    statuses = {a["vigil.monitor.id"]: (a["vigil.check.status"], a.get("error.type"))
                for a, _ in found["vigil.check.status"]}  # fmt: skip
    assert statuses == {"web": ("up", None), "closed": ("down", "connect"), "hidden": ("up", None)}
    assert {a["vigil.monitor.type"] for a, _ in found["vigil.check.up"]} == {"http", "tcp"}
    assert 0 < by_monitor(found["vigil.check.response_time"])["web"] < 2
    phases = {a["vigil.check.phase"] for a, _ in found["vigil.check.phase.duration"]
              if a["vigil.monitor.id"] == "web"}  # fmt: skip
    assert {"connect", "first_byte", "total"} <= phases
    total = sum(len(values) for values in found.values())
    assert f"local: {total} metric points and 4 spans sent to {collector.url}" in out
    assert (project / "data" / "results" / "region=local").is_dir()


def test_every_check_is_a_span_of_the_run_with_its_phases(project: Path, web: Receiver) -> None:
    with http_receiver(200) as collector:
        assert check(project, web, collector.url)[0] == 0
    request = ExportTraceServiceRequest.FromString(collector.requests[1].body)
    spans = [span for rs in request.resource_spans for ss in rs.scope_spans for span in ss.spans]
    root = next(span for span in spans if span.name == "vigil check")
    checks = {span.name: span for span in spans if span is not root}
    assert set(checks) == {"check web", "check closed", "check hidden"}
    assert all(span.parent_span_id == root.span_id for span in checks.values())
    assert len({span.trace_id for span in spans}) == 1
    assert root.start_time_unix_nano == int(NOW.timestamp() * 1e9)
    web_span, closed = checks["check web"], checks["check closed"]
    assert [event.name for event in web_span.events][-1] == "first byte"
    assert web_span.end_time_unix_nano > web_span.start_time_unix_nano
    assert closed.status.code == closed.status.STATUS_CODE_ERROR and closed.status.message
    assert attributes(closed.attributes)["error.type"] == "connect"


def test_a_collector_answering_500_loses_the_run_logged_never_the_check(
    project: Path, web: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    with http_receiver(500) as collector, caplog.at_level(logging.WARNING):
        code, out, err = check(project, web, collector.url)
    assert code == 0 and "web: up" in out and "sent to" not in out
    assert len(collector.requests) == 2  # 500 is not retried; the spans are still tried
    lost = [r.getMessage() for r in caplog.records if r.name == "vigil.export"]
    assert len(lost) == 1 and lost[0].startswith(f"OTLP export to {collector.url} failed; ")
    assert "metrics not accepted; spans not accepted" in lost[0] and "500" in lost[0]
    assert not logging.getLogger("opentelemetry").propagate  # its raw lines stay collected
    assert TOKEN not in caplog.text + out + err
    assert (project / "data" / "results" / "region=local").is_dir()


def test_a_hanging_collector_is_given_the_configured_timeout_and_no_more(
    project: Path, web: Receiver, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The exporter gets the timeout as its deadline; the run completes and says what was
    lost, while the collector still has not answered."""
    given: list[float] = []

    class Recording(OTLPMetricExporter):
        def __init__(self, **options: Any) -> None:
            given.append(options["timeout"])
            super().__init__(**options)

    monkeypatch.setattr(exporting.otlp, "OTLPMetricExporter", Recording)
    with http_receiver(0) as collector, caplog.at_level(logging.WARNING):
        code, out, _ = check(project, web, collector.url, timeout="300ms")
        answered = collector.released.is_set()
    assert code == 0 and "web: up" in out and not answered
    assert given == [0.3] and len(collector.requests) >= 1
    lost = [r.getMessage() for r in caplog.records if r.name == "vigil.export"]
    assert len(lost) == 1 and "metric points and 4 spans of run" in lost[0]
    assert " lost: " in lost[0] and TOKEN not in caplog.text


def test_an_export_that_outlives_its_timeout_is_left_behind(
    project: Path, web: Receiver, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However the exporter behaves (here it is held until the test lets it go), the run
    waits for it `timeout` at most, then goes on and logs the loss."""
    release = threading.Event()

    class Held(OTLPMetricExporter):
        def export(
            self, metrics_data: MetricsData, timeout_millis: float | None = 10000, **_: Any
        ) -> MetricExportResult:
            release.wait(30)
            return super().export(metrics_data, timeout_millis)

    monkeypatch.setattr(exporting.otlp, "OTLPMetricExporter", Held)
    try:
        with http_receiver(200) as collector, caplog.at_level(logging.WARNING):
            code, _, _ = check(project, web, collector.url, timeout="200ms")
            still_held = not release.is_set()
    finally:
        release.set()
    assert code == 0 and still_held and collector.requests == []
    assert "lost: no answer within 0.2s" in caplog.text


def test_an_unset_secret_in_the_headers_exports_nothing_and_exits_3(
    project: Path, web: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(ENV, "OTLP_TOKEN")
    with http_receiver(200) as collector:
        code, out, err = check(project, web, collector.url)
    assert code == 3 and collector.requests == [] and "web: up" in out
    assert (
        "config.yaml:12:30: " in err
        and "export.otlp.headers.Authorization: secret OTLP_TOKEN" in err
    )
    assert "1 export(s) not sent (export.otlp)" in err
    assert (project / "data" / "results" / "region=local").is_dir()


@pytest.mark.parametrize(
    ("replace", "message"),
    [
        ("spans: true", "protocol: grpc"),
        ("timeout: 2s", "timeout: 2m"),
        ('endpoint: "http://127.0.0.1:9"', "endpoint: collector:4318"),
    ],
)
def test_a_bad_option_is_a_located_config_error(
    project: Path, web: Receiver, replace: str, message: str
) -> None:
    text = CONFIG.format(web=web.url, port=9, collector="http://127.0.0.1:9", timeout="2s")
    (project / "config.yaml").write_text(text.replace(replace, message))
    result = CliRunner().invoke(main, ["validate"], env=ENV)
    assert result.exit_code == 2 and "config.yaml:" in result.stderr
    assert "export.otlp" in result.stderr and "Traceback" not in result.stderr


def test_without_the_otlp_extra_the_config_says_how_to_install_it(
    project: Path, web: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "opentelemetry.exporter.otlp.proto.http", None)
    text = CONFIG.format(web=web.url, port=9, collector="http://127.0.0.1:9", timeout="2s")
    (project / "config.yaml").write_text(text)
    result = CliRunner().invoke(main, ["check", "--region", "local"], env=ENV)
    assert result.exit_code == 2 and not (project / "data").exists()
    needs = "export.otlp: needs the OpenTelemetry exporter, not installed here: pip install "
    assert f"{needs}'vigil-status[otlp]'" in result.stderr
