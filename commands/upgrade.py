"""`vigil upgrade [DIR]`: rewrite the files Vigil manages for the installed version.

Only the managed files change (the workflows, `config.schema.json`, the `vigil-status`
pin in `requirements.txt`; see commands/managed.py); `config.yaml`, `incidents/`,
`templates/` and `data/` are never read for writing. Each change is shown as a diff first.
`--check` changes nothing and exits 1 when something would change (the ci workflow runs it,
so a version bump without `vigil upgrade` is caught on its pull request).
"""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from commands import managed
from commands.managed import Change, managed_changes
from configuration.errors import Outdated
from configuration.files import write_atomically


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--check", is_flag=True, help="Change nothing; exit 1 if a managed file is out of date."
)
def upgrade(directory: Path, check: bool) -> None:
    """Rewrite the workflows and other managed files of DIRECTORY for this Vigil."""
    version = managed.installed_version()
    changes = [change for change in managed_changes(directory, version) if change.changed]
    for change in changes:
        click.echo(_diff(change), nl=False)
    if not changes:
        click.echo(f"Managed files are those of Vigil {version}; nothing to change.")
        return
    names = ", ".join(change.path for change in changes)
    if check:
        raise Outdated(f"Out of date for Vigil {version}: {names}. Run `vigil upgrade` and commit.")
    for change in changes:
        write_atomically(directory / change.path, change.after)
    click.echo(f"Upgraded to Vigil {version}: {names}. Review the diff above and commit.")


def _diff(change: Change) -> str:
    before = (change.before or "").splitlines(keepends=True)
    after = change.after.splitlines(keepends=True)
    label = change.path if change.before is not None else "/dev/null"
    return "".join(difflib.unified_diff(before, after, f"a/{label}", f"b/{change.path}"))
