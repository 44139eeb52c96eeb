"""Region jobs publishing to one data branch at once: how long it takes and how many push
attempts a result needs, against a local bare repository.

    python3 benchmarks/publish_contention.py [--jobs 6] [--runs 20] [--delay 0.01] [--max-delay 0.4]

Prints one line per setting, the last line one JSON object: wall_s, publishes, attempts
(mean and max per publish), failures.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from pathlib import Path

from configuration.git import run
from publishing.branch import checkout_data_branch
from publishing.publish import Retry, publish


def job(origin: Path, name: str, runs: int, retry: Retry, attempts: list[int]) -> None:
    folder = origin.parent / name
    run(origin.parent, "clone", "--quiet", str(origin), str(folder))
    checkout_data_branch(folder, folder / "data", "status-data")
    for number in range(runs):
        path = folder / "data" / f"results/region={name}/run-{number:03}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(path.name)
        attempts.append(publish(folder / "data", "status-data", retry=retry).attempts)


def seeded_origin(folder: Path) -> Path:
    """A bare repository with one commit on main, like the user's repository."""
    seed = folder / "seed"
    run(folder, "init", "--quiet", str(seed))
    (seed / "config.yaml").write_text("version: 1\n")
    run(seed, "add", "config.yaml")
    run(seed, "commit", "--quiet", "-m", "Config")
    run(folder, "clone", "--quiet", "--bare", str(seed), str(folder / "origin.git"))
    return folder / "origin.git"


def measure(jobs: int, runs: int, retry: Retry) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        origin = seeded_origin(Path(folder))
        attempts: list[int] = []
        threads = [
            threading.Thread(target=job, args=(origin, f"r{i}", runs, retry, attempts))
            for i in range(jobs)
        ]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - start
    return {
        "wall_s": round(wall, 2),
        "publishes": len(attempts),
        "attempts_mean": round(sum(attempts) / max(1, len(attempts)), 2),
        "attempts_max": max(attempts, default=0),
        "failures": jobs * runs - len(attempts),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=6)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.01)
    parser.add_argument("--max-delay", type=float, default=0.4)
    parser.add_argument("--attempts", type=int, default=40)
    options = parser.parse_args()
    retry = Retry(options.attempts, options.delay, options.max_delay)
    print(json.dumps(measure(options.jobs, options.runs, retry)))


if __name__ == "__main__":
    main()
