"""Result files: one immutable Parquet file per (region, run), hive-partitioned by region
and date, written atomically (temp file + rename) so a half-written file is never read.

    data/results/region=eu-west/date=2026-11-23/20261123T101500Z-eu-west-3f9a.parquet
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import duckdb

from checks.result import RESULT_SCHEMA_VERSION, Result
from configuration.errors import StoreError

log = logging.getLogger("vigil.history")
T = TypeVar("T")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# The columns every query reads, with the types `append` writes.
_KEY_TYPES = {
    "monitor_id": "VARCHAR",
    "region": "VARCHAR",
    "checked_at": "TIMESTAMP WITH TIME ZONE",
    "status": "VARCHAR",
    "response_time_ms": "DOUBLE",
    "status_code": "INTEGER",
}
MEMORY_LIMIT = "1GB"  # per query connection
COMPACTED = "compacted.parquet"  # a closed day's runs of one region, merged by `vigil compact`
MAGIC = b"PAR1"
RESULT_COLUMNS = """
    schema_version UTINYINT NOT NULL,
    monitor_id VARCHAR NOT NULL,
    region VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    checked_at TIMESTAMPTZ NOT NULL,
    status VARCHAR NOT NULL,
    response_time_ms DOUBLE,
    status_code INTEGER,
    error_kind VARCHAR,
    error_message VARCHAR,
    attempts UTINYINT NOT NULL,
    timings STRUCT(
        dns_ms DOUBLE, connect_ms DOUBLE, tls_ms DOUBLE, ttfb_ms DOUBLE, total_ms DOUBLE
    ),
    peer_ip VARCHAR,
    headers MAP(VARCHAR, VARCHAR),
    certificate_expires_at TIMESTAMPTZ,
    conditions STRUCT(condition VARCHAR, passed BOOLEAN, actual VARCHAR)[]
"""


RESULT_COLUMN_NAMES = (
    "schema_version", "monitor_id", "region", "run_id", "checked_at", "status",
    "response_time_ms", "status_code", "error_kind", "error_message", "attempts", "timings",
    "peer_ip", "headers", "certificate_expires_at", "conditions",
)  # fmt: skip
_TIMESTAMP_COLUMNS = (4, 14)  # checked_at, certificate_expires_at: epoch seconds in Python
_UNNEST_COLUMNS = ", ".join(
    f"to_timestamp(unnest(${i + 1}))" if i in _TIMESTAMP_COLUMNS else f"unnest(${i + 1})"
    for i in range(len(RESULT_COLUMN_NAMES))
)


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection working in UTC, whatever the machine's time zone.
    Timestamps leave SQL as epoch seconds; `from_epoch` makes them aware datetimes."""
    connection = duckdb.connect(":memory:")
    connection.execute("SET TimeZone = 'UTC'")
    # Bounded memory on a CI runner (DuckDB spills beyond it); results need no order.
    connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    connection.execute("SET preserve_insertion_order = false")
    return connection


def first_partition(moment: datetime) -> date:
    """The oldest `date=` partition that can hold results from `moment` on: a run's file sits
    in the partition of the run's start, which may be the day before."""
    return moment.astimezone(UTC).date() - timedelta(days=1)


def new_run_id(region: str, now: datetime) -> str:
    return f"{now.astimezone(UTC):%Y%m%dT%H%M%SZ}-{region}-{secrets.token_hex(3)}"


class ResultStore:
    """The `data/` folder: where results are appended and read from."""

    def __init__(self, data_dir: str | os.PathLike[str]) -> None:
        self.data_dir = Path(data_dir)
        self.results_dir = self.data_dir / "results"
        self._screened = False

    def partition(self, region: str, day: str) -> Path:
        return self.results_dir / f"region={region}" / f"date={day}"

    def append(self, results: Sequence[Result]) -> Path | None:
        """Write one run's results as one new file named after the run; returns its path
        (None when there are no results)."""
        if not results:
            return None
        region, run_id = results[0].region, results[0].run_id
        if any((r.region, r.run_id) != (region, run_id) for r in results):
            raise ValueError("one result file holds one run of one region")
        started = min(result.checked_at for result in results).astimezone(UTC)
        folder = self.partition(region, f"{started:%Y-%m-%d}")
        final = folder / f"{run_id}.parquet"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _write_run(results, folder / f".{run_id}.parquet.tmp", final)
        except (OSError, duckdb.IOException) as error:
            kept = _keep_elsewhere(results, final)
            reason = getattr(error, "strerror", None) or str(error).splitlines()[0]
            raise StoreError(
                f"cannot write {final}: {reason}; this run's {len(results)} results are kept "
                f"in {kept}: move that file to {folder}/ when the data folder is writable"
            ) from None
        return final

    def files(self) -> list[Path]:
        """Every result file in a `date=YYYY-MM-DD` folder (temporary files end in `.tmp`
        and are never listed; a folder of another name is not the history's)."""
        if not self.results_dir.is_dir():
            return []
        found = self.results_dir.glob("region=*/date=*/*.parquet")
        return sorted(f for f in found if _is_day(f.parent.name))

    def oldest_date(self) -> date | None:
        """The oldest `date=` partition holding a result file (None when there are none)."""
        days = {file.parent.name.removeprefix("date=") for file in self.files()}
        return date.fromisoformat(min(days)) if days else None

    def regions(self) -> list[str]:
        """The regions that have written results, sorted."""
        if not self.results_dir.is_dir():
            return []
        return sorted(
            folder.name.removeprefix("region=") for folder in self.results_dir.glob("region=*")
        )

    def quarantine_corrupt(self, *, read_all: bool = False) -> list[Path]:
        """Move every result file that is not one to `data/quarantine/`, with a warning
        naming it, so one bad file never stops a build: truncated or not Parquet; with
        `read_all` (what `readable` does when a query failed), also one with columns of the
        wrong type or pages that cannot be decoded, found by reading every file in full.
        A file that cannot be opened at all (permissions) is an error, not quarantined.
        Returns the moved files."""
        moved = []
        for file in sorted(self.results_dir.glob("region=*/date=*/*.parquet")):
            _check_openable(file)
            if (
                _is_day(file.parent.name)
                and _is_complete_parquet(file)
                and (not read_all or _is_result_file(file))
            ):
                continue
            target = self.data_dir / "quarantine" / file.relative_to(self.results_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(file, target)
            log.warning("corrupt result file %s moved to %s", file, target)
            moved.append(target)
        return moved

    def readable(self, compute: Callable[[], T]) -> T:
        """`compute()`, which queries the results; when DuckDB cannot read one, every file
        is read in full, the unreadable ones are quarantined, and `compute()` runs again."""
        for _ in range(2):
            try:
                return compute()
            except duckdb.Error:
                if not self.quarantine_corrupt(read_all=True):
                    raise
        return compute()

    def source_sql(self) -> str | None:
        """A DuckDB table expression over all results, or None when there are none.
        Corrupt files are quarantined first (once per store). A run file whose run is
        already in its day's compacted file (pushed again, or not yet removed by a running
        compaction) is left out, so every result counts once."""
        if not self._screened:
            self.quarantine_corrupt()
            self._screened = True
        files = self.files()
        if not files:
            return None
        repeated = self._already_compacted(files)
        if repeated:
            listed = ", ".join(f"'{sql_path(f)}'" for f in files if f not in repeated)
            where = f"[{listed}]"
        else:
            where = f"'{sql_path(self.results_dir / 'region=*' / 'date=*' / '*.parquet')}'"
        return f"read_parquet({where}, hive_partitioning = true, union_by_name = true)"

    def _already_compacted(self, files: Sequence[Path]) -> set[Path]:
        compacted = {f.parent for f in files if f.name == COMPACTED}
        loose = [f for f in files if f.parent in compacted and f.name != COMPACTED]
        if not loose:
            return set()
        days = ", ".join(f"'{sql_path(folder / COMPACTED)}'" for folder in compacted)
        sql = f"SELECT DISTINCT run_id FROM read_parquet([{days}], union_by_name = true)"
        runs = {run for (run,) in connect().execute(sql).fetchall()}
        return {f for f in loose if f.stem in runs}

    def rollups_sql(self) -> str | None:
        """A DuckDB table expression over the daily rollups, or None when there are none."""
        if not any((self.data_dir / "rollups").glob("*.parquet")):
            return None
        # By name: a rollup written before a column existed (`partial_s`) reads it as NULL.
        files = sql_path(self.data_dir / "rollups" / "*.parquet")
        return f"read_parquet('{files}', union_by_name = true)"

    def last_checked(self, region: str) -> dict[str, datetime]:
        """When each monitor was last checked from `region`."""
        return self._latest("monitor_id", "WHERE region = ?", [region])

    def last_checked_by_region(self) -> dict[str, datetime]:
        """When each region last reported any result."""
        return self._latest("region", "", [])

    def _latest(self, key: str, where: str, parameters: list[object]) -> dict[str, datetime]:
        def query() -> dict[str, datetime]:
            source = self.source_sql()
            if source is None:
                return {}
            sql = f"SELECT {key}, max(epoch(checked_at)) FROM {source} {where} GROUP BY {key}"
            rows = connect().execute(sql, parameters).fetchall()
            return {name: from_epoch(seconds) for name, seconds in rows}

        return self.readable(query)


def _write_run(results: Sequence[Result], temporary: Path, final: Path) -> None:
    connection = connect()
    try:
        connection.execute(f"CREATE TABLE run ({RESULT_COLUMNS})")
        # One list per column, unnested side by side: ten times faster than row inserts.
        columns = [list(column) for column in zip(*(_row(r) for r in results), strict=True)]
        connection.execute(f"INSERT INTO run SELECT {_UNNEST_COLUMNS}", columns)
        connection.execute(f"COPY run TO '{sql_path(temporary)}' (FORMAT PARQUET)")
    finally:
        connection.close()
    os.replace(temporary, final)


def _keep_elsewhere(results: Sequence[Result], final: Path) -> Path:
    """Where a run's results go when the data folder cannot take them: the system's
    temporary folder (a CI job's is writable; the file is named as in the history)."""
    folder = Path(tempfile.mkdtemp(prefix="vigil-unsaved-"))
    kept = folder / final.name
    _write_run(results, folder / f".{final.name}.tmp", kept)
    return kept


def _is_day(folder: str) -> bool:
    """`date=2026-11-23`: a partition of the history (any other name is not)."""
    try:
        date.fromisoformat(folder.removeprefix("date="))
    except ValueError:
        return False
    return bool(_DAY.fullmatch(folder.removeprefix("date=")))


def _check_openable(file: Path) -> None:
    try:
        with file.open("rb"):
            pass
    except OSError as error:
        raise StoreError(f"cannot read {file}: {error.strerror}") from None


def _is_result_file(file: Path) -> bool:
    """Its columns have the result's types (as `append` writes them) and every page of
    every column decodes."""
    connection = connect()
    try:
        described = connection.execute(f"DESCRIBE SELECT * FROM '{sql_path(file)}'").fetchall()
        found = {row[0]: row[1] for row in described}
        if any(found.get(name) != kind for name, kind in _KEY_TYPES.items()):
            return False
        connection.execute(
            f"SELECT count(CAST(COLUMNS(*) AS VARCHAR)) FROM '{sql_path(file)}'"
        ).fetchall()
    except duckdb.Error:
        return False
    finally:
        connection.close()
    return True


def _is_complete_parquet(file: Path) -> bool:
    """Parquet starts and ends with `PAR1`, preceded at the end by the footer's length; a
    file cut off while it was copied or pushed fails this check."""
    try:
        size = file.stat().st_size
        with file.open("rb") as handle:
            head = handle.read(4)
            handle.seek(max(size - 8, 0))
            tail = handle.read(8)
    except OSError:
        return False
    footer = int.from_bytes(tail[:4], "little") if len(tail) == 8 else 0
    return head == tail[4:] == MAGIC and 0 < footer <= size - 12


def from_epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _row(result: Result) -> tuple[object, ...]:
    return (
        RESULT_SCHEMA_VERSION,
        result.monitor_id,
        result.region,
        result.run_id,
        result.checked_at.timestamp(),
        result.status.value,
        result.response_time_ms,
        result.status_code,
        result.error_kind.value if result.error_kind else None,
        result.error_message,
        result.attempts,
        asdict(result.timings) if result.timings else None,
        result.peer_ip,
        {"key": list(result.headers), "value": list(result.headers.values())},
        expires.timestamp() if (expires := result.certificate_expires_at) else None,
        [
            {"condition": c.condition, "passed": c.passed, "actual": c.actual}
            for c in result.conditions
        ],
    )


def sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
