"""`vigil check --region ID`: run the region's due monitors once (or in rounds with
`--loop`), append a result file per round, then send the notifications of what changed.

`plan_check` says what will run (a monitor or channel whose secret is not set does not);
`check` runs the rounds, handing each to `on_round` as it ends, and returns the report."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path, PurePath
from typing import TypeVar

import click

from checks.processes import run_in_processes
from checks.result import Result
from checks.runner import FixedClock, RunSettings, utc_now
from checks.schedule import due_monitors, in_shard, parse_shard, run_rounds
from commands.common import (
    HEARTBEATS_FOLDER,
    load,
    parse_now,
    project_options,
    raise_if_unset,
    report,
    unset_secrets,
)
from commands.export import ResultExport
from configuration.durations import positive_duration
from configuration.errors import Problem
from configuration.messages import escape_control
from configuration.models import Config
from configuration.monitor import MonitorBase
from history.location import open_store
from history.store import new_run_id
from notifications.run import after_check

T = TypeVar("T")  # what an option's parser returns


@dataclass(frozen=True)
class CheckPlan:
    """What `vigil check` will do in REGION: the monitors it checks and whether it notifies;
    what an unset secret keeps from running, each with its located error."""

    config: Config
    region: str
    monitors: list[MonitorBase]
    notify: bool
    unset: list[Problem]  # monitors' first, then channels'
    not_checked: set[str]
    not_sent_to: set[str]


@dataclass(frozen=True)
class CheckRound:
    """One round: the result of each monitor that was due, and the file they were written
    to (None: nothing was due)."""

    region: str
    run_id: str
    results: Sequence[Result]
    path: PurePath | None


@dataclass(frozen=True)
class Rounds:
    """`--loop`: a round every `every` for `length`, timed by `clock`, waiting with `sleep`."""

    every: timedelta
    length: timedelta
    clock: Callable[[], datetime] = utc_now
    sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True)
class CheckReport:
    """What `vigil check` did: the plan it followed and each round it ran."""

    plan: CheckPlan
    rounds: list[CheckRound]


def plan_check(config: Config, region: str, shard: str | None, notify: bool) -> CheckPlan:
    """The monitors of REGION (or of its shard) and the channels, less those whose secret
    is not set."""
    monitors = _region_monitors(config, region, shard)
    unset, not_checked = unset_secrets(config, "monitors", [m.id for m in monitors], "check")
    channels = [c.id for c in config.notifications] if notify else []
    unset_channels, not_sent_to = unset_secrets(config, "notifications", channels, "check")
    return CheckPlan(
        config=config,
        region=region,
        monitors=[m for m in monitors if m.id not in not_checked],
        notify=notify,
        unset=[*unset, *unset_channels],
        not_checked=not_checked,
        not_sent_to=not_sent_to,
    )


def check(
    plan: CheckPlan,
    data_dir: Path,
    incidents_dir: Path,
    clock: Callable[[], datetime] = utc_now,
    *,
    check_all: bool = False,
    rounds: Rounds | None = None,
    on_round: Callable[[CheckRound], None] = lambda _: None,
) -> CheckReport:
    """Run one round at `clock()` (or, with `rounds`, one per slot of their clock): each
    checks the monitors due then (all with `check_all`), appends their results (timed by
    `clock`) and, when the plan notifies, sends what changed; `on_round` gets each round as
    it ends, and the report lists them all."""
    config, region = plan.config, plan.region
    store = open_store(config.history.store, data_dir)
    done: list[CheckRound] = []

    def round_(now: datetime) -> None:
        with store.side_files(required=False):  # the heartbeats, the state and the ledger
            last = store.last_checked(region)
            due = plan.monitors if check_all else due_monitors(plan.monitors, last, now)
            settings = _run_settings(config, region, new_run_id(region, now), data_dir)
            results = run_in_processes(due, settings, _processes(config), clock)
            done.append(CheckRound(region, settings.run_id, results, store.append(results)))
            on_round(done[-1])
            if plan.notify:
                after_check(config, incidents_dir, data_dir, clock())  # never raises

    if rounds is None:
        round_(clock())
    else:
        run_rounds(round_, rounds.every, rounds.length, rounds.clock, rounds.sleep)
    return CheckReport(plan, done)


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


def _processes(config: Config) -> int | None:
    """`runner.processes`; None for `auto`."""
    processes = config.runner.processes
    return None if processes == "auto" else processes


def _describe(result: Result) -> str:
    message = escape_control(result.error_message or "")  # a target's text, not a terminal's
    detail = f" ({result.error_kind}: {message})" if result.error_kind else ""
    took = f" {result.response_time_ms:.0f} ms" if result.response_time_ms is not None else ""
    return f"{result.monitor_id}: {result.status}{took}{detail}"


def _print_round(done: CheckRound) -> None:
    for result in done.results:
        click.echo(_describe(result))
    written = done.path or "nothing due, nothing written"
    click.echo(f"{done.region}: {len(done.results)} checked → {written}")


def _clock_from(now_text: str | None) -> Callable[[], datetime]:
    if now_text is None:
        return utc_now
    return FixedClock(parse_now(now_text))


@click.command("check")
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
@project_options
def check_command(
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
    plan = plan_check(config, region, shard, notify=not no_notify)
    report(plan.unset)
    export = ResultExport(config)  # reports an unset secret of export.otlp's headers

    def on_round(done: CheckRound) -> None:
        _print_round(done)
        export(done.region, done.run_id, done.results)

    rounds = None
    if loop:
        every_td = _parsed(positive_duration, every, "--every")
        rounds = Rounds(every_td, _parsed(positive_duration, loop_for, "--for"))
    report_ = check(
        plan,
        data_dir,
        incidents_dir,
        _clock_from(now_text),
        check_all=check_all,
        rounds=rounds,
        on_round=on_round,
    )
    if loop:
        click.echo(f"{region}: {len(report_.rounds)} rounds")
    raise_if_unset(
        {
            "monitor(s) not checked": plan.not_checked,
            "channel(s) not sent to": plan.not_sent_to,
            "export(s) not sent": export.unset,
        }
    )
