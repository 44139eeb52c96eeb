"""Notifications: decide what changed since the last run (monitor alerts, incidents,
maintenance), record each (event, channel) in a ledger under data/, and deliver it once to
every channel that wants it. `run.notify` is the entry point; `channels/` holds one module
per service and `registry.py` lists them. Importing the package imports nothing else."""
