"""The history in S3-compatible object storage (`history.store: s3://bucket/prefix`): the
layout of `data/` under the prefix, one immutable object per region and run.

    s3://acme-status/history/results/region=eu-west/date=2026-11-23/<run>.parquet
    s3://acme-status/history/rollups/2026-11-22.parquet
    s3://acme-status/history/state.json, notifications/…, heartbeats/…

A run's file is written to `data/pending/` first, then uploaded with a conditional put
(`If-None-Match: *`) that never overwrites, and removed locally only once the store has it:
an upload that fails (wrong credential, missing bucket, no network) keeps the file there and
the next run sends it. A PUT is atomic, so a reader never sees half an object. DuckDB reads
the objects through s3fs registered as its filesystem (no extension is downloaded), fetching
only the byte ranges a query needs. The endpoint, region and credentials come from the
environment as the AWS tools read them. This is the only module that imports the S3 client.
"""

from __future__ import annotations

import fnmatch
import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

import duckdb
import s3fs
from botocore.exceptions import BotoCoreError, ClientError

from checks.result import Result
from configuration.errors import ObjectStoreError
from history.store import SIDE_FILES, ResultStore, connect

log = logging.getLogger("vigil.history")
PENDING = "pending"  # under the local data folder: run files not yet uploaded
_CREATE_ONLY = "notifications/events/"
_CREDENTIAL_VARIABLES = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID")


class _ListedFileSystem(s3fs.S3FileSystem):  # type: ignore[misc]
    """s3fs answering from the store's last listing of a folder (`ObjectStore.find`), not
    with a request each: `info` (a HEAD, which DuckDB asks for on every open of a file, and
    again for its last-modified time to trust its cache of the file) and a glob of Parquet
    files below a listed folder (a LIST per folder level, for every query). On a store far
    away each request costs a round trip. The listing is current where it matters: the
    store lists the files before every query, a run object never changes, and what this
    store replaces or removes (a compacted day, a rollup) drops what was listed."""

    def __init__(self, **options: Any) -> None:
        self.listed: dict[str, dict[str, Any]] = {}
        self.listed_folders: set[str] = set()
        super().__init__(**options)

    def remember(self, folder: str, found: dict[str, dict[str, Any]]) -> None:
        """`found` is every file under `folder` (a complete listing)."""
        below = folder.rstrip("/") + "/"
        for key in [key for key in self.listed if key.startswith(below)]:
            del self.listed[key]
        self.listed.update(found)
        self.listed_folders.add(below)

    async def _info(
        self,
        path: str,
        bucket: str | None = None,
        key: str | None = None,
        refresh: bool = False,
        version_id: str | None = None,
    ) -> dict[str, Any]:
        if not refresh and version_id is None:
            found = self.listed.get(self._strip_protocol(path))
            if found is not None:
                return found
        info: dict[str, Any] = await super()._info(
            path, bucket, key, refresh=refresh, version_id=version_id
        )
        return info

    async def _glob(self, path: str, maxdepth: int | None = None, **options: Any) -> Any:
        pattern = self._strip_protocol(path)
        listed = any(pattern.startswith(folder) for folder in self.listed_folders)
        if (
            not listed
            or maxdepth is not None
            or "**" in pattern
            or not pattern.endswith(".parquet")
        ):
            return await super()._glob(path, maxdepth=maxdepth, **options)
        parts = pattern.split("/")
        matched = {
            key: info
            for key, info in self.listed.items()
            if len(key.split("/")) == len(parts)
            and all(map(fnmatch.fnmatchcase, key.split("/"), parts))
        }
        return matched if options.get("detail") else sorted(matched)

    def invalidate_cache(self, path: str | None = None) -> None:
        self.listed.clear()
        self.listed_folders.clear()
        super().invalidate_cache(path)


class ObjectStore(ResultStore):
    """`ResultStore` over a bucket: the same files, as objects under `bucket/prefix/`."""

    def __init__(self, url: str, data_dir: str | os.PathLike[str]) -> None:
        super().__init__(data_dir)
        self.url = url.rstrip("/")
        self.root = PurePosixPath(self.url.removeprefix("s3://"))
        self.results_dir = self.root / "results"
        self.rollups_dir = self.root / "rollups"
        self.pending_dir = self.data_dir / PENDING
        self._warned = False  # that the store cannot be read (once per command)
        unset_empty_aws_variables()
        self.fs = _ListedFileSystem(
            use_listings_cache=False,
            skip_instance_cache=True,
            config_kwargs={"connect_timeout": 10, "read_timeout": 60},
        )

    def append(self, results: Sequence[Result]) -> PurePath | None:
        """Write the run's file to `data/pending/`, send every pending file (earlier runs'
        first), and return the run's object path."""
        if not results:
            return None
        local = super().append(results)  # under data/pending/, named as in the store
        assert local is not None
        try:
            self.send_pending()
        except ObjectStoreError as error:
            raise ObjectStoreError(
                f"{error}; this run's {len(results)} results are kept in {local} and sent "
                "by the next run"
            ) from None
        return self.results_dir / PurePath(local).relative_to(self.pending_dir)

    def partition(self, region: str, day: str) -> PurePath:
        """Where `append` writes: the pending folder, uploaded from there."""
        return self.pending_dir / f"region={region}" / f"date={day}"

    def send_pending(self) -> int:
        """Upload every run file in `data/pending/` that the store does not have yet (one
        it has is the same run: run ids are unique), removing each once sent."""
        sent = 0
        for file in sorted(self.pending_dir.glob("region=*/date=*/*.parquet")):
            target = self.results_dir / file.relative_to(self.pending_dir)
            self._put(file, target, create=True)
            file.unlink()
            sent += 1
        return sent

    def quarantine_corrupt(self, *, read_all: bool = False) -> list[PurePath]:
        """A PUT is atomic, so an object is never cut off: only `read_all` (after a query
        failed) reads each result object and moves one that is not a result file to
        `quarantine/` beside `results/`."""
        if not read_all:
            return []
        moved: list[PurePath] = []
        for file in self.files():
            if self._is_result_file(file):
                continue
            target = self.root / "quarantine" / file.relative_to(self.results_dir)
            with self._errors(file):
                self.fs.mv(str(file), str(target))
            log.warning("corrupt result object %s moved to %s", self._url(file), target)
            moved.append(target)
        return moved

    @contextmanager
    def side_files(self, *, required: bool = True) -> Iterator[None]:
        try:
            pulled = self.pull_side_files()
        except ObjectStoreError as error:
            if required:
                raise
            self._warn_once(f"{error}; heartbeats, notification state and ledger not read")
            yield
            return
        try:
            yield
        except BaseException:
            try:  # what was sent before the failure must be recorded
                self.push_side_files(pulled)
            except ObjectStoreError as error:
                log.warning("%s", error)
            raise
        self.push_side_files(pulled)

    def last_checked(self, region: str) -> dict[str, datetime]:
        """As the folder's; a store that cannot be read makes every monitor due (the run's
        file is kept pending when it cannot be sent either)."""
        try:
            return super().last_checked(region)
        except ObjectStoreError as error:
            self._warn_once(f"{error}; every monitor is due")
            return {}

    def _warn_once(self, message: str) -> None:
        if not self._warned:
            log.warning("%s", message)
            self._warned = True

    def pull_side_files(self) -> set[str]:
        """Download the state, the ledger and the heartbeats into the local data folder
        (replacing what is there); returns their names, for `push_side_files`."""
        names = set()
        for path in self.side_paths():
            name = str(path.relative_to(self.root))
            local = self.data_dir / name
            local.parent.mkdir(parents=True, exist_ok=True)
            local.write_bytes(self.read_bytes(path) or b"")
            names.add(name)
        return names

    def push_side_files(self, pulled: set[str]) -> int:
        """Upload the side files that changed locally since `pull_side_files`, and remove
        the objects of those removed locally (pruned). An event is written only if no other
        run wrote it first. Returns how many objects changed."""
        changed = 0
        local = {
            str(f.relative_to(self.data_dir))
            for pattern in SIDE_FILES
            for f in self.data_dir.glob(pattern)
            if f.is_file() and not f.name.startswith(".")
        }
        for name in sorted(local):
            target = self.root / name
            data = (self.data_dir / name).read_bytes()
            if name in pulled and self.read_bytes(target) == data:
                continue
            self._put(self.data_dir / name, target, create=name.startswith(_CREATE_ONLY))
            changed += 1
        gone = [self.root / name for name in sorted(pulled - local)]
        self.remove(gone)
        return changed + len(gone)

    # The primitives of `ResultStore`, on objects.

    def connect(self) -> duckdb.DuckDBPyConnection:
        connection = connect()
        # Never download an extension at run time: s3:// paths go through s3fs.
        connection.execute("SET autoinstall_known_extensions = false")
        connection.execute("SET autoload_known_extensions = false")
        connection.execute("SET parquet_metadata_cache = true")
        connection.register_filesystem(self.fs)
        return connection

    def location(self, path: PurePath) -> str:
        return self._url(path).replace("'", "''")

    def find(self, folder: PurePath, pattern: str) -> list[PurePath]:
        parts = pattern.split("/")
        while len(parts) > 1 and not any(c in parts[0] for c in "*?["):
            folder, parts = folder / parts[0], parts[1:]  # list only below the literal part
        with self._errors(folder):
            found: dict[str, dict[str, Any]] = self.fs.find(str(folder), detail=True)
        self.fs.remember(str(folder), found)
        matched: list[PurePath] = []
        for key in found:
            relative = PurePosixPath(key).relative_to(folder).parts
            if len(relative) == len(parts) and all(map(fnmatch.fnmatchcase, relative, parts)):
                matched.append(PurePosixPath(key))
        return matched

    def staging(self, target: PurePath) -> Path:
        folder = self.data_dir / ".staging"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{target.name}.tmp-{os.getpid()}"

    def commit(self, staged: Path, target: PurePath) -> None:
        self._put(staged, target, create=False)
        staged.unlink()

    def read_bytes(self, path: PurePath) -> bytes | None:
        try:
            with self._errors(path):
                data: bytes = self.fs.cat_file(str(path))
        except FileNotFoundError:
            return None
        return data

    def remove(self, paths: Sequence[PurePath]) -> None:
        """Files in bulk deletes (one already gone is no error), folders with their files."""
        files = [str(path) for path in paths if path.suffix]
        with self._errors(self.root):
            if files:
                self.fs.rm(files)
            for folder in (path for path in paths if not path.suffix):
                self.fs.rm(str(folder), recursive=True)

    def _put(self, local: Path, target: PurePath, *, create: bool) -> None:
        """Upload `local` as `target`; `create`: only if there is no such object yet (an
        existing one is the same run's, sent before: nothing to do)."""
        try:
            with self._errors(target):
                self.fs.put_file(str(local), str(target), mode="create" if create else "overwrite")
        except FileExistsError:
            if not create:
                raise
        self.fs.invalidate_cache()

    def _url(self, path: PurePath) -> str:
        return f"s3://{path}"

    @contextmanager
    def _errors(self, path: PurePath) -> Iterator[None]:
        """Turn what the S3 client raises into one line naming the object (or folder) and
        what to check; a missing object (FileNotFoundError) is left to the caller."""
        try:
            yield
        except FileExistsError:
            raise
        except FileNotFoundError as error:
            if "bucket" in str(error).lower():
                raise ObjectStoreError(
                    f"{self._url(path)}: no such bucket; create it or correct history.store"
                ) from None
            raise
        except (OSError, BotoCoreError, ClientError, ValueError) as error:
            raise ObjectStoreError(f"{self._url(path)}: {_reason(error)}") from None


def unset_empty_aws_variables() -> None:
    """Remove the AWS_* variables that are set but empty: a workflow's `${{ vars.X }}` is
    empty where the variable was never added, and botocore takes an empty region, endpoint
    or profile literally (an invalid endpoint, a profile that does not exist)."""
    for name in [name for name, value in os.environ.items() if name.startswith("AWS_")]:
        if not os.environ[name].strip():
            del os.environ[name]


def _reason(error: BaseException) -> str:
    """Why a request failed, in one line, without any credential's value."""
    if isinstance(error, PermissionError):
        text = (
            "access denied: the credentials were refused (check AWS_ACCESS_KEY_ID, "
            "AWS_SECRET_ACCESS_KEY or AWS_PROFILE and the bucket's policy)"
        )
    else:
        text = " ".join(str(error).split()) or type(error).__name__
    return redact(text)


def redact(text: str) -> str:
    secrets: list[Any] = [os.environ.get(name) for name in _CREDENTIAL_VARIABLES]
    for value in secrets:
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    return text
