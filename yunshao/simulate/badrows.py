"""Planted bad rows: a few rows of the approvals, bids and payments tables broken in varied ways, moved
out of the Parquet parts into `<table>.bad.csv` and listed in TRUTH/bad_rows.parquet.

Only clean projects' rows are broken (a planted scheme keeps all its traces), and only leaf tables, so
that quarantining a bad row never orphans other rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yunshao.contract.schema import TABLES
from yunshao.simulate.state import State

DEFECTS = ("missing_required", "bad_type", "unknown_enum", "dangling_id", "duplicate_id", "negative_amount")
SPEC: dict[str, dict[str, Any]] = {
    "approvals": {
        "key": "event_id",
        "missing_required": ("occurred_at", "node"),
        "bad_type": (("occurred_at", "2024-13-45 25:61:00"), ("amount", "abc")),
        "unknown_enum": (("action", "approved"), ("node", "C99"), ("channel", "fax")),
        "dangling_id": (("project_id", "P9999999"), ("person_id", "PER9999999")),
        "amount": "amount",
    },
    "bids": {
        "key": "bid_id",
        "missing_required": ("price", "company_id"),
        "bad_type": (("price", "abc"), ("submitted_at", "2024-13-45 09:30:00")),
        "unknown_enum": (("status", "cancelled"),),
        "dangling_id": (("tender_id", "T9999999"), ("company_id", "CO999999")),
        "amount": "price",
    },
    "payments": {
        "key": "payment_id",
        "missing_required": ("paid_at", "amount"),
        "bad_type": (("amount", "1,2O0.00"), ("paid_at", "2024-02-30 10:00:00")),
        "unknown_enum": (("kind", "kickback"),),
        "dangling_id": (("project_id", "P9999999"), ("contract_id", "CT9999999")),
        "amount": "amount",
    },
}


def corrupt(
    rng: np.random.Generator, name: str, table: pa.Table, protected: set[str], frac: float, state: State
) -> pa.Table:
    """Break about `frac` of the rows; return the table without the broken originals."""
    spec = SPEC[name]
    n = table.num_rows
    k = int(rng.binomial(n, frac)) if n and frac > 0 else 0
    if not k:
        return table
    column = table.column("project_id" if name != "bids" else "tender_id")
    hit = pc.is_in(column, value_set=pa.array(sorted(protected), pa.string())) if protected else None
    ok = np.ones(n, dtype=bool) if hit is None else ~hit.to_numpy(zero_copy_only=False).astype(bool)
    cand = np.flatnonzero(ok)
    if not len(cand):
        return table
    pick = np.sort(rng.choice(cand, size=min(k, len(cand)), replace=False))
    rows = table.take(pa.array(pick)).to_pylist()
    drop = np.zeros(n, dtype=bool)
    out = state.bad_csv.setdefault(name, [])
    for j, row in zip(pick, rows, strict=True):
        defect = DEFECTS[int(rng.integers(0, len(DEFECTS)))]
        amount_col = spec["amount"]
        if defect == "negative_amount" and (row.get(amount_col) in (None, 0) or _may_be_negative(name, row)):
            defect = "unknown_enum"
        if defect == "missing_required":
            col = spec["missing_required"][int(rng.integers(0, len(spec["missing_required"])))]
            row[col] = None
        elif defect in ("bad_type", "unknown_enum", "dangling_id"):
            options = spec[defect]
            col, value = options[int(rng.integers(0, len(options)))]
            row[col] = value
        elif defect == "negative_amount":
            row[amount_col] = -abs(float(row[amount_col]))
        if defect != "duplicate_id":
            drop[j] = True
        out.append(row)
        state.bad_rows.append((name, str(row[spec["key"]]), defect))
    return table.filter(pa.array(~drop)) if drop.any() else table


def _may_be_negative(table: str, row: dict[str, Any]) -> bool:
    """The contract allows this row's amount to be negative (a change node, a clawback): no defect."""
    where = TABLES[table].column(SPEC[table]["amount"]).negative_where
    return where is not None and row.get(where[0]) in where[1]


def protected_tenders(tenders: pa.Table, projects: set[str]) -> set[str]:
    """Tender ids of planted projects (bids are keyed by tender)."""
    if not tenders.num_rows or not projects:
        return set()
    mask = pc.is_in(tenders.column("project_id"), value_set=pa.array(sorted(projects)))
    return set(tenders.filter(mask).column("tender_id").to_pylist())
