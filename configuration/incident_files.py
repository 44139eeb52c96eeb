"""Writing incident and maintenance files: what `vigil incident …` and `vigil maintenance …`
do to `incidents/`, and the git commit of `--commit`.

Every change is validated exactly as the loader will read it (`parse_incident_text`) before
anything is written, and written atomically (temporary file, then rename), so an invalid
change leaves the folder as it was. The markdown body below the front matter is kept byte for
byte; the front matter is rewritten with `yaml.safe_dump` in a stable key order (`KEY_ORDER`,
then any other keys as found), times as ISO 8601 with their written offset. Comments inside
the front matter are not kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from configuration import git
from configuration.errors import NotFound
from configuration.files import write_atomically
from configuration.incidents import FRONT_MATTER, Incident, parse_incident_text

KEY_ORDER = (
    "id", "title", "kind", "status", "impact", "monitors", "affects", "started_at", "resolved_at",
    "scheduled_start", "scheduled_end", "recurrence", "announce_before", "notify", "updates",
)  # fmt: skip
_SUBKEY_ORDER = ("at", "status", "message", "affects", "start", "duration", "timezone", "every")
SLUG_LENGTH = 48
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Dumper(yaml.SafeDumper):
    """safe_dump that writes times as `2026-11-23T10:00:00Z`, not `2026-11-23 10:00:00+00:00`,
    and repeats values instead of writing YAML anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_time(dumper: yaml.SafeDumper, moment: datetime) -> yaml.ScalarNode:
    text = moment.isoformat()
    if moment.utcoffset() is not None and not moment.utcoffset():
        text = text.removesuffix("+00:00") + "Z"
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", text)


_Dumper.add_representer(datetime, _represent_time)


@dataclass
class IncidentFile:
    """An incident file as written: its front matter (plain YAML data) and its body text."""

    path: Path
    data: dict[str, Any]
    body: str  # everything after the closing `---`, unchanged

    @classmethod
    def read(cls, path: Path) -> IncidentFile:
        text = path.read_text(encoding="utf-8")
        match = FRONT_MATTER.match(text)
        if match is None:
            raise ValueError(f"{path}: expected YAML front matter between --- lines")
        data = yaml.load(match.group(1), Loader=_LOADER)  # a safe loader, C or Python
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected front matter of keys and values")
        return cls(path, data, text[match.end() :])

    @property
    def id(self) -> str:
        return str(self.data.get("id") or self.path.stem)

    def text(self) -> str:
        front = yaml.dump(
            _ordered(self.data, KEY_ORDER),
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
            width=100,
        )
        return f"---\n{front}---\n{self.body}"

    def save(self, monitor_ids: Collection[str] | None) -> Incident:
        """Validate, then write atomically; raises ConfigError (nothing written) when invalid."""
        text = self.text()
        incident = parse_incident_text(text, self.path, monitor_ids)
        write_atomically(self.path, text)
        return incident

    def append_update(
        self, at: datetime, status: str, message: str, affects: Mapping[str, str] | None = None
    ) -> None:
        """Add an update; `affects` (monitor id → status) changes those monitors from `at`."""
        update: dict[str, Any] = {"at": at, "status": status, "message": message}
        if affects:
            update["affects"] = dict(affects)
        self.data["updates"] = [*(self.data.get("updates") or []), update]
        if "status" in self.data:  # a written status would hide the new one
            self.data["status"] = status


def _ordered(value: Any, order: Sequence[str]) -> Any:
    if isinstance(value, Mapping):
        keys = [k for k in order if k in value] + [k for k in value if k not in order]
        return {key: _ordered(value[key], _SUBKEY_ORDER) for key in keys}
    if isinstance(value, list):
        return [_ordered(item, _SUBKEY_ORDER) for item in value]
    return value


def slugify(title: str) -> str:
    """`API is down!` → `api-is-down`: ASCII letters and digits joined by dashes."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:SLUG_LENGTH].rstrip("-") or "incident"


def new_path(directory: Path, day: date, title: str) -> Path:
    """`incidents/<YYYY-MM-DD>-<slug>.md`, numbered `-2`, `-3`… when the id is taken."""
    stem = f"{day:%Y-%m-%d}-{slugify(title)}"
    taken = {file.id for file in _files(directory)}
    candidate, number = stem, 1
    while candidate in taken or (directory / f"{candidate}.md").exists():
        number += 1
        candidate = f"{stem}-{number}"
    return directory / f"{candidate}.md"


def find(directory: Path, incident_id: str) -> IncidentFile:
    """The file whose id (written, or its file name) is `incident_id`."""
    files = list(_files(directory))
    for file in files:
        if file.id == incident_id:
            return file
    known = ", ".join(sorted(file.id for file in files)) or "none"
    raise NotFound(f'no incident "{incident_id}" in {directory}/; ids: {known}')


def _files(directory: Path) -> list[IncidentFile]:
    files = []
    for path in sorted(directory.glob("*.md")) if directory.is_dir() else []:
        try:
            files.append(IncidentFile.read(path))
        except (ValueError, yaml.YAMLError):
            continue  # unreadable files are reported by `vigil validate`, not here
    return files


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def commit_message(incident: Incident, now: datetime, action: str | None = None) -> str:
    """`incident: API is down (investigating)`, or with an action: `incident: delete API…`."""
    if action:
        return f"{incident.kind}: {action} {incident.title}"
    return f"{incident.kind}: {incident.title} ({incident.current_status(now).replace('_', ' ')})"


def commit(paths: Sequence[Path], message: str) -> str | None:
    """Stage and commit exactly `paths` (added, changed or deleted) in the git repository that
    holds them; returns the new commit's id, or None when there is nothing to commit (a file
    deleted before git ever tracked it). Other staged or changed files are left alone."""
    folder = paths[0].resolve().parent
    names = [
        str(path.resolve())
        for path in paths
        if path.exists() or git.run(folder, "ls-files", "--", str(path.resolve()))
    ]
    if not names:
        return None
    git.run(folder, "add", "--all", "--", *names)
    git.run(folder, "commit", "--quiet", "--message", message, "--", *names)
    return git.run(folder, "rev-parse", "HEAD")
