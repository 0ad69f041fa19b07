"""Every rule: a case where it must fire (exact evidence), one where it must not, and the legitimate
explanations its guide names that the data can show (it must stay silent on them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.rules.harness import CASES, catalog, run_case

CASE_FILES = sorted(CASES.glob("*.yaml"))


def _cases() -> list[Any]:
    out = []
    for path in CASE_FILES:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            out.append(pytest.param(spec["rule"], case, id=f"{spec['rule']}: {case['name']}"))
    return out


def test_every_rule_has_fire_and_silent_cases() -> None:
    covered: dict[str, set[str]] = {}
    for path in CASE_FILES:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert path.stem == spec["rule"], f"{path}: rule {spec['rule']} in a file named for another"
        kinds = covered.setdefault(spec["rule"], set())
        for case in spec["cases"]:
            kinds.add("fire" if case["hits"] else "silent")
    # rules over Cardinal's indicators read a table the OCDS import makes, not the contract world these cases
    # build: their fire and silent cases are in tests/ocds/test_ocds_rules.py
    ocds = {rid for rid, rule in catalog().items() if "ocds_indicator_hits" in rule.requires}
    missing = {rid: {"fire", "silent"} - covered.get(rid, set()) for rid in catalog() if rid not in ocds}
    assert {k: v for k, v in missing.items() if v} == {}


def test_clean_world_is_silent() -> None:
    assert run_case(None, {}) == []


@pytest.mark.parametrize(("rule_id", "case"), _cases())
def test_case(rule_id: str, case: dict[str, Any]) -> None:
    runs = case.get("also", [])
    got = run_case([rule_id, *runs], case)
    expected = case["hits"]
    assert len(got) == len(expected), [(w["entity_id"], w["evidence"]) for w in got]
    for want in expected:
        matches = [w for w in got if w["entity_id"] == want["entity_id"] and w["evidence"] == want["evidence"]]
        assert matches, f"no hit on {want['entity_id']} with {want['evidence']}; got {[w['evidence'] for w in got]}"
        hit = matches[0]
        assert hit["rule_id"] == want.get("rule_id", rule_id)
        for field in ("severity", "project_id", "post_id", "entity_type"):
            if field in want:
                assert hit[field] == want[field], field
        for text in want.get("guide_contains", []):
            assert text in hit["guide"]


def test_case_files_name_known_rules() -> None:
    unknown = [p.name for p in CASE_FILES if Path(p).stem not in catalog()]
    assert unknown == []
