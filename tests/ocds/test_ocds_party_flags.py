"""Tenderer- and buyer-level flags become warnings on every project of that tenderer or buyer."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from yunshao.ocds.importer import import_releases
from yunshao.pipeline import run
from yunshao.settings import Settings

WILD = Path(__file__).parent / "fixtures" / "wild"


def _release(ocid: str, buyer: str, bids: list[tuple[str, float, str]]) -> dict:
    return {
        "ocid": ocid,
        "tag": ["compiled"],
        "buyer": {"id": buyer, "name": f"Buyer {buyer}"},
        "parties": [{"id": t, "name": f"Company {t}", "roles": ["tenderer"]} for t, _, _ in bids],
        "tender": {"id": f"T-{ocid}", "procurementMethod": "open", "title": f"Tender {ocid}"},
        "bids": {
            "details": [
                {"id": f"{ocid}-{k}", "status": s, "tenderers": [{"id": t}], "value": {"amount": a, "currency": "CNY"}}
                for k, (t, a, s) in enumerate(bids)
            ]
        },
    }


def _releases(tmp_path: Path) -> Path:
    """Buyer shares of disqualified bids: B1 1/3, B2 B3 B4 B6 1/2, B5 3/3 (over two projects); Q1 0.4861,
    Q3 0.5417, upper fence 0.625: R038 flags B5 only. X and Y bid the same price in o1 (R028); X also bids
    in o2. No award anywhere, so no other indicator fires."""
    rows = [
        _release("o1", "B1", [("X", 100, "valid"), ("Y", 100, "valid"), ("Z1", 90, "disqualified")]),
        _release("o2", "B2", [("X", 200, "valid"), ("Z2", 150, "disqualified")]),
        _release("o3", "B3", [("T3a", 300, "valid"), ("T3b", 250, "disqualified")]),
        _release("o4", "B4", [("T4a", 300, "valid"), ("T4b", 250, "disqualified")]),
        _release("o6", "B6", [("T6a", 300, "valid"), ("T6b", 250, "disqualified")]),
        _release("o5a", "B5", [("T5a", 300, "disqualified"), ("T5b", 250, "disqualified")]),
        _release("o5b", "B5", [("T5c", 300, "disqualified")]),
    ]
    path = tmp_path / "releases.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _warnings(out: Path, rule: str) -> list[tuple[str, dict, str]]:
    rows = duckdb.execute(
        f"SELECT entity_id, evidence, guide FROM read_parquet('{out / 'warnings.parquet'}') WHERE rule_id = ?",
        [rule],
    ).fetchall()
    hits = [(e, json.loads(ev), g) for e, ev, g in rows]
    return sorted(hits, key=lambda h: (h[0], h[1].get("party_id") or "", h[1]["indicator"]))


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("party")
    import_releases(_releases(tmp_path), tmp_path / "ds")
    result = run(tmp_path / "ds", tmp_path / "out", Settings(lang="en"))
    assert result.load["ocds_indicator_flags"] == 4  # R028 on o1, X and Y; R038 on B5
    return tmp_path / "out"


def test_party_flags_become_warnings_on_each_project_of_the_party(ran: Path) -> None:
    party = [(e, ev["indicator"], ev["scope"], ev["party_id"]) for e, ev, _ in _warnings(ran, "OCDS-PARTY-FLAG")]
    assert party == [
        ("o1", "R028", "Tenderer", "X"),
        ("o1", "R028", "Tenderer", "Y"),
        ("o2", "R028", "Tenderer", "X"),
        ("o5a", "R038", "Buyer", "B5"),
        ("o5b", "R038", "Buyer", "B5"),
    ]
    assert [(e, ev["indicator"]) for e, ev, _ in _warnings(ran, "OCDS-FLAG")] == [("o1", "R028")]


def test_party_warning_evidence_and_guide_name_indicator_and_party(ran: Path) -> None:
    by_project = {(e, ev["party_id"]): (ev, g) for e, ev, g in _warnings(ran, "OCDS-PARTY-FLAG")}
    evidence, guide = by_project[("o5b", "B5")]
    assert evidence == {
        "indicator": "R038",
        "indicator_zh": "被否决投标占比过高",
        "indicator_en": "excessive disqualified bids",
        "scope": "Buyer",
        "scope_zh": "采购人",
        "scope_en": "buyer",
        "party_id": "B5",
        "party_name": "Buyer B5",
        "value": 1.0,
    }
    assert "The buyer B5 (Buyer B5) of procurement o5b raised OCDS red flag R038 (excessive disqualified bids)" in guide
    evidence, _ = by_project[("o2", "X")]
    assert (evidence["scope_en"], evidence["party_name"], evidence["value"]) == (
        "tenderer or supplier",
        "Company X",
        1.0,
    )


def test_tenderer_flag_on_a_wild_record_package(tmp_path: Path) -> None:
    """R028 flags MX-E1 and MX-E2 (identical bids in ocds-mx0001-G); MX-E1 also won ocds-mx0001-H."""
    import_releases(WILD / "record_package_mx.json", tmp_path / "ds")
    run(tmp_path / "ds", tmp_path / "out", Settings(lang="zh"))
    party = _warnings(tmp_path / "out", "OCDS-PARTY-FLAG")
    assert [(e, ev["indicator"], ev["party_id"]) for e, ev, _ in party] == [
        ("ocds-mx0001-G", "R028", "MX-E1"),
        ("ocds-mx0001-G", "R028", "MX-E2"),
        ("ocds-mx0001-H", "R028", "MX-E1"),
    ]
    assert "投标人或供应商 MX-E1（Distribuidora Médica del Norte, S.A. de C.V.）" in party[2][2]
