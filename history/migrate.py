"""`vigil history copy`: move a history between the local folder and object storage (either
way), resumable and idempotent: a file the target already has is left as it is (a run's
file is immutable), so a copy cut short is run again and finishes; at the end the results of
every copied file are counted on both sides."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from configuration.errors import StoreError
from history.store import ResultStore


@dataclass(frozen=True)
class Copied:
    """What one copy did."""

    copied: int  # files written to the target
    present: int  # files the target already had
    results: int  # results in the source's result files, counted again in the target's


def copy_history(source: ResultStore, target: ResultStore) -> Copied:
    """Copy every result, rollup, state, ledger and heartbeat file of `source` that `target`
    lacks, then check that the target's copies hold as many results as the source's."""
    pairs = [
        *_mapped(source.files(), source.results_dir, target.results_dir),
        *_mapped(source.rollup_files(), source.rollups_dir, target.rollups_dir),
        *_mapped(source.side_paths(), source.root, target.root),
    ]
    existing = {*target.files(), *target.rollup_files(), *target.side_paths()}
    copied = 0
    for origin, destination in pairs:
        if destination in existing:
            continue
        data = source.read_bytes(origin)
        if data is None:  # removed meanwhile (compacted or pruned): nothing to copy
            continue
        staged = target.staging(destination)
        staged.write_bytes(data)
        target.commit(staged, destination)
        copied += 1
    results = [
        (o, d) for o, d in pairs if o.suffix == ".parquet" and o.is_relative_to(source.results_dir)
    ]
    expected = source.count_rows([o for o, _ in results])
    found = target.count_rows([d for _, d in results])
    if found != expected:
        raise StoreError(
            f"copied {copied} files but {target.location(target.results_dir)} holds {found} of "
            f"the {expected} results; run the copy again"
        )
    return Copied(copied, len(pairs) - copied, expected)


def _mapped(
    paths: list[PurePath], origin: PurePath, destination: PurePath
) -> list[tuple[PurePath, PurePath]]:
    return [(path, destination / path.relative_to(origin)) for path in paths]
