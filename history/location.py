"""Where the history lives (config `history.store`): the one place that picks the store, so
the rest of Vigil never knows which. Apart from `history.store`, so that the object store
(which builds on it) is no import cycle away from it."""

from __future__ import annotations

import os

from history.store import ResultStore


def open_store(location: str | None, data_dir: str | os.PathLike[str]) -> ResultStore:
    """The history at `location` (config `history.store`): the local `data_dir` when unset,
    or an object store (`s3://bucket/prefix`) that keeps its pending uploads in `data_dir`."""
    if location is None:
        return ResultStore(data_dir)
    from history.objects import ObjectStore  # the S3 client loads only when it is used

    return ObjectStore(location, data_dir)
