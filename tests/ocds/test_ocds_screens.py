"""The screens SQL against hand arithmetic and scipy; the collusion scorer's documented behaviour."""

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from yunshao.ocds.screens import (
    SCREEN_COLUMNS,
    CollusionScorer,
    ScreenInputError,
    compute_screens,
    read_bids_csv,
    screen_file,
)

TENDERS = {
    "t4": [104.0, 100.0, 105.0, 106.0],
    "t5": [210.0, 200.0, 260.0, 230.0, 231.0],
    "t3": [10.0, 30.0, 20.0],
    "t2": [50.0, 55.0],
    "t1": [9.0],
    "tie": [7.0, 7.0, 7.0, 7.0],
}


def run_screens(tenders):
    rows = [
        (tid, f"c{i}", price, i == int(np.argmin(prices)))
        for tid, prices in tenders.items()
        for i, price in enumerate(prices)
    ]
    bids = pd.DataFrame(rows, columns=["tender_id", "company_id", "price", "is_winner"])
    con = duckdb.connect()
    con.register("screen_bids", bids)
    return compute_screens(con).set_index("tender_id")


def test_screens_by_hand_for_four_bids():
    row = run_screens({"t4": TENDERS["t4"]}).loc["t4"]
    # sorted 100, 104, 105, 106; mean 103.75; s² = (14.0625 + .0625 + 1.5625 + 5.0625)/3 = 6.9167
    assert row["n_bids"] == 4
    assert row["cv"] == pytest.approx(np.sqrt(20.75 / 3) / 103.75)
    assert row["spread"] == pytest.approx(0.06)
    assert row["diffp"] == pytest.approx(0.04)
    # losing bids 104, 105, 106: s = 1 → rd = 4 / 1
    assert row["rd"] == pytest.approx(4.0)
    # F = (x − 100)/6 → 0, 2/3, 5/6, 1; D = max(i/4 − F, F − (i − 1)/4) = max(.25, 5/12, …) = 5/12
    assert row["ks"] == pytest.approx(5 / 12)


@pytest.mark.parametrize("tid", ["t4", "t5", "t3"])
def test_screens_match_scipy(tid):
    prices = np.array(TENDERS[tid])
    row = run_screens(TENDERS).loc[tid]
    ordered = np.sort(prices)
    assert row["cv"] == pytest.approx(stats.variation(prices, ddof=1))
    assert row["spread"] == pytest.approx((ordered[-1] - ordered[0]) / ordered[0])
    assert row["diffp"] == pytest.approx((ordered[1] - ordered[0]) / ordered[0])
    assert row["rd"] == pytest.approx((ordered[1] - ordered[0]) / np.std(ordered[1:], ddof=1))
    assert row["skewness"] == pytest.approx(stats.skew(prices, bias=False))
    ks = stats.kstest(prices, "uniform", args=(ordered[0], ordered[-1] - ordered[0])).statistic
    assert row["ks"] == pytest.approx(ks)
    if len(prices) >= 4:
        assert row["kurtosis"] == pytest.approx(stats.kurtosis(prices, fisher=True, bias=False))
    else:
        assert np.isnan(row["kurtosis"])


def test_screens_null_where_too_few_bids():
    out = run_screens(TENDERS)
    assert out.loc["t2", "diffp"] == pytest.approx(0.1)
    assert out.loc["t2", ["rd", "skewness", "kurtosis", "ks"]].isna().all()
    assert out.loc["t1", list(SCREEN_COLUMNS)].isna().all()
    # identical bids: no dispersion → cv, spread, diffp are 0; the shape screens are undefined
    assert out.loc["tie", ["cv", "spread", "diffp"]].tolist() == [0.0, 0.0, 0.0]
    assert out.loc["tie", ["rd", "skewness", "kurtosis", "ks"]].isna().all()


def test_null_prices_are_ignored():
    bids = pd.DataFrame(
        {
            "tender_id": ["a", "a", "a"],
            "company_id": ["x", "y", "z"],
            "price": [1.0, None, 2.0],
            "is_winner": [True, False, False],
        }
    )
    con = duckdb.connect()
    con.register("screen_bids", bids)
    out = compute_screens(con)
    assert out["n_bids"].tolist() == [2]


def screens_frame(rows):
    return pd.DataFrame(rows, columns=list(SCREEN_COLUMNS))


def test_scorer_orders_by_documented_directions():
    base = [0.05, 0.15, 0.03, 1.0, 0.0, 0.0, 0.2]
    train = screens_frame([[v * (1 + 0.1 * k) for v in base] for k in range(-5, 6)])
    scorer = CollusionScorer().fit(train)
    collusive = screens_frame([[0.005, 0.02, 0.08, 6.0, 3.0, -1.5, 0.45]])  # every screen in the collusive direction
    competitive = screens_frame([[0.2, 0.5, 0.001, 0.1, -1.0, 1.0, 0.1]])
    assert scorer.score_samples(collusive)[0] == 1.0
    assert scorer.score_samples(competitive)[0] == 0.0
    scores = scorer.score_samples(train)
    assert ((scores >= 0) & (scores <= 1)).all()


def test_scorer_needs_enough_screens():
    train = screens_frame([[0.1, 0.2, 0.01, 1.0, 0.5, -0.1, 0.2], [0.2, 0.3, 0.02, 2.0, 0.4, 0.1, 0.3]])
    scorer = CollusionScorer().fit(train)
    few = screens_frame([[0.1, 0.2, 0.01, np.nan, np.nan, np.nan, np.nan]])
    assert np.isnan(scorer.score_samples(few)[0])
    assert scorer.get_params() == {"clip": 5.0, "min_screens": 4}


def test_screen_file_roundtrip(tmp_path):
    csv = tmp_path / "bids.csv"
    csv.write_text(
        "tender_id,company_id,price,is_winner\n"
        + "".join(f"T{t},C{i},{100 + t * i + i * i},{str(i == 0).lower()}\n" for t in range(6) for i in range(4)),
        encoding="utf-8",
    )
    out = screen_file(csv, tmp_path / "out" / "screens.parquet")
    written = pd.read_parquet(tmp_path / "out" / "screens.parquet")
    assert list(written.columns) == ["tender_id", "n_bids", *SCREEN_COLUMNS, "collusion_score"]
    assert len(written) == 6
    assert written["collusion_score"].between(0, 1).all()
    assert written["diffp"].tolist() == pytest.approx(out["diffp"].tolist())


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("tender_id,company_id,price\nT1,C1,abc\n", "row 2, column price"),
        ("tender_id,company_id,price\nT1,C1,1\n,C2,2\n", "row 3, column tender_id"),
        ("tender_id,price\nT1,1\n", "missing column(s) company_id"),
        ("tender_id,company_id,price,is_winner\nT1,C1,1,maybe\n", "row 2, column is_winner"),
    ],
)
def test_bad_bids_csv(tmp_path, content, fragment):
    path = tmp_path / "b.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ScreenInputError) as err:
        read_bids_csv(path)
    assert fragment in str(err.value)
    assert str(path) in str(err.value)
