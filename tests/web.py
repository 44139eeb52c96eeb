"""Browser-test helpers: one headless Chromium for the browser tests (Debian's, never a download)
and a loopback HTTP server for a built site whose files a test may swap while it runs."""

from __future__ import annotations

import contextlib
import functools
import shutil
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package: `apt-get install chromium`


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Shared by every test of a module and closed after it: Playwright's sync API keeps an
    event loop running while it is open, which `asyncio.run` in later modules refuses."""
    if not CHROMIUM.is_file():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


Headers = Callable[[str], list[tuple[str, str]]]  # a path's extra response headers


class _Quiet(SimpleHTTPRequestHandler):
    headers_for: Headers = staticmethod(lambda path: [])

    def log_message(self, format: str, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        for name, value in self.headers_for(self.path.split("?")[0]):
            self.send_header(name, value)
        super().end_headers()


class SiteServer:
    """Serves `folder` on 127.0.0.1 at a free port for the length of a `with` block;
    `headers` adds response headers by path (as a host's `_headers` file does)."""

    def __init__(self, folder: Path, headers: Headers | None = None) -> None:
        self.folder = folder
        kind = type("_WithHeaders", (_Quiet,), {"headers_for": staticmethod(headers)})
        handler = functools.partial(kind if headers else _Quiet, directory=str(folder))
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/{path}"

    def read(self, path: str) -> str:
        return (self.folder / path).read_text("utf-8")

    @contextlib.contextmanager
    def replaced(self, path: str, text: str) -> Iterator[None]:
        """Serve `text` at `path` inside the block, the original file after it."""
        target = self.folder / path
        backup = target.with_name(target.name + ".orig")
        shutil.copyfile(target, backup)
        target.write_text(text, "utf-8")
        try:
            yield
        finally:
            backup.replace(target)
