"""Announcement files: `announcements/<name>.md` beside the incidents folder, written like an
incident file: YAML front matter between `---` lines (`title`, `level`, `from`, `until`, and
optionally `id`, else the file name without `.md`), then the message in Markdown; an example
is in docs/incidents.md.

They join the ones under `announcements:` in config.yaml (`with_announcement_files`); an id
used twice, in files or in both, is a located error, as is every problem of a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from configuration.announcements import Announcement
from configuration.errors import ConfigError, Problem
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
    taken = {a.id: f"config.yaml announcements[{i}]" for i, a in enumerate(configured)}
    announcements: list[Announcement] = []
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.md")) if directory.is_dir() else []:
        try:
            announcement, id_at = parse_announcement(path)
        except ConfigError as error:
            problems += error.problems
            continue
        if announcement.id in taken:
            message = f'duplicate id "{announcement.id}", already used by {taken[announcement.id]}'
            problems.append(Problem(path.as_posix(), *id_at, "id", message))
            continue
        taken[announcement.id] = path.as_posix()
        announcements.append(announcement)
    if problems:
        raise ConfigError(problems)
    return announcements


def parse_announcement(path: Path) -> tuple[Announcement, tuple[int, int]]:
    """The announcement of one file, and where its id is written (1:1 when it is the file
    name). Raises ConfigError with every problem found."""
    source, body = read_front_matter(read_source(path), path.as_posix())
    problems = list(source.duplicates)
    if body and "message" in source.data:
        problems.append(
            source.problem(("message",), "the message is the text below the front matter; "
                           "remove `message:` or the text", key=True)
        )  # fmt: skip
    data = {"id": path.stem, **source.data, **({"message": body} if body else {})}
    announcement = validated(Announcement, data, source, problems)
    return announcement, source.locate(("id",), key=True) if "id" in source.data else (1, 1)
