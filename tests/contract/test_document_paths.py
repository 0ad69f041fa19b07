"""Bid and tender file paths (contract v1.1): a path leaving the dataset folder, a file type extraction does
not read, or a missing file is quarantined with its reason; good paths load."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from tests.contract.conftest import small_tables, write_csv
from yunshao.contract import load_dataset, load_frames
from yunshao.contract.document_paths import path_problem, resolve_document
from yunshao.engine import connect


def _tables() -> dict[str, pd.DataFrame]:
    tables = small_tables()
    tables["companies"] = pd.DataFrame({"company_id": ["CO1", "CO2"], "name": ["甲建设", "乙建设"]})
    tables["tenders"] = pd.DataFrame({"tender_id": ["T1"], "project_id": ["P1"], "method": ["open"]})
    tables["bids"] = pd.DataFrame(
        {"bid_id": ["B1", "B2"], "tender_id": ["T1", "T1"], "company_id": ["CO1", "CO2"], "price": ["100", "101"]}
    )
    tables["bid_documents"] = pd.DataFrame(
        {
            "document_id": ["D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8"],
            "bid_id": ["B1", "B1", "B2", "B2", "B2", "B1", "B2", "B1"],
            "path": [
                "docs/B1/technical.docx",  # fine
                "docs/B1/price.TXT",  # fine: the extension's case does not matter
                "../outside.txt",  # leaves the folder
                "/etc/passwd.txt",  # absolute
                "docs/B2/plan.doc",  # a type extraction does not read
                "docs/B1/gone.pdf",  # not there
                "docs/link.txt",  # a link pointing out of the folder
                "docs\\B1\\technical.docx",  # Windows separators name the same file
            ],
            "kind": ["technical", "price_list", "commercial", "other", "technical", "qualification", "other", "other"],
        }
    )
    tables["tender_documents"] = pd.DataFrame(
        {"tender_id": ["T1", "T1"], "path": ["docs/T1/tender.pdf", "C:\\tender.pdf"]}
    )
    return tables


def _dataset(tmp_path: Path) -> Path:
    folder = write_csv(tmp_path / "ds", _tables())
    (folder / "docs/B1").mkdir(parents=True)
    (folder / "docs/T1").mkdir(parents=True)
    (folder / "docs/B1/technical.docx").write_bytes(b"PK")
    (folder / "docs/B1/price.TXT").write_text("报价", encoding="utf-8")
    (folder / "docs/T1/tender.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "outside.txt").write_text("secret", encoding="utf-8")
    (folder / "docs/link.txt").symlink_to(tmp_path / "outside.txt")
    return folder


def test_bad_paths_are_quarantined_with_table_row_and_reason(tmp_path: Path) -> None:
    con = connect()
    report = load_dataset(_dataset(tmp_path), con)
    rows = con.execute(
        'SELECT "table", file, file_row, reason, row FROM quarantine '
        "WHERE \"table\" IN ('bid_documents', 'tender_documents') ORDER BY \"table\", file_row"
    ).fetchall()
    got = [(t, f, r, why) for t, f, r, why, _ in rows]
    assert got == [
        ("bid_documents", "bid_documents.csv", 3, "path path_escape: '../outside.txt' lies outside the dataset folder"),
        (
            "bid_documents",
            "bid_documents.csv",
            4,
            "path path_escape: '/etc/passwd.txt' lies outside the dataset folder",
        ),
        (
            "bid_documents",
            "bid_documents.csv",
            5,
            "path file_type: 'docs/B2/plan.doc' is not a .docx, .pdf or .txt file",
        ),
        (
            "bid_documents",
            "bid_documents.csv",
            6,
            "path file_missing: 'docs/B1/gone.pdf' not found in the dataset folder",
        ),
        ("bid_documents", "bid_documents.csv", 7, "path path_escape: 'docs/link.txt' lies outside the dataset folder"),
        (
            "tender_documents",
            "tender_documents.csv",
            2,
            "path path_escape: 'C:\\tender.pdf' lies outside the dataset folder",
        ),
    ]
    assert json.loads(rows[0][4]) == {
        "document_id": "D3",
        "bid_id": "B2",
        "path": "../outside.txt",
        "kind": "commercial",
    }
    kept = [r[0] for r in con.execute("SELECT document_id FROM bid_documents ORDER BY 1").fetchall()]
    assert kept == ["D1", "D2", "D8"]
    assert con.execute("SELECT tender_id, path FROM tender_documents").fetchall() == [("T1", "docs/T1/tender.pdf")]
    assert report.reasons[("bid_documents", "path path_escape")] == 3
    assert report.reasons[("bid_documents", "path file_type")] == 1
    assert report.reasons[("bid_documents", "path file_missing")] == 1
    assert report.reasons[("tender_documents", "path path_escape")] == 1
    for name, t in report.tables.items():
        assert t.read == t.kept + t.quarantined, name
    assert "_paths_bid_documents" not in {r[0] for r in con.execute("SHOW TABLES").fetchall()}


def test_a_path_check_comes_after_the_column_checks(tmp_path: Path) -> None:
    """A bad bid id and a missing file are both named, in the loader's order: columns, then references."""
    tables = _tables()
    tables["bid_documents"] = tables["bid_documents"].iloc[[5]].assign(bid_id="B9")
    con = connect()
    load_dataset(write_csv(tmp_path / "ds", tables), con)
    assert con.execute("SELECT reason FROM quarantine WHERE \"table\" = 'bid_documents'").fetchall() == [
        (
            "bid_id reference: 'B9' not found in bids.bid_id; "
            "path file_missing: 'docs/B1/gone.pdf' not found in the dataset folder",
        )
    ]


def test_path_problem_and_resolve_by_hand(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a/x.pdf").write_bytes(b"%PDF")
    assert path_problem(tmp_path, "a/x.pdf") is None
    assert path_problem(tmp_path, "a/../a/x.pdf") is None  # `..` that stays inside is fine
    assert path_problem(tmp_path, "./a/x.PDF") is not None  # case-sensitive file system: no such file
    assert path_problem(tmp_path, "a") == "path file_type: 'a' is not a .docx, .pdf or .txt file"
    assert (
        path_problem(tmp_path, "a/../../x.pdf") == "path path_escape: 'a/../../x.pdf' lies outside the dataset folder"
    )
    assert path_problem(tmp_path, "a/x\x00.pdf") == "path file_missing: 'a/x\x00.pdf' not found in the dataset folder"
    assert resolve_document(tmp_path, "a/x.pdf") == (tmp_path / "a/x.pdf").resolve()
    assert resolve_document(tmp_path, "..") is None


def test_frames_have_no_folder_so_paths_are_not_checked() -> None:
    con = connect()
    report = load_frames(con, _tables())
    assert report.tables["bid_documents"].quarantined == 0
