"""`vigil serve`: serve the built site on localhost and rebuild it when its sources change
(the config, the incidents, the data, the templates, the person's `site.custom_dir`)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import click

from checks.runner import utc_now
from commands.common import config_option, data_option, incidents_option, out_option, warn
from configuration.announcement_files import announcements_folder
from configuration.errors import CannotServe, ConfigError
from configuration.loader import load_project
from history.location import open_store
from rendering.pages.writer import TEMPLATES, custom_dir, custom_templates
from rendering.site import build_pages, build_site

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


def site_preview(
    config_path: Path,
    incidents_dir: Path,
    data_dir: Path,
    out_dir: Path,
    now: Callable[[], datetime] = utc_now,
) -> Preview:
    """What `vigil serve` runs: the site rebuilt when the config, the incidents, the
    announcement files, the data or the person's templates (`site.custom_dir`) change; a
    mistake is printed, and the site stays as it was."""

    def rebuild() -> list[Path]:
        try:
            config, incidents = load_project(config_path, incidents_dir)
        except ConfigError as error:
            warn(error.warnings)
            click.echo(f"Not rebuilt:\n{error}", err=True)
            return []
        warn(config.renamed.warnings)
        store = open_store(config.history.store, data_dir)
        try:
            if config.pages:  # each page under /<its folder>/
                build_pages(
                    config,
                    incidents,
                    store,
                    out_dir,
                    now(),
                    templates=lambda page: custom_templates(config_path, page),
                )
            else:
                build_site(
                    config, incidents, store, out_dir, now(), custom_templates(config_path, config)
                )
        except ConfigError as error:  # a mistake in a template: watch it until it is mended
            click.echo(f"Not rebuilt:\n{error}", err=True)
        else:
            click.echo(f"Rebuilt {out_dir}/ at {now():%H:%M:%S} UTC")
        return [custom_dir(config_path, config)]

    watched = [config_path, incidents_dir, announcements_folder(incidents_dir), data_dir]
    return Preview(out_dir, watched, rebuild)


@click.command("serve")
@config_option
@data_option
@incidents_option
@out_option
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1.")
def serve_command(
    config_path: Path, data_dir: Path, incidents_dir: Path, out_dir: Path, port: int
) -> None:
    """Serve the site on localhost, rebuilding when config, incidents, data or templates change."""
    preview = site_preview(config_path, incidents_dir, data_dir, out_dir)
    try:
        server = preview.start(port)
    except OSError as error:
        raise CannotServe(
            f"vigil serve: cannot listen on 127.0.0.1:{port}: {error.strerror}\n"
            "Another server may be using it; --port picks another (0: any free one)."
        ) from None
    click.echo(f"Serving {out_dir}/ on http://127.0.0.1:{server.server_port}/ (Ctrl-C stops)")
    try:
        preview.watch()
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop()
