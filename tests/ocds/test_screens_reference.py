"""Missing-screen reasons, the numpy mirror of the screens SQL, the fixed reference and when the score adapts."""

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from yunshao.ocds.screens import SCREEN_COLUMNS, compute_screens, score_screens, screen_bids
from yunshao.ocds.screens_defs import MIN_BIDS, screens_of_matrix
from yunshao.ocds.screens_reference import COMPETITIVE_CV, MIN_ADAPT_TENDERS, SCREEN_WEIGHTS, CollusionScorer


def bids_frame(tenders):
    rows = [(tid, f"c{i}", p, False) for tid, prices in tenders.items() for i, p in enumerate(prices)]
    return pd.DataFrame(rows, columns=["tender_id", "company_id", "price", "is_winner"])


def test_missing_reasons_per_screen():
    out = score_screens(screen_bids(bids_frame({"t3": [10.0, 12.0, 11.0], "t1": [5.0], "flat": [7.0, 7.0, 7.0, 7.0]})))
    out = out.set_index("tender_id")
    assert out.loc["t3", "missing_screens"] == "kurtosis: needs 4 bids, tender has 3"
    assert out.loc["t1", "missing_screens"].startswith("cv: needs 2 bids, tender has 1; spread: needs 2 bids")
    assert "ks: needs 3 bids, tender has 1" in out.loc["t1", "missing_screens"]
    assert out.loc["flat", "missing_screens"] == (
        "rd: losing bids all equal; kurtosis: all bids equal; skewness: all bids equal; ks: all bids equal"
    )
    assert np.isnan(out.loc["t1", "collusion_score"])
    assert np.isfinite(out.loc[["t3", "flat"], "collusion_score"]).all()


def test_tender_without_priced_bids_is_kept_and_explained():
    bids = bids_frame({"a": [1.0, 2.0]})
    bids.loc[len(bids)] = ["b", "c0", np.nan, False]
    out = score_screens(screen_bids(bids)).set_index("tender_id")
    assert out.loc["b", "n_bids"] == 0
    assert out.loc["b", "missing_screens"].startswith("cv: needs 2 bids, tender has 0")


def test_min_bids_match_the_sql():
    rng = np.random.default_rng(3)
    tenders = {f"n{n}": list(100 + rng.normal(0, 5, n)) for n in range(1, 6)}
    con = duckdb.connect()
    con.register("screen_bids", bids_frame(tenders))
    out = compute_screens(con).set_index("tender_id")
    for n in range(1, 6):
        defined = {c for c in SCREEN_COLUMNS if np.isfinite(out.loc[f"n{n}", c])}
        assert defined == {c for c in SCREEN_COLUMNS if MIN_BIDS[c] <= n}


@pytest.mark.parametrize("n", [2, 3, 4, 7])
def test_numpy_mirror_equals_sql(n):
    rng = np.random.default_rng(n)
    matrix = 100 * np.exp(rng.normal(0, 0.08, (25, n)))
    con = duckdb.connect()
    con.register("screen_bids", bids_frame({f"t{i:02d}": list(row) for i, row in enumerate(matrix)}))
    sql = compute_screens(con).sort_values("tender_id")
    mirror = screens_of_matrix(matrix)
    for column in SCREEN_COLUMNS:
        np.testing.assert_allclose(mirror[column], sql[column].to_numpy(), rtol=1e-9, equal_nan=True)


def test_honest_tenders_score_like_the_reference():
    """Independent normal bids at the reference dispersion: each z ≈ N(0, 1), the fixed score roughly uniform.

    The combination is normalised to unit variance but is not exactly normal, hence the looser bound."""
    rng = np.random.default_rng(11)
    matrix = 1000 * (1 + COMPETITIVE_CV * rng.standard_normal((3000, 6)))
    screens = pd.DataFrame(screens_of_matrix(matrix)).assign(n_bids=6)
    scorer = CollusionScorer(adapt=False).fit(screens)
    z = scorer.screen_z(screens)
    assert z.mean().abs().max() < 0.08
    assert (z.std() - 1).abs().max() < 0.08
    score = scorer.score_samples(screens)
    assert abs(np.mean(score) - 0.5) < 0.03
    assert stats.kstest(score, "uniform").statistic < 0.08


def test_small_file_falls_back_to_the_fixed_score_whatever_else_it_holds():
    """Below MIN_ADAPT_TENDERS tenders nothing is learnt: a tender's score does not depend on the others."""
    tender = {"x": [100.0, 103.0, 103.2, 103.5, 103.6]}
    honest = {f"h{i}": list(100 * (1 + 0.06 * np.random.default_rng(i).standard_normal(5))) for i in range(30)}
    rigged = {f"r{i}": [100.0, 104.0 + i / 100, 104.2, 104.3, 104.5] for i in range(30)}
    alone = score_screens(screen_bids(bids_frame(tender))).set_index("tender_id").loc["x", "collusion_score"]
    for others in (honest, rigged):
        screens = screen_bids(bids_frame({**tender, **others}))
        assert len(screens) < MIN_ADAPT_TENDERS
        assert CollusionScorer().fit(screens).mode_ == "fixed"
        mixed = score_screens(screens).set_index("tender_id")
        assert mixed.loc["x", "collusion_score"] == pytest.approx(alone)
    assert alone > 0.99


def test_large_file_adapts_and_the_score_then_depends_on_the_file():
    """From MIN_ADAPT_TENDERS tenders on, the score is learnt from the file (label-free): the traded property."""
    rng = np.random.default_rng(5)
    honest = {f"h{i:03d}": list(100 * (1 + 0.06 * rng.standard_normal(6))) for i in range(80)}
    rigged = {f"r{i:03d}": list(100 * (1 + np.r_[0, 0.04 + 0.005 * rng.random(5)])) for i in range(40)}
    screens = screen_bids(bids_frame({**honest, **rigged}))
    scorer = CollusionScorer().fit(screens)
    assert scorer.mode_ == "adapted", scorer.fallback_reason_
    assert scorer.literature_side_ > 0
    score = pd.Series(scorer.score_samples(screens), index=screens["tender_id"])
    assert score.filter(like="r").min() > score.filter(like="h").median()
    subset = screens[screens["tender_id"].str.startswith("r") | (screens["tender_id"] < "h040")]
    refit = pd.Series(CollusionScorer().fit(subset).score_samples(subset), index=subset["tender_id"])
    assert not np.allclose(refit.to_numpy(), score[refit.index].to_numpy())


def test_adapted_score_ignores_row_order_and_is_deterministic():
    rng = np.random.default_rng(6)
    tenders = {f"t{i:03d}": list(100 * (1 + 0.05 * rng.standard_normal(int(rng.integers(2, 9))))) for i in range(90)}
    screens = screen_bids(bids_frame(tenders))
    first = pd.Series(CollusionScorer().fit(screens).score_samples(screens), index=screens["tender_id"])
    shuffled = screens.sample(frac=1.0, random_state=1)
    again = pd.Series(CollusionScorer().fit(shuffled).score_samples(shuffled), index=shuffled["tender_id"])
    pd.testing.assert_series_equal(first, again[first.index], check_exact=False, rtol=1e-9)


def test_score_moves_with_each_screen_in_the_literature_direction():
    base = {
        "n_bids": 6,
        "cv": 0.05,
        "spread": 0.15,
        "diffp": 0.03,
        "rd": 1.0,
        "kurtosis": 0.0,
        "skewness": 0.0,
        "ks": 0.2,
    }
    more = {"cv": 0.02, "spread": 0.05, "diffp": 0.08, "rd": 3.0, "kurtosis": 3.0, "skewness": -1.5, "ks": 0.5}
    scorer = CollusionScorer().fit(pd.DataFrame([base]))
    reference = scorer.score_samples(pd.DataFrame([base]))[0]
    for column, value in more.items():
        assert scorer.score_samples(pd.DataFrame([{**base, column: value}]))[0] > reference, column


def test_weights_favour_the_strongest_screens_and_params_are_sklearn_style():
    assert {c for c, w in SCREEN_WEIGHTS.items() if w == max(SCREEN_WEIGHTS.values())} == {"cv", "kurtosis", "rd"}
    params = CollusionScorer().get_params()
    assert params == {
        "competitive_cv": COMPETITIVE_CV,
        "weights": None,
        "reference_size": 40_000,
        "random_state": 0,
        "adapt": True,
        "min_tenders": MIN_ADAPT_TENDERS,
        "min_share": 0.02,
        "adapt_model": "adapted",
        "adapt_iterations": 1,
    }
