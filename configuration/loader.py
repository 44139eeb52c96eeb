"""Load `config.yaml`: parse, interpolate `${NAME}`, apply defaults, validate, report all.

Nothing here prints or exits: problems are collected and raised as one `ConfigError`.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path as FilePath
from typing import Any

from pydantic import ValidationError

from checks.assertions import APPLIES_TO, assertion_kind
from configuration.announcement_files import with_announcement_files
from configuration.durations import format_duration, positive_duration
from configuration.errors import ConfigError, Problem
from configuration.incidents import Incident, load_incidents
from configuration.messages import did_you_mean, validated
from configuration.models import Config, Defaults
from configuration.notifications import PUBLISHED
from configuration.page_checks import page_problems
from configuration.redaction import redact
from configuration.references import ids as _ids
from configuration.references import items as _list
from configuration.references import unknown_refs as _unknown_refs
from configuration.renames import apply_renames
from configuration.secrets import Interpolation, SecretValues
from configuration.source import Path, Source, parse_yaml, read_source


def load_config(
    path: str | os.PathLike[str],
    environ: Mapping[str, str] | None = None,
) -> Config:
    return load_config_text(read_source(path), str(path), environ)


def load_project(
    config_path: str | os.PathLike[str],
    incidents_dir: str | os.PathLike[str] | None,
    environ: Mapping[str, str] | None = None,
) -> tuple[Config, list[Incident]]:
    """The config (with the announcement files beside the incidents folder) and the incident
    files, with the problems of all in one ConfigError."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    config: Config | None = None
    incidents: list[Incident] = []
    try:
        config = load_config(config_path, environ)
    except ConfigError as error:
        problems += error.problems
        warnings += error.warnings
    if incidents_dir is not None:
        ids = [monitor.id for monitor in config.monitors] if config else None
        pages = [page.id for page in config.pages] if config else None
        try:
            incidents = load_incidents(FilePath(incidents_dir), ids, pages)
        except ConfigError as error:
            problems += error.problems
        try:
            config = with_announcement_files(config, FilePath(incidents_dir)) if config else None
        except ConfigError as error:
            problems += error.problems
    if problems or config is None:
        raise ConfigError(problems, warnings)
    return config, incidents


def load_config_text(
    text: str, file: str = "config.yaml", environ: Mapping[str, str] | None = None
) -> Config:
    """The validated config. `${NAME}` is read from `environ` (default: the process
    environment), then from its `VIGIL_SECRETS`; an unset one stays as written and is
    remembered where it is used (`Config.secret_uses`), so only what uses it fails."""
    with _collector_paused():
        return _load_config_text(text, file, environ)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a config is read: it would walk the growing tree of
    YAML nodes and values again and again (10,000 monitors: 4.4 s instead of 1.2-1.9 s).
    Nothing read holds a cycle that must be freed before the end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_config_text(text: str, file: str, environ: Mapping[str, str] | None) -> Config:
    source = parse_yaml(text, file)
    if not isinstance(source.data, dict):
        raise ConfigError([source.problem((), "expected a mapping with site, regions, monitors")])
    renamed = apply_renames(source)  # old key names read as the new ones, with a warning
    problems = [*source.duplicates, *renamed.problems]
    interpolate = Interpolation(SecretValues(os.environ if environ is None else environ))
    data = interpolate(source.data)
    problems += _semantic_problems(data, source)
    problems += _published_secrets(source)
    _apply_defaults(data)
    try:
        config = validated(Config, data, source, problems)
    except ConfigError as error:
        redacted = [_redacted(problem, interpolate.read) for problem in error.problems]
        raise ConfigError(redacted, renamed.warnings) from None
    config.set_secrets(frozenset(interpolate.read), interpolate.uses(data, source))
    config.set_renamed(renamed)
    return config


def _published_secrets(source: Source) -> list[Problem]:
    """A `${SECRET}` in a value the site publishes (a public channel's join link)."""
    data = source.data if isinstance(source.data, dict) else {}
    return [
        source.problem(("notifications", i, key), "published on the page: cannot hold a ${SECRET}")
        for i, channel in enumerate(_list(data, "notifications"))
        if isinstance(channel, dict)
        for key in PUBLISHED
        if "${" in str(channel.get(key, ""))
    ]


def _apply_defaults(data: dict[str, Any]) -> None:
    """Copy `defaults:` into each monitor that leaves a key out, if the defaults are valid
    (invalid defaults are reported once, at `defaults`, not again at every monitor)."""
    defaults = data.get("defaults")
    monitors = data.get("monitors")
    if not isinstance(defaults, dict) or not isinstance(monitors, list):
        return
    try:
        Defaults.model_validate(defaults)
    except ValidationError:
        return
    for monitor in monitors:
        if isinstance(monitor, dict):
            for key, value in defaults.items():
                monitor.setdefault(key, value)


def _semantic_problems(data: dict[str, Any], source: Source) -> list[Problem]:
    """What no single field can know: duplicates, references, timeout against interval."""
    problems: list[Problem] = []
    region_ids = _ids(data, "regions", source, problems)
    group_ids = _ids(data, "groups", source, problems)
    monitor_ids = _ids(data, "monitors", source, problems)
    _ids(data, "announcements", source, problems)
    problems += _notification_problems(data, source, monitor_ids, group_ids)
    problems += page_problems(data, source, monitor_ids, group_ids)
    defaults = data.get("defaults")
    defaults = defaults if isinstance(defaults, dict) else {}
    problems += _unknown_refs(
        defaults.get("regions"), ("defaults", "regions"), region_ids, "region", source
    )
    for index, monitor in enumerate(_list(data, "monitors")):
        if not isinstance(monitor, dict):
            continue
        path: Path = ("monitors", index)
        problems += _unknown_refs(
            monitor.get("regions"), (*path, "regions"), region_ids, "region", source
        )
        group = monitor.get("group")
        if isinstance(group, str) and group not in group_ids:
            hint = did_you_mean(group, group_ids) or "; declare it under groups:"
            problems.append(source.problem((*path, "group"), f'unknown group "{group}"{hint}'))
        problems += _assertion_problems(monitor, path, source)
        problems += _timeout_problem({**defaults, **monitor}, path, source)
        problems += _quorum_problem({**defaults, **monitor}, path, region_ids, source)
    return problems


def _notification_problems(
    data: dict[str, Any], source: Source, monitor_ids: set[str], group_ids: set[str]
) -> list[Problem]:
    """Channel ids are unique; their `monitors`/`groups` filters and `escalate_to` name
    what exists."""
    problems: list[Problem] = []
    channel_ids = _ids(data, "notifications", source, problems)
    for index, channel in enumerate(_list(data, "notifications")):
        if isinstance(channel, dict):
            path: Path = ("notifications", index)
            problems += _unknown_refs(
                channel.get("monitors"), (*path, "monitors"), monitor_ids, "monitor", source
            )
            problems += _unknown_refs(
                channel.get("groups"), (*path, "groups"), group_ids, "group", source
            )
            problems += _unknown_refs(
                channel.get("escalate_to"), (*path, "escalate_to"), channel_ids, "channel", source
            )
            problems += _unknown_refs(
                channel.get("pages"), (*path, "pages"), _page_ids(data), "page", source
            )
    return problems


def _page_ids(data: dict[str, Any]) -> set[str]:
    return {p["id"] for p in _list(data, "pages") if isinstance(p, dict) and "id" in p}


def _assertion_problems(monitor: dict[str, Any], path: Path, source: Source) -> list[Problem]:
    """An assertion that reads what only another check type has (a dnsRecord assertion on an
    http monitor) could never hold: say so where it is written."""
    problems = []
    for index, assertion in enumerate(_list(monitor, "assertions")):
        needs = _needed_type(assertion)
        if needs and isinstance(monitor.get("type"), str) and monitor["type"] != needs:
            key = "kind" if "kind" in assertion else "type"
            message = f"{assertion[key]} assertions apply to type: {needs} monitors only"
            problems.append(source.problem((*path, "assertions", index, key), message))
    return problems


def _needed_type(assertion: Any) -> str | None:
    if not isinstance(assertion, dict):
        return None
    try:
        return APPLIES_TO.get(assertion_kind(assertion))
    except ValueError:
        return None  # reported by the field itself


def _quorum_problem(
    monitor: dict[str, Any], path: Path, region_ids: set[str], source: Source
) -> list[Problem]:
    quorum, regions = monitor.get("quorum"), monitor.get("regions") or region_ids
    if (
        not isinstance(quorum, int)
        or isinstance(quorum, bool)
        or not isinstance(regions, list | set)
    ):
        return []
    if quorum <= len(regions):
        return []
    return [
        source.problem(
            (*path, "quorum"),
            f"quorum {quorum} is more than the {len(regions)} region(s) that check it; "
            "it could never be down",
        )
    ]


def _timeout_problem(monitor: dict[str, Any], path: Path, source: Source) -> list[Problem]:
    fields = Defaults.model_fields
    try:
        timeout = positive_duration(monitor.get("timeout", fields["timeout"].default))
        interval = positive_duration(monitor.get("interval", fields["interval"].default))
    except ValueError:
        return []  # the unreadable duration is reported by the field itself
    if timeout <= interval:
        return []
    return [
        source.problem(
            (*path, "timeout"),
            f"timeout {format_duration(timeout)} is longer than the interval "
            f"{format_duration(interval)}; a check must end before the next one starts",
        )
    ]


def _redacted(problem: Problem, secrets: set[str]) -> Problem:
    message = redact(problem.message, secrets)
    return Problem(problem.file, problem.line, problem.column, problem.path, message)
