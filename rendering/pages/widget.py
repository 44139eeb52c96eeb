"""`widget.js`: the drop-in banner other sites add with one `<script>` tag (or as the
`<vigil-status>` custom element). It reads `status-live.json` (its `active` list, see
`rendering.pages.live`) from the status page, so the host page's Content-Security-Policy needs
the status page's origin in `script-src` and `connect-src`; `_headers` lets it read
cross-origin. The script is the template `widget.js`, which a file of the person's
`site.custom_dir` replaces like any other; it has no dependencies and stays below
`WIDGET_GZIP_LIMIT` compressed (tests/test_widget.py)."""

from __future__ import annotations

import gzip
from pathlib import Path

from rendering.pages.live import WIDGET_FILE
from rendering.pages.writer import environment
from rendering.views.context import BuildContext

__all__ = ["WIDGET_FILE", "gzip_size", "widget_script", "write_widget"]
WIDGET_GZIP_LIMIT = 5 * 1024  # bytes


def widget_script(templates: Path | None = None) -> str:
    env = environment("en", templates)
    assert env.loader is not None
    return env.loader.get_source(env, WIDGET_FILE)[0]


def gzip_size(text: str) -> int:
    """Bytes the script takes gzip-compressed, as a CDN serves it."""
    return len(gzip.compress(text.encode(), compresslevel=9, mtime=0))


def write_widget(folder: Path, context: BuildContext) -> Path:
    target = folder / WIDGET_FILE
    target.write_text(widget_script(context.templates), "utf-8")
    return target
