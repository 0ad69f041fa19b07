"""Honest reductions (核减): a few clean change orders carry negative amounts, as the contract allows on a
change node, and the loader keeps them (issue 17, item 5)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from yunshao.contract import load_dataset
from yunshao.engine import connect
from yunshao.simulate import SimulationSummary

pytestmark = pytest.mark.slow  # the session's simulated county of 1,500 projects (conftest.py)


def test_a_small_share_of_change_orders_reduce_the_works(con: duckdb.DuckDBPyConnection) -> None:
    n_steps, reductions, wrong_node, unnoted, inflated = con.execute(
        """
        SELECT count(*) FILTER (node = 'C17' AND action = 'change'),
               count(*) FILTER (node = 'C17' AND action = 'change' AND amount < 0),
               count(*) FILTER (node <> 'C17' AND amount < 0),
               count(*) FILTER (action = 'change' AND amount < 0 AND note NOT LIKE '核减%'),
               count(*) FILTER (amount < 0 AND project_id IN (SELECT project_id FROM planted
                                                               WHERE scheme = 'settlement_inflation'))
        FROM approvals
        """
    ).fetchone()
    assert 0.02 < reductions / n_steps < 0.15, (reductions, n_steps)
    assert (wrong_node, unnoted, inflated) == (0, 0, 0)


def test_a_reduction_signs_no_supplement_and_lowers_the_settlement(con: duckdb.DuckDBPyConnection) -> None:
    negative_contracts = con.execute("SELECT count(*) FROM contracts WHERE amount < 0").fetchone()[0]
    assert negative_contracts == 0
    over = con.execute(
        """
        WITH cut AS (SELECT project_id, sum(amount) AS changes FROM approvals
                     WHERE node = 'C17' AND action = 'approve' GROUP BY ALL HAVING min(amount) < 0)
        SELECT count(*) FROM cut JOIN settlements s USING (project_id)
        JOIN (SELECT project_id, sum(amount) AS main FROM contracts WHERE kind = 'main' GROUP BY ALL) m
          USING (project_id)
        WHERE s.audited_amount > 1.01 * (m.main + cut.changes)
        """
    ).fetchone()[0]
    assert over == 0


def test_the_loader_keeps_every_reduction(sim: SimulationSummary) -> None:
    db = connect()
    load_dataset(Path(sim.out), db)
    refused = db.execute("SELECT count(*) FROM quarantine WHERE reason LIKE '% range: %'").fetchone()[0]
    kept = db.execute("SELECT count(*) FROM approvals WHERE node = 'C17' AND amount < 0").fetchone()[0]
    planted_negative = [
        d
        for d in db.execute("SELECT defect FROM read_parquet(?)", [str(sim.truth / "bad_rows.parquet")]).fetchall()
        if d[0] == "negative_amount"
    ]
    assert kept > 0
    assert refused == len(planted_negative)
