"""Announcement files: `announcements/<name>.md` beside the incidents folder, written like an
incident file: YAML front matter between `---` lines (`title`, `level`, `from`, `until`, and
optionally `id`, else the file name without `.md`), then the message in Markdown; an example
is in docs/incidents.md.

They join the ones under `announcements:` in config.yaml (`with_announcement_files`); an id
used twice, in files or in both, is a located error, as is every problem of a file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from configuration.announcements import Announcement
from configuration.errors import ConfigError, Problem
from configuration.files import write_atomically
from configuration.incident_files import IncidentFile
from configuration.incidents import read_front_matter
from configuration.messages import validated
from configuration.models import Config
from configuration.source import read_source

FOLDER = "announcements"


def announcements_folder(incidents_dir: Path) -> Path:
    """Where announcement files are: `announcements/` beside the incidents folder (so
    `incidents/` and `announcements/` in the same repository by default)."""
    return incidents_dir.parent / FOLDER


def with_announcement_files(config: Config, incidents_dir: Path) -> Config:
    """`config` with the announcement files' announcements after its own; raises ConfigError
    with the problems of every file and every id used twice."""
    files = load_announcements(announcements_folder(incidents_dir), config.announcements)
    if not files:
        return config
    return config.model_copy(update={"announcements": [*config.announcements, *files]})


def load_announcements(
    directory: Path, configured: Sequence[Announcement] = ()
) -> list[Announcement]:
    """Every `*.md` in `directory`, in file name order; `configured` are config.yaml's, whose
    ids the files may not take."""
    taken = _configured_ids(configured)
    announcements: list[Announcement] = []
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.md")) if directory.is_dir() else []:
        try:
            announcement = parse_announcement_text(read_source(path), path, taken)
        except ConfigError as error:
            problems += error.problems
            continue
        taken[announcement.id] = path.as_posix()
        announcements.append(announcement)
    if problems:
        raise ConfigError(problems)
    return announcements


def save_announcement(
    path: Path, data: dict[str, Any], message: str, configured: Sequence[Announcement]
) -> Announcement:
    """What `vigil announcement new` writes: the file of `data` (front matter) and `message`,
    validated as the loader reads it (and its id against config.yaml's) before it is written
    atomically; a ConfigError, and nothing written, when it is invalid."""
    text = IncidentFile(path, data, f"{message.strip()}\n" if message.strip() else "").text()
    announcement = parse_announcement_text(text, path, _configured_ids(configured))
    write_atomically(path, text)
    return announcement


def _configured_ids(configured: Sequence[Announcement]) -> dict[str, str]:
    return {a.id: f"config.yaml announcements[{i}]" for i, a in enumerate(configured)}


def parse_announcement_text(text: str, path: Path, taken: Mapping[str, str]) -> Announcement:
    """The announcement written as `text` in the file `path` (its default id, and the file in
    problems); `taken`: the ids already used, and by what. Raises ConfigError with every
    problem found."""
    source, body = read_front_matter(text, path.as_posix())
    problems = list(source.duplicates)
    if body and "message" in source.data:
        problems.append(
            source.problem(("message",), "the message is the text below the front matter; "
                           "remove `message:` or the text", key=True)
        )  # fmt: skip
    data = {"id": path.stem, **source.data, **({"message": body} if body else {})}
    announcement = validated(Announcement, data, source, problems)
    if announcement.id in taken:
        line, column = source.locate(("id",), key=True) if "id" in source.data else (1, 1)
        message = f'duplicate id "{announcement.id}", already used by {taken[announcement.id]}'
        raise ConfigError([Problem(path.as_posix(), line, column, "id", message)])
    return announcement
