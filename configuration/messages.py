"""Pydantic's validation errors, reworded for people who edit YAML.

Every message says what was expected and what was found, e.g.
`expected a duration like "10s", got "ten"` or `unknown key "timout", did you mean "timeout"?`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from configuration.errors import ConfigError, Problem
from configuration.source import Path, Source

_PATTERNS = {
    r"^[a-z0-9][a-z0-9_-]*$": 'expected lowercase letters, digits, "-" or "_"',
    r"^https?://\S+$": "expected a URL starting with http:// or https://",
    r"^[a-z]{2}(-[A-Z]{2})?$": 'expected a language code like "en" or "pt-BR"',
}
_EXPECTED = {
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "string_type": "expected text",
    "list_type": "expected a list",
    "dict_type": "expected a mapping of keys to values",
    "model_type": "expected a mapping of keys to values",
    "model_attributes_type": "expected a mapping of keys to values",
    "timezone_aware": 'expected a time with a time zone, like "2026-11-23T10:00:00Z"',
    "datetime_type": 'expected a time like "2026-11-23T10:00:00Z"',
    "datetime_parsing": 'expected a time like "2026-11-23T10:00:00Z"',
    "datetime_from_date_parsing": 'expected a time like "2026-11-23T10:00:00Z"',
}

# Characters that move a terminal's cursor, colour it, or start a new line in a text file.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_control(text: str) -> str:
    """`text` for a terminal or a one-line file: control characters as `\\uXXXX`."""
    return CONTROL.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def show(value: Any) -> str:
    """A value as the user wrote it: strings in double quotes, the rest as YAML would."""
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`, did you mean "x"?` when a choice is close, else the list of choices."""
    options = sorted(set(choices))
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f', did you mean "{close[0]}"?'
    return f"; expected one of: {', '.join(options)}" if options else ""


def one_of(values: Iterable[object]) -> str:
    return ", ".join(f'"{value}"' for value in values)


def reword(error: ErrorDetails) -> str:
    """The user-facing message for one pydantic error (unknown keys are handled by the caller)."""
    kind, ctx, value = error["type"], error.get("ctx", {}), error.get("input")
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "missing":
        return "required key is missing"
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        return f"expected one of {expected.replace(chr(39), chr(34))}, got {show(value)}"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        return f"{_PATTERNS.get(pattern, f'expected text matching {pattern}')}, got {show(value)}"
    if kind in ("greater_than_equal", "greater_than"):
        sign = ">=" if kind == "greater_than_equal" else ">"
        bound = ctx.get("ge", ctx.get("gt"))
        return f"expected a number {sign} {bound}, got {show(value)}"
    if kind in ("less_than_equal", "less_than"):
        sign = "<=" if kind == "less_than_equal" else "<"
        bound = ctx.get("le", ctx.get("lt"))
        return f"expected a number {sign} {bound}, got {show(value)}"
    if kind == "too_short":
        return f"expected at least {ctx.get('min_length')} item(s), got {ctx.get('actual_length')}"
    if kind == "string_too_long":
        return f"expected at most {ctx.get('max_length')} characters"
    if kind in _EXPECTED:
        return f"{_EXPECTED[kind]}, got {show(value)}"
    return f"{error['msg'][0].lower()}{error['msg'][1:]}, got {show(value)}"


Model = TypeVar("Model", bound=BaseModel)


def validated(
    model: type[Model], data: Any, source: Source, problems: Iterable[Problem] = ()
) -> Model:
    """`data` as `model`; else a ConfigError of `problems` (found before) and every problem of
    validating it, located and reworded."""
    found = list(problems)
    try:
        value = model.model_validate(data)
    except ValidationError as error:
        found += [
            problem_from_error(detail, data, source, model)
            for detail in error.errors(include_url=False)
        ]
    if found:
        raise ConfigError(found)
    return value


def problem_from_error(
    error: ErrorDetails, data: Any, source: Source, root: type[BaseModel]
) -> Problem:
    """One located, reworded problem for a pydantic error of validating `data` as `root`."""
    path = _written_path(error["loc"], data)
    if error["type"] == "extra_forbidden":
        key = str(path[-1])
        fields = _fields_at(root, path[:-1], data)
        return source.problem(path, f'unknown key "{key}"{did_you_mean(key, fields)}', key=True)
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        ctx = error.get("ctx", {})
        tags = [tag.strip(" '") for tag in str(ctx.get("expected_tags", "")).split(",")]
        found = ctx.get("tag")
        got = f', got "{found}"' if found is not None else ""
        return source.problem((*path, "type"), f"expected one of {one_of(tags)}{got}")
    return source.problem(path, reword(error))


def _written_path(loc: tuple[int | str, ...], data: Any) -> Path:
    """Pydantic's location without the union tags it inserts (`monitors.3.http.url`)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part not in node and node.get("type") == part:
            continue
        path.append(part)
        node = (
            node.get(part)
            if isinstance(node, dict)
            else (
                node[part]
                if isinstance(node, list) and isinstance(part, int) and part < len(node)
                else None
            )
        )
    return tuple(path)


def _fields_at(root: type[BaseModel], path: Path, data: Any) -> list[str]:
    """The keys allowed at `path`, for "did you mean" suggestions."""
    models: list[type[BaseModel]] = [root]
    node = data
    for part in path:
        node = (
            node.get(part)
            if isinstance(node, dict)
            else (node[part] if isinstance(node, list) and isinstance(part, int) else None)
        )
        if isinstance(part, int):
            continue
        field = models[0].model_fields.get(str(part))
        models = _models_in(field.annotation) if field else []
        kind = node.get("type") if isinstance(node, dict) else None
        models = [m for m in models if _literal_type(m) == kind] or models
        if not models:
            return []
    return list(models[0].model_fields)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in _models_in(arg)]


def _literal_type(model: type[BaseModel]) -> object:
    field = model.model_fields.get("type")
    args = get_args(field.annotation) if field else ()
    return args[0] if len(args) == 1 else None
