"""A simulated county broken in more than ten ways still runs; nothing is lost and nothing else moves.

The broken copy adds bad rows of every kind to the clean dataset and re-encodes one table as a GBK CSV
with a malformed line. Every added row must be quarantined with a reason naming its column, every table
must add up (read = kept + quarantined), and since the kept rows are exactly the clean ones, every
project's and post's score must be the same as on the clean data.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from yunshao.pipeline import run
from yunshao.settings import Settings
from yunshao.simulate import simulate

pytestmark = pytest.mark.slow  # simulates a county of 600 projects and runs it twice

#: (table, column the reason must name, check word, row to add as CSV text fields)
BREAKS: list[tuple[str, str, str, dict[str, str]]] = [
    ("approvals", "occurred_at", "missing", {"event_id": "BAD1", "node": "C01", "action": "submit", "occurred_at": ""}),
    (
        "approvals",
        "occurred_at",
        "type",
        {"event_id": "BAD2", "node": "C01", "action": "submit", "occurred_at": "2024-13-45"},
    ),
    ("approvals", "node", "enum", {"event_id": "BAD3", "node": "C99", "action": "submit", "occurred_at": "2024-01-01"}),
    ("approvals", "action", "enum", {"event_id": "BAD4", "node": "C01", "action": "sign", "occurred_at": "2024-01-01"}),
    (
        "approvals",
        "project_id",
        "reference",
        {"event_id": "BAD5", "project_id": "NOPE", "node": "C01", "action": "submit", "occurred_at": "2024-01-01"},
    ),
    (
        "approvals",
        "amount",
        "range",
        {"event_id": "BAD6", "node": "C01", "action": "submit", "occurred_at": "2024-01-01", "amount": "-100"},
    ),
    ("bids", "price", "type", {"bid_id": "BADB1", "price": "abc"}),
    ("bids", "tender_id", "reference", {"bid_id": "BADB2", "tender_id": "T-NONE", "price": "100"}),
    ("payments", "paid_at", "type", {"payment_id": "BADP1", "amount": "10", "paid_at": "yesterday"}),
    ("payments", "amount", "missing", {"payment_id": "BADP2", "amount": "", "paid_at": "2024-02-01"}),
    ("projects", "domain", "enum", {"project_id": "BADPR", "domain": "roads"}),
    ("social_insurance", "month", "type", {"month": "2024-13"}),
]


def _fill(table: str, row: dict[str, str], ds: Path) -> dict[str, str]:
    """Complete a bad row with valid values taken from the dataset, so only the intended column fails."""
    sample = duckdb.sql(f"SELECT * FROM read_parquet('{ds}/{table}*.parquet') LIMIT 1").df().iloc[0]
    full = {c: ("" if pd.isna(v) else str(v)) for c, v in sample.items()}
    full.update(row)
    return full


def _break(clean: Path, broken: Path) -> dict[str, int]:
    shutil.copytree(clean, broken)
    added: dict[str, int] = {}
    by_table: dict[str, list[dict[str, str]]] = {}
    for table, _, _, row in BREAKS:
        by_table.setdefault(table, []).append(_fill(table, row, clean))
    # a duplicate of an existing approval (the first one loaded stays)
    first = duckdb.sql(f"SELECT * FROM read_parquet('{clean}/approvals.00000.parquet') LIMIT 1").df().iloc[0]
    dup = {c: ("" if pd.isna(v) else str(v)) for c, v in first.items()}
    dup["node"] = "C20"
    by_table["approvals"].append(dup)
    # approvals of the bad project are quarantined with it (their project does not resolve)
    by_table["approvals"].append(_fill("approvals", {"event_id": "BAD7", "project_id": "BADPR"}, clean))
    for table, rows in by_table.items():
        pd.DataFrame(rows).to_csv(broken / f"{table}.broken.csv", index=False)
        added[table] = len(rows)
    # units re-encoded as GBK CSV with one malformed line
    units = duckdb.sql(f"SELECT * FROM read_parquet('{clean}/units.parquet')").df()
    (broken / "units.parquet").unlink()
    text = units.to_csv(index=False) + "U-BROKEN,坏行,township,,县,extra\n"
    (broken / "units.csv").write_bytes(text.encode("gbk"))
    added["units"] = 1
    return added


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, int]]:
    root = tmp_path_factory.mktemp("e2e")
    simulate(root / "clean", 600, 5, label_frac=0.0)
    added = _break(root / "clean", root / "broken")
    settings = Settings()
    run(root / "clean", root / "out-clean", settings)
    run(root / "broken", root / "out-broken", settings)
    return root / "out-clean", root / "out-broken", added


def _read(path: Path) -> pd.DataFrame:
    return duckdb.sql(f"SELECT * FROM read_parquet('{path}')").df()


def test_every_table_adds_up_and_every_added_row_is_quarantined(runs: tuple[Path, Path, dict[str, int]]) -> None:
    import json

    clean, broken, added = runs
    load_clean = json.loads((clean / "run.json").read_text())["load"]["tables"]
    load_broken = json.loads((broken / "run.json").read_text())["load"]["tables"]
    for table, counts in load_broken.items():
        assert counts["read"] == counts["kept"] + counts["quarantined"], table
        assert counts["kept"] == load_clean[table]["kept"], table
        assert counts["quarantined"] - load_clean[table]["quarantined"] == added.get(table, 0), table


def test_each_reason_names_its_column(runs: tuple[Path, Path, dict[str, int]]) -> None:
    _, broken, _ = runs
    q = _read(broken / "quarantine.parquet")
    for table, column, check, row in BREAKS:
        key = next(iter(row.values())) if table != "social_insurance" else "2024-13"
        mine = q[(q["table"] == table) & q["row"].str.contains(f'"{key}"', regex=False)]
        assert len(mine) == 1, (table, key)
        assert f"{column} {check}:" in mine.iloc[0]["reason"], mine.iloc[0]["reason"]
    units = q[q["table"] == "units"]
    assert len(units) == 1 and units.iloc[0]["reason"].startswith("line malformed")
    assert units.iloc[0]["file"] == "units.csv"


def test_scores_of_untouched_projects_and_posts_are_unchanged(runs: tuple[Path, Path, dict[str, int]]) -> None:
    clean, broken, _ = runs
    for name, key in (("project_scores", "project_id"), ("post_scores", "post_id")):
        a = _read(clean / f"{name}.parquet").sort_values(key).reset_index(drop=True)
        b = _read(broken / f"{name}.parquet").sort_values(key).reset_index(drop=True)
        assert len(a) > 0
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)
    wa = _read(clean / "warnings.parquet").sort_values("warning_id").reset_index(drop=True)
    wb = _read(broken / "warnings.parquet").sort_values("warning_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(wa, wb)
