"""Screens of a tender's subgroups of 3 and 4 bids (Wallimann, Imhof & Huber 2022), checked by hand."""

from __future__ import annotations

import statistics
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from yunshao.ocds.screens_subgroups import LOWEST, SUBGROUP_COLUMNS, subgroup_features
from yunshao.ocds.screens_supervised import screen_features


def _bids(prices: dict[str, list[float | None]]) -> pd.DataFrame:
    rows = [(t, p) for t, ps in prices.items() for p in ps]
    return pd.DataFrame(rows, columns=["tender_id", "price"])


def _cv(values: tuple[float, ...]) -> float:
    return statistics.stdev(values) / statistics.fmean(values)


def test_cv_and_rd_of_the_subgroups_of_three_by_hand() -> None:
    prices = [110.0, 100.0, 104.0, 101.0]  # unsorted on purpose
    row = subgroup_features(_bids({"T1": prices})).loc["T1"]
    triples = list(combinations(sorted(prices), 3))
    cvs = [_cv(t) for t in triples]
    assert row["sg3_cv_min"] == pytest.approx(min(cvs), rel=1e-12)
    assert row["sg3_cv_max"] == pytest.approx(max(cvs), rel=1e-12)
    assert row["sg3_cv_mean"] == pytest.approx(statistics.fmean(cvs), rel=1e-12)
    assert row["sg3_cv_median"] == pytest.approx(statistics.median(cvs), rel=1e-12)
    # rd = (b2 - b1) / sd(b2, b3): for (100, 101, 104) it is 1 / stdev(101, 104)
    rds = [(t[1] - t[0]) / statistics.stdev(t[1:]) for t in triples]
    assert row["sg3_rd_max"] == pytest.approx(max(rds), rel=1e-12)
    assert max(rds) == pytest.approx(4 / statistics.stdev([104.0, 110.0]), rel=1e-12)  # (100, 104, 110)


def test_a_subgroup_of_four_of_a_four_bid_tender_is_the_tender_itself() -> None:
    prices = [100.0, 101.0, 104.0, 110.0]
    row = subgroup_features(_bids({"T1": prices})).loc["T1"]
    b = np.array(prices)
    spread = (b[-1] - b[0]) / b[0]
    for stat in ("min", "mean", "median", "max"):
        assert row[f"sg4_cv_{stat}"] == pytest.approx(_cv(tuple(prices)), rel=1e-12)
        assert row[f"sg4_spread_{stat}"] == pytest.approx(spread, rel=1e-12)


def test_only_the_lowest_bids_enter_and_missing_prices_are_left_out() -> None:
    low = [100.0 + i for i in range(LOWEST)]
    features = subgroup_features(_bids({"long": [*low, 500.0, 900.0, None], "short": low}))
    pd.testing.assert_series_equal(features.loc["long"], features.loc["short"], check_names=False)


def test_too_few_bids_give_nan_and_every_tender_keeps_the_same_columns() -> None:
    features = subgroup_features(_bids({"two": [1.0, 2.0], "three": [1.0, 2.0, 4.0], "flat": [5.0, 5.0, 5.0]}))
    assert list(features.columns) == list(SUBGROUP_COLUMNS)
    assert features.loc["two"].isna().all()
    assert features.loc["three", "sg3_cv_min"] == pytest.approx(_cv((1.0, 2.0, 4.0)), rel=1e-12)
    assert features.loc["three", [c for c in SUBGROUP_COLUMNS if c.startswith("sg4_")]].isna().all()
    assert features.loc["flat", "sg3_cv_min"] == 0.0  # equal bids: cv 0, rd and the shapes undefined
    assert np.isnan(features.loc["flat", "sg3_rd_min"])
    assert "sg3_kurtosis_min" not in SUBGROUP_COLUMNS  # kurtosis needs 4 bids


def test_the_supervised_features_carry_the_subgroups_or_nan_without_bids() -> None:
    screens = pd.DataFrame(
        {"tender_id": ["T1"], "n_bids": [4], "cv": [0.04], "spread": [0.1], "diffp": [0.01], "rd": [0.3]}
        | {c: [np.nan] for c in ("kurtosis", "skewness", "ks")}
    )
    without = screen_features(screens)
    assert without.loc[:, list(SUBGROUP_COLUMNS)].isna().all().all()
    given = screens.join(subgroup_features(_bids({"T1": [100.0, 101.0, 104.0, 110.0]})), on="tender_id")
    assert screen_features(given).loc[0, "sg4_cv_min"] == pytest.approx(_cv((100.0, 101.0, 104.0, 110.0)))


def test_only_the_subgroup_candidate_reads_the_subgroup_columns() -> None:
    from yunshao.ocds.screens_supervised import _Candidate

    features = pd.DataFrame({"cv": [0.1], "collusion_score": [0.5]} | {c: [1.0] for c in SUBGROUP_COLUMNS})
    assert list(_Candidate("lightgbm")._matrix(features).columns) == ["cv", "collusion_score"]
    assert list(_Candidate("lightgbm_subgroups")._matrix(features).columns) == list(features.columns)
