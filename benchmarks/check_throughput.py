"""How long one `vigil check` round takes for 1,000 http monitors, against doing it one by one.

A loopback server in its own process answers every request after 100 ms. Each monitor targets
its own loopback address (127.0.1.1, 127.0.1.2, ..., 127.0.2.1, ...: on Linux all of 127.0.0.0/8
is loopback, and the server listens on each of these addresses), so no connection is reused.
Timed, in this process:

- `wall_s`: the round as `vigil check` does it: config text → `load_config_text`, `run_checks`,
  `ResultStore.append` into a temporary folder; `wall_s_tls` the same over https, verified
  against a trustme CA that the probe trusts through SSL_CERT_FILE (as a private CA would be);
  each address has its own ordinary certificate.
- `sequential_s`: a plain httpx loop over the first 100 monitors, scaled to 1,000.
- httpx.AsyncClient and bare aiohttp on the same 1,000 (printed only): the engine comparison.

With `--monitors N` above 1,000 (`--monitors 10000`: issue 20) only the http round and the
sequential baseline run: an https listener per address would double the server's descriptors
past the usual hard limit of 20,000, and bare aiohttp or httpx with N connections at once
would too. Every round also reports how many results reached the result file, its CPU time
per check, and the physical floor: the slowest target's delay plus that CPU time for all N
checks (the probe runs on one core), or the concurrency's own floor, N / concurrency
round trips, when that is longer.

Prints figures, asserts nothing; the last line is one JSON object. Run:
`python benchmarks/check_throughput.py [--monitors N] [--concurrency N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import multiprocessing
import os
import resource
import socket
import ssl
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import trustme
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

from checks.base import HTTP_CONNECTIONS
from checks.processes import process_count, run_in_processes
from checks.runner import RunSettings
from configuration.loader import load_config_text
from history.store import ResultStore, connect, new_run_id, sql_path

MONITORS = 1000  # the default; above it, http only (see the docstring)
SEQUENTIAL = 100  # timed one by one, then scaled to MONITORS
DELAY_S = 0.1  # the server answers every request after this
BACKLOG = 4096  # 1,000 connects at once must not overflow the accept queue (SYN retries: 1 s)
ENGINE_TIMEOUT_S = 60.0  # bounds the httpx.AsyncClient round: its pool can be slow (httpx#3215)
REGION = "bench"


def serve(ports: Any, stop: Any, certs: Sequence[tuple[str, str]]) -> None:
    """The server process: on each (address, PEM file) of `certs`, http on one port and https
    with that address's own certificate on another (http only where the file is ""), until
    `stop` is set."""
    asyncio.run(_serve(ports, stop, certs))


async def _serve(ports: Any, stop: Any, certs: Sequence[tuple[str, str]]) -> None:
    async def answer(_: web.Request) -> web.Response:
        await asyncio.sleep(DELAY_S)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    plain_port, tls_port = _free_ports(certs[0][0], 2)
    # A listener per address rather than one on 0.0.0.0: nothing is reachable from outside.
    # Without SNI for an IP address, that is also how each address gets its own certificate.
    sites = []
    for host, pem in certs:
        sites.append(web.SockSite(runner, _listen(host, plain_port)))
        if pem:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(pem)
            sites.append(web.SockSite(runner, _listen(host, tls_port), ssl_context=context))
    for site in sites:
        await site.start()
    ports.put((plain_port, tls_port))
    while not stop.is_set():
        await asyncio.sleep(0.05)
    await runner.cleanup()


def _listen(host: str, port: int) -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    return sock


def _free_ports(host: str, count: int) -> list[int]:
    with contextlib.ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in socks:  # all bound at once, so the ports differ
            sock.bind((host, 0))
        return [int(sock.getsockname()[1]) for sock in socks]


def hosts(count: int) -> list[str]:
    """127.0.1.1 ... 127.0.1.254, then 127.0.2.1 ...: one loopback address per monitor."""
    return [f"127.0.{1 + i // 254}.{1 + i % 254}" for i in range(count)]


def config_text(urls: Sequence[str]) -> str:
    monitors = [
        {"id": f"m{i:04d}", "name": f"M{i}", "type": "http", "url": url, "timeout": "10s"}
        for i, url in enumerate(urls)
    ]
    config = {"version": 1, "regions": [{"id": REGION, "name": "Bench"}], "monitors": monitors}
    return json.dumps(config)  # JSON is YAML


@dataclass(frozen=True)
class Round:
    load_s: float
    checks_s: float
    append_s: float
    outcome: str
    checks_cpu_s: float  # the CPU time of this process and its workers during the checks
    server_cpu_s: float  # the server's CPU time meanwhile, on the same cores
    written: int  # results read back from the round's result file

    @property
    def wall_s(self) -> float:
        return self.load_s + self.checks_s + self.append_s

    def __str__(self) -> str:
        return (
            f"{self.wall_s:.2f} s (load {self.load_s:.2f} s, checks {self.checks_s:.2f} s, "
            f"of it CPU {self.checks_cpu_s:.2f} s and the server's {self.server_cpu_s:.2f} s, "
            f"append {self.append_s:.2f} s; "
            f"{self.written:,} results written; {self.outcome})"
        )


def vigil_round(
    urls: Sequence[str],
    data: Path,
    concurrency: int | None,
    server: int,
    processes: int | None = None,
) -> Round:
    """One `vigil check --all` round, as generator.check runs it, over `processes` worker
    processes (None: `auto`, the default)."""
    started = time.perf_counter()
    config = load_config_text(config_text(urls), "bench.yaml", environ={})
    run_id = new_run_id(REGION, datetime.now(UTC))
    settings = RunSettings(REGION, run_id)
    if concurrency is not None:
        settings = RunSettings(REGION, run_id, concurrency=concurrency)
    loaded = time.perf_counter()
    cpu_started, server_started = _cpu_s(), _process_cpu_s(server)
    results = run_in_processes(config.monitors, settings, processes)
    checked, checks_cpu_s = time.perf_counter(), _cpu_s() - cpu_started
    server_cpu_s = _process_cpu_s(server) - server_started
    ResultStore(data).append(results)
    done = time.perf_counter()
    outcome = ", ".join(f"{n} {s}" for s, n in Counter(str(r.status) for r in results).items())
    errors = Counter(str(result.error_message) for result in results if result.error_kind)
    if errors:
        outcome += f"; errors: {errors.most_common(3)}"
    timings = (loaded - started, checked - loaded, done - checked)
    return Round(*timings, outcome, checks_cpu_s, server_cpu_s, written_results(data))


def _process_cpu_s(pid: int) -> float:
    """The CPU time of process `pid` so far (Linux: user and system ticks in /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_s() -> float:
    """The CPU time of this process and of its children that ended (the workers, not the
    server: it runs until the end)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class TreeRss:
    """The peak RSS of this process and its descendants but `skip` (the server), in MB,
    sampled every 50 ms in a thread while the block runs."""

    def __init__(self) -> None:
        self.skip: set[int] = set()
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        page_mb = os.sysconf("SC_PAGE_SIZE") / 2**20
        while not self._stop.wait(0.05):
            pages = sum(_rss_pages(pid) for pid in self._tree(os.getpid()))
            self.peak_mb = max(self.peak_mb, pages * page_mb)

    def _tree(self, pid: int) -> list[int]:
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        found = [pid]
        for child in map(int, children):
            if child not in self.skip:
                found += self._tree(child)
        return found


def _rss_pages(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError):
        return 0  # it ended meanwhile


def written_results(data: Path) -> int:
    """The results in the round's result file(s), read back."""
    connection = connect()
    files = sql_path(data / "results" / "**" / "*.parquet")
    row = connection.execute(f"SELECT count(*) FROM read_parquet('{files}')").fetchone()
    connection.close()
    return int(row[0]) if row else 0


def sequential(urls: Sequence[str]) -> float:
    started = time.perf_counter()
    with httpx.Client() as client:
        for url in urls:
            client.get(url).raise_for_status()
    return time.perf_counter() - started


async def httpx_async(urls: Sequence[str]) -> tuple[float, int]:
    started = time.perf_counter()
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=100)  # as Vigil had it
    async with httpx.AsyncClient(limits=limits) as client:
        answers = await asyncio.gather(*(client.get(url) for url in urls), return_exceptions=True)
    ok = sum(isinstance(a, httpx.Response) and a.status_code == 200 for a in answers)
    return time.perf_counter() - started, ok


async def bare_aiohttp(urls: Sequence[str]) -> tuple[float, int]:
    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def get(url: str) -> int:
            async with session.get(url) as response:
                await response.read()
                return response.status

        codes = await asyncio.gather(*(get(url) for url in urls), return_exceptions=True)
    return time.perf_counter() - started, codes.count(200)


def timed_engine(make: Callable[[], Any], label: str, count: int) -> str:
    try:
        seconds, ok = asyncio.run(asyncio.wait_for(make(), ENGINE_TIMEOUT_S))
    except TimeoutError:
        return f"{label}: over {ENGINE_TIMEOUT_S:g} s, stopped"
    return f"{label}: {seconds:.2f} s ({ok}/{count} answered 200)"


def raise_file_limit(monitors: int) -> None:
    # Each open connection is a descriptor: 1,000 at once exceed the usual soft limit of 1,024,
    # and the server holds a listener per address (inherited by the server process).
    needed = max(8192, monitors + 4096)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = needed if hard == resource.RLIM_INFINITY else min(hard, needed)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def check_loopback(host: str, port: int) -> None:
    with socket.create_connection((host, port), timeout=2):
        pass  # raises if 127.0.0.0/8 is not all loopback here


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concurrency", type=int, default=None, help="RunSettings.concurrency")
    parser.add_argument(
        "--monitors", type=int, default=MONITORS, help="above 1,000: the http round only"
    )
    args = parser.parse_args()
    raise_file_limit(args.monitors)
    with tempfile.TemporaryDirectory() as folder:
        run(Path(folder), args.concurrency, args.monitors)


def run(folder: Path, concurrency: int | None, monitors: int) -> None:
    addresses = hosts(monitors)
    ca = trustme.CA()
    cafile = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    certs = []
    for host in addresses:  # a certificate per address, of ordinary size
        if monitors > MONITORS:
            certs.append((host, ""))  # http only
            continue
        pem = folder / f"{host}.pem"
        ca.issue_cert(host).private_key_and_cert_chain_pem.write_to_path(str(pem))
        certs.append((host, str(pem)))
    spawn = multiprocessing.get_context("spawn")
    ports, stop = spawn.Queue(), spawn.Event()
    server = spawn.Process(target=serve, args=(ports, stop, certs), daemon=True)
    server.start()
    try:
        plain_port, tls_port = ports.get(timeout=60)
        check_loopback(addresses[-1], plain_port)
        with TreeRss() as tree:
            tree.skip.add(server.pid or 0)
            ports_ = (plain_port, tls_port)
            figures = measure(folder, addresses, ports_, cafile, concurrency, server.pid or 0)
    finally:
        stop.set()
        server.join(timeout=5)
        if server.is_alive():
            server.terminate()
            server.join(timeout=5)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak RSS: {peak_rss_mb:.0f} MB this process, {tree.peak_mb:.0f} MB with its workers")
    tree_mb = round(tree.peak_mb, 1)
    print(json.dumps(figures | {"peak_rss_mb": round(peak_rss_mb, 1), "tree_rss_mb": tree_mb}))


def _floor(plain_round: Round, count: int, used: int, processes: int) -> tuple[float, float]:
    """The CPU time per check and the floor of a round: every target answers after DELAY_S,
    and the probe's CPU work for all the checks is spread over `processes` cores; nor can
    `used` checks at a time do better than count / used round trips."""
    cpu_per_check_ms = plain_round.checks_cpu_s / count * 1000
    cpu_floor_s = DELAY_S + plain_round.checks_cpu_s / processes
    concurrency_floor_s = math.ceil(count / used) * DELAY_S
    floor_s = max(cpu_floor_s, concurrency_floor_s)
    print(
        f"floor: {floor_s:.2f} s (slowest target {DELAY_S:.2f} s + CPU {cpu_per_check_ms:.3f} ms "
        f"x {count:,} / {processes} processes = {cpu_floor_s:.2f} s; "
        f"{count:,} / concurrency {used} round trips = "
        f"{concurrency_floor_s:.2f} s); the round's checks took {plain_round.checks_s:.2f} s"
    )
    return cpu_per_check_ms, floor_s


def measure(
    folder: Path,
    addresses: Sequence[str],
    ports: tuple[int, int],
    cafile: Path,
    concurrency: int | None,
    server: int,
) -> dict[str, object]:
    count = len(addresses)
    plain = [f"http://{host}:{ports[0]}/" for host in addresses]
    secure = [f"https://{host}:{ports[1]}/" for host in addresses]
    used = concurrency or RunSettings(REGION, "-").concurrency
    print(
        f"{count} monitors on {addresses[0]}..{addresses[-1]}, answered after "
        f"{DELAY_S * 1000:.0f} ms; {os.cpu_count()} CPUs; runner concurrency {used}, "
        f"connection limit {HTTP_CONNECTIONS}"
    )

    processes = process_count(None, count)  # what `auto` uses
    plain_round = vigil_round(plain, folder / "data", concurrency, server)
    print(f"vigil check round, http, {processes} process(es) (auto): {plain_round}")
    one_round = vigil_round(plain, folder / "data-one", concurrency, server, processes=1)
    print(f"the same in 1 process (processes: 1): {one_round}")
    ratio = one_round.wall_s / plain_round.wall_s
    print(f"auto is {ratio:.2f} times as fast as 1 process; load average {os.getloadavg()}")
    tls_round = None
    if count <= MONITORS:
        os.environ["SSL_CERT_FILE"] = str(cafile)  # the probe's TLS context trusts the CA
        tls_round = vigil_round(secure, folder / "data-tls", concurrency, server)
        print(f"vigil check round, https verified (CA via SSL_CERT_FILE): {tls_round}")

    cpu_per_check_ms, floor_s = _floor(plain_round, count, used, processes)

    one_by_one = sequential(plain[:SEQUENTIAL])
    sequential_s = one_by_one * count / SEQUENTIAL
    print(f"httpx one by one: {one_by_one:.2f} s for {SEQUENTIAL}, {sequential_s:.1f} s scaled")

    if count <= MONITORS:
        label = f"{count:,} at once, http"
        print(timed_engine(lambda: bare_aiohttp(plain), f"bare aiohttp, {label}", count))
        print(timed_engine(lambda: httpx_async(plain), f"httpx.AsyncClient, {label}", count))
    figures = _figures(count, plain_round, tls_round, sequential_s, cpu_per_check_ms, floor_s)
    return figures | {
        "processes": processes,
        "wall_s_one_process": round(one_round.wall_s, 3),
        "checks_cpu_s_one_process": round(one_round.checks_cpu_s, 3),
        "server_cpu_s": round(plain_round.server_cpu_s, 3),
        "server_cpu_s_one_process": round(one_round.server_cpu_s, 3),
        "ratio": round(ratio, 2),
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }


def _figures(
    count: int,
    plain_round: Round,
    tls_round: Round | None,
    sequential_s: float,
    cpu_per_check_ms: float,
    floor_s: float,
) -> dict[str, object]:
    """The round's figures as the JSON line prints them."""
    figures: dict[str, object] = {
        "monitors": count,
        "wall_s": round(plain_round.wall_s, 3),
        "written": plain_round.written,
    }
    if tls_round is not None:
        figures["wall_s_tls"] = round(tls_round.wall_s, 3)
    figures |= {
        "sequential_s": round(sequential_s, 2),
        "speedup": round(sequential_s / plain_round.wall_s, 1),
        "checks_s": round(plain_round.checks_s, 3),
        "checks_cpu_s": round(plain_round.checks_cpu_s, 3),
        "cpu_per_check_ms": round(cpu_per_check_ms, 3),
        "floor_s": round(floor_s, 3),
        "load_s": round(plain_round.load_s, 3),
        "append_s": round(plain_round.append_s, 3),
    }
    if tls_round is not None:
        figures["checks_s_tls"] = round(tls_round.checks_s, 3)
    return figures


if __name__ == "__main__":
    main()
