"""The one exception the configuration raises, carrying every problem found at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One located mistake: `config.yaml:12:5: monitors[3].timeout: expected a duration ...`."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}:{self.column}: {where}{self.message}"

    def github_annotation(self, level: str = "error") -> str:
        """The workflow command that shows this problem inline on a pull request; `level`:
        `error` or `warning`."""
        where = f"{self.path}: " if self.path else ""
        text = f"{where}{self.message}".replace("%", "%25").replace("\n", "%0A")
        return f"::{level} file={self.file},line={self.line},col={self.column}::{text}"


class ConfigError(Exception):
    """The config or an incident file is invalid; `problems` lists every mistake found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
