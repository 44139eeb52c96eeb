"""References between the parts of a config, checked on the raw data before validation:
unique ids, and ids that name something declared."""

from __future__ import annotations

from typing import Any

from configuration.errors import Problem
from configuration.messages import did_you_mean
from configuration.source import Path, Source


def items(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def ids(data: dict[str, Any], key: str, source: Source, problems: list[Problem]) -> set[str]:
    seen: dict[str, int] = {}
    for index, item in enumerate(items(data, key)):
        item_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(item_id, str):
            continue
        if item_id in seen:
            problems.append(
                source.problem(
                    (key, index, "id"),
                    f'duplicate id "{item_id}", already used by {key}[{seen[item_id]}]',
                )
            )
        else:
            seen[item_id] = index
    return set(seen)


def unknown_refs(
    refs: Any, path: Path, known: set[str], what: str, source: Source
) -> list[Problem]:
    if not isinstance(refs, list):
        return []
    return [
        source.problem((*path, i), f'unknown {what} "{ref}"{did_you_mean(ref, known)}')
        for i, ref in enumerate(refs)
        if isinstance(ref, str) and ref not in known
    ]
