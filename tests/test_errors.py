"""The error tree (configuration/errors.py): each error ends `vigil` with its message and
the exit status the README's table gives it, and the table names every error of the tree."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from configuration import errors
from configuration.errors import ConfigError, Problem, VigilError
from generator import Vigil

ROOT = Path(__file__).resolve().parent.parent
ROW = re.compile(r"^\| `(\d)` \| .* \| (.*) \|$", re.MULTILINE)


def tree(base: type[VigilError] = VigilError) -> list[type[VigilError]]:
    """Every error below `base`, depth first."""
    return [c for sub in base.__subclasses__() for c in [sub, *tree(sub)]]


def readme_statuses() -> dict[str, int]:
    """Each error named in the README's exit-status table, with the status of its row."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("**Exit statuses.**")[1]
    named: dict[str, int] = {}
    for status, cell in ROW.findall(section.split("\n\n")[1]):
        for name in re.findall(r"`(\w+)`", cell.split("(")[0]):
            assert name not in named, f"{name} is in two rows of the README's table"
            named[name] = int(status)
    return named


def test_the_readme_table_names_every_error_with_its_exit_status() -> None:
    statuses = {error.__name__: error.exit_status for error in tree()}
    assert {"InvalidInput", "ConfigError", "UnsetSecret", "Failure", "StoreError"} <= set(statuses)
    assert readme_statuses() == statuses


def test_every_error_of_the_tree_is_written_out_in_one_module() -> None:
    assert all(error.__module__ == errors.__name__ for error in tree())


def test_exit_statuses_are_those_of_the_three_kinds() -> None:
    assert {error.exit_status for error in tree()} == {1, 2, 3}
    for error in tree():
        kind = next(k for k in (errors.InvalidInput, errors.UnsetSecret, errors.Failure)
                    if issubclass(error, k))  # fmt: skip
        assert error.exit_status == kind.exit_status, error.__name__


def raising(error: Exception) -> click.Group:
    """A group like `vigil`'s whose one command `go` prints a line, then raises `error`."""

    @click.group(cls=Vigil)
    def group() -> None:
        pass

    @group.command()
    def go() -> None:
        click.echo("started")
        raise error

    return group


@pytest.mark.parametrize(
    "kind", [e for e in tree() if e is not ConfigError], ids=lambda e: e.__name__
)
def test_the_group_prints_the_message_and_exits_with_its_status(kind: type[VigilError]) -> None:
    result = CliRunner().invoke(raising(kind("what went wrong, where")), ["go"])
    assert result.exit_code == kind.exit_status
    assert result.stdout == "started\n"
    assert result.stderr == f"{kind.prefix}what went wrong, where\n"
    assert isinstance(result.exception, SystemExit)  # no traceback


def test_an_error_already_reported_prints_nothing_more() -> None:
    result = CliRunner().invoke(raising(errors.KeysLeft()), ["go"])
    assert (result.exit_code, result.stderr) == (1, "")


def test_a_config_error_prints_each_located_problem_and_how_many(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    problems = [
        Problem("config.yaml", 3, 5, "site.title", "expected text"),
        Problem("config.yaml", 1, 1, "", "expected a mapping"),
    ]
    result = CliRunner().invoke(raising(ConfigError(problems)), ["go"])
    assert result.exit_code == 2
    assert result.stdout == (
        "started\n"
        "::error file=config.yaml,line=1,col=1::expected a mapping\n"
        "::error file=config.yaml,line=3,col=5::site.title: expected text\n"
    )
    assert result.stderr == (
        "config.yaml:1:1: expected a mapping\n"
        "config.yaml:3:5: site.title: expected text\n"
        "2 problems found; nothing was written.\n"
    )


def test_an_error_that_is_not_the_persons_is_not_caught() -> None:
    result = CliRunner().invoke(raising(KeyError("bug")), ["go"])
    assert result.exit_code == 1
    assert isinstance(result.exception, KeyError)  # a bug shows its traceback
