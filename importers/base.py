"""What every importer shares: the document it reads (with where each part was written), the
result it returns (the config to write, incident files, what could not be translated), and
the small rules every source needs (ids, durations, secret references).

An importer never writes and never prints: `commands/importing.py` does, after validating
the result exactly as `vigil validate` will read it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from configuration.durations import format_duration
from configuration.errors import ConfigError, Problem
from configuration.source import Path, Source, format_path

ID_LENGTH = 64
DEFAULT_REGION = {"id": "default", "name": "Default", "runs_on": ["ubuntu-latest"]}
_NOT_ID = re.compile(r"[^a-z0-9_-]+")
_NUMBERS = re.compile(r"(\d+)")  # splits "monitorList[10].type" around its numbers
_SECRET = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True, order=True)
class Untranslated:
    """One field of the source that Vigil's config does not carry over, and why:
    `where` is `FILE:LINE` (YAML) or the file (JSON), `field` the key path in the source's
    own spelling (`endpoints[2].client.proxy-url`, `$.monitorList[0].proxyId`)."""

    where: str
    field: str
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.why}"

    def order(self) -> tuple[str, int, tuple[str | int, ...]]:
        """File, then line as a number, then field with its indexes as numbers (`[2]` before
        `[10]`): the order of the report."""
        file, _, line = self.where.rpartition(":")
        field = tuple(int(p) if p.isdigit() else p for p in _NUMBERS.split(self.field))
        if line.isdigit():
            return file, int(line), field
        return self.where, 0, field


@dataclass(frozen=True)
class IncidentDraft:
    """An incident or maintenance file to write as `incidents/<stem>.md`."""

    stem: str
    front_matter: dict[str, Any]
    body: str = ""


@dataclass
class Imported:
    """What an importer made of its source."""

    config: dict[str, Any]
    incidents: list[IncidentDraft] = field(default_factory=list)
    untranslated: list[Untranslated] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # lines on top of config.yaml


@dataclass(frozen=True)
class Importer:
    """A source `vigil import` reads: `run(SOURCE, now)` where SOURCE is a path or a URL."""

    name: str
    reads: str  # what it reads, one line for `--help` and the docs
    run: Callable[[str, datetime], Imported]


@dataclass
class Document:
    """A parsed source file: its data and where each path was written."""

    file: str
    data: Any
    locate: Callable[[Path], str]  # path -> "FILE:LINE" or "FILE"
    json: bool = False

    def where(self, path: Path) -> str:
        return self.locate(path)

    def field(self, path: Path) -> str:
        return f"$.{format_path(path)}" if self.json and path else format_path(path)

    def untranslated(self, path: Path, why: str) -> Untranslated:
        return Untranslated(self.where(path), self.field(path), why)

    def problem(self, path: Path, message: str) -> ConfigError:
        """Invalid input (exit status 2), located at `path`."""
        where = self.where(path)
        file, _, line = where.rpartition(":")
        if not self.json and line.isdigit():
            return ConfigError([Problem(file, int(line), 1, self.field(path), message)])
        return ConfigError([Problem(self.file, 0, 0, self.field(path), message)])


def yaml_document(source: Source) -> Document:
    def locate(path: Path) -> str:
        return f"{source.file}:{source.locate(path)[0]}"

    return Document(source.file, source.data, locate)


def json_document(file: str, data: Any) -> Document:
    return Document(file, data, lambda _: file, json=True)


def identifier(text: str, taken: set[str], fallback: str = "monitor") -> str:
    """A config id from a name (`API v2 (EU)` → `api-v2-eu`), unique among `taken`, which
    it joins: `-2`, `-3`… when the id is in use."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = _NOT_ID.sub("-", ascii_text.lower()).strip("-_")[:ID_LENGTH].rstrip("-_")
    base = base or fallback
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = base[: ID_LENGTH - len(suffix)].rstrip("-_") + suffix
    taken.add(candidate)
    return candidate


def duration(value: timedelta) -> str:
    return format_duration(value)


def milliseconds(value: float) -> str:
    return format_duration(timedelta(milliseconds=value))


def secret_names(values: Iterable[object]) -> list[str]:
    """The `${NAME}` references in `values` (strings; others are skipped), each once."""
    found: dict[str, None] = {}
    for value in values:
        if isinstance(value, str):
            found.update(dict.fromkeys(_SECRET.findall(value)))
    return list(found)


def strings_in(value: object) -> Iterable[str]:
    """Every string inside a parsed document, depth first."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def secret_variable(*parts: str) -> str:
    """The `${NAME}` a credential written in the source is moved to: `GATUS_SLACK_WEBHOOK_URL`."""
    return re.sub(r"[^A-Z0-9]+", "_", "_".join(parts).upper()).strip("_")


def moved_secret(variable: str, holding: str = "the value written there") -> str:
    """Why a credential of the source is not in config.yaml, and what to do."""
    return (
        f"a credential written in the source: written as ${{{variable}}}; add a repository "
        f"secret {variable} holding {holding}"
    )


def skeleton(title: str) -> dict[str, Any]:
    """The parts of a config every import writes: version, the page, one region."""
    return {"version": 1, "site": {"title": title}, "regions": [dict(DEFAULT_REGION)]}


def utc_midnight(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)
