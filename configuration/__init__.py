"""Everything a person writes: `config.yaml` and the incident files, loaded and validated.

Import from the modules (`configuration.loader`, `configuration.models`, ...): the check
types' models live in `checks/` and build on `configuration.monitor`, so this package
imports nothing eagerly. Loading never writes anything; every problem is collected and
raised at once as a `ConfigError` so the CLI can print them all.
"""
