"""`vigil schema`: the JSON Schema of config.yaml, the README's reference, or both written
with docs/notifications.md where they live (`--write`)."""

from __future__ import annotations

from pathlib import Path

import click

from configuration.reference import config_reference, config_schema_text, update_generated_files
from notifications.reference import write_notifications_doc


def write_generated(root: Path) -> list[Path]:
    """Rewrite config.schema.json, the README's reference and docs/notifications.md under
    `root`; returns the files written."""
    return [*update_generated_files(root), write_notifications_doc(root)]


@click.command("schema")
@click.option("--markdown", is_flag=True, help="Print the README's config reference instead.")
@click.option(
    "--write",
    is_flag=True,
    help="Rewrite config.schema.json, the README's reference and docs/notifications.md here.",
)
def schema_command(markdown: bool, write: bool) -> None:
    """Print the JSON Schema of config.yaml."""
    if write:
        root = Path.cwd()
        for path in write_generated(root):
            click.echo(f"Wrote {path.relative_to(root)}")
        return
    click.echo(config_reference() if markdown else config_schema_text(), nl=False)
