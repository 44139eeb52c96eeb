"""Writing the public read APIs: `api/v1/` and `api/v2/` from one build's snapshot."""

from __future__ import annotations

import json
from pathlib import Path

from rendering import api_v1, api_v2
from rendering.api import snapshot_of
from rendering.context import BuildContext


def write_api(folder: Path, context: BuildContext) -> list[Path]:
    """Write `api/v1/` and `api/v2/` under `folder`; returns the files written."""
    snapshot = snapshot_of(
        context.config, context.page, context.timelines, context.entries, context.now
    )
    written = []
    for relative, data in {**api_v2.files(snapshot), **api_v1.files(snapshot)}.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
        written.append(path)
    return written
