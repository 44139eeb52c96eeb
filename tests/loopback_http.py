"""A threaded HTTP server on 127.0.0.1 for check tests (stdlib only, no browser needed):
subclass `LoopbackServer` with the state a test needs and `QuietHandler` with its answers."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

SLOW_CAP = 5.0  # a /slow answer comes after this at the latest, so no test can hang on it


class LoopbackServer(ThreadingHTTPServer):
    """Listens on a free loopback port; a client that hangs up (a probe that timed out or
    read enough) is not an error. Slow answers wait for `release` (set at teardown)."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.release = threading.Event()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class QuietHandler(BaseHTTPRequestHandler):
    """No log line per request; a request that stalls is given up after 5 s."""

    timeout = 5

    def log_message(self, format: str, *args: object) -> None:
        pass


Server = TypeVar("Server", bound=LoopbackServer)


@contextmanager
def serving(server: Server) -> Iterator[Server]:
    """`server` answering in a thread until the block ends; then slow answers are released
    and it stops."""
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=SLOW_CAP)
