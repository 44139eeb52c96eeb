"""`vigil serve`: serve the built site on localhost and rebuild when its sources change."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from rendering.pages import TEMPLATES

Fingerprint = tuple[tuple[str, int, int], ...]


def fingerprint(paths: Sequence[Path]) -> Fingerprint:
    """Names, sizes and modification times of every file under `paths`."""
    entries = []
    for root in paths:
        files = [root] if root.is_file() else sorted(root.rglob("*")) if root.is_dir() else []
        for file in files:
            if file.is_file():
                stat = file.stat()
                entries.append((str(file), stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


# Builds the site; returns the folders the build read besides the fixed sources (the
# person's templates, `site.custom_dir`, which the config may change).
Rebuild = Callable[[], Sequence[Path]]


class Preview:
    def __init__(self, out: Path, sources: Sequence[Path], rebuild: Rebuild) -> None:
        self.out = out
        self.sources = [*sources, TEMPLATES]
        self.rebuild = rebuild
        self.read: list[Path] = []  # what the last build named besides `sources`
        self.stopped = threading.Event()
        self._seen: Fingerprint | None = None
        self._server: ThreadingHTTPServer | None = None

    def start(self, port: int = 8000) -> ThreadingHTTPServer:
        """Build once, then serve `out` on 127.0.0.1:port (0 picks a free port)."""
        self.poll()
        handler = functools.partial(_QuietHandler, directory=str(self.out))
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self._server

    def poll(self) -> bool:
        """Rebuild if a source changed since the last poll; True when it rebuilt."""
        current = fingerprint([*self.sources, *self.read])
        if current == self._seen:
            return False
        self._seen = current
        read = list(self.rebuild())
        if read != self.read:  # watch the folders the build reads now, as they are now
            self.read = read
            self._seen = fingerprint([*self.sources, *read])
        return True

    def watch(self, every: float = 1.0) -> None:
        while not self.stopped.wait(every):
            self.poll()

    def stop(self) -> None:
        self.stopped.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal shows rebuilds, not every request
