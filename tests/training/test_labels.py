from __future__ import annotations

import duckdb
import pandas as pd

from yunshao.training.labels import UNLABELLED, make_targets, read_outcomes, time_split


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
    t = make_targets(read_outcomes(_con()), "post", pd.Index(["S1", "S2"]))
    assert t.y.to_dict() == {"S1": 1, "S2": UNLABELLED}


def test_time_split_validates_on_the_latest_decisions():
    index = pd.Index(["A", "B", "C", "D", "E"])
    t = make_targets(read_outcomes(_con()), "project", index)
    train, valid, cut = time_split(t, valid_share=0.5)
    # decisions: A Jan, B Feb, C Mar, D Jun → cut at the 2nd of 4 sorted dates (index 1) = Feb
    assert cut == pd.Timestamp("2024-02-01")
    assert list(index[train]) == ["A"] and list(index[valid]) == ["B", "C", "D"]
