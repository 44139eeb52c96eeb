"""The history in S3-compatible object storage (`history.store: s3://…`), against a real
S3 server (moto's server mode) on loopback: the same layout and answers as the local folder,
immutable run objects, concurrent writers and compaction, a writer killed mid-upload, and
a wrong credential or a missing bucket that loses nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path, PurePosixPath

import botocore.exceptions
import duckdb
import pytest
from click.testing import CliRunner

from checks.result import Result, Status
from generator import main
from history.compact import compact
from history.location import open_store
from history.migrate import copy_history
from history.objects import ObjectStore
from history.store import COMPACTED, ResultStore, StoreError
from history.timeline import MonitorSpec, MonitorTimeline, monitor_timelines
from tests.conftest import NOW
from tests.s3_server import SECRET, StallingProxy, s3_client, s3_environment
from tests.test_compact import history_with_an_outage, results_with_an_outage
from tests.test_history_windows import HOUR

SPEC = [MonitorSpec("api", HOUR)]


def run_of(writer: str, n: int, at: object, monitors: int = 3) -> list[Result]:
    return [
        Result(
            monitor_id=f"m{m}",
            region=writer,
            run_id=f"run-{writer}-{n:03d}",
            checked_at=at,  # type: ignore[arg-type]
            status=Status.UP,
            response_time_ms=100.0,
            status_code=200,
        )
        for m in range(monitors)
    ]


def count(store: ResultStore) -> tuple[int, int]:
    """(results, distinct (run, monitor) pairs) as a reader sees them."""
    source = store.source_sql()
    if source is None:
        return 0, 0
    sql = f"SELECT count(*), count(DISTINCT (run_id, monitor_id)) FROM {source}"
    rows = store.connect().execute(sql).fetchall()
    return int(rows[0][0]), int(rows[0][1])


def keys(bucket_url: str, endpoint: str) -> list[str]:
    bucket, _, prefix = bucket_url.removeprefix("s3://").partition("/")
    listed = s3_client(endpoint).list_objects_v2(Bucket=bucket, Prefix=prefix)  # type: ignore[attr-defined]
    return sorted(item["Key"].removeprefix(prefix + "/") for item in listed.get("Contents", []))


def test_a_run_is_one_immutable_object_in_the_folder_layout(
    bucket_url: str, s3_env: dict[str, str], tmp_path: Path
) -> None:
    store = open_store(bucket_url, tmp_path / "data")
    assert isinstance(store, ObjectStore)
    path = store.append(run_of("eu-west", 1, NOW))
    assert str(path).endswith("results/region=eu-west/date=2026-11-23/run-eu-west-001.parquet")
    assert keys(bucket_url, s3_env["AWS_ENDPOINT_URL"]) == [
        "results/region=eu-west/date=2026-11-23/run-eu-west-001.parquet"
    ]
    assert not list((tmp_path / "data").rglob("*.parquet"))  # sent, not kept
    # The same run again (a retried upload) never overwrites the object.
    store.append([*run_of("eu-west", 1, NOW, monitors=1)])
    assert count(store) == (3, 3)
    # The server itself refuses to overwrite with If-None-Match: *.
    bucket, _, prefix = bucket_url.removeprefix("s3://").partition("/")
    with pytest.raises(botocore.exceptions.ClientError, match="PreconditionFailed"):
        s3_client(s3_env["AWS_ENDPOINT_URL"]).put_object(  # type: ignore[attr-defined]
            Bucket=bucket, Key=f"{prefix}/{path.relative_to(store.root)}", Body=b"x",  # type: ignore[union-attr]
            IfNoneMatch="*",
        )  # fmt: skip
    assert store.regions() == ["eu-west"]
    assert str(store.oldest_date()) == "2026-11-23"
    assert store.last_checked("eu-west") == {f"m{m}": NOW for m in range(3)}


def test_the_bucket_answers_as_the_folder_before_and_after_compaction(
    bucket_url: str, s3_env: dict[str, str], tmp_path: Path
) -> None:
    local, remote = ResultStore(tmp_path / "local"), open_store(bucket_url, tmp_path / "data")
    # A run file per region and day, not per hour: every object read costs a request to the
    # server, and the answers, not the count of files, are compared here.
    days: dict[tuple[str, object], list[Result]] = {}
    for each in results_with_an_outage():
        day = each.checked_at.date()
        days.setdefault((each.region, day), []).append(replace(each, run_id=f"run-{day}"))
    for store in (local, remote):
        for results in days.values():
            store.append(results)

    def timeline(store: ResultStore) -> MonitorTimeline:
        return monitor_timelines(store, SPEC, [], NOW, days=30, raw_days=2)["api"]

    before = timeline(local)
    assert timeline(remote) == before
    assert len(before.outages) == 1
    done = [compact(store, SPEC, [], NOW, raw_days=2) for store in (local, remote)]
    assert done[0] == done[1]
    assert done[1].merged_days == 5 * 3 and done[1].raw_days_dropped == 3 * 3
    after = timeline(remote)
    assert after == timeline(local)
    assert (after.days, after.windows, after.outages) == (
        before.days,
        before.windows,
        before.outages,
    )  # type: ignore[attr-defined]
    objects = keys(bucket_url, s3_env["AWS_ENDPOINT_URL"])
    rollups = sorted(p.name for p in (tmp_path / "local" / "rollups").glob("*.parquet"))
    assert [k.removeprefix("rollups/") for k in objects if k.startswith("rollups/")] == rollups
    closed = [k for k in objects if k.startswith("results/") and "date=2026-11-23" not in k]
    assert closed and all(k.endswith(COMPACTED) for k in closed)
    again = compact(remote, SPEC, [], NOW, raw_days=2)
    assert (again.merged_files, again.rollups_written) == (0, 0)


def test_six_writers_twenty_runs_and_a_compaction_count_every_result_once(
    bucket_url: str, tmp_path: Path
) -> None:
    writers, runs = 6, 20

    def writer(index: int) -> None:
        store = open_store(bucket_url, tmp_path / f"writer-{index}")
        for n in range(runs):  # late runs of yesterday (closed, being compacted), then today
            store.append(run_of(f"r{index}", n, NOW - timedelta(hours=18) + n * HOUR))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    compactions = 0
    while any(thread.is_alive() for thread in threads) or compactions < 2:
        compact(open_store(bucket_url, tmp_path / "compactor"), SPEC, [], NOW)
        compactions += 1
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    reader = open_store(bucket_url, tmp_path / "reader")
    assert count(reader) == (writers * runs * 3, writers * runs * 3)
    compact(open_store(bucket_url, tmp_path / "compactor"), SPEC, [], NOW)
    assert count(open_store(bucket_url, tmp_path / "reader")) == (writers * runs * 3,) * 2
    yesterday = [f for f in reader.files() if "date=2026-11-22" in str(f)]
    assert {f.name for f in yesterday} == {COMPACTED}


def test_a_compacted_object_that_does_not_read_back_whole_keeps_the_run_objects(
    bucket_url: str, tmp_path: Path
) -> None:
    class Lossy(ObjectStore):
        """Uploads every compacted file without its last row."""

        def commit(self, staged: Path, target: PurePosixPath) -> None:  # type: ignore[override]
            if target.name == COMPACTED:
                rows = f"read_parquet('{staged}')"
                (total,) = duckdb.sql(f"SELECT count(*) FROM {rows}").fetchall()[0]
                duckdb.execute(
                    f"COPY (SELECT * FROM {rows} LIMIT {total - 1}) "
                    f"TO '{staged}.cut' (FORMAT PARQUET)"
                )
                os.replace(f"{staged}.cut", staged)
            super().commit(staged, target)

    store = Lossy(bucket_url, tmp_path / "data")
    for n in range(3):
        store.append(run_of("eu-west", n, NOW - timedelta(days=1)))
    with pytest.raises(StoreError, match=r"read back 8 of 9 rows; run files kept"):
        compact(store, SPEC, [], NOW)
    assert len([f for f in store.files() if f.name != COMPACTED]) == 3
    assert count(store) == (9, 9)  # the runs not in the cut compacted file still count


def _writer_script(bucket_url: str, data: Path) -> str:
    return f"""
import sys
from datetime import datetime, UTC
sys.path.insert(0, {str(Path.cwd())!r})
from checks.result import Result, Status
from history.location import open_store
at = datetime(2026, 11, 23, 12, tzinfo=UTC)
results = [Result(monitor_id=f"m{{m}}", region="eu-west", run_id="run-killed", checked_at=at,
                  status=Status.UP, response_time_ms=1.0, error_message="x" * 200)
           for m in range(5000)]
open_store({bucket_url!r}, {str(data)!r}).append(results)
"""


def test_a_writer_killed_mid_upload_leaves_nothing_a_reader_sees_and_the_next_run_sends_it(
    bucket_url: str, s3_env: dict[str, str], tmp_path: Path
) -> None:
    upstream = int(s3_env["AWS_ENDPOINT_URL"].rsplit(":", 1)[1])
    proxy = StallingProxy(upstream)
    environment = {**os.environ, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{proxy.port}"}
    script = _writer_script(bucket_url, tmp_path / "data")
    child = subprocess.Popen([sys.executable, "-c", script], env=environment)
    try:
        assert proxy.stalled.wait(60), "the upload never started"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        proxy.close()
    reader = open_store(bucket_url, tmp_path / "reader")
    assert reader.files() == [] and reader.source_sql() is None
    assert keys(bucket_url, s3_env["AWS_ENDPOINT_URL"]) == []
    (pending,) = (tmp_path / "data" / "pending").rglob("*.parquet")
    assert pending.name == "run-killed.parquet"
    writer = open_store(bucket_url, tmp_path / "data")
    writer.append(run_of("eu-west", 2, NOW))  # the next run sends the kept one first
    assert count(reader) == (5003, 5003)
    assert not pending.exists()


CONFIG = """\
version: 1
regions: [{id: local, name: Loopback}]
runner: {canary: []}
history: {store: "STORE"}
monitors:
  - {id: backup, name: Backup, type: heartbeat, grace: 10m, interval: 1m}
  - {id: nightly, name: Nightly, type: heartbeat, grace: 1h, interval: 1m}
"""


def _project(tmp_path: Path, store: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.yaml").write_text(CONFIG.replace("STORE", store))
    return tmp_path


def vigil(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_check_heartbeat_notify_and_build_work_on_the_bucket(
    bucket_url: str, s3_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path, bucket_url, monkeypatch)
    code, out, err = vigil("heartbeat", "backup", "--now", "2026-11-23T12:00:00Z")
    assert code == 0, err
    shutil_rmtree(tmp_path / "data")  # another job's machine: nothing local
    code, out, err = vigil("check", "--region", "local", "--now", "2026-11-23T12:05:00Z")
    assert code == 0, err
    assert "backup: up" in out and "nightly: unknown (waiting" in out  # heartbeat from the bucket
    shutil_rmtree(tmp_path / "data")
    code, out, err = vigil("check", "--region", "local", "--now", "2026-11-23T12:20:00Z")
    assert code == 0, err
    assert "backup: down" in out  # the heartbeat is older than its grace
    code, out, err = vigil("notify", "send", "--now", "2026-11-23T12:21:00Z")
    assert code == 0, err
    objects = keys(bucket_url, s3_env["AWS_ENDPOINT_URL"])
    assert "heartbeats/backup.json" in objects and "state.json" in objects
    runs = [k for k in objects if k.startswith("results/")]
    assert len(runs) == 2 and all(
        k.startswith("results/region=local/date=2026-11-23/") for k in runs
    )
    shutil_rmtree(tmp_path / "data")
    code, _, err = vigil("build", "--now", "2026-11-23T12:22:00Z")
    assert code == 0, err
    summary = json.loads((tmp_path / "site" / "api" / "v2" / "summary.json").read_text())
    statuses = {c["name"]: c["status"] for c in summary["components"]}
    assert statuses == {"Backup": "major_outage", "Nightly": "operational"}
    assert not (tmp_path / "data" / "results").exists()  # read from the bucket, not copied


def shutil_rmtree(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def test_a_missing_bucket_is_one_error_exit_1_and_the_run_is_sent_next_time(
    s3_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path, "s3://vigil-not-created-yet/h", monkeypatch)
    code, _, err = vigil("check", "--region", "local", "--now", "2026-11-23T12:05:00Z")
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("vigil:")]
    (kept,) = (tmp_path / "data" / "pending").rglob("*.parquet")
    name = f"region=local/date=2026-11-23/{kept.name}"
    assert errors == [
        f"vigil: s3://vigil-not-created-yet/h/results/{name}: no such bucket; create it or "
        f"correct history.store; this run's 2 results are kept in data/pending/{name} and "
        "sent by the next run"
    ]
    assert "Traceback" not in err
    s3_client(s3_env["AWS_ENDPOINT_URL"]).create_bucket(Bucket="vigil-not-created-yet")  # type: ignore[attr-defined]
    code, _, err = vigil("check", "--region", "local", "--now", "2026-11-23T12:06:00Z")
    assert code == 0, err
    assert not list((tmp_path / "data" / "pending").rglob("*.parquet"))
    store = open_store("s3://vigil-not-created-yet/h", tmp_path / "elsewhere")
    assert count(store) == (4, 4) and len(store.files()) == 2


def test_a_wrong_credential_is_one_error_exit_1_and_nothing_is_lost_or_leaked(
    strict_s3: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in s3_environment(strict_s3, tmp_path).items():
        monkeypatch.setenv(name, value)
    _project(tmp_path, "s3://strict/history", monkeypatch)
    code, out, err = vigil("check", "--region", "local", "--now", "2026-11-23T12:05:00Z")
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("vigil:")]
    assert len(errors) == 1
    assert errors[0].startswith("vigil: s3://strict/history/results/region=local/")
    assert "access denied: the credentials were refused" in errors[0]
    assert "results are kept in" in errors[0] and "Traceback" not in err
    (kept,) = (tmp_path / "data" / "pending").rglob("*.parquet")
    assert duckdb.sql(f"SELECT count(*) FROM '{kept}'").fetchall() == [(2,)]
    everything = (
        out
        + err
        + "".join(p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file())
    )
    assert SECRET not in everything
    code, _, err = vigil("notify", "send", "--now", "2026-11-23T12:06:00Z")
    assert code == 1 and err.count("vigil:") == 1 and "access denied" in err


def test_history_copy_moves_a_folder_to_a_bucket_and_back_resumably(
    bucket_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    local = ResultStore(tmp_path / "data")
    history_with_an_outage(local)
    compact(local, SPEC, [], NOW, raw_days=2)  # compacted days, rollups and run files
    (tmp_path / "data" / "state.json").write_text('{"version": 1}\n')
    runs = len(local.files())

    class Interrupted(ObjectStore):
        """Stops after five files, as a copy cut short by a timeout."""

        commits = 0

        def commit(self, staged: Path, target: PurePosixPath) -> None:  # type: ignore[override]
            if Interrupted.commits == 5:
                raise StoreError("connection lost")
            Interrupted.commits += 1
            super().commit(staged, target)

    with pytest.raises(StoreError, match="connection lost"):
        copy_history(local, Interrupted(bucket_url, tmp_path / "data"))
    code, out, err = vigil("history", "copy", "--from", "data", "--to", bucket_url)
    assert code == 0, err
    rollups = len(local.rollup_files())
    total = runs + rollups + 1
    assert out == (
        f"data → {bucket_url}: {total - 5} files copied, 5 already there; {count(local)[0]} "
        "results in both\n"
    )
    code, out, _ = vigil("history", "copy", "--from", "data", "--to", bucket_url)
    assert code == 0 and f": 0 files copied, {total} already there;" in out
    remote = open_store(bucket_url, tmp_path / "elsewhere")
    assert monitor_timelines(remote, SPEC, [], NOW, raw_days=2) == monitor_timelines(
        local, SPEC, [], NOW, raw_days=2
    )
    code, out, err = vigil("history", "copy", "--from", bucket_url, "--to", "back")
    assert code == 0, err
    back = ResultStore(tmp_path / "back")
    assert count(back) == count(local)
    assert (tmp_path / "back" / "state.json").read_text() == '{"version": 1}\n'
    assert sorted(p.name for p in back.rollup_files()) == sorted(
        p.name for p in local.rollup_files()
    )
