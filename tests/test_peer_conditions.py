"""Vigil's conditions against what Gatus and openstatus do, case by case (issue 16).

tests/peers/conditions.json holds the peers' own test cases and documented examples, each with
its source, plus cases for every point of issue 16. A case that disagrees must be one of the
written-down differences, and each of those must be in the README's list with its reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.peer_cases import peer_outcome, vigil_outcome

ROOT = Path(__file__).resolve().parent.parent
CORPUS: dict[str, Any] = json.loads((ROOT / "tests/peers/conditions.json").read_text("utf-8"))
CASES: list[dict[str, Any]] = CORPUS["cases"]
DIFFERENCES: dict[str, str] = CORPUS["differences"]


def _disagreeing() -> dict[str, tuple[object, object]]:
    found = {}
    for case in CASES:
        mine, theirs = vigil_outcome(case), peer_outcome(case)
        if mine != theirs:
            found[case["id"]] = (mine, theirs)
    return found


DISAGREEING = _disagreeing()


def test_every_case_has_a_unique_id_and_a_known_source() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids))
    prefixes = {part.strip() for key in CORPUS["sources"] for part in key.split(",")}
    for case_id in ids:
        assert any(case_id.startswith(f"{prefix}:") for prefix in prefixes), case_id


def test_each_disagreement_is_a_written_down_difference() -> None:
    unexplained = {key: value for key, value in DISAGREEING.items() if key not in DIFFERENCES}
    assert unexplained == {}
    agreeing_now = sorted(set(DIFFERENCES) - set(DISAGREEING))
    assert agreeing_now == [], "listed as a difference but Vigil agrees: remove it from the list"


def test_the_peers_own_cases_agree_at_least_98_percent() -> None:
    own = [case["id"] for case in CASES if not case["id"].startswith("issue16")]
    differing = [case_id for case_id in own if case_id in DISAGREEING]
    assert len(own) >= 300  # every transcribed case counts, none is left out to raise the rate
    assert 1 - len(differing) / len(own) >= 0.98, differing


def test_every_difference_is_in_the_readme_with_its_reason() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("Differences from Gatus and openstatus", 1)[1].split("\n## ", 1)[0]
    for reason in sorted(set(DIFFERENCES.values())):
        assert reason in section, reason


@pytest.mark.parametrize(
    "case", [case for case in CASES if case["id"] in DIFFERENCES], ids=lambda case: case["id"]
)
def test_a_difference_is_a_config_error_or_an_outcome_the_readme_names(
    case: dict[str, Any],
) -> None:
    # A stricter reading must be a config error, never a silently different verdict, unless the
    # README names that verdict (fractions, JSON numbers).
    mine = vigil_outcome(case)
    reason = DIFFERENCES[case["id"]]
    if "config error" in reason or "only" in reason:
        assert mine == "invalid"
    else:
        assert mine is True and peer_outcome(case) is False
