"""The bid-market simulator, and what the scores achieve on it (AUC by sklearn's roc_auc_score)."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from yunshao.ocds.screens import SCREEN_COLUMNS, score_screens, screen_bids
from yunshao.ocds.screens_defs import COLLUSION_DIRECTIONS
from yunshao.ocds.screens_supervised import ScreenClassifier, add_supervised
from yunshao.simulate.bid_markets import MARKETS, MarketSpec, simulate_market


def scored_market(name, seed=1, n_tenders=600):
    market = simulate_market(dataclasses.replace(MARKETS[name], n_tenders=n_tenders), seed)
    scored = score_screens(screen_bids(market.bids)).merge(market.truth, on="tender_id")
    return market, scored[scored["n_bids"] >= 2].reset_index(drop=True)


def single_screen_aucs(frame):
    """Independent of screens_metrics: each screen signed by its direction, undefined values at the median."""
    out = {}
    for column in SCREEN_COLUMNS:
        values = COLLUSION_DIRECTIONS[column] * frame[column]
        out[column] = roc_auc_score(frame["collusive"], values.fillna(values.median()))
    return out


def test_simulator_is_a_pure_function_of_spec_and_seed():
    spec = MarketSpec("t", n_tenders=50, rings={"full": 0.5, "partial": 0.3, "weak": 0.2}, covers={"ladder": 1.0})
    a, b = simulate_market(spec, 4), simulate_market(spec, 4)
    pd.testing.assert_frame_equal(a.bids, b.bids)
    assert not simulate_market(spec, 5).bids.equals(a.bids)
    assert set(a.truth["ring"]) <= {"none", "full", "partial", "weak"}
    assert (a.bids.groupby("tender_id")["is_winner"].sum() == 1).all()
    with pytest.raises(ValueError, match="unknown ring"):
        simulate_market(dataclasses.replace(spec, rings={"cartel": 1.0}), 1)


def test_rings_majority_market_has_eighty_percent_rigged_tenders():
    market = simulate_market(MARKETS["majority80"], 2)
    assert market.truth["collusive"].mean() == pytest.approx(0.8, abs=0.05)


def test_full_ring_covers_sit_just_above_the_designated_winner():
    spec = MarketSpec("c", n_tenders=40, collusive_share=1.0, covers={"cluster": 1.0}, cover_gap=(0.01, 0.02))
    bids = simulate_market(spec, 3).bids
    ratio = bids.groupby("tender_id")["price"].agg(lambda p: p.max() / p.min())
    assert ratio.between(1.01, 1.02 * 1.01 + 1e-9).all()


@pytest.mark.parametrize("name", ["mixed", "majority80"])
def test_default_score_at_least_as_good_as_the_best_single_screen(name):
    """Rings of several strengths (mixed), and rings in 80 % of the tenders (majority80)."""
    _, frame = scored_market(name)
    best = max(single_screen_aucs(frame).values())
    assert roc_auc_score(frame["collusive"], frame["collusion_score"]) >= best


def test_supervised_beats_default_and_every_single_screen_on_unseen_tenders():
    market, frame = scored_market("partial", seed=1, n_tenders=500)
    labelled = np.random.default_rng(0).random(len(frame)) < 0.3
    verdicts = pd.Series(
        frame.loc[labelled, "collusive"].to_numpy(), index=pd.Index(frame.loc[labelled, "tender_id"], dtype="string")
    )
    run = add_supervised(frame.drop(columns=["collusive", "ring"]), verdicts, market.bids)
    unseen = run.result.merge(market.truth, on="tender_id")
    unseen = unseen[~unseen["has_verdict"]]
    supervised = roc_auc_score(unseen["collusive"], unseen["supervised_score"])
    assert supervised > roc_auc_score(unseen["collusive"], unseen["collusion_score"])
    assert supervised > max(single_screen_aucs(unseen).values())
    assert "supervised (" in run.report and "collusion_score (default)" in run.report


def test_classifier_follows_sklearn_conventions():
    _, frame = scored_market("few_bidders", n_tenders=150)
    model = ScreenClassifier(n_splits=3).fit(frame, frame["collusive"])
    proba = model.predict_proba(frame)
    assert proba.shape == (len(frame), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(model.cv_auc_) == set(model.candidates)
    assert model.get_params() == {"candidates": model.candidates, "n_splits": 3, "random_state": 0}
    assert set(model.predict(frame)) <= {0, 1}
    with pytest.raises(ValueError, match="at least 2 tenders of each class"):
        ScreenClassifier().fit(frame.iloc[:5], [1, 0, 0, 0, 0])
