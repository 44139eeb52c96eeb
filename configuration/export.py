"""`export:` in config.yaml: where `vigil check` sends each run's results besides the
history. One exporter so far: OpenTelemetry over OTLP/HTTP (`exporting/otlp.py`).

The OpenTelemetry SDK is an optional extra (`pip install 'vigil-status[otlp]'`): a config
that asks for `export.otlp` where it is not installed is a config error at load time, so
`vigil validate` in CI says so before a check job finds out.
"""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from typing import Literal

from pydantic import Field, field_validator, model_validator

from configuration.durations import positive_duration
from configuration.monitor import Duration, Options

OTLP_MODULE = "opentelemetry.exporter.otlp.proto.http"
OTLP_EXTRA = "pip install 'vigil-status[otlp]'"
MAX_TIMEOUT = timedelta(seconds=60)


class OtlpExport(Options):
    """Every run's results as OTLP metrics (and optionally spans) to a collector."""

    endpoint: str = Field(
        description="Base URL of the collector's OTLP/HTTP receiver, e.g. "
        "`http://otel-collector:4318`; `/v1/metrics` and `/v1/traces` are appended.",
        pattern=r"^https?://\S+$",
    )
    headers: dict[str, str] = Field(
        default_factory=dict,
        description='Request headers, e.g. `{Authorization: "Bearer ${OTLP_TOKEN}"}`; '
        "write secrets as `${NAME}`.",
    )
    protocol: Literal["http/protobuf"] = Field(
        "http/protobuf", description="OTLP transport: `http/protobuf` (gRPC is not supported)."
    )
    timeout: Duration = Field(
        timedelta(seconds=5),
        description="How long sending a run's results may take in all, retries included "
        "(at most 60s). A collector that is down, slow or failing loses that run's data "
        "(logged) and never fails the check or holds it up longer.",
    )
    spans: bool = Field(
        False,
        description="Also send a trace per run: one span per check, with its timing phases "
        "(DNS, connect, TLS, first byte).",
    )

    @field_validator("timeout", mode="before")
    @classmethod
    def _bounded(cls, value: object) -> timedelta:
        timeout = positive_duration(value)
        if timeout > MAX_TIMEOUT:
            raise ValueError(f"expected at most 60s, so a run is never held up long, got {value}")
        return timeout

    @model_validator(mode="after")
    def _installed(self) -> OtlpExport:
        if not otlp_installed():
            raise ValueError(f"needs the OpenTelemetry exporter, not installed here: {OTLP_EXTRA}")
        return self


def otlp_installed() -> bool:
    """Whether the `otlp` extra's exporter can be imported."""
    try:
        return importlib.util.find_spec(OTLP_MODULE) is not None
    except (ImportError, ValueError):
        return False


class Export(Options):
    """Where `vigil check` sends each run's results besides the history."""

    otlp: OtlpExport | None = Field(
        None,
        description="OpenTelemetry: each run's results as OTLP metrics to your collector; "
        f"needs `{OTLP_EXTRA}`. See docs/otlp.md.",
    )
