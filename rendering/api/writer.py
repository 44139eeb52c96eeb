"""Writing the public read APIs: `api/v1/` and `api/v2/` from one build's snapshot."""

from __future__ import annotations

import json
from pathlib import Path

from rendering.api import v1, v2
from rendering.api.snapshot import snapshot_of
from rendering.views.context import BuildContext


def write_api(folder: Path, context: BuildContext) -> list[Path]:
    """Write `api/v1/` and `api/v2/` under `folder`; returns the files written."""
    snapshot = snapshot_of(
        context.config, context.page, context.timelines, context.entries, context.now
    )
    written = []
    for relative, data in {**v2.files(snapshot), **v1.files(snapshot)}.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
        written.append(path)
    return written
