"""Writing a file so a reader sees the old content or the new, never half of it: every
file Vigil writes for people or other jobs (config fixes, workflows, incidents, heartbeats,
the notification ledger and state) goes through `write_atomically`."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, content: bytes | str, *, exclusive: bool = False) -> bool:
    """Write through a temporary file beside `path`, flushed to disk, then renamed over it.
    A file that exists keeps its permissions (a config kept 0600 stays private); a new one
    is readable by others (0644). `exclusive`: only if `path` does not exist yet (a hard link
    publishes the complete file or fails); returns False when it already existed."""
    data = content.encode() if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())  # the data is on disk before the name points at it
        os.chmod(temporary, _mode_of(path))
        if not exclusive:
            os.replace(temporary, path)
            return True
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        return True
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _mode_of(path: Path) -> int:
    """The permissions `path` has now, else 0644 (mkstemp's 0600 would hide a new file from
    the other readers: the web server, the next job)."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o644
