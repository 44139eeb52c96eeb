"""What `export.otlp` adds to a `vigil check` round of 1,000 results: the time
`exporting.otlp.export_run` takes against a loopback collector that accepts, one that
answers 500, one that never answers, and a port where nothing listens, with `spans: true`
and the default 5 s timeout (2 s for the hanging one, to keep the script short).

    python benchmarks/otlp_export.py [--monitors 1000] [--repeat 3]

Prints one line per case and a JSON line; asserts nothing."""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from checks.result import ErrorKind, Result, Status, Timings
from configuration.export import OtlpExport
from exporting.otlp import Run, export_run

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def results(count: int) -> list[Result]:
    found = []
    for index in range(count):
        down = index % 10 == 0
        found.append(
            Result(
                f"m{index:05d}", "eu-west", "bench", NOW + timedelta(milliseconds=index),
                Status.DOWN if down else Status.UP, 80.0 + index % 50, 503 if down else 200,
                ErrorKind.HTTP_STATUS if down else None, "503" if down else None,
                timings=Timings(2.0, 10.0, None, 60.0, 80.0 + index % 50),
            )
        )  # fmt: skip
    return found


@contextmanager
def collector(status: int) -> Iterator[str]:
    """A loopback OTLP/HTTP receiver answering `status` (0: never answers)."""
    release = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if status == 0:
                release.wait(30)
                return
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        release.set()
        server.shutdown()
        server.server_close()


def closed_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def timed(run: Run, endpoint: str, timeout: str, repeat: int) -> tuple[float, int, str]:
    options = OtlpExport.model_validate({"endpoint": endpoint, "timeout": timeout, "spans": True})
    walls, sent = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        sent = export_run(run, options, frozenset())
        walls.append(time.perf_counter() - started)
    assert sent is not None
    return statistics.median(walls), sent.points, sent.lost


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--monitors", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    found = results(args.monitors)
    run = Run("eu-west", "bench", "bench-runner", found, {r.monitor_id: "http" for r in found})
    figures = {}
    for case, status, timeout in (("accepts", 200, "5s"), ("answers_500", 500, "5s"),
                                  ("hangs", 0, "2s"), ("refused", -1, "5s")):  # fmt: skip
        if status < 0:
            wall, points, lost = timed(run, closed_url(), timeout, args.repeat)
        else:
            with collector(status) as url:
                wall, points, lost = timed(run, url, timeout, args.repeat)
        figures[case] = round(wall, 3)
        print(f"{case:12} timeout {timeout}: {wall:.3f} s for {points} points "
              f"and {args.monitors + 1} spans; lost: {lost or 'nothing'}")  # fmt: skip
    print(json.dumps({"monitors": args.monitors, **figures}))


if __name__ == "__main__":
    main()
