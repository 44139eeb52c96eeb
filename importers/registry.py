"""Every source `vigil import` reads, by the name on the command line. Adding a source is
one module in `importers/` (a package when it is large: `gatus/`, `uptime_kuma/`) and one line
here; tests/test_import.py fails when a piece is missing (the registry line, a fixture, a
section of docs/migrating.md)."""

from __future__ import annotations

from importers import gatus, openstatus, statuspage, upptime, uptime_kuma
from importers.base import Importer

IMPORTERS: dict[str, Importer] = {
    importer.name: importer
    for importer in (
        upptime.IMPORTER,
        gatus.IMPORTER,
        openstatus.IMPORTER,
        uptime_kuma.IMPORTER,
        statuspage.IMPORTER,
    )
}
