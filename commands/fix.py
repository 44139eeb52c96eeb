"""`vigil validate --fix`: rewrite the keys of the config that a newer Vigil renamed."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from commands.common import fail
from commands.deploy import EXIT_FAILED
from configuration.errors import ConfigError
from configuration.loader import load_project
from configuration.renames import fix_renames


def fix_renamed_keys(config_path: Path, incidents_dir: Path) -> bool:
    """Rewrite the old key names of a valid config file in place (an invalid project is
    reported, exit status 2, and nothing is written), printing each change and each key a
    text edit cannot rewrite; False when one is left as written. A file that cannot be
    written is one line and exit status 1."""
    try:
        load_project(config_path, incidents_dir)
        fixed = fix_renames(config_path)
    except ConfigError as error:
        fail(error)
    except OSError as error:
        click.echo(f"{config_path}: cannot write the fixed config: {error.strerror}", err=True)
        sys.exit(EXIT_FAILED)
    for change in fixed.changed:
        click.echo(f"Fixed {change}")
    for problem in fixed.left:
        click.echo(str(problem), err=True)
    return not fixed.left
