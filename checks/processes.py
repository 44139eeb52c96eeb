"""Split a large run over processes, one per core.

One process checks about 2,000 monitors a second: each check costs some 0.5 ms of CPU in
aiohttp and asyncio, so 10,000 monitors keep one core busy for 5 s. From `AUTO_THRESHOLD`
due monitors on, `runner.processes: auto` gives each core a share (the rule of `--shard`,
so the split is the same every run): this process checks the first share while worker
processes check the others, each with the ordinary asyncio checker and its part of the
concurrency, and send their results back. All of them come back in the order given, for
one result file.

Workers are started with `spawn` (a fresh interpreter): the parent may hold DuckDB's or the
object store's threads, which a `fork` would copy mid-lock. A worker that dies, or has not
answered by the run deadline plus `GRACE_S`, leaves its monitors with an `unknown` result
that says so (no data, never down); the other shares' results are kept and written.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from checks.result import Result
from checks.runner import Clock, RunSettings, not_checked, run_checks, utc_now
from checks.schedule import in_shard
from configuration.monitor import MonitorBase

AUTO_THRESHOLD = 4000  # due monitors from which `auto` uses a process per core: below, a
# worker's start (about 1 s of CPU: a fresh interpreter imports Vigil) costs more than it saves
GRACE_S = 60.0  # past the run deadline, for the workers' start and their answer
logger = logging.getLogger(__name__)

Work = Callable[[Connection], None]  # a worker's body: receives its share, sends its results


def process_count(processes: int | None, monitors: int) -> int:
    """How many processes check `monitors` monitors: `processes` (None: `auto`, one per
    core from `AUTO_THRESHOLD` monitors on, else one), never more than the monitors."""
    if processes is None:
        processes = _cores() if monitors >= AUTO_THRESHOLD else 1
    return max(1, min(processes, monitors))


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))  # the cores this process may use
    return os.cpu_count() or 1


def run_in_processes(
    monitors: Sequence[MonitorBase],
    settings: RunSettings,
    processes: int | None,
    clock: Clock = utc_now,
    work: Work | None = None,
) -> list[Result]:
    """`run_checks` over `processes` processes (see `process_count`; 1: this one alone):
    this process checks the first share while worker processes check the others; one result
    per monitor, in the order given. A clock that cannot be sent to another process (a
    test's lambda) keeps the run in this one."""
    count = process_count(processes, len(monitors))
    shares = [in_shard(monitors, index, count) for index in range(1, count + 1)]
    shares = [share for share in shares if share]
    count = len(shares)
    if count <= 1 or not _picklable(clock):  # 0: nothing is due
        return run_checks(monitors, settings, clock)
    share_settings = replace(settings, concurrency=max(1, settings.concurrency // count))
    started_at = clock()
    with _Workers(shares[1:], share_settings, clock, work or _work) as workers:
        results = {r.monitor_id: r for r in run_checks(shares[0], share_settings, clock)}
        outcomes = workers.results()
    for number, (share, outcome) in enumerate(zip(shares[1:], outcomes, strict=True), start=2):
        if isinstance(outcome, str):
            logger.error("worker process %d of %d: %s", number, count, outcome)
            reason = f"worker process {number} of {count} {outcome}"
            outcome = [not_checked(m, settings, started_at, reason) for m in share]
        results |= {result.monitor_id: result for result in outcome}
    return [results[monitor.id] for monitor in monitors]


def _picklable(clock: Clock) -> bool:
    try:
        pickle.dumps(clock)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


class _Workers:
    """A worker process per share, started on entry and each sent its share from a thread
    (a fresh interpreter takes a while to read it); `results` waits for them; exit stops
    any still running."""

    def __init__(
        self,
        shares: Sequence[Sequence[MonitorBase]],
        settings: RunSettings,
        clock: Clock,
        work: Work,
    ) -> None:
        self.payloads = [pickle.dumps((list(share), settings, clock)) for share in shares]
        self.work = work
        self.deadline = settings.deadline.total_seconds() + GRACE_S
        self.started: list[tuple[BaseProcess, Connection, threading.Thread]] = []

    def __enter__(self) -> _Workers:
        context = multiprocessing.get_context("spawn")
        self.deadline += time.monotonic()
        for payload in self.payloads:
            parent_end, child_end = context.Pipe()
            process = context.Process(target=self.work, args=(child_end,), daemon=True)
            process.start()
            child_end.close()  # so a worker's death reads as the end of its pipe
            sender = threading.Thread(target=_send, args=(parent_end, payload), daemon=True)
            sender.start()
            self.started.append((process, parent_end, sender))
        return self

    def results(self) -> list[list[Result] | str]:
        """Each worker's results, or why there are none."""
        return [_receive(process, end, self.deadline) for process, end, _ in self.started]

    def __exit__(self, *_: object) -> None:
        for process, connection, sender in self.started:
            connection.close()
            _stop(process)
            sender.join()


def _send(connection: Connection, payload: bytes) -> None:
    with contextlib.suppress(OSError):  # the worker died: `_receive` says so
        connection.send_bytes(payload)


def _receive(process: BaseProcess, connection: Connection, deadline: float) -> list[Result] | str:
    try:
        if connection.poll(max(0.0, deadline - time.monotonic())):
            results: list[Result] = connection.recv()
            return results
    except (EOFError, OSError):
        process.join(timeout=5)
        return f"died (exit status {process.exitcode})"
    return "did not answer by the run deadline"


def _stop(process: BaseProcess) -> None:
    process.join(timeout=5)
    if process.is_alive():
        process.kill()
        process.join()


def _work(connection: Connection) -> None:
    """A worker: receive a share, the settings and the clock; check; send the results."""
    monitors, settings, clock = connection.recv()
    connection.send(run_checks(monitors, settings, clock))
    connection.close()
