"""The `vigil` command line: thin commands that wire config → checks → history → site.

    config.yaml ─► checks (concurrent, per region) ─► data/results/*.parquet
    incidents/*.md ───────────────┐                          │
                                  ▼                          ▼
                      history (DuckDB) ─► view model ─► site/ (HTML)

Only this module prints or exits; the packages raise plain exceptions.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Literal, TypeVar

import click

from checks.heartbeat import HeartbeatMonitor, record_heartbeat
from checks.result import Result
from checks.runner import RunSettings, run_checks, utc_now
from checks.schedule import due_monitors, in_shard, parse_shard, run_rounds
from commands.common import (
    EXIT_INVALID,
    HEARTBEATS_FOLDER,
    config_option,
    data_option,
    exit_if_unset,
    fail,
    incidents_option,
    load,
    now_option,
    out_option,
    parse_now,
    report,
    report_unset_secrets,
    warn,
)
from commands.deploy import EXIT_FAILED, publish, regions
from commands.fix import fix_renamed_keys
from commands.history import history_group
from commands.incident import incident
from commands.init import init
from commands.maintenance import maintenance
from commands.notify import notify_group
from commands.upgrade import upgrade
from configuration.durations import positive_duration
from configuration.errors import ConfigError
from configuration.loader import load_project
from configuration.messages import escape_control
from configuration.models import Config
from configuration.monitor import MonitorBase
from configuration.reference import (
    config_reference,
    config_schema_text,
    update_generated_files,
)
from configuration.secrets import needed_secrets
from history.compact import compact as compact_history
from history.demo import write_demo_history, write_demo_incidents
from history.specs import maintenance_of, monitor_specs
from history.store import StoreError, new_run_id, open_store
from notifications.reference import write_notifications_doc
from notifications.run import after_check
from rendering.pages import check_templates, custom_dir, custom_templates
from rendering.preview import Preview
from rendering.site import build_site

T = TypeVar("T")  # what an option's parser returns


class Vigil(click.Group):
    """The command group; a history that cannot be read ends any command with one line."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except StoreError as error:
            click.echo(f"vigil: {error}", err=True)
            sys.exit(EXIT_FAILED)


@click.group(cls=Vigil, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="vigil-status")
def main() -> None:
    """Vigil: a status page that costs nothing to run."""
    # The packages log warnings (e.g. a quarantined result file); show them plainly.
    logging.basicConfig(format="%(levelname)s: %(message)s", level=logging.WARNING)


@main.command()
@config_option
@incidents_option
@click.option(
    "--fix", is_flag=True, help="Rewrite renamed keys to their new names, keeping comments."
)
def validate(config_path: Path, incidents_dir: Path, fix: bool) -> None:
    """Check the config and every incident file; print every problem at once, then the
    secrets the config uses (needed by `vigil check` and `vigil notify`, not here)."""
    fixed = fix_renamed_keys(config_path, incidents_dir) if fix else True
    config, incidents = load(config_path, incidents_dir)
    templates = custom_templates(config_path, config)
    if templates and (mistakes := check_templates(templates)):
        fail(ConfigError(mistakes))  # a template of the person's that would fail the build
    click.echo(
        f"{config_path}: OK ({len(config.monitors)} monitors, {len(config.regions)} regions); "
        f"{incidents_dir}: {len(incidents)} incident file(s) OK"
    )
    report(needed_secrets(config.secret_uses), "notice")
    if not fixed:
        sys.exit(EXIT_FAILED)


@main.command()
@click.option("--region", required=True, help="Id of the region this job runs in.")
@click.option("--all", "check_all", is_flag=True, help="Check every monitor, due or not.")
@click.option("--shard", default=None, help="Run only shard I of N parallel jobs, e.g. 2/4.")
@click.option("--loop", is_flag=True, help="Keep checking in rounds, a result file per round.")
@click.option("--every", default="1m", show_default=True, help="With --loop: time between rounds.")
@click.option("--for", "loop_for", default="55m", show_default=True, help="With --loop: how long.")
@click.option(
    "--no-notify",
    "no_notify",
    is_flag=True,
    help="Only record results; `vigil notify send` notifies (the workflow's notify job).",
)
@config_option
@data_option
@incidents_option
@now_option
def check(
    region: str,
    check_all: bool,
    shard: str | None,
    loop: bool,
    every: str,
    loop_for: str,
    no_notify: bool,
    config_path: Path,
    data_dir: Path,
    incidents_dir: Path,
    now_text: str | None,
) -> None:
    """Run the due monitors of REGION once (or in rounds), append a result file per run,
    then send the notifications of what changed (unless --no-notify)."""
    config, _ = load(config_path)
    monitors = _region_monitors(config, region, shard)
    unset = report_unset_secrets(config, "monitors", [m.id for m in monitors], "check")
    channels = [] if no_notify else [c.id for c in config.notifications]
    unset_channels = report_unset_secrets(config, "notifications", channels, "check")
    monitors = [m for m in monitors if m.id not in unset]
    store = open_store(config.history.store, data_dir)

    def round_(now: datetime) -> None:
        with store.side_files(required=False):  # the heartbeats, the state and the ledger
            due = monitors if check_all else due_monitors(monitors, store.last_checked(region), now)
            settings = _run_settings(config, region, new_run_id(region, now), data_dir)
            results = run_checks(due, settings, clock=_clock_from(now_text))
            for result in results:
                click.echo(_describe(result))
            path = store.append(results)
            click.echo(
                f"{region}: {len(results)} checked → {path or 'nothing due, nothing written'}"
            )
            if not no_notify:
                after_check(
                    config, incidents_dir, data_dir, _clock_from(now_text)()
                )  # never raises

    if not loop:
        round_(parse_now(now_text))
    else:
        every_td = _parsed(positive_duration, every, "--every")
        rounds = run_rounds(
            round_, every_td, _parsed(positive_duration, loop_for, "--for"), utc_now, time.sleep
        )
        click.echo(f"{region}: {rounds} rounds")
    exit_if_unset({"monitor(s) not checked": unset, "channel(s) not sent to": unset_channels})


def _region_monitors(config: Config, region: str, shard: str | None) -> list[MonitorBase]:
    """The monitors that REGION checks, or its shard of them."""
    if region not in {r.id for r in config.regions}:
        known = ", ".join(r.id for r in config.regions)
        raise click.BadParameter(
            f'unknown region "{region}"; regions: {known}', param_hint="--region"
        )
    monitors = [m for m in config.monitors if region in config.regions_for(m)]
    if shard is not None:
        monitors = in_shard(monitors, *_parsed(parse_shard, shard, "--shard"))
    return monitors


def _parsed(parse: Callable[[str], T], text: str, option: str) -> T:
    try:
        return parse(text)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint=option) from None


def _run_settings(config: Config, region: str, run_id: str, data_dir: Path) -> RunSettings:
    runner = config.runner
    return RunSettings(
        region=region,
        run_id=run_id,
        concurrency=runner.concurrency,
        deadline=runner.deadline,
        retry_delay=runner.retry_backoff,
        secrets=config.secrets,
        heartbeats=data_dir / HEARTBEATS_FOLDER,
        canary=tuple(runner.canary),
        canary_timeout=runner.canary_timeout,
    )


def _describe(result: Result) -> str:
    message = escape_control(result.error_message or "")  # a target's text, not a terminal's
    detail = f" ({result.error_kind}: {message})" if result.error_kind else ""
    took = f" {result.response_time_ms:.0f} ms" if result.response_time_ms is not None else ""
    return f"{result.monitor_id}: {result.status}{took}{detail}"


def _clock_from(now_text: str | None) -> Callable[[], datetime]:
    if now_text is None:
        return utc_now
    fixed = parse_now(now_text)
    return lambda: fixed


@main.command()
@click.argument("monitor_id")
@click.option(
    "--status",
    type=click.Choice(["up", "down"]),
    default="up",
    show_default=True,
    help="What the job reports: down when it failed.",
)
@click.option("--message", default=None, help="One line for the page, e.g. why it failed.")
@config_option
@data_option
@now_option
def heartbeat(
    monitor_id: str,
    status: Literal["up", "down"],
    message: str | None,
    config_path: Path,
    data_dir: Path,
    now_text: str | None,
) -> None:
    """Record that the job of heartbeat monitor MONITOR_ID reported in; commit data/ after."""
    config, _ = load(config_path)
    monitor = next((m for m in config.monitors if m.id == monitor_id), None)
    if not isinstance(monitor, HeartbeatMonitor):
        known = ", ".join(m.id for m in config.monitors if isinstance(m, HeartbeatMonitor))
        problem = (
            f'no monitor "{monitor_id}" in {config_path}'
            if monitor is None
            else f'monitor "{monitor_id}" is type {monitor.type}, not heartbeat'
        )
        click.echo(f"{problem}; heartbeat monitors: {known or 'none'}", err=True)
        sys.exit(EXIT_INVALID)
    with open_store(config.history.store, data_dir).side_files():
        path = record_heartbeat(
            data_dir / HEARTBEATS_FOLDER, monitor_id, status, message, parse_now(now_text)
        )
    click.echo(f"{monitor_id}: heartbeat {status} recorded in {path}")


@main.command()
@config_option
@data_option
@incidents_option
@out_option
@now_option
def build(
    config_path: Path, data_dir: Path, incidents_dir: Path, out_dir: Path, now_text: str | None
) -> None:
    """Render the site from config, history and incidents."""
    config, incidents = load(config_path, incidents_dir)
    templates = custom_templates(config_path, config)
    try:
        index = build_site(
            config,
            incidents,
            open_store(config.history.store, data_dir),
            out_dir,
            parse_now(now_text),
            templates,
        )
    except ConfigError as error:  # a mistake in one of the person's templates
        fail(error)
    click.echo(f"Built {index}")


@main.command()
@config_option
@data_option
@incidents_option
@now_option
def compact(config_path: Path, data_dir: Path, incidents_dir: Path, now_text: str | None) -> None:
    """Merge closed days, write daily rollups, and drop what is past retention."""
    config, incidents = load(config_path, incidents_dir)
    now = parse_now(now_text)
    done = compact_history(
        open_store(config.history.store, data_dir),
        monitor_specs(config),
        maintenance_of(incidents, now, config.history.raw_days),
        now,
        timezone=config.site.timezone,
        raw_days=config.history.raw_days,
        rollup_days=config.history.rollup_days,
    )
    click.echo(
        f"Merged {done.merged_files} run files into {done.merged_days} region-days; "
        f"{done.rollups_written} rollup days written; dropped {done.raw_days_dropped} raw "
        f"region-days and {done.rollups_dropped} rollup days past retention."
    )


@main.command()
@config_option
@data_option
@incidents_option
@now_option
def demo(config_path: Path, data_dir: Path, incidents_dir: Path, now_text: str | None) -> None:
    """Write 90 days of synthetic history and sample incidents, for a populated page offline."""
    config, _ = load(config_path)
    now = parse_now(now_text)
    count = write_demo_history(config, open_store(config.history.store, data_dir), now)
    written = write_demo_incidents(incidents_dir, config, now)
    click.echo(
        f"Wrote {count} demo results to {data_dir}/ and {len(written)} files to {incidents_dir}/"
    )
    click.echo("Next: vigil build, then open site/index.html")


def site_preview(
    config_path: Path,
    incidents_dir: Path,
    data_dir: Path,
    out_dir: Path,
    now: Callable[[], datetime] = utc_now,
) -> Preview:
    """What `vigil serve` runs: the site rebuilt when the config, the incidents, the data or
    the person's templates (`site.custom_dir`) change; a mistake is printed, and the site
    stays as it was."""

    def rebuild() -> list[Path]:
        try:
            config, incidents = load_project(config_path, incidents_dir)
        except ConfigError as error:
            warn(error.warnings)
            click.echo(f"Not rebuilt:\n{error}", err=True)
            return []
        warn(config.renamed.warnings)
        templates = custom_templates(config_path, config)
        try:
            build_site(
                config,
                incidents,
                open_store(config.history.store, data_dir),
                out_dir,
                now(),
                templates,
            )
        except ConfigError as error:  # a mistake in a template: watch it until it is mended
            click.echo(f"Not rebuilt:\n{error}", err=True)
        else:
            click.echo(f"Rebuilt {out_dir}/ at {now():%H:%M:%S} UTC")
        return [custom_dir(config_path, config)]

    return Preview(out_dir, [config_path, incidents_dir, data_dir], rebuild)


@main.command()
@config_option
@data_option
@incidents_option
@out_option
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1.")
def serve(config_path: Path, data_dir: Path, incidents_dir: Path, out_dir: Path, port: int) -> None:
    """Serve the site on localhost, rebuilding when config, incidents, data or templates change."""
    preview = site_preview(config_path, incidents_dir, data_dir, out_dir)
    try:
        server = preview.start(port)
    except OSError as error:
        click.echo(f"vigil serve: cannot listen on 127.0.0.1:{port}: {error.strerror}", err=True)
        click.echo(
            "Another server may be using it; --port picks another (0: any free one).", err=True
        )
        sys.exit(EXIT_FAILED)
    click.echo(f"Serving {out_dir}/ on http://127.0.0.1:{server.server_port}/ (Ctrl-C stops)")
    try:
        preview.watch()
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop()


@main.command()
@click.option("--markdown", is_flag=True, help="Print the README's config reference instead.")
@click.option(
    "--write",
    is_flag=True,
    help="Rewrite config.schema.json, the README's reference and docs/notifications.md here.",
)
def schema(markdown: bool, write: bool) -> None:
    """Print the JSON Schema of config.yaml."""
    if write:
        root = Path.cwd()
        for path in [*update_generated_files(root), write_notifications_doc(root)]:
            click.echo(f"Wrote {path.relative_to(root)}")
        return
    click.echo(config_reference() if markdown else config_schema_text(), nl=False)


main.add_command(incident)
main.add_command(maintenance)
main.add_command(publish)
main.add_command(regions)
main.add_command(notify_group)
main.add_command(init)
main.add_command(upgrade)
main.add_command(history_group)

if __name__ == "__main__":
    main()
