"""benchmarks/documents_eval.py still runs end to end on a tiny county, so the figures in docs/documents.md
stay reproducible with the command written there."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def test_documents_eval_on_a_tiny_county(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.documents_eval import RULES, SIGNALS, evaluate, render
    finally:
        sys.path.remove(str(ROOT))

    r = evaluate("default", 3, 200, tmp_path)
    assert [s["signal"] for s in r["signals"]] == list(SIGNALS)
    for s in r["signals"]:
        if s["found"] is not None:
            assert 0 <= s["found"] <= s["planted"]
        if s["fired"] is not None:
            assert 0 <= s["fired"] <= s["planted"]
    assert [q["rule"] for q in r["rules"]] == list(RULES)
    for q in r["rules"]:
        assert q["ring_hit"] <= q["tenders_hit"] <= r["tenders"]
    assert r["seconds"]["documents"] > 0
    assert not (tmp_path / "default-n200-s3-nodocs" / "bid_documents.parquet").exists()
    assert r["ap_with"]["judged"] == r["ap_without"]["judged"]
    text = render([r])
    assert "BID-DOC-TEXT" in text and "shared_passage" in text
