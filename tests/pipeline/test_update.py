"""``yunshao update`` (issue 16, item 5): a base run plus an update equals a full run over base and delta.

A simulated county is cut into a base dataset and a delta (``update_county``: held-out projects with all
their rows, raised bid prices, a raised contract amount, a project turned emergency works, a new verified
outcome, one bad bid). The base is run; its store is updated with the delta; and the full dataset is run
from scratch, scored with the base run's model (the update never trains, so the comparison must not
either). Every output and every derived store table must match row for row; floats within 1e-9, since
DuckDB's parallel sums may differ in the last bit between any two runs.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.pipeline.test_cli_errors import _one_line_error
from tests.pipeline.update_county import BAD_DELTA_CSV, Split, read_tables, split_county
from yunshao.cli import app
from yunshao.pipeline import run
from yunshao.settings import Settings
from yunshao.simulate import simulate
from yunshao.training import scoring
from yunshao.update import UpdateResult, update

#: store table → the columns that identify a row
COMPARED = {
    "project_scores": ["project_id"],
    "post_scores": ["post_id"],
    "warnings": ["warning_id"],
    "features_project": ["project_id"],
    "features_tender": ["tender_id"],
    "features_post": ["post_id"],
    "quarantine": ["table", "file", "file_row"],
    "rule_confirmation": ["rule_id"],
    "projects": ["project_id"],
    "bids": ["bid_id"],
}
#: absolute tolerance for floats per table (default 1e-9). Post scores read an anomaly detector fitted on
#: ``features_post``, whose parallel float sums differ in the last bit between any two builds; ECOD's ranks
#: turn that into up to 0.006 risk points on a few posts (measured: 5 of 711 posts over repeated feature
#: builds of one store, no update involved)
TOLERANCE = {"post_scores": 0.01}


@dataclass
class Runs:
    split: Split
    sim: Path
    updated: Path
    full: Path
    result: UpdateResult


def _county(root: Path, projects: int) -> Runs:
    sim = root / "sim"
    simulate(sim, projects, 5, label_frac=0.6)
    split = split_county(sim, root / "split")
    settings = Settings()
    run(split.base, root / "base_out", settings)
    updated = root / "updated"
    shutil.copytree(root / "base_out", updated)
    result = update(split.delta, updated, settings)
    with duckdb.connect(str(root / "base_out" / "yunshao.duckdb"), read_only=True) as con:
        model = scoring.load_store_model(con)
    with pytest.MonkeyPatch.context() as patch:  # the full run scores with the base run's model
        patch.setattr(scoring, "_choose_model", lambda *args: (model, None))
        run(split.full, root / "full", settings)
    return Runs(split, sim, updated, root / "full", result)


@pytest.fixture(scope="module", params=[300, pytest.param(2000, marks=pytest.mark.slow)], ids=["300", "2000"])
def runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    yield _county(tmp_path_factory.mktemp(f"update{request.param}"), request.param)


def _table(folder: Path, table: str) -> pd.DataFrame:
    with duckdb.connect(str(folder / "yunshao.duckdb"), read_only=True) as con:
        frame = con.execute(f'SELECT * FROM "{table}"').df()
    return frame.sort_values(COMPARED[table]).reset_index(drop=True)


def _same(a: Any, b: Any, tol: float = 1e-9) -> bool:
    """Equal, floats within ``tol`` (relative or absolute) and JSON text compared as the values it holds."""
    if isinstance(a, str) and isinstance(b, str) and a[:1] in "[{" and a != b:
        try:
            return _same(json.loads(a), json.loads(b), tol)
        except ValueError:
            return False
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], tol) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y, tol) for x, y in zip(a, b, strict=True))
    if hasattr(a, "tolist") and hasattr(b, "tolist"):
        return _same(a.tolist(), b.tolist(), tol)
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=tol)
    return bool(a == b)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


@pytest.mark.parametrize("table", list(COMPARED))
def test_update_equals_a_full_run_row_for_row(runs: Runs, table: str) -> None:
    updated, full = _table(runs.updated, table), _table(runs.full, table)
    assert sorted(updated.columns) == sorted(full.columns)
    assert len(updated) == len(full)
    keys, tol = COMPARED[table], TOLERANCE.get(table, 1e-9)
    assert updated[keys].astype(str).equals(full[keys].astype(str)), f"{table}: other rows"
    for col in full.columns:
        bad = [i for i, (a, b) in enumerate(zip(updated[col], full[col], strict=True)) if not _same(a, b, tol)]
        assert not bad, f"{table}.{col} differs at {updated.loc[bad[:3], keys].to_dict('records')}"


def test_the_four_outputs_are_the_store_tables(runs: Runs) -> None:
    for name in ("project_scores", "post_scores", "warnings", "quarantine"):
        written = pd.read_parquet(runs.updated / f"{name}.parquet")
        with duckdb.connect(str(runs.updated / "yunshao.duckdb"), read_only=True) as con:
            assert len(written) == con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]  # type: ignore[index]


def test_the_delta_is_merged_by_key(runs: Runs) -> None:
    """Bid prices and a contract amount as the simulation had them, changed as the delta says; the
    held-out projects appended; the bad bid quarantined with its reason, nothing else lost."""
    sim = read_tables(runs.sim)
    tables = runs.result.tables
    changed = runs.split.changed
    assert tables["bids"]["replaced"] == len(changed["bids"])
    assert tables["projects"]["appended"] == len(runs.split.held)
    assert tables["bids"]["quarantined"] == 1
    with duckdb.connect(str(runs.updated / "yunshao.duckdb"), read_only=True) as con:
        bids = con.execute("SELECT bid_id, price FROM bids").df().set_index("bid_id")["price"]
        contracts = con.execute("SELECT contract_id, amount FROM contracts").df().set_index("contract_id")["amount"]
        held = con.execute("SELECT count(*) FROM project_scores WHERE project_id IN ?", [runs.split.held]).fetchone()
        bad = con.execute("SELECT reason, file FROM quarantine WHERE row LIKE '%B_DELTA_BAD%'").fetchall()
        count = con.execute("SELECT count(*) FROM projects").fetchone()
    simulated = sim["bids"].set_index("bid_id")["price"]
    for bid in changed["bids"]:
        assert bids[bid] == pytest.approx(round(simulated[bid] * 1.08, 2))
    (contract,) = changed["contracts"]
    amount = sim["contracts"].set_index("contract_id")["amount"][contract]
    assert contracts[contract] == pytest.approx(round(amount * 1.25, 2))
    assert held == (len(runs.split.held),)
    assert count == (len(sim["projects"]),)
    assert len(bad) == 1 and bad[0][1] == BAD_DELTA_CSV and "price" in bad[0][0]


def test_the_update_keeps_the_base_model(runs: Runs) -> None:
    """No training: the store keeps the very model it had; a classifier when the base held enough confirmed
    projects (then its explanations are SHAP values)."""
    blobs = []
    for out in (runs.updated.parent / "base_out", runs.updated):
        with duckdb.connect(str(out / "yunshao.duckdb"), read_only=True) as con:
            blobs.append(con.execute("SELECT model FROM scoring_model").fetchall())
            model = scoring.load_store_model(con)
    assert blobs[0] == blobs[1]
    labels = read_tables(runs.split.base)["labels"]
    positives = labels[(labels["entity_type"] == "project") & (labels["outcome"] == "confirmed")]["entity_id"].nunique()
    assert (model.classifier_ is not None) == (positives >= model.spec.validation.min_positive)


def test_only_changed_projects_are_rescored(runs: Runs) -> None:
    scoring_report = runs.result.scoring
    assert runs.result.changed["projects"] == scoring_report["rescored"]
    assert len(runs.split.held) <= scoring_report["rescored"] <= scoring_report["projects"]
    with (runs.updated / "run.json").open(encoding="utf-8") as fh:
        assert json.load(fh)["updates"][-1]["scoring"]["rescored"] == scoring_report["rescored"]


# ------------------------------------------------------------------------------------------ bad deltas


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("small")
    simulate(root / "ds", 120, 2, label_frac=0.4)
    run(root / "ds", root / "out", Settings())
    return root


def test_a_bad_delta_row_is_quarantined_and_the_stored_row_stays(small_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(small_store / "out", out)
    with duckdb.connect(str(out / "yunshao.duckdb"), read_only=True) as con:
        row = con.execute("SELECT bid_id, tender_id, price, company_id FROM bids ORDER BY bid_id LIMIT 1").fetchone()
        bid, tender, price, company = row  # type: ignore[misc]
        before = con.execute("SELECT count(*) FROM quarantine").fetchone()[0]  # type: ignore[index]
    delta = tmp_path / "delta"
    delta.mkdir()
    pd.DataFrame(
        {
            "bid_id": [bid, "B_NEW_1", "B_NEW_2"],
            "tender_id": [tender, tender, "T_NOPE"],  # a stored tender resolves; an unknown one does not
            "company_id": [company] * 3,
            "price": ["-5", "1000.5", "1000.5"],
        }
    ).to_csv(delta / "bids.csv", index=False)
    result = CliRunner().invoke(app, ["update", str(delta), "--store", str(out)])
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(out / "yunshao.duckdb"), read_only=True) as con:
        sql = "SELECT json_extract_string(row, '$.bid_id'), reason FROM quarantine WHERE file = 'bids.csv'"
        reasons = dict(con.execute(sql).fetchall())
        after = con.execute("SELECT count(*) FROM quarantine").fetchone()[0]  # type: ignore[index]
        kept = con.execute("SELECT price FROM bids WHERE bid_id = ?", [bid]).fetchone()
        new = con.execute("SELECT tender_id FROM bids WHERE bid_id = 'B_NEW_1'").fetchone()
    assert set(reasons) == {bid, "B_NEW_2"} and after == before + 2
    assert "price" in reasons[bid]
    assert reasons["B_NEW_2"] == "tender_id reference: 'T_NOPE' not found in tenders.tender_id"
    assert kept == (price,)
    assert new == (tender,)
    assert len(pd.read_parquet(out / "quarantine.parquet")) == after


def test_references_resolve_against_store_and_delta(small_store: Path, tmp_path: Path) -> None:
    """A new project may name a stored parent (a self-reference), a new approval must fit its stored
    project's domain, and a new approval of a new project resolves in the delta."""
    out = tmp_path / "out"
    shutil.copytree(small_store / "out", out)
    with duckdb.connect(str(out / "yunshao.duckdb"), read_only=True) as con:
        parent, unit = con.execute(
            "SELECT project_id, unit_id FROM projects WHERE domain = 'construction' ORDER BY project_id LIMIT 1"
        ).fetchone()  # type: ignore[misc]
    delta = tmp_path / "delta"
    delta.mkdir()
    pd.DataFrame(
        {"project_id": ["P_CHILD", "P_ORPHAN"], "domain": ["construction"] * 2, "unit_id": [unit] * 2,
         "parent_project_id": [parent, "P_NOPE"]}
    ).to_csv(delta / "projects.csv", index=False)  # fmt: skip
    pd.DataFrame(
        {"event_id": ["E_NEW_1", "E_NEW_2"], "project_id": ["P_CHILD", parent], "node": ["C01", "I01"],
         "action": ["submit"] * 2, "occurred_at": ["2025-01-02T09:00:00"] * 2}
    ).to_csv(delta / "approvals.csv", index=False)  # fmt: skip
    result = CliRunner().invoke(app, ["update", str(delta), "--store", str(out)])
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(out / "yunshao.duckdb"), read_only=True) as con:
        reasons = dict(con.execute("SELECT file, reason FROM quarantine WHERE file LIKE '%s.csv'").fetchall())
        kept = con.execute("SELECT count(*) FROM approvals WHERE event_id = 'E_NEW_1'").fetchone()
        scored = con.execute("SELECT count(*) FROM project_scores WHERE project_id = 'P_CHILD'").fetchone()
    assert reasons == {
        "projects.csv": "parent_project_id reference: 'P_NOPE' not found in projects.project_id",
        "approvals.csv": "node domain: I01 is not a node of a construction project",
    }
    assert kept == (1,) and scored == (1,)


def test_a_missing_store_is_one_line(tmp_path: Path) -> None:
    delta = tmp_path / "delta"
    delta.mkdir()
    missing = tmp_path / "nowhere"
    line = _one_line_error(CliRunner().invoke(app, ["update", str(delta), "--store", str(missing)]))
    assert line == f"error: --store {missing}: no yunshao store found (make one with `yunshao run DATASET --out OUT`)"


def test_a_missing_or_empty_delta_is_one_line_and_leaves_the_store(small_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(small_store / "out", out)
    stamp = (out / "yunshao.duckdb").stat().st_mtime_ns
    line = _one_line_error(CliRunner().invoke(app, ["update", str(tmp_path / "nope"), "--store", str(out)]))
    assert line == f"error: {tmp_path / 'nope'}: delta folder not found"
    (tmp_path / "empty").mkdir()
    line = _one_line_error(CliRunner().invoke(app, ["update", str(tmp_path / "empty"), "--store", str(out)]))
    assert line.endswith("no contract table (<table>.csv or <table>.parquet) found in the delta")
    assert (out / "yunshao.duckdb").stat().st_mtime_ns == stamp
    assert not (out / ".yunshao.duckdb.update").exists()
