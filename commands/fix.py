"""`vigil validate --fix`: rewrite the keys of the config that a newer Vigil renamed."""

from __future__ import annotations

from pathlib import Path

import click

from configuration.errors import Failure
from configuration.loader import load_project
from configuration.renames import fix_renames


def fix_renamed_keys(config_path: Path, incidents_dir: Path) -> bool:
    """Rewrite the old key names of a valid config file in place (an invalid project is
    raised as a ConfigError, and nothing is written), printing each change and each key a
    text edit cannot rewrite; False when one is left as written. A file that cannot be
    written is a Failure."""
    load_project(config_path, incidents_dir)
    try:
        fixed = fix_renames(config_path)
    except OSError as error:
        raise Failure(f"{config_path}: cannot write the fixed config: {error.strerror}") from None
    for change in fixed.changed:
        click.echo(f"Fixed {change}")
    for problem in fixed.left:
        click.echo(str(problem), err=True)
    return not fixed.left
