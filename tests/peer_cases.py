"""Run one case of the peers' corpus (tests/peers/conditions.json) through Vigil's engine."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from checks.assertions import compile_assertion
from checks.condition_values import Probe, resolve
from checks.conditions import parse_condition

Outcome = bool | str  # passed or not, "valid" / "invalid" for a config, or a resolved value


def probe_values(values: Mapping[str, Any]) -> dict[str, object]:
    """The corpus writes durations in milliseconds; probes give them as timedeltas."""
    found: dict[str, object] = {}
    for key, value in values.items():
        if key.endswith("_MS"):
            found[key.removesuffix("_MS")] = timedelta(milliseconds=value)
        else:
            found[key] = value
    return found


def vigil_outcome(case: Mapping[str, Any]) -> Outcome:
    try:
        if "assertions" in case:
            conditions = [compile_assertion(one) for one in case["assertions"]]
        else:
            text = case.get("condition") or f"{case['resolve']} == [STATUS]"
            conditions = [parse_condition(text)]
    except ValueError:
        return "invalid"
    if case["values"] is None:
        return "valid"
    values = probe_values(case["values"])
    if "resolve" in case:
        return resolve(conditions[0].left, Probe(values)).text
    return all(condition.evaluate(values).passed for condition in conditions)


def peer_outcome(case: Mapping[str, Any]) -> Outcome:
    return case["expected_value"] if "resolve" in case else case["expected"]
