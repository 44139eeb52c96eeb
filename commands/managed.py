"""The files of a status repository that Vigil writes and keeps: `vigil init` writes them
with the person's own files, `vigil upgrade` rewrites them for the installed version.

Managed: the five workflows, `config.schema.json` and the `vigil-status==` pin line of
`requirements.txt`. Never managed: `config.yaml`, `incidents/`, `templates/`, `data/`, and
every other line or file. The workflows shipped here are the ones this repository runs
(`commands/scaffold/workflows` links to `.github/workflows`), so both ways of running Vigil
use the same files.
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import re
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path

from configuration.reference import config_schema_text

PACKAGE = "vigil-status"
WORKFLOWS = ("check", "build", "compact", "incident", "ci")
SCHEMA_FILE = "config.schema.json"
REQUIREMENTS_FILE = "requirements.txt"
# `vigil-status==0.1.0` or `vigil-status[extra] == 0.1.0`, alone on its line.
PIN = re.compile(rf"^{PACKAGE}(\[[\w,-]*\])?[ \t]*==[ \t]*\S+[ \t]*$", re.MULTILINE)
# `uses: owner/repo@<sha> # v1.2.3`, the form every managed workflow pins its actions in.
USES = re.compile(r"uses: ([\w.-]+/[\w./-]+)@[0-9a-f]{40} # v(\d+(?:\.\d+)*)")
CRON = re.compile(r'^[ \t]*- cron: "[^"]*"', re.MULTILINE)


def scaffold(name: str) -> Traversable:
    """A file shipped for new repositories (commands/scaffold/), installed or not."""
    return importlib.resources.files("commands") / "scaffold" / name


def installed_version() -> str:
    return importlib.metadata.version(PACKAGE)


def pin_line(version: str) -> str:
    return f"{PACKAGE}=={version}"


def workflow_text(name: str) -> str:
    return scaffold(f"workflows/{name}.yml").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Change:
    """A managed file and the text it should have (`before` is None: it does not exist)."""

    path: str
    before: str | None
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def managed_changes(root: Path, version: str) -> list[Change]:
    """What each managed file of the repository at `root` holds and should hold."""
    changes = []
    for name in WORKFLOWS:
        path = f".github/workflows/{name}.yml"
        before = _read(root / path)
        changes.append(Change(path, before, keep_their_choices(workflow_text(name), before)))
    changes.append(Change(SCHEMA_FILE, _read(root / SCHEMA_FILE), config_schema_text()))
    requirements = _read(root / REQUIREMENTS_FILE)
    changes.append(Change(REQUIREMENTS_FILE, requirements, pinned(requirements, version)))
    return changes


def pinned(requirements: str | None, version: str) -> str:
    """`requirements.txt` with Vigil pinned at `version`: only the pin line changes. A file
    without a pin (the template repository installs `.`) is left as it is."""
    if requirements is None:
        return pin_line(version) + "\n"
    return PIN.sub(lambda match: f"{PACKAGE}{match.group(1) or ''}=={version}", requirements)


def keep_their_choices(shipped: str, current: str | None) -> str:
    """The shipped workflow, but with the two choices a repository makes in it: its
    schedules (`cron:` lines, where it has as many as the shipped file) and its action pins
    where they are newer (Dependabot keeps them current between Vigil releases)."""
    if current is None:
        return shipped
    theirs = {m.group(1): (m.group(0), _version(m.group(2))) for m in USES.finditer(current)}

    def newer(match: re.Match[str]) -> str:
        line, version = theirs.get(match.group(1), (match.group(0), ()))
        return line if version > _version(match.group(2)) else match.group(0)

    text = USES.sub(newer, shipped)
    schedules = iter(CRON.findall(current))
    if len(CRON.findall(current)) == len(CRON.findall(shipped)):
        text = CRON.sub(lambda _: next(schedules), text)
    return text


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None
