"""On a dataset imported from OCDS, Cardinal's indicators run as catalog rules; elsewhere they are skipped."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import duckdb

from tests.ocds.test_ocds_import import GOODS
from yunshao.ocds.importer import import_releases
from yunshao.pipeline import run
from yunshao.settings import Settings


def _releases(tmp_path: Path) -> Path:
    fair = copy.deepcopy(GOODS)  # a 20-day submission period: not short
    rushed = copy.deepcopy(GOODS)
    rushed["ocid"] = rushed["id"] = "ocds-abc-002"
    rushed["tender"]["tenderPeriod"]["endDate"] = "2024-01-07T09:00:00+08:00"  # 5 days < R003's 15
    path = tmp_path / "releases.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (fair, rushed)), encoding="utf-8")
    return path


def test_indicators_become_warnings_with_evidence_and_guide(tmp_path: Path) -> None:
    import_releases(_releases(tmp_path), tmp_path / "ds")
    result = run(tmp_path / "ds", tmp_path / "out", Settings(lang="en"))
    assert result.load["ocds_indicator_flags"] >= 1
    warnings = duckdb.execute(
        f"SELECT entity_id, evidence, guide, severity FROM read_parquet('{tmp_path / 'out' / 'warnings.parquet'}') "
        "WHERE rule_id = 'OCDS-FLAG'"
    ).fetchall()
    r003 = [(e, json.loads(ev), g, s) for e, ev, g, s in warnings if json.loads(ev)["indicator"] == "R003"]
    assert [w[0] for w in r003] == ["ocds-abc-002"]
    _, evidence, guide, severity = r003[0]
    assert evidence["value"] == 1.0 and evidence["indicator_en"] == "short submission period"
    assert severity == "yellow" and "R003 (short submission period)" in guide


def test_skipped_on_a_dataset_not_from_ocds(tmp_path: Path) -> None:
    import_releases(_releases(tmp_path), tmp_path / "ds")
    (tmp_path / "ds" / "source.json").unlink()
    result = run(tmp_path / "ds", tmp_path / "out", Settings())
    assert "ocds_indicator_flags" not in result.load
    assert "OCDS-FLAG" in result.rules["skipped"]


def test_every_indicator_is_named_once_in_both_languages() -> None:
    """Names live on the indicator classes; the four the rule once named wrongly now say what they measure."""
    from yunshao.ocds.indicators.runner import indicator_names
    from yunshao.ocds.indicators.settings import INDICATOR_CODES

    names = indicator_names()
    assert list(names) == list(INDICATOR_CODES)
    assert all(zh and en and zh != en for zh, en in names.values())
    assert len({zh for zh, _ in names.values()}) == len(names)  # no two indicators share a Chinese name
    assert names["R025"][0] == "投标人频繁投标却极少中标"  # not a price gap: a tenderer who bids often, rarely wins
    assert names["R030"][0] == "截止时间后提交的投标中标"  # a late bid that won, not a withdrawal
    assert names["R048"][0] == "中标人中标品目过于分散"  # heterogeneous: many codes, not a few
    assert names["R058"][0] == "中标价远低于次低报价"  # heavily discounted: far below, not above


def test_the_rule_takes_the_names_from_the_hits(tmp_path: Path) -> None:
    import_releases(_releases(tmp_path), tmp_path / "ds")
    result = run(tmp_path / "ds", tmp_path / "out", Settings(lang="zh"))
    assert result.load["ocds_indicator_flags"] >= 1
    guides = duckdb.execute(
        f"SELECT guide FROM read_parquet('{tmp_path / 'out' / 'warnings.parquet'}') WHERE rule_id = 'OCDS-FLAG'"
    ).fetchall()
    assert any("R003（投标期过短）" in g for (g,) in guides)
