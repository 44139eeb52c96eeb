"""The GitHub Actions matrix of check jobs: one entry per region and shard, built from
config.yaml so adding a region there adds its job."""

from __future__ import annotations

from collections.abc import Sequence

from configuration.models import Region


def check_matrix(regions: Sequence[Region]) -> dict[str, list[dict[str, object]]]:
    """`{"include": [{"region", "shard": "I/N", "runs-on": [labels]}, …]}` in config order;
    a region without runner labels runs outside GitHub Actions and has no entry."""
    return {
        "include": [
            {"region": region.id, "shard": f"{index}/{region.shards}", "runs-on": region.runs_on}
            for region in regions
            if region.runs_on
            for index in range(1, region.shards + 1)
        ]
    }
