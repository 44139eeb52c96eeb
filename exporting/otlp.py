"""Every check run's results to an OpenTelemetry collector, over OTLP/HTTP (protobuf),
through the OpenTelemetry SDK and its OTLP exporter; the only module that imports them.

Metrics (all gauges, one point per check, stamped with the time of the check), attributes
`vigil.monitor.id` and `vigil.monitor.type`:

    vigil.check.up                 1 up or degraded, 0 down (none for unknown: no data)
    vigil.check.status             1, with `vigil.check.status` up|degraded|down|unknown
                                   and `error.type` (timeout, connect, …) when it failed
    vigil.check.response_time      seconds, when the target answered or timed out
    vigil.check.attempts           attempts made (retries + 1)
    vigil.check.phase.duration     seconds per `vigil.check.phase`: dns connect tls
                                   first_byte total, where the check timed them
    vigil.check.certificate.time_left  seconds until the certificate expires (http, tls)

The resource says who sent it: `service.name` vigil, `service.version`,
`service.instance.id` and `vigil.region` (the region id), `vigil.runner` (the machine:
GitHub's `RUNNER_NAME`, else the host name) and `host.name`. With `spans: true` a run is
also a trace: a `vigil check` span over the run, one child per check with its phases as
events and its status (error with the message when down).

Sending never raises and never takes longer than `timeout`: the exporter gets it as its
own deadline (retries included) and runs in a worker thread that is waited for that long
at most; what did not arrive is logged as lost, secrets redacted.
"""

from __future__ import annotations

import importlib.metadata
import logging
import socket
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.metrics.export import (
    Gauge,
    Metric,
    MetricExportResult,
    MetricsData,
    NumberDataPoint,
    ResourceMetrics,
    ScopeMetrics,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import SpanKind, StatusCode

from checks.result import Result, Status
from configuration.export import OtlpExport
from configuration.redaction import redact

log = logging.getLogger("vigil.export")
SCOPE = "vigil.checks"
PHASES = (("dns", "dns_ms"), ("connect", "connect_ms"), ("tls", "tls_ms"),
          ("first_byte", "ttfb_ms"), ("total", "total_ms"))  # fmt: skip
Attributes = dict[str, str | int | float]


@dataclass(frozen=True)
class Run:
    """One run of one region: its results and who ran it."""

    region: str
    run_id: str
    runner: str
    results: Sequence[Result]
    types: Mapping[str, str]  # monitor id -> check type


@dataclass(frozen=True)
class Sent:
    """What one export did: points and spans sent, or why they were lost."""

    points: int
    spans: int
    lost: str = ""  # empty when everything arrived


def runner_name(environ: Mapping[str, str]) -> str:
    return environ.get("RUNNER_NAME") or socket.gethostname()


def export_run(run: Run, options: OtlpExport, secrets: frozenset[str]) -> Sent:
    """Send the run's metrics (and spans); never raises, waits `timeout` at most, logs a
    loss with the secrets redacted."""
    points = spans = 0
    what = f"the results of {len(run.results)} checks"
    try:
        resource = run_resource(run)
        metrics = metrics_data(run, resource)
        traced = run_spans(run, resource) if options.spans else []
        points = sum(len(m.data.data_points) for m in _metrics_of(metrics))
        spans = len(traced)
        what = f"{points} metric points" + (f" and {spans} spans" if spans else "")
        lost = _send_bounded(options, metrics, traced)
    except Exception as error:  # a bug or a broken install: the check has still succeeded
        lost = f"{type(error).__name__}: {error}"
    if lost:
        hidden = [*secrets, *options.headers.values()]
        log.warning(
            "OTLP export to %s failed; %s of run %s lost: %s",
            redact(options.endpoint, hidden), what, run.run_id, redact(lost, hidden),
        )  # fmt: skip
    return Sent(points, spans, lost)


def run_resource(run: Run) -> Resource:
    return Resource.create(
        {
            "service.name": "vigil",
            "service.version": _version(),
            "service.instance.id": run.region,
            "vigil.region": run.region,
            "vigil.runner": run.runner,
            "host.name": socket.gethostname(),
        }
    )


def _version() -> str:
    try:
        return importlib.metadata.version("vigil-status")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@dataclass
class _Points:
    """The data points of each metric, in the order first added."""

    by_name: dict[str, tuple[str, str, list[NumberDataPoint]]] = field(default_factory=dict)

    def add(
        self, name: str, unit: str, help_text: str, value: float, at: int, **attrs: str
    ) -> None:
        entry = self.by_name.setdefault(name, (unit, help_text, []))
        entry[2].append(NumberDataPoint(dict(attrs), 0, at, value))

    def metrics(self) -> list[Metric]:
        return [
            Metric(name, help_text, unit, Gauge(points))
            for name, (unit, help_text, points) in self.by_name.items()
        ]


def metrics_data(run: Run, resource: Resource) -> MetricsData:
    points = _Points()
    for result in run.results:
        _result_points(points, result, run.types.get(result.monitor_id, ""))
    scope = ScopeMetrics(InstrumentationScope(SCOPE, _version()), points.metrics(), "")
    return MetricsData([ResourceMetrics(resource, [scope], "")])


def _result_points(points: _Points, result: Result, check_type: str) -> None:
    at = _nanos(result.checked_at)
    who = {"vigil.monitor.id": result.monitor_id, "vigil.monitor.type": check_type}
    if result.status is not Status.UNKNOWN:
        up = 0 if result.status is Status.DOWN else 1
        points.add("vigil.check.up", "1", "1 when up or degraded, 0 when down", up, at, **who)
    why = {"error.type": result.error_kind.value} if result.error_kind else {}
    points.add("vigil.check.status", "1", "1 for the check's status", 1, at, **who,
               **{"vigil.check.status": result.status.value}, **why)  # fmt: skip
    if result.response_time_ms is not None:
        seconds = result.response_time_ms / 1000
        points.add("vigil.check.response_time", "s", "Response time", seconds, at, **who)
    points.add("vigil.check.attempts", "{attempt}", "Attempts made", result.attempts, at, **who)
    for phase, seconds in _phases(result):
        points.add("vigil.check.phase.duration", "s", "Time of a phase of the check", seconds,
                   at, **who, **{"vigil.check.phase": phase})  # fmt: skip
    if result.certificate_expires_at is not None:
        left = (result.certificate_expires_at - result.checked_at).total_seconds()
        points.add("vigil.check.certificate.time_left", "s", "Until the certificate expires",
                   left, at, **who)  # fmt: skip


def _phases(result: Result) -> list[tuple[str, float]]:
    timings = result.timings
    if timings is None:
        return []
    found = [(phase, getattr(timings, name)) for phase, name in PHASES]
    return [(phase, ms / 1000) for phase, ms in found if ms is not None]


def _nanos(moment: datetime) -> int:
    return int(moment.timestamp() * 1e9)


def _metrics_of(data: MetricsData) -> list[Metric]:
    return [m for rm in data.resource_metrics for sm in rm.scope_metrics for m in sm.metrics]


def run_spans(run: Run, resource: Resource) -> list[ReadableSpan]:
    """A `vigil check` span over the run and one child span per check."""
    memory = InMemorySpanExporter()
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer(SCOPE, _version())
    ends = [(result, _end(result)) for result in run.results]
    start = min((r.checked_at for r in run.results), default=None)
    if start is None:
        return []
    root = tracer.start_span("vigil check", kind=SpanKind.INTERNAL, start_time=_nanos(start),
                             attributes={"vigil.run.id": run.run_id,
                                         "vigil.run.checks": len(run.results)})  # fmt: skip
    context = trace.set_span_in_context(root)
    for result, end in ends:
        _check_span(tracer, context, result, run.types.get(result.monitor_id, ""), end)
    root.end(end_time=_nanos(max(end for _, end in ends)))
    provider.shutdown()
    return list(memory.get_finished_spans())


def _end(result: Result) -> datetime:
    took = result.timings.total_ms if result.timings else None
    took = took if took is not None else result.response_time_ms
    return result.checked_at + timedelta(milliseconds=took or 0)


def _check_span(
    tracer: trace.Tracer, context: object, result: Result, check_type: str, end: datetime
) -> None:
    attributes: Attributes = {
        "vigil.monitor.id": result.monitor_id,
        "vigil.monitor.type": check_type,
        "vigil.check.status": result.status.value,
        "vigil.check.attempts": result.attempts,
    }
    if result.error_kind is not None:
        attributes["error.type"] = result.error_kind.value
    if result.status_code is not None:
        attributes["http.response.status_code"] = result.status_code
    for phase, seconds in _phases(result):
        attributes[f"vigil.check.phase.{phase}"] = seconds
    span = tracer.start_span(f"check {result.monitor_id}", context=context,  # type: ignore[arg-type]
                             kind=SpanKind.CLIENT, attributes=attributes,
                             start_time=_nanos(result.checked_at))  # fmt: skip
    for name, offset in _phase_ends(result):
        span.add_event(name, timestamp=_nanos(result.checked_at + offset))
    if result.status is Status.DOWN:
        span.set_status(StatusCode.ERROR, result.error_message or result.status.value)
    span.end(end_time=_nanos(end))


def _phase_ends(result: Result) -> list[tuple[str, timedelta]]:
    """When each phase ended, from the start of the check: DNS, then connect, then TLS,
    one after the other; the first byte from the start."""
    timings, ends, elapsed = result.timings, [], 0.0
    if timings is None:
        return []
    for phase, value in (("dns", timings.dns_ms), ("connect", timings.connect_ms),
                         ("tls", timings.tls_ms)):  # fmt: skip
        if value is not None:
            elapsed += value
            ends.append((f"{phase} done", timedelta(milliseconds=elapsed)))
    if timings.ttfb_ms is not None:
        ends.append(("first byte", timedelta(milliseconds=timings.ttfb_ms)))
    return ends


def _send_bounded(options: OtlpExport, metrics: MetricsData, spans: Sequence[ReadableSpan]) -> str:
    """Send in a worker thread, waiting `timeout` at most; returns why something was lost
    ("" when all arrived). The exporter logs its reasons; they are collected, not shown."""
    timeout = options.timeout.total_seconds()
    outcome: list[str] = []
    reasons = _Reasons.install()
    worker = threading.Thread(
        target=lambda: outcome.append(_send(options, timeout, metrics, spans)),
        name="vigil-otlp-export",
        daemon=True,  # one that is still waiting when the process ends is dropped with it
    )
    worker.start()
    worker.join(timeout)
    if not outcome:
        return f"no answer within {timeout:g}s" + reasons.text()
    return outcome[0] + (reasons.text() if outcome[0] else "")


def _send(
    options: OtlpExport, timeout: float, metrics: MetricsData, spans: Sequence[ReadableSpan]
) -> str:
    base = options.endpoint.rstrip("/")
    deadline = time.monotonic() + timeout
    exporter = OTLPMetricExporter(
        endpoint=f"{base}/v1/metrics", headers=dict(options.headers), timeout=timeout
    )
    lost = []
    if exporter.export(metrics, timeout_millis=timeout * 1000) != MetricExportResult.SUCCESS:
        lost.append("metrics not accepted")
    exporter.shutdown()
    remaining = deadline - time.monotonic()
    if spans and remaining <= 0:
        lost.append("no time left for the spans")
    elif spans:
        span_exporter = OTLPSpanExporter(
            endpoint=f"{base}/v1/traces", headers=dict(options.headers), timeout=remaining
        )
        if span_exporter.export(spans) != SpanExportResult.SUCCESS:
            lost.append("spans not accepted")
        span_exporter.shutdown()  # type: ignore[no-untyped-call]  # untyped upstream
    return "; ".join(lost)


class _Reasons(logging.Handler):
    """Collects what the OpenTelemetry exporter logs (why a request failed), so the one
    warning about the loss can say it, redacted; its own lines never reach the output."""

    current: _Reasons | None = None

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    @classmethod
    def install(cls) -> _Reasons:
        otel = logging.getLogger("opentelemetry")
        otel.propagate = False  # raw messages may quote the endpoint and what it answered
        if cls.current is not None:
            otel.removeHandler(cls.current)
        cls.current = cls()
        otel.addHandler(cls.current)
        return cls.current

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def text(self) -> str:
        return f" ({self.messages[-1]})" if self.messages else ""
