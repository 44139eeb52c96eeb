"""Times as Vigil writes them for machines: UTC, to the second, with a `Z`."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_iso(moment: datetime) -> str:
    """`2026-11-23T10:00:00Z`: the one spelling of an instant in files, APIs and feeds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
