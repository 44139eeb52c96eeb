"""Result files: one immutable Parquet file per (region, run), hive-partitioned by region
and date, written atomically (temp file + rename) so a half-written file is never read.

    data/results/region=eu-west/date=2026-11-23/20261123T101500Z-eu-west-3f9a.parquet

`ResultStore` is the local folder; `history.objects.ObjectStore` keeps the same layout in
S3-compatible object storage (`history.store: s3://bucket/prefix`) behind the same methods:
the rest of Vigil asks `history.location.open_store` for one and never knows which.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path, PurePath
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
# What lives beside the results and is read, changed and written back by one command:
# the notification state, the ledger (events are written once), the heartbeats.
SIDE_FILES = ("state.json", "notifications/events/*", "notifications/deliveries/*", "heartbeats/*")
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
    """The `data/` folder: where results are appended and read from. A subclass keeps the
    same files elsewhere by overriding the primitives at the end (`location` … `remove`)."""

    def __init__(self, data_dir: str | os.PathLike[str]) -> None:
        self.data_dir = Path(data_dir)
        self.results_dir: PurePath = self.data_dir / "results"
        self.rollups_dir: PurePath = self.data_dir / "rollups"
        self.root: PurePath = self.data_dir
        self._screened = False

    def partition(self, region: str, day: str) -> PurePath:
        return self.results_dir / f"region={region}" / f"date={day}"

    def append(self, results: Sequence[Result]) -> PurePath | None:
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
            Path(folder).mkdir(parents=True, exist_ok=True)
            _write_run(results, Path(folder) / f".{run_id}.parquet.tmp", Path(final))
        except (OSError, duckdb.IOException) as error:
            kept = _keep_elsewhere(results, Path(final))
            reason = getattr(error, "strerror", None) or str(error).splitlines()[0]
            raise StoreError(
                f"cannot write {final}: {reason}; this run's {len(results)} results are kept "
                f"in {kept}: move that file to {folder}/ when the data folder is writable"
            ) from None
        return final

    def files(self) -> list[PurePath]:
        """Every result file in a `date=YYYY-MM-DD` folder (temporary files end in `.tmp`
        and are never listed; a folder of another name is not the history's)."""
        found = self.find(self.results_dir, "region=*/date=*/*.parquet")
        return sorted(f for f in found if _is_day(f.parent.name))

    def oldest_date(self) -> date | None:
        """The oldest `date=` partition holding a result file (None when there are none)."""
        days = {file.parent.name.removeprefix("date=") for file in self.files()}
        return date.fromisoformat(min(days)) if days else None

    def regions(self) -> list[str]:
        """The regions that have written results, sorted."""
        found = {f.parent.parent.name for f in self.files()}
        return sorted(name.removeprefix("region=") for name in found)

    def quarantine_corrupt(self, *, read_all: bool = False) -> list[PurePath]:
        """Move every result file that is not one to `data/quarantine/`, with a warning
        naming it, so one bad file never stops a build: truncated or not Parquet; with
        `read_all` (what `readable` does when a query failed), also one with columns of the
        wrong type or pages that cannot be decoded, found by reading every file in full.
        A file that cannot be opened at all (permissions) is an error, not quarantined.
        Returns the moved files."""
        moved = []
        for file in sorted(Path(self.results_dir).glob("region=*/date=*/*.parquet")):
            _check_openable(file)
            if (
                _is_day(file.parent.name)
                and _is_complete_parquet(file)
                and (not read_all or self._is_result_file(file))
            ):
                continue
            target = self.data_dir / "quarantine" / file.relative_to(self.results_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(file, target)
            log.warning("corrupt result file %s moved to %s", file, target)
            moved.append(target)
        return list(moved)

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
        repeated = self.already_compacted(files)
        if repeated:
            listed = ", ".join(f"'{self.location(f)}'" for f in files if f not in repeated)
            where = f"[{listed}]"
        else:
            where = f"'{self.location(self.results_dir / 'region=*' / 'date=*' / '*.parquet')}'"
        return f"read_parquet({where}, hive_partitioning = true, union_by_name = true)"

    def already_compacted(self, files: Sequence[PurePath]) -> set[PurePath]:
        """The run files of `files` whose run is already in their day's compacted file."""
        compacted = {f.parent for f in files if f.name == COMPACTED}
        loose = [f for f in files if f.parent in compacted and f.name != COMPACTED]
        if not loose:
            return set()
        days = ", ".join(f"'{self.location(folder / COMPACTED)}'" for folder in compacted)
        sql = f"SELECT DISTINCT run_id FROM read_parquet([{days}], union_by_name = true)"
        runs = {run for (run,) in self.connect().execute(sql).fetchall()}
        return {f for f in loose if f.stem in runs}

    def rollups_sql(self) -> str | None:
        """A DuckDB table expression over the daily rollups, or None when there are none."""
        if not self.rollup_files():
            return None
        # By name: a rollup written before a column existed (`partial_s`) reads it as NULL.
        files = self.location(self.rollups_dir / "*.parquet")
        return f"read_parquet('{files}', union_by_name = true)"

    def rollup_files(self) -> list[PurePath]:
        return sorted(self.find(self.rollups_dir, "*.parquet"))

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
            rows = self.connect().execute(sql, parameters).fetchall()
            return {name: from_epoch(seconds) for name, seconds in rows}

        return self.readable(query)

    def _is_result_file(self, file: PurePath) -> bool:
        """Its columns have the result's types (as `append` writes them) and every page of
        every column decodes."""
        connection = self.connect()
        try:
            where = self.location(file)
            described = connection.execute(f"DESCRIBE SELECT * FROM '{where}'").fetchall()
            found = {row[0]: row[1] for row in described}
            if any(found.get(name) != kind for name, kind in _KEY_TYPES.items()):
                return False
            connection.execute(f"SELECT count(CAST(COLUMNS(*) AS VARCHAR)) FROM '{where}'")
        except duckdb.Error:
            return False
        finally:
            connection.close()
        return True

    @contextmanager
    def side_files(self, *, required: bool = True) -> Iterator[None]:
        """While held, the notification state, the ledger and the heartbeats are files in
        `data_dir` (here they always are; an object store downloads them first and uploads
        what changed after). Without `required`, a store that cannot be read is warned
        about and its side files are neither read nor written back."""
        yield

    def side_paths(self) -> list[PurePath]:
        """The state, ledger and heartbeat files (not the ledger's locks, no hidden file)."""
        found = [path for pattern in SIDE_FILES for path in self.find(self.root, pattern)]
        return sorted(path for path in found if not path.name.startswith("."))

    def count_rows(self, paths: Sequence[PurePath]) -> int:
        """How many rows the Parquet files hold together."""
        if not paths:
            return 0
        listed = ", ".join(f"'{self.location(path)}'" for path in paths)
        rows = self.connect().execute(f"SELECT count(*) FROM read_parquet([{listed}])")
        return int((rows.fetchone() or (0,))[0])

    # The primitives: how files are found, read, written and removed where the store keeps
    # them. Paths are `PurePath`s under `results_dir` and `rollups_dir`.

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A query connection that can read `location(...)` paths."""
        return connect()

    def location(self, path: PurePath) -> str:
        """`path` as DuckDB reads it, quoted for a SQL string."""
        return sql_path(Path(path))

    def find(self, folder: PurePath, pattern: str) -> list[PurePath]:
        """The files under `folder` matching the glob `pattern`."""
        return list(Path(folder).glob(pattern)) if Path(folder).is_dir() else []

    def staging(self, target: PurePath) -> Path:
        """A local path where a new version of `target` is written before `commit`."""
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        return Path(target).with_name(f".{target.name}.tmp-{os.getpid()}")

    def commit(self, staged: Path, target: PurePath) -> None:
        """Make the staged file `target`, replacing it at once (readers see old or new)."""
        os.replace(staged, target)

    def read_bytes(self, path: PurePath) -> bytes | None:
        """The content of `path`, or None when there is no such file."""
        try:
            return Path(path).read_bytes()
        except FileNotFoundError:
            return None

    def remove(self, paths: Sequence[PurePath]) -> None:
        """Remove files, or whole folders; one already gone is no error."""
        for path in map(Path, paths):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)


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
