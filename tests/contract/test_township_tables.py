"""Contract v1.1's township tables load like every other table: typed, and each kind of bad value
quarantined with its column and reason (the reasons worked out from the schema's declarations)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.contract.conftest import write_csv
from yunshao.contract import load_dataset
from yunshao.engine import connect


def township_tables() -> dict[str, pd.DataFrame]:
    """One township, one village, and one of each power item with its rows."""
    projects = [
        ("H1", "housing", "东村农户建房申请"),
        ("A1", "assets", "东村鱼塘出租"),
        ("F1", "funds", "2024年困难群众补助"),
        ("X1", "finance", "办公用品报销"),
    ]
    return {
        "units": pd.DataFrame(
            {
                "unit_id": ["U1", "V1"],
                "name": ["城关镇", "东村"],
                "kind": ["township", "village"],
                "parent_unit_id": [None, "U1"],
            }
        ),
        "people": pd.DataFrame(
            {
                "person_id": ["A", "B", "C"],
                "name": ["张三", "李四", "王五"],
                "status": ["living", "living", "deceased"],
                "died_on": [None, None, "2024-02-01"],
            }
        ),
        "projects": pd.DataFrame(
            {
                "project_id": [p for p, _, _ in projects],
                "domain": [d for _, d, _ in projects],
                "unit_id": ["V1", "V1", "U1", "U1"],
                "name": [n for _, _, n in projects],
                "approved_at": ["2024-03-01 09:00:00"] * 4,
                "status": ["completed"] * 4,
            }
        ),
        "approvals": pd.DataFrame(
            {
                "event_id": ["E1", "E2", "E3", "E4"],
                "project_id": ["H1", "A1", "F1", "X1"],
                "node": ["H05", "A04", "F04", "E03"],
                "action": ["approve"] * 4,
                "person_id": ["A"] * 4,
                "occurred_at": ["2024-03-01 09:00:00"] * 4,
            }
        ),
        "households": pd.DataFrame(
            {
                "household_id": ["HH1", "HH1"],
                "person_id": ["B", "C"],
                "role": ["head", "member"],
                "village_unit_id": ["V1"] * 2,
            }
        ),
        "housing_applications": pd.DataFrame(
            {
                "application_id": ["HA1"],
                "project_id": ["H1"],
                "applicant_person_id": ["B"],
                "household_id": ["HH1"],
                "village_unit_id": ["V1"],
                "plot_area_m2": ["120.5"],
                "existing_homes": ["0"],
                "approved_area_m2": ["120"],
            }
        ),
        "collective_assets": pd.DataFrame(
            {"asset_id": ["CA1"], "village_unit_id": ["V1"], "kind": ["pond"], "appraised_rent": ["30000"]}
        ),
        "asset_leases": pd.DataFrame(
            {
                "lease_id": ["LS1"],
                "project_id": ["A1"],
                "asset_id": ["CA1"],
                "lessee_person_id": ["B"],
                "rent": ["28000"],
                "start_date": ["2024-04-01"],
                "term_years": ["5"],
                "method": ["auction"],
                "assembly_approved": ["true"],
            }
        ),
        "fund_programmes": pd.DataFrame(
            {"programme_id": ["FP1"], "project_id": ["F1"], "area_unit_id": ["U1"], "max_income_band": ["2"]}
        ),
        "fund_payments": pd.DataFrame(
            {
                "payment_id": ["PAY1"],
                "programme_id": ["FP1"],
                "beneficiary_person_id": ["B"],
                "amount": ["1200"],
                "paid_at": ["2024-03-10 10:00:00"],
                "approver_person_id": ["A"],
                "income_band": ["1"],
            }
        ),
        "expenses": pd.DataFrame(
            {
                "expense_id": ["EX1"],
                "project_id": ["X1"],
                "invoice_number": ["33001"],
                "amount": ["1800"],
                "kind": ["office"],
                "claimant_person_id": ["B"],
                "approver_person_id": ["A"],
                "spent_on": ["2024-03-05"],
                "headcount": ["1"],
            }
        ),
    }


def _load(folder: Path):
    con = connect()
    return con, load_dataset(folder, con)


def test_every_township_table_loads_typed(tmp_path: Path) -> None:
    con, report = _load(write_csv(tmp_path / "ds", township_tables()))
    assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (0,)
    for name in ("households", "housing_applications", "collective_assets", "asset_leases", "fund_programmes"):
        assert (report.tables[name].read, report.tables[name].kept) == ((2, 2) if name == "households" else (1, 1))
    assert con.execute("SELECT plot_area_m2, existing_homes FROM housing_applications").fetchone() == (120.5, 0)
    assert con.execute("SELECT assembly_approved, term_years FROM asset_leases").fetchone() == (True, 5.0)
    assert str(con.execute("SELECT died_on FROM people WHERE person_id = 'C'").fetchone()[0]) == "2024-02-01"


@pytest.mark.parametrize(
    ("table", "column", "value", "expected_reason"),
    [
        ("people", "status", "dead", "status enum: unknown value 'dead'"),
        ("people", "died_on", "2024-02-30", "died_on type: '2024-02-30' is not a YYYY-MM-DD date"),
        ("households", "role", "lodger", "role enum: unknown value 'lodger'"),
        ("housing_applications", "plot_area_m2", "-5", "plot_area_m2 range: -5.0 is below 0"),
        ("housing_applications", "existing_homes", "two", "existing_homes type: 'two' is not a whole number"),
        (
            "housing_applications",
            "applicant_person_id",
            "Z",
            "applicant_person_id reference: 'Z' not found in people.person_id",
        ),
        ("collective_assets", "kind", "mine", "kind enum: unknown value 'mine'"),
        ("collective_assets", "village_unit_id", "", "village_unit_id missing: required value is empty"),
        ("asset_leases", "method", "private", "method enum: unknown value 'private'"),
        ("asset_leases", "asset_id", "CA9", "asset_id reference: 'CA9' not found in collective_assets.asset_id"),
        ("asset_leases", "assembly_approved", "maybe", "assembly_approved type: 'maybe' is not true or false"),
        ("fund_programmes", "project_id", "P404", "project_id reference: 'P404' not found in projects.project_id"),
        ("fund_payments", "amount", "abc", "amount type: 'abc' is not a decimal amount"),
        ("fund_payments", "paid_at", "", "paid_at missing: required value is empty"),
        (
            "fund_payments",
            "programme_id",
            "FP9",
            "programme_id reference: 'FP9' not found in fund_programmes.programme_id",
        ),
        ("expenses", "kind", "gifts", "kind enum: unknown value 'gifts'"),
        ("expenses", "amount", "-1", "amount range: -1.0 is below 0"),
    ],
)
def test_bad_township_value_is_quarantined_with_its_column(
    tmp_path: Path, table: str, column: str, value: str, expected_reason: str
) -> None:
    tables = township_tables()
    frame = tables[table].astype(object)
    frame.loc[frame.index[-1], column] = value
    tables[table] = frame
    con, report = _load(write_csv(tmp_path / "ds", tables))
    rows = con.execute('SELECT "table", "row", reason, file, file_row FROM quarantine ORDER BY "table"').fetchall()
    mine = [r for r in rows if r[0] == table]
    assert len(mine) == 1
    _, row, reason, file, file_row = mine[0]
    assert reason.split("; ")[0] == expected_reason
    assert (file, file_row) == (f"{table}.csv", len(frame))
    assert (json.loads(row)[column] or "") == value
    assert report.tables[table].quarantined == 1


def test_a_quarantined_programme_takes_its_payments_along(tmp_path: Path) -> None:
    tables = township_tables()
    tables["fund_programmes"].loc[0, "project_id"] = "P404"
    con, _ = _load(write_csv(tmp_path / "ds", tables))
    reasons = dict(con.execute('SELECT "table", reason FROM quarantine').fetchall())
    assert reasons == {
        "fund_programmes": "project_id reference: 'P404' not found in projects.project_id",
        "fund_payments": "programme_id reference: 'FP1' not found in fund_programmes.programme_id",
    }


def test_a_township_node_on_another_domain_is_refused(tmp_path: Path) -> None:
    tables = township_tables()
    tables["approvals"].loc[0, "node"] = "F04"  # a funds node on the housing application
    con, _ = _load(write_csv(tmp_path / "ds", tables))
    assert con.execute("SELECT reason FROM quarantine").fetchall() == [
        ("node domain: F04 is not a node of a housing project",)
    ]
