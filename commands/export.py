"""What `vigil check` does with `export:`: after each round's results are written, send them
to the OpenTelemetry collector of `export.otlp`. A secret its headers use that is not set
is reported once (located), nothing is exported, and the check exits 3 at the end; a
collector that fails loses that round's data, logged, and the check still succeeds."""

from __future__ import annotations

import os
from collections.abc import Sequence

import click

from checks.result import Result
from commands.common import report
from configuration.models import Config
from configuration.redaction import redact

SECTION = "export"


class ResultExport:
    def __init__(self, config: Config) -> None:
        self.config = config
        uses = [u for u in config.secret_uses if u.path[0] == SECTION and not u.is_set]
        report(sorted(use.unset("check") for use in uses))
        self.unset: set[str] = {"export.otlp"} if uses else set()

    def __call__(self, region: str, run_id: str, results: Sequence[Result]) -> None:
        """Send one round's results (none due: nothing sent)."""
        options = self.config.export.otlp
        if options is None or self.unset or not results:
            return
        # The OpenTelemetry SDK is the `otlp` extra: imported only when it is configured.
        from exporting.otlp import Run, export_run, runner_name

        types = {monitor.id: monitor.type for monitor in self.config.monitors}
        runner = runner_name(os.environ)
        run = Run(region, run_id, runner, results, types)
        sent = export_run(run, options, self.config.secrets)
        if not sent.lost:
            spans = f" and {sent.spans} spans" if sent.spans else ""
            where = redact(options.endpoint, [*self.config.secrets, *options.headers.values()])
            click.echo(f"{region}: {sent.points} metric points{spans} sent to {where}")
