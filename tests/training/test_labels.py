from __future__ import annotations

import duckdb
import pandas as pd

from yunshao.training.labels import UNLABELLED, make_targets, read_outcomes


def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        """CREATE TABLE labels AS SELECT * FROM (VALUES
        ('project','A','confirmed','bid_rigging', TIMESTAMP '2024-01-01'),
        ('project','B','partial','tender_splitting', TIMESTAMP '2024-02-01'),
        ('project','C','unfounded',NULL, TIMESTAMP '2024-03-01'),
        ('project','D','confirmed','bid_rigging', TIMESTAMP '2024-04-01'),
        ('post','S1','confirmed','self_approval', TIMESTAMP '2024-04-01')
        ) t(entity_type, entity_id, outcome, scheme, decided_at)"""
    )
    # the API's feedback later overturns D
    con.execute(
        """CREATE TABLE feedback AS SELECT * FROM (VALUES
        ('project','D','unfounded','bid_rigging', TIMESTAMP '2024-06-01')
        ) t(entity_type, entity_id, outcome, scheme, decided_at)"""
    )
    return con


def test_outcomes_become_targets_and_weights():
    index = pd.Index(["A", "B", "C", "D", "E"])
    t = make_targets(read_outcomes(_con()), "project", index, partial_weight=0.5)
    assert t.y.to_dict() == {"A": 1, "B": 1, "C": 0, "D": 0, "E": UNLABELLED}
    assert t.weight.to_dict() == {"A": 1.0, "B": 0.5, "C": 1.0, "D": 1.0, "E": 0.0}
    assert t.decided_at["D"] == pd.Timestamp("2024-06-01")


def test_post_outcomes_stay_with_posts():
    t = make_targets(read_outcomes(_con()), "post", pd.Index(["S1", "S2"]), partial_weight=0.5)
    assert t.y.to_dict() == {"S1": 1, "S2": UNLABELLED}
