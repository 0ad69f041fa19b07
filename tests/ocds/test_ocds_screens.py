"""The screens SQL against hand arithmetic and scipy; reading bids files; the file round trip."""

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from yunshao.ocds.screens import (
    SCREEN_COLUMNS,
    ScreenInputError,
    compute_screens,
    read_bids,
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


def test_skewness_and_kurtosis_by_hand():
    row = run_screens({"h": [2.0, 1.0, 4.0, 10.0, 3.0]}).loc["h"]
    # mean 4, deviations −3, −2, −1, 0, 6: m2 = 50/5 = 10, m3 = 180/5 = 36, m4 = 1394/5 = 278.8
    # skewness G1 = m3 / m2^1.5 · √(n(n−1)) / (n−2) = 36 / 31.6228 · √20 / 3 = 1.697056
    assert row["skewness"] == pytest.approx(36 / 10**1.5 * np.sqrt(20) / 3)
    assert row["skewness"] == pytest.approx(1.697056, abs=1e-6)
    # excess kurtosis G2 = ((n+1)·g2 + 6)·(n−1) / ((n−2)(n−3)), g2 = m4/m2² − 3 = −0.212 → (6·−0.212 + 6)·4/6 = 3.152
    assert row["kurtosis"] == pytest.approx(3.152)
    # losing bids 2, 3, 4, 10: s = √(((−2.75)² + (−1.75)² + (−0.75)² + 5.25²)/3) = √(38.75/3); rd = 1 / that
    assert row["rd"] == pytest.approx(1 / np.sqrt(38.75 / 3))


def test_screen_file_roundtrip(tmp_path):
    csv = tmp_path / "bids.csv"
    csv.write_text(
        "tender_id,company_id,price,is_winner\n"
        + "".join(f"T{t},C{i},{100 + t * i + i * i},{str(i == 0).lower()}\n" for t in range(6) for i in range(4)),
        encoding="utf-8",
    )
    out = screen_file(csv, tmp_path / "out" / "screens.parquet").result
    written = pd.read_parquet(tmp_path / "out" / "screens.parquet")
    assert list(written.columns) == ["tender_id", "n_bids", *SCREEN_COLUMNS, "missing_screens", "collusion_score"]
    assert len(written) == 6
    assert written["collusion_score"].between(0, 1).all()
    assert written["diffp"].tolist() == pytest.approx(out["diffp"].tolist())


def test_bids_parquet_reads_like_csv(tmp_path):
    frame = pd.DataFrame(
        {
            "tender_id": ["A", "A", "B"],
            "company_id": ["x", "y", "x"],
            "price": [1.0, 2.0, 3.0],
            "is_winner": [True, False, None],
        }
    )
    frame.to_parquet(tmp_path / "b.parquet")
    bids = read_bids(tmp_path / "b.parquet")
    assert bids["price"].tolist() == [1.0, 2.0, 3.0]
    assert bids["is_winner"].tolist() == [True, False, pd.NA]
    frame.loc[1, "price"] = float("nan")
    frame.to_parquet(tmp_path / "bad.parquet")
    with pytest.raises(ScreenInputError, match=r"row 2, column price"):
        read_bids(tmp_path / "bad.parquet")


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
