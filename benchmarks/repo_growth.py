"""How big the data branch gets: a real git repository, 50 monitors x 3 regions, a commit
per region every 5 simulated minutes, `vigil compact` and the squash once a simulated day,
then `git gc`.

    python benchmarks/repo_growth.py [--days 7] [--monitors 50]

Commits go through `git fast-import` (the same objects `git commit` makes, without a process
per commit). The squash replaces the data branch by one commit of its current tree, as the
compaction workflow does, so unreachable history is pruned by `git gc`. The naive way for
comparison: the same commits kept forever without compaction or squash (Upptime's way).
`projected_mb_per_year` is the steady state: `history.raw_days` of compacted days plus a
year of rollups plus one day of run commits. Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.result import Result, Status  # noqa: E402
from history.compact import compact  # noqa: E402
from history.store import ResultStore  # noqa: E402
from history.timeline import MonitorSpec  # noqa: E402

START = datetime(2026, 11, 1, tzinfo=UTC)
REGIONS = ("eu-west", "us-east", "ap-southeast")
STEP = timedelta(minutes=5)
RAW_DAYS = 30


class Repository:
    """A bare-bones git repository fed by one long-running `git fast-import`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        subprocess.run(["git", "init", "-q", str(folder)], check=True)
        self.importer = subprocess.Popen(
            ["git", "fast-import", "--quiet"], cwd=folder, stdin=subprocess.PIPE
        )
        self.commits = 0

    def commit(self, files: dict[str, bytes], when: datetime, *, squash: bool = False) -> None:
        assert self.importer.stdin is not None
        out = self.importer.stdin
        if squash:
            out.write(b"reset refs/heads/status-data\n")
        message = b"squash" if squash else b"results"
        stamp = int(when.timestamp())
        out.write(b"commit refs/heads/status-data\n")
        out.write(b"committer Vigil <vigil@example.com> %d +0000\n" % stamp)
        out.write(b"data %d\n%s\n" % (len(message), message))
        if squash:
            out.write(b"deleteall\n")
        for path, content in files.items():
            out.write(b"M 100644 inline %s\ndata %d\n" % (path.encode(), len(content)))
            out.write(content + b"\n")
        self.commits += 1

    def close(self) -> float:
        """Finish, gc, and return the packed size in MB."""
        assert self.importer.stdin is not None
        self.importer.stdin.close()
        self.importer.wait()
        git = ["git", "-C", str(self.folder)]
        subprocess.run([*git, "reflog", "expire", "--expire=now", "--all"], check=True)
        subprocess.run([*git, "gc", "-q", "--prune=now", "--aggressive"], check=True)
        packs = (self.folder / ".git" / "objects" / "pack").glob("*.pack")
        return sum(p.stat().st_size for p in packs) / 2**20


def run_results(monitors: int, region: str, at: datetime) -> list[Result]:
    return [
        Result(
            monitor_id=f"m{m:03d}",
            region=region,
            run_id=f"{at:%Y%m%dT%H%M%SZ}-{region}",
            checked_at=at,
            status=Status.DOWN if (m + int(at.timestamp()) // 300) % 2003 == 0 else Status.UP,
            response_time_ms=float(40 + (m * 7 + int(at.timestamp()) // 300 * 13) % 300),
            status_code=200,
        )
        for m in range(monitors)
    ]


def simulate(folder: Path, days: int, monitors: int, policy: bool) -> tuple[int, float, dict]:
    data = folder / "data"
    store = ResultStore(data)
    repo = Repository(folder / "repo")
    specs = [MonitorSpec(f"m{m:03d}", STEP) for m in range(monitors)]
    sizes: dict[str, float] = {}
    for day in range(days):
        for slot in range(int(timedelta(days=1) / STEP)):
            at = START + timedelta(days=day) + slot * STEP
            for region in REGIONS:
                path = store.append(run_results(monitors, region, at))
                assert path is not None
                repo.commit({str(path.relative_to(data)): path.read_bytes()}, at)
        if policy:
            end_of_day = START + timedelta(days=day + 1, minutes=10)
            compact(store, specs, [], end_of_day, raw_days=RAW_DAYS)
            tree = {str(p.relative_to(data)): p.read_bytes() for p in data.rglob("*.parquet")}
            repo.commit(tree, end_of_day, squash=True)
    compacted = [p for p in data.rglob("compacted.parquet")]
    rollups = list((data / "rollups").glob("*.parquet"))
    sizes["compacted_day_mb"] = sum(p.stat().st_size for p in compacted) / max(len(compacted), 1)
    sizes["compacted_day_mb"] *= len(REGIONS) / 2**20
    sizes["rollup_day_mb"] = sum(p.stat().st_size for p in rollups) / max(len(rollups), 1) / 2**20
    return repo.commits, repo.close(), sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--monitors", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vigil-growth-") as temporary:
        started = time.perf_counter()
        commits, packed_mb, sizes = simulate(Path(temporary) / "policy", args.days,
                                             args.monitors, policy=True)  # fmt: skip
        took = time.perf_counter() - started
        _, naive_mb, _ = simulate(Path(temporary) / "naive", args.days,
                                              args.monitors, policy=False)  # fmt: skip
    day_of_runs_mb = naive_mb / args.days
    projected = RAW_DAYS * sizes["compacted_day_mb"] + 365 * sizes["rollup_day_mb"]
    projected += day_of_runs_mb
    print(f"{args.days} days, {commits} commits in {took:.0f} s: packed {packed_mb:.2f} MB "
          f"with compaction and squash; {naive_mb:.2f} MB kept naively "
          f"({naive_mb / args.days * 365:.0f} MB a year)")  # fmt: skip
    print(json.dumps({
        "days": args.days,
        "commits": commits,
        "packed_mb": round(packed_mb, 2),
        "naive_packed_mb": round(naive_mb, 2),
        "naive_mb_per_year": round(naive_mb / args.days * 365),
        "projected_mb_per_year": round(projected, 1),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
