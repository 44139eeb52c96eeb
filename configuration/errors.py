"""Every error a person can cause, written out once; each carries the exit status of
`vigil` (README, "Exit statuses") and a message the command line prints as it is.

    VigilError                exit 1: the base; the command line prints it and exits
    ├── InvalidInput          exit 2: bad input; nothing was written
    │   ├── ConfigError         the config, an incident file, a template or VIGIL_SECRETS,
    │   │                       every problem located at once (Problem)
    │   └── NotFound            no monitor, channel, incident or maintenance has that id
    ├── UnsetSecret           exit 3: a secret named as ${NAME} is not set; what uses it did
    │                         not run, everything else did
    └── Failure               exit 1: it ran and failed, though the input was fine
        ├── StoreError          a result file cannot be opened, or a run cannot be written
        │   └── ObjectStoreError  the object store (`history.store: s3://…`) refused or
        │                         could not be reached
        ├── GitError            a git command failed; the message is git's own
        ├── PublishError        the data branch could not be checked out, pushed or squashed
        ├── DeliveryFailed      a test message was not delivered
        ├── CannotServe         `vigil serve` cannot listen on its port
        ├── Outdated            `vigil upgrade --check`: a managed file is out of date
        └── KeysLeft            `vigil validate --fix` left a renamed key as written

Only the command line (generator.py's group) catches them: it prints the message (a
ConfigError as its located problems, GitHub annotations under Actions) and exits with the
status. A mistake in an option is click's usage error, also exit status 2. Packages raise
them and never print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal


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
        place = f"file={_escaped(self.file, _PROPERTY)},line={self.line},col={self.column}"
        return f"::{level} {place}::{_escaped(self._text)}"

    @property
    def _text(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


# How the runner reads a workflow command: `%`, CR and LF escaped in the message, and also
# `:` and `,` in a property such as `file=` (they would end it).
_DATA = {"%": "%25", "\r": "%0D", "\n": "%0A"}
_PROPERTY = {**_DATA, ":": "%3A", ",": "%2C"}


def _escaped(text: str, table: dict[str, str] = _DATA) -> str:
    return "".join(table.get(character, character) for character in text)


class VigilError(Exception):
    """What ends a command: its message (empty when the problems were printed as they were
    found) and the exit status of `vigil`."""

    exit_status: ClassVar[int] = 1
    prefix: ClassVar[str] = ""  # what the command line prints before the message

    @property
    def shown(self) -> str:
        """The message as the command line prints it; empty: nothing to print."""
        return f"{self.prefix}{self}" if str(self) else ""


class InvalidInput(VigilError):
    """Bad input: an unknown id, a file that would be overwritten, an environment that
    lacks what an option needs; nothing was written."""

    exit_status = 2


class ConfigError(InvalidInput):
    """The config, an incident file, a template or VIGIL_SECRETS is invalid; `problems`
    lists every mistake found, `warnings` what was found that still works (a key read under
    its new name)."""

    def __init__(self, problems: Sequence[Problem], warnings: Sequence[Problem] = ()) -> None:
        self.problems = sorted(problems)
        self.warnings = sorted(warnings)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class NotFound(InvalidInput):
    """No monitor, channel, incident or maintenance has the id asked for; the message
    lists the ids there are."""


class UnsetSecret(VigilError):
    """A secret named as `${NAME}` is not set: what uses it did not run."""

    exit_status = 3


class Failure(VigilError):
    """It ran and failed, though the input was fine."""

    exit_status = 1


class StoreError(Failure):
    """A result file cannot be opened (not a corrupt file, which is quarantined), or a
    run's results cannot be written (they are kept elsewhere, and the message says where)."""

    prefix = "vigil: "


class ObjectStoreError(StoreError):
    """The object store refused or could not be reached; the message names the store."""


class GitError(Failure):
    """A git command failed; the message is git's own."""


class PublishError(Failure):
    """Publishing could not finish; the message says why and what to do."""

    prefix = "publish failed: "


class DeliveryFailed(Failure):
    """A message was not delivered to a channel."""


class CannotServe(Failure):
    """`vigil serve` cannot listen on its port."""


class Outdated(Failure):
    """A managed file is out of date for the installed Vigil (`vigil upgrade --check`)."""


class KeysLeft(Failure):
    """`vigil validate --fix` left a renamed key as written (each was printed)."""
