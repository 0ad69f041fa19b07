"""Loading the contract: every kind of bad input is quarantined with its column, or refused by name."""

from __future__ import annotations

import json
import tempfile
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from tests.contract.conftest import small_tables, write_csv
from yunshao.contract import ContractError, load_dataset
from yunshao.engine import connect


def load(folder: Path):
    con = connect()
    return con, load_dataset(folder, con)


def quarantine(con) -> pd.DataFrame:
    return con.execute('SELECT * FROM quarantine ORDER BY "table", file_row').df()


def test_clean_dataset_loads_typed_and_in_local_time(dataset: Path) -> None:
    con, report = load(dataset)
    assert {t: (r.read, r.kept, r.quarantined) for t, r in report.tables.items()} == {
        "units": (2, 2, 0),
        "people": (2, 2, 0),
        "projects": (3, 3, 0),
        "approvals": (4, 4, 0),
    }
    assert "bids" in report.absent and "bids" not in {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    times = dict(con.execute("SELECT event_id, occurred_at FROM approvals").fetchall())
    # no zone = Shanghai local time; 'Z' (UTC) 01:30 is 09:30 in Shanghai
    assert times["E1"] == datetime(2024, 3, 1, 9, 0)
    assert times["E2"] == datetime(2024, 3, 2, 9, 30)
    approved = dict(con.execute("SELECT project_id, approved_at FROM projects").fetchall())
    assert approved["P2"] == datetime(2024, 4, 1, 10, 0)
    assert approved["P3"] == datetime(2024, 5, 1, 0, 0)
    assert con.execute("SELECT budget_amount FROM projects WHERE project_id = 'P2'").fetchone() == (1200000.5,)


@pytest.mark.parametrize(
    ("table", "column", "value", "expected_reason"),
    [
        ("approvals", "occurred_at", "", "occurred_at missing: required value is empty"),
        ("approvals", "occurred_at", "2024-13-45", "occurred_at type: '2024-13-45' is not an ISO 8601 timestamp"),
        ("approvals", "amount", "abc", "amount type: 'abc' is not a decimal amount"),
        ("approvals", "amount", "-3", "amount range: -3.0 is below 0 (negative only where node is C17)"),
        ("approvals", "action", "sign", "action enum: unknown value 'sign'"),
        ("approvals", "node", "X99", "node enum: unknown value 'X99'"),
        ("approvals", "project_id", "P404", "project_id reference: 'P404' not found in projects.project_id"),
        ("approvals", "person_id", "Z", "person_id reference: 'Z' not found in people.person_id"),
        ("approvals", "node", "L03", "node domain: L03 is not a node of a construction project"),
        ("projects", "domain", "roads", "domain enum: unknown value 'roads'"),
    ],
)
def test_bad_value_is_quarantined_with_its_column(
    tmp_path: Path, table: str, column: str, value: str, expected_reason: str
) -> None:
    tables = small_tables()
    target = "P3" if table == "projects" else "E4"
    key = "project_id" if table == "projects" else "event_id"
    frame = tables[table].astype(object)
    frame.loc[frame[key] == target, column] = value
    tables[table] = frame
    con, report = load(write_csv(tmp_path / "ds", tables))
    q = quarantine(con)
    first = q[q["table"] == table].iloc[0]
    assert first["reason"].split("; ")[0] == expected_reason
    assert first["reason"].split(" ")[0] == column
    assert first["file"] == f"{table}.csv"
    assert first["file_row"] == (3 if table == "projects" else 4)
    row = json.loads(first["row"])
    assert row[key] == target and (row[column] or "") == value
    for name, t in report.tables.items():
        assert t.read == t.kept + t.quarantined, name
    assert report.tables[table].quarantined == 1


def test_quarantined_project_takes_its_approvals_along(tmp_path: Path) -> None:
    tables = small_tables()
    tables["projects"].loc[tables["projects"]["project_id"] == "P3", "domain"] = "roads"
    con, _ = load(write_csv(tmp_path / "ds", tables))
    q = quarantine(con)
    assert list(q["table"]) == ["approvals", "projects"]
    assert q.iloc[0]["reason"] == "project_id reference: 'P3' not found in projects.project_id"


def test_duplicate_primary_id_keeps_the_first(tmp_path: Path) -> None:
    tables = small_tables()
    dup = tables["approvals"].iloc[[0]].assign(node="C03")
    tables["approvals"] = pd.concat([tables["approvals"], dup], ignore_index=True)
    con, report = load(write_csv(tmp_path / "ds", tables))
    assert con.execute("SELECT node FROM approvals WHERE event_id = 'E1'").fetchall() == [("C01",)]
    q = quarantine(con)
    assert q.iloc[0]["reason"] == "event_id duplicate: event_id=E1 already loaded from an earlier row"
    assert q.iloc[0]["file_row"] == 5
    assert (report.tables["approvals"].read, report.tables["approvals"].kept) == (5, 4)


def test_duplicate_composite_key_with_an_empty_part_keeps_the_first_good_row(tmp_path: Path) -> None:
    """company_people's key (company, person, role, since) may have an empty ``since``: two rows both
    without it are the same key. A row refused for another reason is not the "first" of its key."""
    tables = small_tables()
    tables["companies"] = pd.DataFrame({"company_id": ["C1"]})
    tables["company_people"] = pd.DataFrame(
        {
            "company_id": ["C1", "C1", "C1", "C1", "C1"],
            "person_id": ["A", "A", "A", "B", "A"],
            "role": ["shareholder"] * 5,
            "share_pct": ["150", "20", "30", "40", "50"],
            "since": [None, None, "2020-01-01", None, None],
        }
    )
    con, report = load(write_csv(tmp_path / "ds", tables))
    kept = con.execute("SELECT person_id, share_pct, since FROM company_people ORDER BY share_pct").fetchall()
    assert [(p, float(s), str(d) if d else None) for p, s, d in kept] == [
        ("A", 20.0, None),
        ("A", 30.0, "2020-01-01"),
        ("B", 40.0, None),
    ]
    q = quarantine(con)
    q = q[q["table"] == "company_people"]
    assert list(q["file_row"]) == [1, 5]
    assert q.iloc[0]["reason"] == "share_pct range: 150.0 is above 100"
    assert q.iloc[1]["reason"] == (
        "company_id duplicate: company_id=C1, person_id=A, role=shareholder, since=null "
        "already loaded from an earlier row"
    )
    assert (report.tables["company_people"].read, report.tables["company_people"].kept) == (5, 3)


def test_no_staging_object_outlives_the_load(dataset: Path) -> None:
    con, _ = load(dataset)
    temporary = con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()
    views = con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal AND temporary").fetchall()
    assert (temporary, views) == ([], [])


def test_gbk_csv_loads_with_its_chinese_text(tmp_path: Path) -> None:
    folder = write_csv(tmp_path / "ds", small_tables())
    small_tables()["units"].to_csv(folder / "units.csv", index=False, encoding="gbk")
    con, report = load(folder)
    assert report.tables["units"].encodings == {"units.csv": "gb18030"}
    assert con.execute("SELECT name FROM units WHERE unit_id = 'U2'").fetchone() == ("经济开发区",)


def test_no_transcoded_copy_outlives_the_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_csv(tmp_path / "ds", small_tables())
    small_tables()["units"].to_csv(folder / "units.csv", index=False, encoding="gbk")
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))
    _, report = load(folder)
    assert report.tables["units"].encodings == {"units.csv": "gb18030"}  # a copy was made
    assert list(temp_root.iterdir()) == []


def test_undecodable_csv_is_refused_by_name(tmp_path: Path) -> None:
    folder = write_csv(tmp_path / "ds", small_tables())
    (folder / "people.csv").write_bytes(b"person_id,name\nA,\xff\xfe\xfd\x80\x80\n")
    with pytest.raises(
        ContractError, match=r"people\.csv: not readable as utf-8, gb18030 \(invalid byte at offset 17\)"
    ):
        load(folder)


def test_malformed_csv_line_is_quarantined_with_its_row(tmp_path: Path) -> None:
    folder = write_csv(tmp_path / "ds", small_tables())
    with (folder / "people.csv").open("a", encoding="utf-8") as fh:
        fh.write("C,王五,extra,columns\nD,赵六\n")
    con, report = load(folder)
    q = quarantine(con)
    assert list(q["table"]) == ["people"]
    assert q.iloc[0]["reason"] == "line malformed: TOO MANY COLUMNS: Expected Number of Columns: 2 Found: 4"
    assert q.iloc[0]["file_row"] == 3
    assert json.loads(q.iloc[0]["row"]) == {"csv_line": "C,王五,extra,columns"}
    assert (report.tables["people"].read, report.tables["people"].kept) == (4, 3)


def test_parts_and_formats_are_read_together(tmp_path: Path) -> None:
    tables = small_tables()
    folder = write_csv(tmp_path / "ds", {k: v for k, v in tables.items() if k != "approvals"})
    approvals = tables["approvals"]
    approvals.iloc[:2].to_parquet(folder / "approvals.000.parquet")
    approvals.iloc[2:].assign(extra_col="kept").to_parquet(folder / "approvals.001.parquet")
    con, report = load(folder)
    assert report.tables["approvals"].files == ["approvals.000.parquet", "approvals.001.parquet"]
    assert con.execute("SELECT count(*), count(extra_col) FROM approvals").fetchone() == (4, 2)


def test_missing_required_table_folder_or_column_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match="dataset folder not found"):
        load(tmp_path / "nowhere")
    folder = write_csv(tmp_path / "ds", {k: v for k, v in small_tables().items() if k != "approvals"})
    with pytest.raises(ContractError, match=r"required table 'approvals' not found"):
        load(folder)
    tables = small_tables()
    tables["approvals"] = tables["approvals"].drop(columns=["occurred_at"])
    folder = write_csv(tmp_path / "ds2", tables)
    with pytest.raises(ContractError, match=r"approvals\.csv: required column occurred_at of table 'approvals'"):
        load(folder)


def test_unreadable_parquet_is_refused_by_name(tmp_path: Path) -> None:
    folder = write_csv(tmp_path / "ds", small_tables())
    (folder / "people.csv").unlink()
    (folder / "people.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(ContractError, match=r"people\.parquet: cannot be read"):
        load(folder)
