"""The history: append-only Parquet files of results, read with DuckDB.

`store` writes and finds result files; `timeline` judges them into per-monitor status
over time (regions agree before "down"), days and uptime.
"""
