"""A simulated county cut into a base dataset and a delta, plus the dataset a full run over both reads.

The delta holds every row of some held-out projects (their approvals, tenders, bids, contracts, payments,
…) and new versions of a few stored rows: bid prices raised, a contract amount raised, a project turned
into emergency works, a new verified outcome. The changes are computed here from the simulated values,
and ``full`` is base with those rows replaced in place and the held-out rows appended, which is what a
source system's complete export after the day would hold.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from yunshao.contract.schema import TABLES

#: tables whose rows belong to one project, and the column that says which
PROJECT_OWNED = {
    "approvals": "project_id",
    "tenders": "project_id",
    "contracts": "project_id",
    "payments": "project_id",
    "settlements": "project_id",
    "agreements": "project_id",
    "land_parcels": "project_id",
    "housing_applications": "project_id",
    "asset_leases": "project_id",
    "fund_programmes": "project_id",
    "expenses": "project_id",
}
BAD_DELTA_CSV = "bids.delta_bad.csv"


@dataclass
class Split:
    base: Path
    delta: Path
    full: Path
    held: list[str]
    changed: dict[str, list[str]] = field(default_factory=dict)  # table → keys of changed stored rows


def read_tables(folder: Path) -> dict[str, pd.DataFrame]:
    """Every contract table's Parquet parts, concatenated in file order."""
    tables = {}
    for name in TABLES:
        parts = sorted(folder.glob(f"{name}.parquet")) + sorted(folder.glob(f"{name}.*.parquet"))
        if parts:
            tables[name] = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    return tables


def split_county(sim: Path, root: Path, *, hold_share: float = 0.05, seed: int = 11, newest: bool = False) -> Split:
    """Write ``root/base``, ``root/delta`` and ``root/full`` from the simulated dataset ``sim``.

    Held-out projects are drawn at random (they change the history of projects after them too), or with
    ``newest`` the latest approved, as a day's new projects would be.
    """
    rng = np.random.default_rng(seed)
    tables = read_tables(sim)
    avoid = _avoided_projects(sim, tables)
    held = _held_projects(tables, avoid, hold_share, rng, newest)
    held_rows = _held_rows(tables, set(held))
    changed = _changes(tables, held_rows, avoid, rng)
    split = Split(root / "base", root / "delta", root / "full", held)
    for folder in (split.base, split.delta, split.full):
        folder.mkdir(parents=True)
    bad_csvs = sorted(sim.glob("*.csv"))
    for name, frame in tables.items():
        base = frame[~held_rows[name]]
        new = frame[held_rows[name]]
        edits = changed.get(name)
        full = base if edits is None else _replace(base, edits, TABLES[name].key)
        _write(split.base, name, base)
        _write(split.full, name, pd.concat([full, new], ignore_index=True))
        delta = new if edits is None else pd.concat([edits, new], ignore_index=True)
        if len(delta):
            _write(split.delta, name, delta)
            if edits is not None:
                split.changed[name] = _keys(edits, TABLES[name].key)
    for path in bad_csvs:  # the county's malformed rows stay in base (and so in full)
        shutil.copy(path, split.base / path.name)
        shutil.copy(path, split.full / path.name)
    bad = _bad_bid(tables["bids"])
    for folder in (split.delta, split.full):
        bad.to_csv(folder / BAD_DELTA_CSV, index=False)
    return split


def _avoided_projects(sim: Path, tables: dict[str, pd.DataFrame]) -> set[str]:
    """Projects neither held out nor changed: those that name or are named as parents (a project, or a
    lease renewing another), those a malformed row names, and those with a row whose key the simulation
    repeated (which copy a load keeps, and which it quarantines by file and row, depends on where the
    copies sit)."""
    projects = tables["projects"]
    children = projects["parent_project_id"].notna()
    avoid = set(projects.loc[children, "parent_project_id"]) | set(projects.loc[children, "project_id"])
    avoid |= _projects_with_repeated_keys(tables)
    if "asset_leases" in tables:  # a renewal names the lease it renews: both stay together in base
        leases = tables["asset_leases"]
        chained = leases["renews_lease_id"].notna()
        linked = set(leases.loc[chained, "renews_lease_id"]) | set(leases.loc[chained, "lease_id"])
        avoid |= set(leases.loc[leases["lease_id"].isin(linked), "project_id"])
    for path in sim.glob("*.csv"):
        bad = pd.read_csv(path, dtype=str)
        avoid |= set(bad.get("project_id", pd.Series(dtype=str)).dropna())
        tenders = set(bad.get("tender_id", pd.Series(dtype=str)).dropna())
        avoid |= set(tables["tenders"].loc[tables["tenders"]["tender_id"].isin(tenders), "project_id"])
    return avoid


def _held_projects(
    tables: dict[str, pd.DataFrame], avoid: set[str], share: float, rng: np.random.Generator, newest: bool
) -> list[str]:
    projects = tables["projects"]
    size = max(2, int(share * len(projects)))
    pool = projects[~projects["project_id"].isin(avoid)]
    if newest:
        return sorted(pool.sort_values(["approved_at", "project_id"])["project_id"].tail(size).tolist())
    return sorted(rng.choice(sorted(pool["project_id"]), size=size, replace=False).tolist())


def _repeated(frame: pd.DataFrame, name: str) -> pd.Series:
    """Rows whose primary key occurs more than once in the simulated table."""
    return frame.duplicated(subset=list(TABLES[name].key), keep=False)


def _projects_with_repeated_keys(tables: dict[str, pd.DataFrame]) -> set[str]:
    found = set(tables["projects"].loc[_repeated(tables["projects"], "projects"), "project_id"])
    for name, col in PROJECT_OWNED.items():
        if name in tables:
            found |= set(tables[name].loc[_repeated(tables[name], name), col])
    tenders = set(tables["bids"].loc[_repeated(tables["bids"], "bids"), "tender_id"])
    found |= set(tables["tenders"].loc[tables["tenders"]["tender_id"].isin(tenders), "project_id"])
    if "performance" in tables:
        agreements = set(tables["performance"].loc[_repeated(tables["performance"], "performance"), "agreement_id"])
        found |= set(tables["agreements"].loc[tables["agreements"]["agreement_id"].isin(agreements), "project_id"])
    return found


def _held_rows(tables: dict[str, pd.DataFrame], held: set[str]) -> dict[str, pd.Series]:
    """Per table, the rows that belong to a held-out project (directly or through a tender, contract,
    agreement), and the verified outcomes about them."""
    rows = {name: pd.Series(False, index=frame.index) for name, frame in tables.items()}
    rows["projects"] = tables["projects"]["project_id"].isin(held)
    for name, col in PROJECT_OWNED.items():
        if name in tables:
            rows[name] = tables[name][col].isin(held)
    tenders = set(tables["tenders"].loc[rows["tenders"], "tender_id"])
    contracts = set(tables["contracts"].loc[rows["contracts"], "contract_id"])
    rows["bids"] = tables["bids"]["tender_id"].isin(tenders)
    rows["payments"] |= tables["payments"]["contract_id"].isin(contracts)
    rows["contracts"] |= tables["contracts"]["tender_id"].isin(tenders)
    if "performance" in tables:
        agreements = set(tables["agreements"].loc[rows["agreements"], "agreement_id"])
        rows["performance"] = tables["performance"]["agreement_id"].isin(agreements)
    if "fund_payments" in tables:
        programmes = set(tables["fund_programmes"].loc[rows["fund_programmes"], "programme_id"])
        rows["fund_payments"] = tables["fund_payments"]["programme_id"].isin(programmes)
    if "bid_documents" in tables:
        rows["bid_documents"] = tables["bid_documents"]["bid_id"].isin(set(tables["bids"].loc[rows["bids"], "bid_id"]))
    if "labels" in tables:
        labels = tables["labels"]
        rows["labels"] = ((labels["entity_type"] == "project") & labels["entity_id"].isin(held)) | (
            (labels["entity_type"] == "tender") & labels["entity_id"].isin(tenders)
        )
    return rows


def _changes(
    tables: dict[str, pd.DataFrame], held: dict[str, pd.Series], avoid: set[str], rng: np.random.Generator
) -> dict[str, pd.DataFrame]:
    """New versions of stored rows: the prices of every bid of three tenders up 8 %, one contract's amount
    up a quarter, one project turned into emergency works, and one project newly confirmed."""
    bids = tables["bids"][~held["bids"]]
    avoided = set(tables["tenders"].loc[tables["tenders"]["project_id"].isin(avoid), "tender_id"])
    tenders = rng.choice(sorted(set(bids["tender_id"]) - avoided), size=3, replace=False)
    raised = bids[bids["tender_id"].isin(tenders)].copy()
    raised["price"] = (raised["price"] * 1.08).round(2)
    contracts = tables["contracts"][~held["contracts"] & ~tables["contracts"]["project_id"].isin(avoid)]
    contract = contracts.iloc[[int(rng.integers(len(contracts)))]].copy()
    contract["amount"] = (contract["amount"] * 1.25).round(2)
    projects = tables["projects"][~held["projects"] & ~tables["projects"]["project_id"].isin(avoid)]
    ordinary = projects[~projects["category"].fillna("").str.contains("emergency|抢险")]
    project = ordinary.iloc[[int(rng.integers(len(ordinary)))]].copy()
    project["category"] = "emergency"
    labelled = set(tables["labels"]["entity_id"]) if "labels" in tables else set()
    fresh = sorted(set(projects["project_id"]) - labelled - set(project["project_id"]))[0]
    label = pd.DataFrame(
        {"entity_type": ["project"], "entity_id": [fresh], "outcome": ["confirmed"], "scheme": ["bid_rigging"],
         "decided_at": [pd.Timestamp("2025-06-30 10:00:00")]}
    )  # fmt: skip
    if "labels" in tables:
        label = label.astype(tables["labels"].dtypes.to_dict())
    return {"bids": raised, "contracts": contract, "projects": project, "labels": label}


def _replace(base: pd.DataFrame, edits: pd.DataFrame, key: tuple[str, ...]) -> pd.DataFrame:
    """``base`` with each edited row in its place; edited rows with a new key appended."""
    position = {k: i for i, k in enumerate(_keys(base, key))}
    edit_keys = _keys(edits, key)
    stored = [i for i, k in enumerate(edit_keys) if k in position]
    rows = [position[edit_keys[i]] for i in stored]
    out = base.reset_index(drop=True)
    for col in out.columns:
        values = out[col].copy()
        values.iloc[rows] = edits[col].iloc[stored].to_numpy()
        out[col] = values
    appended = edits.iloc[[i for i, k in enumerate(edit_keys) if k not in position]]
    return pd.concat([out, appended], ignore_index=True)


def _keys(frame: pd.DataFrame, key: tuple[str, ...]) -> list[str]:
    return frame[list(key)].astype(str).agg("|".join, axis=1).tolist()


def _bad_bid(bids: pd.DataFrame) -> pd.DataFrame:
    """A bid the contract refuses (a negative price), under a new id."""
    bad = bids.iloc[[0]].copy()
    bad["bid_id"] = "B_DELTA_BAD"
    bad["price"] = -1.0
    return bad


def _write(folder: Path, name: str, frame: pd.DataFrame) -> None:
    frame.reset_index(drop=True).to_parquet(folder / f"{name}.parquet", index=False)
