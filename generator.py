"""The `vigil` command line: the group, and one command per module of commands/.

    config.yaml ─► checks (concurrent, per region) ─► data/results/*.parquet
    incidents/*.md ───────────────┐                          │
                                  ▼                          ▼
                      history (DuckDB) ─► view model ─► site/ (HTML)

Only this module and commands/ print, and only the group below exits: the packages raise
the errors of configuration/errors.py, each with its exit status.
"""

from __future__ import annotations

import logging
import sys

import click

from commands.alerts import alerts
from commands.announcement import announcement
from commands.build import build_command
from commands.check import check_command
from commands.common import show_error
from commands.compact import compact_command
from commands.demo import demo_command
from commands.heartbeat import heartbeat_command
from commands.history import history_group
from commands.importing import import_command
from commands.incident import incident
from commands.init import init
from commands.maintenance import maintenance
from commands.notify import notify_group
from commands.pages import pages
from commands.publish import publish
from commands.regions import regions
from commands.schema import schema_command
from commands.serve import serve_command
from commands.upgrade import upgrade
from commands.validate import validate_command
from configuration.errors import VigilError


class Vigil(click.Group):
    """The command group: an error of configuration/errors.py ends any command, printed on
    standard error, with its exit status."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except VigilError as error:
            show_error(error)
            sys.exit(error.exit_status)


@click.group(cls=Vigil, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="vigil-status")
def main() -> None:
    """Vigil: a status page that costs nothing to run."""
    # The packages log warnings (e.g. a quarantined result file); show them plainly.
    logging.basicConfig(format="%(levelname)s: %(message)s", level=logging.WARNING)


main.add_command(validate_command)
main.add_command(check_command)
main.add_command(heartbeat_command)
main.add_command(build_command)
main.add_command(compact_command)
main.add_command(demo_command)
main.add_command(serve_command)
main.add_command(schema_command)
main.add_command(incident)
main.add_command(announcement)
main.add_command(maintenance)
main.add_command(publish)
main.add_command(regions)
main.add_command(pages)
main.add_command(notify_group)
main.add_command(init)
main.add_command(upgrade)
main.add_command(import_command)
main.add_command(alerts)
main.add_command(history_group)

if __name__ == "__main__":
    main()
