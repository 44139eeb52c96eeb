"""The files programs read: the public APIs and the Prometheus metrics.

- `snapshot`: `Snapshot`, what both APIs are built from, and the decisions behind the values.
- `v1`: `api/v1/`, the seeds' read API; `v2`: `api/v2/`, the Statuspage-compatible API.
- `writer`: `write_api`, both APIs' files from one build's snapshot.
- `metrics`: `write_metrics`, the `metrics` file in the Prometheus text format.
"""
