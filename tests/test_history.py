"""The history: Parquet files written atomically and read back, judged across regions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from checks.result import ErrorKind, Result, Status
from configuration.errors import StoreError
from history.store import ResultStore
from history.timeline import Day, MonitorSpec, Window, monitor_timelines, uptime_percent
from tests.conftest import NOW

HOUR = timedelta(hours=1)


def result(monitor: str, region: str, at: datetime, status: Status = Status.UP) -> Result:
    failed = status is Status.DOWN
    return Result(
        monitor_id=monitor,
        region=region,
        run_id=f"run-{region}-{at:%d%H%M}",
        checked_at=at,
        status=status,
        response_time_ms=None if failed else 120.0,
        status_code=None if failed else 200,
        error_kind=ErrorKind.CONNECT if failed else None,
        error_message="Connection refused" if failed else None,
    )


def test_a_run_is_one_parquet_file_read_back_unchanged(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    at = datetime(2026, 11, 23, 10, 15, 30, tzinfo=UTC)
    written = [result("api", "eu-west", at), result("db", "eu-west", at, Status.DOWN)]
    path = store.append(written)
    assert path == tmp_path / "results/region=eu-west/date=2026-11-23/run-eu-west-231015.parquet"
    rows = duckdb.sql(
        f"SELECT schema_version, monitor_id, region, run_id, epoch(checked_at), status, "
        f"response_time_ms, status_code, error_kind, error_message, attempts "
        f"FROM read_parquet('{path}') ORDER BY monitor_id"
    ).fetchall()
    assert rows == [
        (
            1,
            "api",
            "eu-west",
            "run-eu-west-231015",
            at.timestamp(),
            "up",
            120.0,
            200,
            None,
            None,
            1,
        ),
        (
            1,
            "db",
            "eu-west",
            "run-eu-west-231015",
            at.timestamp(),
            "down",
            None,
            None,
            "connect",
            "Connection refused",
            1,
        ),
    ]
    assert store.files() == [path]
    assert store.last_checked("eu-west") == {"api": at, "db": at}
    assert store.last_checked("us-east") == {}


def test_temporary_files_are_never_read(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    folder = store.partition("eu-west", "2026-11-23")
    folder.mkdir(parents=True)
    (folder / ".run-2.parquet.tmp").write_bytes(b"PAR1 half written")
    assert store.files() == []
    assert store.source_sql() is None


def test_nothing_is_written_for_an_empty_run(tmp_path: Path) -> None:
    assert ResultStore(tmp_path).append([]) is None
    assert not (tmp_path / "results").exists()


def timelines(store: ResultStore, windows: list[Window] | None = None, days: int = 3) -> dict:
    spec = [MonitorSpec("api", HOUR)]
    return monitor_timelines(store, spec, windows or [], NOW, days=days)


def hours_ago(n: float) -> datetime:
    return NOW - timedelta(hours=n)


def test_down_needs_a_majority_of_the_regions_that_reported(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    at = hours_ago(2)  # 10:00, one bucket
    store.append([result("api", "eu-west", at, Status.DOWN)])
    store.append([result("api", "us-east", at + timedelta(seconds=20), Status.UP)])
    store.append([result("api", "ap-south", at + timedelta(seconds=40), Status.UP)])
    at = hours_ago(1)  # 11:00: two of three say down
    store.append([result("api", "eu-west", at, Status.DOWN)])
    store.append([result("api", "us-east", at, Status.DOWN)])
    store.append([result("api", "ap-south", at, Status.UP)])
    today = timelines(store)["api"].days[-1]
    assert today.day == date(2026, 11, 23)
    assert (today.up, today.degraded, today.down) == (0.0, 3600.0, 3600.0)
    assert today.total == 12 * 3600.0
    assert today.no_data == 10 * 3600.0
    assert today.uptime == 50.0


def test_a_result_belongs_to_the_bucket_it_was_checked_in_to_the_last_fraction(
    tmp_path: Path,
) -> None:
    # 10:59:59.7 is still the 10:00 bucket (rounding it would move it to 11:00).
    store = ResultStore(tmp_path)
    store.append([result("api", "eu-west", hours_ago(1) - timedelta(seconds=0.3), Status.DOWN)])
    store.append([result("api", "us-east", hours_ago(1) + timedelta(seconds=30))])
    today = timelines(store)["api"].days[-1]
    assert (today.up, today.degraded, today.down) == (3600.0, 0.0, 3600.0)


def test_current_status_is_the_latest_bucket_and_goes_stale(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    store.append([result("api", "eu-west", hours_ago(0.5), Status.DOWN)])
    current = timelines(store)["api"]
    assert current.current is Status.DOWN
    assert current.last_checked == hours_ago(0.5)
    stale = ResultStore(tmp_path / "other")
    stale.append([result("api", "eu-west", hours_ago(5))])
    assert timelines(stale)["api"].current is None


def test_maintenance_time_is_neither_up_nor_down(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    for n in (3, 2, 1):
        store.append([result("api", "eu-west", hours_ago(n), Status.DOWN)])
    window = Window("api", hours_ago(3), hours_ago(1))  # covers the first two buckets
    today = timelines(store, [window])["api"].days[-1]
    assert today.down == 3600.0
    assert today.maintenance == 7200.0
    assert today.up == today.degraded == 0.0


def test_days_without_results_are_no_data_and_the_window_has_every_day(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    store.append([result("api", "eu-west", NOW - timedelta(days=1, hours=3))])
    days = timelines(store, days=90)["api"].days
    assert len(days) == 90
    assert days[0].day == date(2026, 8, 26) and days[-1].day == date(2026, 11, 23)
    assert days[-2].up == 3600.0
    assert days[-3].observed == 0.0 and days[-3].uptime is None


def test_results_outside_the_window_are_ignored(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    store.append([result("api", "eu-west", NOW - timedelta(days=5), Status.DOWN)])
    store.append([result("api", "eu-west", NOW + timedelta(hours=1), Status.DOWN)])
    assert all(day.down == 0 for day in timelines(store)["api"].days)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([], None),
        ([Day(date(2026, 1, 1), up=3000, degraded=600, down=0)], 100.0),
        ([Day(date(2026, 1, 1), up=900, down=100), Day(date(2026, 1, 2), up=1000)], 95.0),
    ],
)
def test_uptime_is_time_weighted_and_counts_degraded_as_up(
    days: list[Day], expected: float | None
) -> None:
    assert uptime_percent(days) == expected


def test_corrupt_and_truncated_files_are_quarantined_and_the_rest_is_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = ResultStore(tmp_path)
    good = store.append([result("api", "eu-west", hours_ago(1))])
    assert good is not None
    truncated = good.with_name("cut.parquet")
    truncated.write_bytes(good.read_bytes()[:-20])
    garbage = good.with_name("garbage.parquet")
    garbage.write_bytes(b"not parquet at all")
    with caplog.at_level("WARNING", logger="vigil.history"):
        today = timelines(store)["api"].days[-1]
    assert today.up == 3600.0
    assert sorted(p.name for p in (tmp_path / "quarantine").rglob("*.parquet")) == [
        "cut.parquet",
        "garbage.parquet",
    ]
    assert store.files() == [good]
    assert "corrupt result file" in caplog.text and "cut.parquet" in caplog.text


def test_a_result_file_pushed_twice_counts_once(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    path = store.append([result("api", "eu-west", hours_ago(1), Status.DOWN)])
    assert path is not None
    path.with_name("copy.parquet").write_bytes(path.read_bytes())
    store.append([result("api", "us-east", hours_ago(1))])
    store.append([result("api", "ap-south", hours_ago(1))])
    today = timelines(store)["api"].days[-1]
    assert (today.down, today.degraded) == (0.0, 3600.0)  # still one region of three


def test_a_quorum_of_one_makes_any_failing_region_count(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    store.append([result("api", "eu-west", hours_ago(1), Status.DOWN)])
    store.append([result("api", "us-east", hours_ago(1))])
    spec = [MonitorSpec("api", HOUR, quorum=1)]
    today = monitor_timelines(store, spec, [], NOW, days=1)["api"].days[-1]
    assert today.down == 3600.0


def corrupt_pages(file: Path) -> None:
    """Scramble every data page, keeping the PAR1 framing and the footer intact."""
    data = bytearray(file.read_bytes())
    footer = int.from_bytes(data[-8:-4], "little")
    for index in range(4, len(data) - 8 - footer):
        data[index] ^= 0x5A
    file.write_bytes(bytes(data))


def test_files_that_look_like_parquet_but_do_not_read_are_quarantined(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Valid framing but scrambled pages, a column of the wrong type, a folder that is not a
    day: each would stop the queries; each is moved aside and the rest is read."""
    store = ResultStore(tmp_path)
    good = store.append([result("api", "eu-west", hours_ago(1))])
    assert good is not None
    scrambled = store.append([result("api", "us-east", hours_ago(1))])
    assert scrambled is not None
    corrupt_pages(scrambled)
    wrong = good.with_name("wrong-types.parquet")
    duckdb.sql(f"COPY (SELECT * REPLACE ('not a time' AS checked_at) FROM '{good}') TO '{wrong}'")
    stray = tmp_path / "results" / "region=eu-west" / "date=garbage" / "x.parquet"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(good.read_bytes())
    with caplog.at_level("WARNING", logger="vigil.history"):
        today = timelines(store)["api"].days[-1]
    assert today.up == 3600.0
    quarantined = sorted(p.name for p in (tmp_path / "quarantine").rglob("*.parquet"))
    assert quarantined == sorted([scrambled.name, "wrong-types.parquet", "x.parquet"])
    assert store.files() == [good]
    assert store.last_checked("eu-west") == {"api": hours_ago(1)}


def test_a_result_file_that_cannot_be_opened_is_an_error_not_quarantined(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    good = store.append([result("api", "eu-west", hours_ago(1))])
    assert good is not None
    blocked = good.with_name("blocked.parquet")
    blocked.mkdir()  # opening it fails as a permission problem would (tests run as root)
    with pytest.raises(StoreError, match=r"cannot read .*blocked\.parquet: Is a directory"):
        timelines(store)
    assert blocked.is_dir() and not (tmp_path / "quarantine").exists()
