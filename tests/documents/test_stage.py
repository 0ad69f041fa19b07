"""The documents stage over a real dataset folder: files listed in bid_documents are read, compared per
tender and kept as the doc_* tables; an unreadable file becomes a quarantine row and leaves its table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.documents.helpers import filler, make_docx
from tests.rules.world import clean_world
from yunshao.contract import TABLES, load_dataset
from yunshao.documents.stage import run_documents
from yunshao.engine import connect
from yunshao.settings import EngineSettings, LoadSettings

TENDER_TEXT = "投标人须知：投标文件应当对招标文件提出的实质性要求和条件作出响应。" + filler(1, 200)
SHARED = "本项目部拟派项目经理驻场管理，质量目标为一次验收合格率百分之百，砼土强度按设计要求" + filler(2, 60)


def _dataset(root: Path) -> Path:
    files = root / "files"
    files.mkdir()
    (files / "tender.txt").write_text(TENDER_TEXT, encoding="utf-8")
    (files / "b1.txt").write_text(TENDER_TEXT + filler(3, 300) + SHARED + filler(4, 100), encoding="utf-8")
    (files / "b2.txt").write_text(filler(5, 200) + SHARED + TENDER_TEXT + filler(6, 300), encoding="utf-8")
    make_docx(files / "b3.docx", [TENDER_TEXT, filler(7, 400)], author="王五")
    (files / "b3_price.docx").write_bytes(b"PK\x03\x04 not really a docx")
    world = clean_world()
    world["bid_documents"] = [
        dict(document_id="D1", bid_id="B1", path="files/b1.txt", kind="technical"),
        dict(document_id="D2", bid_id="B2", path="files/b2.txt", kind="technical"),
        dict(document_id="D3", bid_id="B3", path="files/b3.docx", kind="technical"),
        dict(document_id="D4", bid_id="B3", path="files/b3_price.docx", kind="price_list"),
    ]
    world["tender_documents"] = [dict(tender_id="T1", path="files/tender.txt")]
    for name, rows in world.items():
        pd.DataFrame(rows, columns=list(TABLES[name].column_names)).to_csv(root / f"{name}.csv", index=False)
    return root


def test_the_stage_reads_compares_and_quarantines(tmp_path: Path) -> None:
    dataset = _dataset(tmp_path)
    con = connect(None, EngineSettings(threads=1))
    report = load_dataset(dataset, con, LoadSettings())
    assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (0,)

    present, docs = run_documents(con, dataset, report.present_tables, workers=1)

    assert {"doc_files", "doc_pairs", "doc_passages"} <= present
    assert (docs.files, docs.read, docs.unreadable, docs.tenders) == (4, 3, 1, 1)
    assert con.execute("SELECT document_id FROM doc_files ORDER BY 1").fetchall() == [("D1",), ("D2",), ("D3",)]
    assert con.execute("SELECT author FROM doc_files WHERE document_id = 'D3'").fetchone() == ("王五",)
    quarantined = con.execute('SELECT "table", reason, file FROM quarantine').fetchall()
    assert len(quarantined) == 1 and quarantined[0][0] == "bid_documents"
    assert quarantined[0][1].startswith("path: unreadable") and quarantined[0][2] == "files/b3_price.docx"
    assert con.execute("SELECT count(*) FROM bid_documents").fetchone() == (3,)  # moved, not copied

    # B1 and B2 share SHARED (and both copy the tender text, which must not count); B3 shares nothing
    pairs = con.execute("SELECT bid_a, bid_b, longest_passage FROM doc_pairs ORDER BY 1, 2").fetchall()
    assert [(a, b) for a, b, _ in pairs] == [("B1", "B2")]
    top = con.execute("SELECT text, document_a, start_a, end_a FROM doc_passages WHERE rank = 1").fetchone()
    assert top is not None
    text, document, start, end = top
    assert SHARED.startswith(text[:20]) and document == "D1"
    b1 = (tmp_path / "files" / "b1.txt").read_text(encoding="utf-8")
    assert b1[start:end] == text
    assert TENDER_TEXT[:30] not in text


def test_without_bid_files_the_stage_does_nothing(tmp_path: Path) -> None:
    con = connect(None, EngineSettings(threads=1))
    present, docs = run_documents(con, tmp_path, {"projects", "bids"})
    assert present == {"projects", "bids"} and docs.files == 0


def test_table_rows_are_written_with_their_declared_types() -> None:
    """DuckDB types a pandas column of Python objects from its first rows: 1,500 pairs without a rare token
    before one with a token once made ``rare_tokens`` a list of NULL and the run fail."""
    from datetime import datetime, timedelta, timezone

    from yunshao.documents.stage import _arrow
    from yunshao.documents.tables import DOC_TABLES, create_empty

    con = connect(None, EngineSettings())
    create_empty(con)
    pair = ("T1", "B1", "B2", "C1", "C2", 0.1, 0.2, 0, 0, 0)
    rows = [(*pair, [], False, 0.1)] * 1500 + [(*pair, ["1.2.3.5万元"], None, None)]
    con.register("pairs", _arrow(rows, DOC_TABLES["doc_pairs"]))
    con.execute("INSERT INTO doc_pairs SELECT * FROM pairs")
    assert con.execute("SELECT count(*), max(len(rare_tokens)), count(score) FROM doc_pairs").fetchall() == [
        (1501, 1, 1500)
    ]
    assert con.execute("SELECT rare_tokens FROM doc_pairs WHERE len(rare_tokens) = 1").fetchall() == [
        (["1.2.3.5万元"],)
    ]
    cst = timezone(timedelta(hours=8))
    files = [("D1", "B1", "T1", "C1", "technical", "pdf", 1, 9, False, None, None, None, None, None,
              datetime(2023, 5, 1, 9, 30, tzinfo=cst), datetime(2023, 5, 1, 1, 30))]  # fmt: skip
    con.register("files", _arrow(files, DOC_TABLES["doc_files"]))
    con.execute("INSERT INTO doc_files SELECT * FROM files")
    assert con.execute("SELECT created, modified FROM doc_files").fetchone() == (
        datetime(2023, 5, 1, 1, 30),  # 09:30 in UTC+8 is 01:30 UTC
        datetime(2023, 5, 1, 1, 30),
    )
