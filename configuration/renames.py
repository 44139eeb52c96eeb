"""Config keys a version of Vigil renamed: the old name keeps working for one more version,
with a located warning naming the new one, and `vigil validate --fix` rewrites it.

To rename a key, add a `Rename` to RENAMES (and rename the field in the models): where the
key lives (`site`, `monitors[]`, `defaults`, `notifications[]`, or "" for the top level),
its old and new name, the version that renamed it and the version that stops reading it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

from configuration.errors import Problem
from configuration.files import write_atomically
from configuration.source import Path, Source, parse_yaml, read_source

# YAML's line breaks (PyYAML and libyaml count lines by these).
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


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
class OldKey:
    """Where an old key is written (line and column, 1-based), under which path."""

    line: int
    column: int
    path: str  # as messages show it: `monitors[3].every`
    rename: Rename
    exact: bool  # the key itself is there, not only the mapping that holds it


@dataclass(frozen=True)
class Renamed:
    """What applying the renames found: a warning per old key, a problem per mapping that
    has both names, and where each old key is written (for `--fix`)."""

    warnings: list[Problem]
    problems: list[Problem]
    keys: list[OldKey]


def apply_renames(source: Source, renames: Sequence[Rename] = ()) -> Renamed:
    """Rename old keys in `source.data` in place, so it validates as if the new names were
    written (a problem under a new name is located at the old one). `renames` defaults to
    RENAMES (looked up when called, so tests can set it)."""
    found = Renamed([], [], [])
    for rename in renames or RENAMES:
        for path, mapping in rename.places(source.data):
            if rename.old not in mapping:
                continue
            where = (*path, rename.old)
            if rename.new in mapping:
                both = f'both "{rename.old}" and its new name "{rename.new}" are written; keep one'
                found.problems.append(source.problem(where, both, key=True))
                del mapping[rename.old]  # not also an unknown key
                continue
            mapping[rename.new] = mapping.pop(rename.old)
            source.rename(where, (*path, rename.new))
            message = (
                f'"{rename.old}" is renamed "{rename.new}" (Vigil {rename.since}); it is read '
                f"until Vigil {rename.until}; `vigil validate --fix` rewrites it"
            )
            warning = source.problem(where, message, key=True)
            found.warnings.append(warning)
            exact = source.written(where) in source.keys
            found.keys.append(OldKey(warning.line, warning.column, warning.path, rename, exact))
    found.warnings.sort()  # in the file's order
    return found


@dataclass(frozen=True)
class Fixed:
    """What `fix_renames` did: each old key it rewrote (`config.yaml:5:3: every → interval`)
    and each it could not rewrite as a text edit, as a located problem."""

    changed: list[str]
    left: list[Problem]


def fix_renames(path: FilePath, renames: Sequence[Rename] = ()) -> Fixed:
    """Rewrite each old key of the config file at `path` to its new name: only the key
    token changes, so comments, quoting, line ends and layout stay byte for byte. Written
    whole (temp + rename) or, with nothing to change, not at all. Raises ConfigError when
    the file cannot be read or parsed, OSError when it cannot be written."""
    text = read_source(path)
    source = parse_yaml(text, str(path))
    # One edit per place: a key merged into several mappings is written once.
    keys = {(key.line, key.column): key for key in apply_renames(source, renames).keys}
    starts = _line_starts(text)
    fixed = Fixed([], [])
    for (line, column), key in sorted(keys.items(), reverse=True):  # last first: offsets hold
        old, new = key.rename.old, key.rename.new
        offset = starts[line - 1] + column - 1
        token = next((t for t in _tokens(old) if text.startswith(t, offset)), None)
        if token is None or not key.exact:
            fixed.left.append(_not_rewritten(source.file, key))
            continue
        text = text[:offset] + token.replace(old, new) + text[offset + len(token) :]
        fixed.changed.append(f"{path}:{line}:{column}: {old} → {new}")
    if fixed.changed:
        write_atomically(path, text)
    fixed.changed.reverse()  # in the file's order
    fixed.left.reverse()
    return fixed


def _tokens(key: str) -> tuple[str, ...]:
    """The ways a key is written that a text edit can rename: plain or quoted."""
    return (f'"{key}"', f"'{key}'", key)


def _line_starts(text: str) -> list[int]:
    """Where each line of `text` starts, as YAML counts lines and columns (a byte order
    mark before the first line is not in its column 1)."""
    first = 1 if text.startswith("\ufeff") else 0
    return [first, *(match.end() for match in _LINE_BREAK.finditer(text))]


def _not_rewritten(file: str, key: OldKey) -> Problem:
    message = (
        f'"{key.rename.old}" is not written as a plain or quoted name here, so --fix cannot '
        f'rewrite it; write "{key.rename.new}" in its place'
    )
    return Problem(file, key.line, key.column, key.path, message)
