"""`vigil compact`: closed days merged, rollups written, retention applied — and never a
result lost, counted twice, or a different page afterwards."""

from __future__ import annotations

import shutil
import threading
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
from click.testing import CliRunner

from checks.result import Result, Status
from generator import main
from history.compact import compact
from history.store import COMPACTED, ResultStore
from history.timeline import MonitorSpec, MonitorTimeline, monitor_timelines
from tests.conftest import NOW, SMALL_CONFIG
from tests.test_history_windows import HOUR, REGIONS, hourly, result, write

SPEC = [MonitorSpec("api", HOUR)]


def count(store: ResultStore) -> int:
    source = store.source_sql()
    return duckdb.sql(f"SELECT count(*) FROM {source}").fetchall()[0][0] if source else 0


def snapshot(store: ResultStore, now: datetime = NOW, raw_days: int = 30) -> MonitorTimeline:
    return monitor_timelines(store, SPEC, [], now, days=30, raw_days=raw_days)["api"]


def results_with_an_outage() -> list[Result]:
    """Five days of hourly results in three regions: a two-hour outage everywhere, an
    hour down in one region."""
    down = {region: Status.DOWN for region in REGIONS}
    return hourly(24 * 5, statuses={30: down, 31: down, 100: {"eu-west": Status.DOWN}})


def history_with_an_outage(store: ResultStore) -> None:
    write(store, results_with_an_outage())  # a run file per region and hour


def test_closed_days_become_one_file_each_and_nothing_changes(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    history_with_an_outage(store)
    before, total = snapshot(store), count(store)
    done = compact(store, SPEC, [], NOW)
    assert done.merged_days == 5 * 3  # four closed days and a bit (5 UTC dates) per region
    closed = [f for f in store.files() if f.parent.name < f"date={NOW:%Y-%m-%d}"]
    assert {f.name for f in closed} == {COMPACTED}
    assert len(closed) == 5 * 3
    today = [f for f in store.files() if f.parent.name == f"date={NOW:%Y-%m-%d}"]
    assert len(today) == 12 * 3  # today's run files are left as they are
    assert count(store) == total
    assert snapshot(store) == before
    assert len(before.outages) == 1


def test_compacting_again_changes_nothing(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    history_with_an_outage(store)
    compact(store, SPEC, [], NOW)
    files = {f: f.read_bytes() for f in (tmp_path).rglob("*.parquet")}
    again = compact(store, SPEC, [], NOW)
    assert (again.merged_days, again.merged_files, again.rollups_written) == (0, 0, 0)
    assert {f: f.read_bytes() for f in (tmp_path).rglob("*.parquet")} == files


def test_retention_drops_raw_days_and_rollups_keep_the_long_view(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    history_with_an_outage(store)
    before = snapshot(store, raw_days=2)
    done = compact(store, SPEC, [], NOW, raw_days=2, rollup_days=400)
    assert done.raw_days_dropped == 3 * 3  # dates older than two days, per region
    assert sorted(p.stem for p in (tmp_path / "rollups").glob("*.parquet"))[0] == "2026-11-18"
    after = snapshot(store, raw_days=2)
    assert after.windows == before.windows
    assert after.days == before.days
    assert after.outages == before.outages  # the old outage now comes from a rollup
    rows = duckdb.sql(
        f"SELECT region, checks, up_s, down_s, p50 FROM '{tmp_path}/rollups/2026-11-19.parquet' "
        "WHERE monitor_id = 'api' ORDER BY region"
    ).fetchall()
    assert rows[0] == ("all", None, 22 * 3600, 2 * 3600, None)
    assert rows[1] == ("ap-southeast", 24, 22 * 3600, 2 * 3600, 100.0)
    kept = len(list((tmp_path / "rollups").glob("*.parquet")))
    expired = compact(store, SPEC, [], NOW + timedelta(days=10), raw_days=2, rollup_days=7)
    # Every rollup is older than 7 days by then, also the one for the day just closed.
    assert expired.rollups_dropped == kept + expired.rollups_written == kept + 1
    assert not list((tmp_path / "rollups").glob("*.parquet"))


def test_three_writers_and_a_compaction_at_once_lose_nothing(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    runs_per_writer = 40

    def writer(region: str) -> None:
        # Late runs of yesterday (a closed day, being compacted) and runs of today.
        for n in range(runs_per_writer):
            at = NOW - timedelta(hours=20) + n * timedelta(minutes=30)
            store.append([result(region, at)])

    threads = [threading.Thread(target=writer, args=(region,)) for region in REGIONS]
    for thread in threads:
        thread.start()
    compactions = 0
    while any(thread.is_alive() for thread in threads) or compactions < 3:
        compact(ResultStore(tmp_path), SPEC, [], NOW)
        compactions += 1
    for thread in threads:
        thread.join(timeout=60)
    compact(ResultStore(tmp_path), SPEC, [], NOW)
    assert count(ResultStore(tmp_path)) == 3 * runs_per_writer


def test_a_run_file_pushed_again_after_compaction_counts_once(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    yesterday = NOW - timedelta(days=1)
    path = store.append([result("eu-west", yesterday)])
    assert path is not None
    copy = tmp_path / "copy.parquet"
    shutil.copy(path, copy)
    compact(store, SPEC, [], NOW)
    assert not path.exists()
    shutil.copy(copy, path)  # a stale clone pushes the same run again
    assert count(ResultStore(tmp_path)) == 1
    compact(ResultStore(tmp_path), SPEC, [], NOW)
    assert count(ResultStore(tmp_path)) == 1
    assert not path.exists()


def test_a_corrupt_file_is_quarantined_and_the_rest_compacted(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    yesterday = NOW - timedelta(days=1)
    good = store.append([result("eu-west", yesterday)])
    bad = store.append([result("eu-west", yesterday + HOUR)])
    assert good and bad
    bad.write_bytes(bad.read_bytes()[:50])
    compact(store, SPEC, [], NOW)
    assert len(list((tmp_path / "quarantine").rglob(bad.name))) == 1
    assert [f.name for f in store.files()] == [COMPACTED]
    assert count(ResultStore(tmp_path)) == 1


def test_the_compact_command_reports_what_it_did(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(SMALL_CONFIG)
    runner = CliRunner()
    data = tmp_path / "data"
    store = ResultStore(data)
    store.append([result("eu-west", NOW - timedelta(days=1))])
    args = ["--config", str(config), "--data", str(data), "--incidents", str(tmp_path / "i")]
    outcome = runner.invoke(main, ["compact", *args, "--now", NOW.isoformat()])
    assert outcome.exit_code == 0, outcome.output
    assert "Merged 1 run files into 1 region-days" in outcome.output
