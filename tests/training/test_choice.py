"""The combination is chosen by bootstrap shares: how often each candidate ranks the outcomes best."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

from yunshao.training.combine import RiskCombiner, choice_shares
from yunshao.training.evaluate import weighted_average_precision


def test_weighted_average_precision_is_scikit_learns_with_ties() -> None:
    rng = np.random.default_rng(1)
    y = rng.random(400) < 0.1
    score = np.round(rng.random(400) * 20) / 20  # 21 distinct values: ties everywhere
    weights = rng.poisson(1.0, size=(13, 400))
    expected = [average_precision_score(y, score, sample_weight=w) for w in weights]
    assert np.allclose(weighted_average_precision(y, score, weights, chunk=4), expected, rtol=0, atol=1e-12)


def test_a_replicate_without_positive_weight_has_no_average_precision() -> None:
    y = np.array([1, 0, 0])
    out = weighted_average_precision(y, np.array([0.9, 0.5, 0.1]), np.array([[0, 1, 1], [1, 1, 1]]))
    assert np.isnan(out[0]) and out[1] == 1.0


def test_shares_count_the_replicates_each_candidate_wins() -> None:
    """Checked against scikit-learn on the same Poisson replicates (drawn row by row from the same seed)."""
    rng = np.random.default_rng(3)
    y = (rng.random(300) < 0.15).astype(int)
    scores = {"a": y + rng.normal(0, 0.9, 300), "b": y + rng.normal(0, 0.9, 300), "c": rng.random(300)}
    got = choice_shares(scores, y, rounds=40, random_state=7)
    draw = np.random.default_rng(7)
    replicates = [draw.poisson(1.0, 300) for _ in range(40)]
    wins = [max(scores, key=lambda n: average_precision_score(y, scores[n], sample_weight=w)) for w in replicates]
    assert got == {n: wins.count(n) / 40 for n in scores}
    assert 0 < got["a"] < 1 and 0 < got["b"] < 1  # two candidates within each other's noise share the choice


def test_a_candidate_that_ranks_every_outcome_first_takes_every_replicate() -> None:
    y = np.array([1, 1, 0, 0, 0, 0])
    perfect, reversed_ = np.array([6.0, 5, 4, 3, 2, 1]), np.array([1.0, 2, 3, 4, 5, 6])
    assert choice_shares({"worse": reversed_, "best": perfect}, y, 20, 0) == {"worse": 0.0, "best": 1.0}
    # equal scores: the earlier candidate wins the tie
    assert choice_shares({"first": perfect, "second": perfect.copy()}, y, 20, 0) == {"first": 1.0, "second": 0.0}


def test_risk_mixes_the_chosen_candidates_by_share_then_shrinks() -> None:
    """Worked by hand on four projects: rules alone and the classifier alone, shares 3/4 and 1/4."""
    parts = pd.DataFrame(
        {
            "rules_red": [1, 0, 0, 0],
            "rules_yellow": [0, 1, 0, 0],
            "anomaly_score": [0.0, 0.0, 0.0, 0.0],
            "model_score": [0.1, 0.2, 0.9, 0.4],
            "is_emergency": [0, 0, 0, 0],
        }
    )
    comb = RiskCombiner(red_hit=0.6, yellow_hit=0.3, w_anomaly=0.0, w_pattern=0.0)
    comp = comb.components(parts)
    comb.shares_, comb.stack_, comb.shrink_ = {"rules": 0.75, "classifier": 0.25}, None, 0.5
    comb._shrink(comp, n_positive=100)  # shrink_labels 100: half of the way
    # rule component 0.6, 0.3, 0, 0 → percentiles (rank among the four, ties counted up) 1, 3/4, 1/2, 1/2
    # model 0.1, 0.2, 0.9, 0.4 → 1/4, 2/4, 1, 3/4; weighted mean (rule + model)/2 = .35, .25, .45, .2 → 3/4, 2/4, 1, 1/4
    picked = 0.75 * np.array([1, 0.75, 0.5, 0.5]) + 0.25 * np.array([0.25, 0.5, 1, 0.75])
    default = np.array([0.75, 0.5, 1, 0.25])
    assert np.allclose(comb.risk(parts, comp), 100 * (0.5 * default + 0.5 * picked))
    # without model scores the classifier drops out and rules alone remain
    no_model = parts.assign(model_score=np.nan)
    assert comb.usable_shares(comb.components(no_model)) == {"rules": 0.75}


def test_a_combiner_pickled_with_one_chosen_candidate_scores_as_a_share_of_one() -> None:
    """The state a model pickled before shares holds: ``method_`` and the reference ``chosen``."""
    rng = np.random.default_rng(0)
    parts = pd.DataFrame(
        {
            "rules_red": rng.integers(0, 2, 200),
            "rules_yellow": rng.integers(0, 2, 200),
            "anomaly_score": rng.random(200),
            "model_score": rng.random(200),
            "is_emergency": 0,
        }
    )
    y = np.where(rng.random(200) < 0.3, (parts["model_score"] > 0.5).astype(int), -1)
    comb = RiskCombiner(red_hit=0.6, yellow_hit=0.3).fit(parts, y, folds=np.arange(200) % 5)
    comb.shares_ = {"classifier": 1.0}
    comb._shrink(comb.components(parts), int((y == 1).sum()))
    expected = comb.risk(parts)
    state = comb.__getstate__()
    state["final_reference_"] = {"weighted": state["final_reference_"]["weighted"],
                                 "chosen": state["final_reference_"]["classifier"]}  # fmt: skip
    del state["shares_"], state["choice_rounds"]
    state["method_"] = "classifier"
    old = RiskCombiner.__new__(RiskCombiner)
    old.__setstate__(state)
    assert old.shares_ == {"classifier": 1.0} and np.array_equal(old.risk(parts), expected)
    assert old.get_params()["choice_rounds"] == 100  # a parameter the old model never had takes its default


def test_above_the_row_cap_every_positive_is_kept_and_the_others_stand_for_the_rest() -> None:
    """Checked against scikit-learn on the documented draws: the sample of other rows, then the replicates."""
    rng = np.random.default_rng(5)
    y = (rng.random(1000) < 0.05).astype(int)
    scores = {"a": y + rng.normal(0, 0.7, 1000), "b": y + rng.normal(0, 0.7, 1000)}
    got = choice_shares(scores, y, rounds=30, random_state=2, max_rows=200)
    draw = np.random.default_rng(2)
    others = np.flatnonzero(y == 0)
    keep = 200 - int(y.sum())
    rows = np.sort(np.concatenate([np.flatnonzero(y == 1), np.sort(draw.choice(others, keep, replace=False))]))
    assert len(rows) == 200 and y[rows].sum() == y.sum()
    scale = np.where(y[rows] == 1, 1.0, len(others) / keep)
    wins = []
    for _ in range(30):
        w = draw.poisson(1.0, 200) * scale
        wins.append(max(scores, key=lambda n: average_precision_score(y[rows], scores[n][rows], sample_weight=w)))
    assert got == {n: wins.count(n) / 30 for n in scores}
