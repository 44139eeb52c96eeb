"""Run many checks concurrently: one shared HTTP pool, a concurrency limit, a run deadline.

Checking 1,000 monitors takes about as long as the slowest one, not the sum of all.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from checks.assertions import compile_assertion
from checks.base import CheckType, ProbeContext
from checks.canary import reachable
from checks.conditions import (
    Condition,
    ConditionOutcome,
    evaluate_all,
    parse_condition,
)
from checks.registry import CHECKS
from checks.result import ErrorKind, Observation, Result, Status
from configuration.monitor import MonitorBase
from configuration.redaction import redact

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class RunSettings:
    region: str
    run_id: str
    concurrency: int = 256
    deadline: timedelta = timedelta(minutes=4)
    retry_delay: timedelta = timedelta(0)  # before the 2nd attempt; doubled for each further one
    secrets: frozenset[str] = field(default_factory=frozenset)
    heartbeats: Path | None = None  # folder of `vigil heartbeat` files, usually data/heartbeats
    canary: tuple[str, ...] = ()  # `host:port`s that prove the runner is online; () = trust it
    canary_timeout: timedelta = timedelta(seconds=3)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class FixedClock:
    """A clock that always says `now` (`--now`); unlike a lambda, it can be sent to a
    worker process."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


def run_checks(
    monitors: Sequence[MonitorBase], settings: RunSettings, clock: Clock = utc_now
) -> list[Result]:
    """Check every monitor once; one result each, in the order given."""
    return asyncio.run(check_all(monitors, settings, clock))


async def check_all(
    monitors: Sequence[MonitorBase], settings: RunSettings, clock: Clock = utc_now
) -> list[Result]:
    context = ProbeContext(
        heartbeats=settings.heartbeats, clock=clock, http_connections=settings.concurrency
    )
    limit = asyncio.Semaphore(settings.concurrency)
    started_at = clock()

    async def limited(monitor: MonitorBase) -> Result:
        async with limit:
            return await check_one(monitor, context, settings, clock)

    tasks = [asyncio.create_task(limited(monitor)) for monitor in monitors]
    try:
        if tasks:
            await asyncio.wait(tasks, timeout=settings.deadline.total_seconds())
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await context.aclose()
    results = [
        task.result()
        if task.done() and not task.cancelled() and task.exception() is None
        else _result(monitor, settings, started_at, _deadline_observation(task, settings), 1)
        for monitor, task in zip(monitors, tasks, strict=True)
    ]
    failed = [
        _networked(monitor) and result.status is Status.DOWN
        for monitor, result in zip(monitors, results, strict=True)
    ]
    if any(failed) and not await reachable(
        settings.canary, settings.canary_timeout.total_seconds()
    ):
        return [
            _offline(result, settings) if network_failure else result
            for result, network_failure in zip(results, failed, strict=True)
        ]
    return results


def _networked(monitor: MonitorBase) -> bool:
    check: CheckType[Any] = CHECKS[monitor.type]
    return check.network


def _offline(result: Result, settings: RunSettings) -> Result:
    """A network failure seen while the runner itself is cut off says nothing about the
    monitor."""
    targets = ", ".join(settings.canary)
    return replace(
        result,
        status=Status.UNKNOWN,
        error_kind=ErrorKind.RUNNER_OFFLINE,
        error_message=f"runner offline: none of {targets} answered ({result.error_message})",
    )


async def check_one(
    monitor: MonitorBase, context: ProbeContext, settings: RunSettings, clock: Clock = utc_now
) -> Result:
    """Check one monitor with its retries; never raises."""
    checked_at = clock()
    attempts = 0
    observation = Observation()
    for attempts in range(1, monitor.retries + 2):
        observation = await _attempt(monitor, context)
        if assess(monitor, observation).status is not Status.DOWN:
            break
        if attempts <= monitor.retries and settings.retry_delay:
            await asyncio.sleep(settings.retry_delay.total_seconds() * 2 ** (attempts - 1))
    return _result(monitor, settings, checked_at, observation, attempts)


async def _attempt(monitor: MonitorBase, context: ProbeContext) -> Observation:
    check: CheckType[Any] = CHECKS[monitor.type]
    started = time.perf_counter()
    try:
        return await asyncio.wait_for(
            check.probe(monitor, context), monitor.timeout.total_seconds()
        )
    except TimeoutError:
        return Observation.failed(
            ErrorKind.TIMEOUT,
            f"no answer within {monitor.timeout.total_seconds():g}s",
            (time.perf_counter() - started) * 1000,
        )
    except Exception as error:  # a probe bug must not stop the other checks
        return Observation.failed(ErrorKind.INTERNAL, f"{type(error).__name__}: {error}")


@dataclass(frozen=True)
class Assessment:
    """What an observation means for the monitor: its status and why."""

    status: Status
    error_kind: ErrorKind | None = None
    message: str | None = None
    conditions: tuple[ConditionOutcome, ...] = ()


def assess(monitor: MonitorBase, observation: Observation) -> Assessment:
    """Down when the probe failed or a condition fails; degraded when a degraded-only
    condition fails, the probe says so, or the answer was slower than `degraded_after`."""
    if observation.error_kind is ErrorKind.WAITING:
        return Assessment(Status.UNKNOWN, observation.error_kind, observation.error_message)
    if observation.error_kind is not None:
        return Assessment(Status.DOWN, observation.error_kind, observation.error_message)
    hard = evaluate_all(
        _compiled(tuple(monitor.conditions))
        + [compile_assertion(assertion) for assertion in monitor.assertions],
        observation.values,
    )
    soft = evaluate_all(_compiled(tuple(monitor.degraded_conditions)), observation.values)
    outcomes = (*hard, *soft)
    if failed := [outcome.explanation for outcome in hard if not outcome.passed]:
        return Assessment(Status.DOWN, ErrorKind.ASSERTION, "; ".join(failed), outcomes)
    reasons = [outcome.explanation for outcome in soft if not outcome.passed]
    reasons += [observation.degraded] if observation.degraded else []
    limit, elapsed_ms = monitor.degraded_after, observation.response_time_ms
    if limit is not None and elapsed_ms is not None and elapsed_ms > limit.total_seconds() * 1000:
        limit_ms = limit.total_seconds() * 1000
        reasons.append(f"slow: answered in {elapsed_ms:.0f} ms, over {limit_ms:.0f} ms")
    if reasons:
        return Assessment(Status.DEGRADED, None, "; ".join(reasons), outcomes)
    return Assessment(Status.UP, None, None, outcomes)


@functools.lru_cache(maxsize=4096)
def _compiled(texts: tuple[str, ...]) -> list[Condition]:
    return [parse_condition(text) for text in texts]


def _result(
    monitor: MonitorBase,
    settings: RunSettings,
    checked_at: datetime,
    observation: Observation,
    attempts: int,
) -> Result:
    assessment = assess(monitor, observation)
    secrets = settings.secrets
    return Result(
        monitor_id=monitor.id,
        region=settings.region,
        run_id=settings.run_id,
        checked_at=checked_at,
        status=assessment.status,
        response_time_ms=observation.response_time_ms,
        status_code=observation.status_code,
        error_kind=assessment.error_kind,
        error_message=redact(assessment.message, secrets) if assessment.message else None,
        attempts=attempts,
        timings=observation.timings,
        peer_ip=observation.peer_ip,
        headers={name: redact(value, secrets) for name, value in observation.headers.items()},
        certificate_expires_at=observation.certificate_expires_at,
        conditions=tuple(
            replace(
                outcome,
                actual=redact(outcome.actual, secrets) if outcome.actual else None,
                explanation=redact(outcome.explanation, secrets),
            )
            for outcome in assessment.conditions
        ),
    )


def not_checked(
    monitor: MonitorBase, settings: RunSettings, checked_at: datetime, reason: str
) -> Result:
    """The result of a monitor whose check never reported (its worker process was lost):
    unknown, counted as no data, never down."""
    observation = Observation.failed(ErrorKind.INTERNAL, f"not checked: {reason}")
    return replace(_result(monitor, settings, checked_at, observation, 1), status=Status.UNKNOWN)


def _deadline_observation(task: asyncio.Task[Result], settings: RunSettings) -> Observation:
    if task.cancelled() or not task.done():
        seconds = settings.deadline.total_seconds()
        return Observation.failed(ErrorKind.TIMEOUT, f"run deadline of {seconds:g}s reached")
    return Observation.failed(ErrorKind.INTERNAL, f"{type(task.exception()).__name__}")
