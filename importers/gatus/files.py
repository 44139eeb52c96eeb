"""Reading a Gatus config: one file or URL, or a folder of YAML files deep-merged as Gatus
merges them (`config/config.go`: lexical order, `.yml`/`.yaml` only, TwiN/deepmerge: mappings
merge, lists append, a plain value written twice is an error); and Gatus's `$VAR`/`${VAR}`/`$$`
written as Vigil's `${VAR}`, never expanded here.
"""

from __future__ import annotations

import os
import re
from pathlib import Path as FilePath
from typing import Any

from configuration.errors import ConfigError, Problem
from configuration.source import Path, Source, parse_yaml
from importers.base import Document, yaml_document
from importers.reading import is_url, load_yaml, read_text

_ENV = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def read(location: str) -> Document:
    """One file (or URL), or a folder merged as Gatus merges it."""
    if is_url(location) or not os.path.isdir(location):
        return load_yaml(location)
    files = list(_config_files(FilePath(location)))
    if not files:
        problem = Problem(location, 0, 0, "", "no .yml or .yaml file in this folder")
        raise ConfigError([problem])
    return merge_documents([parse_yaml(read_text(str(file)), str(file)) for file in files])


def _config_files(folder: FilePath) -> list[FilePath]:
    """`.yml`/`.yaml` files under `folder` in the order Go's filepath.WalkDir visits them."""
    found: list[FilePath] = []
    for entry in sorted(folder.iterdir(), key=lambda path: path.name):
        if entry.is_dir():
            found += _config_files(entry)
        elif entry.suffix in (".yml", ".yaml"):
            found.append(entry)
    return found


def merge_documents(sources: list[Source]) -> Document:
    """Deep-merge like TwiN/deepmerge; every merged path remembers its file and line."""
    data: dict[str, Any] = {}
    spots: dict[Path, str] = {}
    for source in sources:
        if source.data is None:
            continue  # an empty file adds nothing
        if not isinstance(source.data, dict):
            raise yaml_document(source).problem((), "expected a mapping of Gatus keys")
        offsets: dict[Path, int] = {}
        _merge(data, source.data, (), source, offsets, spots)
        for path, (line, _) in source.values.items():
            spots.setdefault(_shifted(path, offsets), f"{source.file}:{line}")

    def locate(path: Path) -> str:
        for end in range(len(path), -1, -1):
            if path[:end] in spots:
                return spots[path[:end]]
        return sources[0].file

    return Document(sources[0].file, data, locate)


def _merge(
    into: dict[str, Any],
    new: dict[str, Any],
    path: Path,
    source: Source,
    offsets: dict[Path, int],
    spots: dict[Path, str],
) -> None:
    for key, value in new.items():
        here = (*path, key)
        old = into.get(key)
        if isinstance(value, dict) and (old is None or isinstance(old, dict)):
            _merge(into.setdefault(key, {}), value, here, source, offsets, spots)
        elif isinstance(value, list) and isinstance(old, list):
            offsets[here] = len(old)
            old.extend(value)
        elif key in into and not isinstance(value, list):
            before = spots.get(_shifted(here, offsets), "another file")
            raise yaml_document(source).problem(
                here, f"also written in {before}; Gatus merges only mappings and lists"
            )
        else:
            into[key] = value


def _shifted(path: Path, offsets: dict[Path, int]) -> Path:
    shifted: list[str | int] = []
    for index, part in enumerate(path):
        if isinstance(part, int):
            part += offsets.get(path[:index], 0)
        shifted.append(part)
    return tuple(shifted)


def expand_env(value: Any) -> Any:
    """`$VAR`, `${VAR}` → `${VAR}` (kept, never expanded); `$$` → `$`."""
    if isinstance(value, str):
        return _ENV.sub(lambda m: "$" if m.group(0) == "$$" else f"${{{m[1] or m[2]}}}", value)
    if isinstance(value, dict):
        return {key: expand_env(item) for key, item in value.items()}
    if isinstance(value, list):
        return [expand_env(item) for item in value]
    return value
