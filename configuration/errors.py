"""The one exception the configuration raises, carrying every problem found at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, order=True)
class Problem:
    """One located mistake: `config.yaml:12:5: monitors[3].timeout: expected a duration ...`;
    line 0 when it is not in a file (`VIGIL_SECRETS: expected a JSON object ...`)."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{place}: {self._text}"

    def github_annotation(self, level: Literal["error", "warning", "notice"] = "error") -> str:
        """The workflow command that shows this problem inline on a pull request (one with
        no line, from the environment, unattached to a file)."""
        if not self.line:
            return f"::{level}::{_escaped(str(self))}"
        place = f"file={self.file},line={self.line},col={self.column}"
        return f"::{level} {place}::{_escaped(self._text)}"

    @property
    def _text(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def _escaped(text: str) -> str:
    return text.replace("%", "%25").replace("\n", "%0A")


class ConfigError(Exception):
    """The config or an incident file is invalid; `problems` lists every mistake found,
    `warnings` what was found that still works (a key read under its new name)."""

    def __init__(self, problems: Sequence[Problem], warnings: Sequence[Problem] = ()) -> None:
        self.problems = sorted(problems)
        self.warnings = sorted(warnings)
        super().__init__("\n".join(str(problem) for problem in self.problems))
