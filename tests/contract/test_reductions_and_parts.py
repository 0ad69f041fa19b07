"""What the contract allows to be negative, a split table's file that lacks a column, and runs that lose
most of a table to quarantine (issue 17, item 5)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.contract.conftest import small_tables, write_csv
from yunshao.contract import ContractError, load_dataset
from yunshao.contract.report import require_projects
from yunshao.engine import connect


def _reasons(con) -> dict[str, str]:
    return dict(con.execute("SELECT json_extract_string(\"row\", '$.event_id'), reason FROM quarantine").fetchall())


def test_a_change_node_may_reduce_the_works_and_no_other_node_may(tmp_path: Path) -> None:
    tables = small_tables()
    extra = pd.DataFrame(
        {
            "event_id": ["E5", "E6"],
            "project_id": ["P1", "P1"],
            "node": ["C17", "C18"],
            "action": ["change", "approve"],
            "person_id": ["B", "B"],
            "occurred_at": ["2024-06-01 10:00", "2024-06-02 10:00"],
            "amount": ["-12000.5", "-300"],
        }
    )
    tables["approvals"] = pd.concat([tables["approvals"], extra], ignore_index=True)
    con = connect()
    report = load_dataset(write_csv(tmp_path / "ds", tables), con)
    assert con.execute("SELECT amount FROM approvals WHERE event_id = 'E5'").fetchall() == [(-12000.5,)]
    assert _reasons(con) == {"E6": "amount range: -300.0 is below 0 (negative only where node is C17)"}
    assert report.reasons == {("approvals", "amount range"): 1}


def test_a_clawback_payment_may_be_negative_and_a_progress_payment_may_not(tmp_path: Path) -> None:
    tables = small_tables()
    tables["payments"] = pd.DataFrame(
        {
            "payment_id": ["PAY1", "PAY2", "PAY3"],
            "project_id": ["P1", "P1", "P1"],
            "kind": ["other", "progress", None],
            "amount": ["-5000", "-5000", "-1"],
            "paid_at": ["2024-07-01", "2024-07-02", "2024-07-03"],
        }
    )
    con = connect()
    load_dataset(write_csv(tmp_path / "ds", tables), con)
    assert con.execute("SELECT payment_id, amount FROM payments").fetchall() == [("PAY1", -5000.0)]
    refused = con.execute("SELECT reason FROM quarantine WHERE \"table\" = 'payments' ORDER BY file_row").fetchall()
    assert [r[0] for r in refused] == [
        "amount range: -5000.0 is below 0 (negative only where kind is other)",
        "amount range: -1.0 is below 0 (negative only where kind is other)",
    ]


def test_other_amounts_stay_never_negative(tmp_path: Path) -> None:
    tables = small_tables()
    tables["projects"].loc[tables["projects"]["project_id"] == "P2", "budget_amount"] = "-1"
    con = connect()
    load_dataset(write_csv(tmp_path / "ds", tables), con)
    reasons = [r[0] for r in con.execute("SELECT reason FROM quarantine WHERE \"table\" = 'projects'").fetchall()]
    assert reasons == ["budget_amount range: -1.0 is below 0"]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_one_part_missing_a_required_column_is_an_error_naming_that_part(tmp_path: Path, fmt: str) -> None:
    tables = small_tables()
    folder = write_csv(tmp_path / "ds", {k: v for k, v in tables.items() if k != "approvals"})
    good, renamed = tables["approvals"].iloc[:2], tables["approvals"].iloc[2:].rename(columns={"node": "node_code"})
    for part, frame in (("000", good), ("001", renamed)):
        path = folder / f"approvals.{part}.{fmt}"
        frame.to_csv(path, index=False) if fmt == "csv" else frame.to_parquet(path)
    with pytest.raises(ContractError) as raised:
        load_dataset(folder, connect())
    message = str(raised.value)
    assert message == f"{folder / f'approvals.001.{fmt}'}: required column node of table 'approvals' is missing"


def test_a_table_losing_more_than_the_share_is_named(tmp_path: Path) -> None:
    tables = small_tables()
    tables["approvals"].loc[tables["approvals"]["event_id"] == "E4", "node"] = "X99"  # 1 of 4 approvals
    con = connect()
    report = load_dataset(write_csv(tmp_path / "ds", tables), con)
    assert report.heavy_losses(0.25) == []
    (line,) = report.heavy_losses(0.05)
    assert line.startswith("approvals lost 25% of its rows to quarantine (1 of 4; over the 5% warning share)")


def test_every_project_quarantined_is_one_error_with_an_example(tmp_path: Path) -> None:
    tables = small_tables()
    folder = write_csv(tmp_path / "ds", {k: v for k, v in tables.items() if k != "projects"})
    projects = tables["projects"].assign(approved_at=[1709254800, 1711936800, 1714521600])  # epoch seconds
    projects.to_parquet(folder / "projects.parquet")
    con = connect()
    report = load_dataset(folder, con)
    assert report.tables["projects"].kept == 0
    with pytest.raises(ContractError) as raised:
        require_projects(con, report)
    assert str(raised.value) == (
        f"{folder}: all 3 projects were quarantined (e.g. projects.parquet row 1: approved_at type: "
        "'1709254800' is not an ISO 8601 timestamp); nothing to score"
    )
