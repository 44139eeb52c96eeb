"""`${NAME}` in config.yaml: where its value comes from, and what uses it.

A value is read from the process environment and, when unset there, from the JSON object
in the environment variable `VIGIL_SECRETS` (the workflows set it to
`${{ toJSON(secrets) }}`, so adding a repository secret needs no workflow edit; its names
match in any case, as GitHub's secret names do). Every value read is remembered, to be
redacted. An unset name stays as written and is remembered with where it is used: only
the monitor or channel that uses it fails, with a located message saying where to add it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from configuration.errors import ConfigError, Problem
from configuration.source import Path, Source, format_path

SECRETS_VARIABLE = "VIGIL_SECRETS"
ADD_SECRET = "add it as a repository secret (Settings > Secrets and variables > Actions)"
# The sections whose entries fail alone when a secret they use is unset: what each is called.
OWNERS = {"monitors": "monitor", "notifications": "channel"}
_JSON_KINDS = {list: "an array", str: "a string", bool: "true or false", type(None): "null"}
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class SecretUse:
    """One `${NAME}` in config.yaml: written at file:line:column, in the value at `path`,
    of the monitor or channel `owner` (None when it is in another section)."""

    name: str
    file: str
    line: int
    column: int
    path: Path
    owner: str | None
    is_set: bool

    def unset(self, step: str) -> Problem:
        """The located error that says the name is unset and where to add it; `step`: the
        workflow step that needs it (`check`, `notify`)."""
        message = (
            f"secret {self.name} is not set; {ADD_SECRET} "
            f"or set it in the environment of the {step} step"
        )
        return Problem(self.file, self.line, self.column, format_path(self.path), message)


def unset_detail(uses: Iterable[SecretUse]) -> str:
    """Why a delivery failed, for the ledger and the log: the names only."""
    names = sorted({use.name for use in uses})
    if len(names) == 1:
        return f"secret {names[0]} is not set"
    return f"secrets {', '.join(names)} are not set"


def needed_secrets(uses: Iterable[SecretUse]) -> list[Problem]:
    """Per secret name, located at its first use: what uses it and where to add it."""
    by_name: dict[str, list[SecretUse]] = {}
    for use in uses:
        by_name.setdefault(use.name, []).append(use)
    return [_needed(name, found) for name, found in sorted(by_name.items())]


def _needed(name: str, uses: list[SecretUse]) -> Problem:
    first = min(uses, key=lambda use: (use.line, use.column))
    users = ", ".join(dict.fromkeys(_user(use) for use in uses))
    message = f"secret {name} is used by {users}; {ADD_SECRET}"
    return Problem(first.file, first.line, first.column, "", message)


def _user(use: SecretUse) -> str:
    """`monitor api`, `channel slack-ops`, or the key path outside them."""
    section = str(use.path[0])
    if section in OWNERS and use.owner:
        return f"{OWNERS[section]} {use.owner}"
    return format_path(use.path)


class SecretValues:
    """Where `${NAME}` is read: the process environment, then `VIGIL_SECRETS`."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ
        self.shared = _shared_secrets(environ.get(SECRETS_VARIABLE, ""))

    def get(self, name: str) -> str | None:
        value = self.environ.get(name)
        return value if value is not None else self.shared.get(name.casefold())


def _shared_secrets(text: str) -> dict[str, str]:
    """`VIGIL_SECRETS` by case-folded name. When malformed, a ConfigError that says why,
    never what it holds."""
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise _malformed(
            f"not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    if not isinstance(data, dict):
        raise _malformed(f"{_JSON_KINDS.get(type(data), 'a number')}, not an object")
    wrong = sorted(name for name, value in data.items() if not isinstance(value, str))
    if wrong:
        raise _malformed(f'the value of "{wrong[0]}" is not a string')
    return {name.casefold(): value for name, value in data.items()}


def _malformed(why: str) -> ConfigError:
    message = (
        f"expected a JSON object of secret names and values, as the workflows set it "
        f"(${{{{ toJSON(secrets) }}}}); it is {why}"
    )
    return ConfigError([Problem(SECRETS_VARIABLE, 0, 0, "", message)])


@dataclass
class Interpolation:
    """Replaces `${NAME}` in every string of a parsed config, remembering the values read
    (to redact them) and each name with where it is written and whether it was set."""

    values: SecretValues
    read: set[str] = field(default_factory=set)
    references: list[tuple[str, Path, bool]] = field(default_factory=list)

    def __call__(self, value: Any, path: Path = ()) -> Any:
        if isinstance(value, dict):
            return {key: self(item, (*path, key)) for key, item in value.items()}
        if isinstance(value, list):
            return [self(item, (*path, index)) for index, item in enumerate(value)]
        if not isinstance(value, str):
            return value
        return _REFERENCE.sub(lambda match: self._substitute(match, path), value)

    def _substitute(self, match: re.Match[str], path: Path) -> str:
        name = match.group(1)
        value = self.values.get(name)
        self.references.append((name, path, value is not None))
        if value:
            self.read.add(value)
        return match.group(0) if value is None else value

    def uses(self, data: Any, source: Source) -> tuple[SecretUse, ...]:
        """Every reference, located in `source` and given its owner's id from `data`."""
        return tuple(
            SecretUse(name, source.file, *source.locate(path), path, _owner(data, path), is_set)
            for name, path, is_set in self.references
        )


def _owner(data: Any, path: Path) -> str | None:
    """The id of the monitor or channel that `path` is in; None outside them."""
    if len(path) < 2 or path[0] not in OWNERS or not isinstance(path[1], int):
        return None
    entry = data[path[0]][path[1]]  # the reference was found there
    owner = entry.get("id") if isinstance(entry, dict) else None
    return owner if isinstance(owner, str) else None
