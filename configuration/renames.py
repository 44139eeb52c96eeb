"""Config keys a version of Vigil renamed: the old name keeps working for one more version,
with a located warning naming the new one, and `vigil validate --fix` rewrites it.

To rename a key, add a `Rename` to RENAMES (and rename the field in the models): where the
key lives (`site`, `monitors[]`, `defaults`, `notifications[]`, or "" for the top level),
its old and new name, the version that renamed it and the version that stops reading it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

from configuration.errors import Problem
from configuration.files import write_atomically
from configuration.source import Path, Source


@dataclass(frozen=True)
class Rename:
    where: str  # "site", "monitors[]", "" (the top level), …
    old: str
    new: str
    since: str  # the version that renamed it
    until: str  # the version that no longer reads the old name

    def places(self, data: Any) -> Iterator[tuple[Path, dict[str, Any]]]:
        """Every mapping of `data` this rename applies to, with its path."""
        mappings: list[tuple[Path, Any]] = [((), data)]
        for part in filter(None, self.where.split(".")):
            key, each = part.removesuffix("[]"), part.endswith("[]")
            found = [((*path, key), m.get(key)) for path, m in mappings if isinstance(m, dict)]
            if each:
                found = [
                    ((*path, index), item)
                    for path, items in found
                    if isinstance(items, list)
                    for index, item in enumerate(items)
                ]
            mappings = found
        yield from ((path, m) for path, m in mappings if isinstance(m, dict))


# Renamed keys, oldest first. Empty: no key of config.yaml has been renamed yet.
RENAMES: tuple[Rename, ...] = ()


@dataclass(frozen=True)
class Renamed:
    """What applying the renames found: a warning per old key, a problem per mapping that
    has both names, and where each old key is written (for `--fix`)."""

    warnings: list[Problem]
    problems: list[Problem]
    keys: list[tuple[int, int, Rename]]  # line, column, rename


def apply_renames(source: Source, renames: Sequence[Rename] = ()) -> Renamed:
    """Rename old keys in `source.data` in place, so it validates as if the new names were
    written. `renames` defaults to RENAMES (looked up when called, so tests can set it)."""
    found = Renamed([], [], [])
    for rename in renames or RENAMES:
        for path, mapping in rename.places(source.data):
            if rename.old not in mapping:
                continue
            where = (*path, rename.old)
            if rename.new in mapping:
                both = f'both "{rename.old}" and its new name "{rename.new}" are written; keep one'
                found.problems.append(source.problem(where, both, key=True))
                continue
            mapping[rename.new] = mapping.pop(rename.old)
            message = (
                f'"{rename.old}" is renamed "{rename.new}" (Vigil {rename.since}); it is read '
                f"until Vigil {rename.until}; `vigil validate --fix` rewrites it"
            )
            found.warnings.append(source.problem(where, message, key=True))
            found.keys.append((*source.locate(where, key=True), rename))
    found.warnings.sort()  # in the file's order
    return found


def fix_file(path: FilePath, keys: Sequence[tuple[int, int, Rename]]) -> list[str]:
    """Rewrite each old key written at (line, column) to its new name: only the key token
    changes, so comments and layout stay. Written whole or not at all. Returns what changed."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    changed: list[str] = []
    for line, column, rename in sorted(keys, key=lambda key: (key[0], key[1]), reverse=True):
        text = lines[line - 1]
        start = column - 1
        for token in (rename.old, f'"{rename.old}"', f"'{rename.old}'"):
            if text.startswith(token, start):
                new = token.replace(rename.old, rename.new)
                lines[line - 1] = text[:start] + new + text[start + len(token) :]
                changed.insert(0, f"{path}:{line}:{column}: {rename.old} → {rename.new}")
                break
    if changed:
        write_atomically(path, "".join(lines))
    return changed  # in the file's order
