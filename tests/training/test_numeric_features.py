"""numeric_features reads a feature table as floats: checked against pandas' own reading of the table
(``.df()``, first row per key, numeric and boolean dtypes as float64, infinities as NaN) and by hand."""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pandas as pd
import pytest

from yunshao.training.dataset import numeric_features

TABLE = """
CREATE TABLE feats AS SELECT * FROM (VALUES
    ('p1', 1::INTEGER, TRUE, 1.25::DECIMAL(10, 2), 5::HUGEINT, DATE '2020-01-01', 3::UTINYINT, 'a', 2.5::FLOAT,
     INTERVAL 1 DAY, 'infinity'::DOUBLE, -7::BIGINT),
    ('p2', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '-infinity'::DOUBLE, NULL),
    ('p1', 9::INTEGER, FALSE, 9.99::DECIMAL(10, 2), 9::HUGEINT, DATE '2021-01-01', 9::UTINYINT, 'b', 9.5::FLOAT,
     INTERVAL 2 DAY, 9.0::DOUBLE, 9::BIGINT),
    ('p3', 0::INTEGER, FALSE, 0.10::DECIMAL(10, 2), -2::HUGEINT, NULL, 0::UTINYINT, NULL, 0.1::FLOAT,
     NULL, 0.3::DOUBLE, 0::BIGINT)
) t(project_id, n, flag, amount, big, day, small, label, ratio, gap, score, delta)
"""


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.execute(TABLE)
    return c


def _pandas_reading(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    df = con.execute("SELECT * FROM feats").df().drop_duplicates(subset="project_id").set_index("project_id")
    df.index = df.index.astype(str)
    keep = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c])]
    return df[keep].astype("float64").replace([np.inf, -np.inf], np.nan)


def test_the_same_frame_as_pandas_reading_it(con):
    got = numeric_features(con, "feats", "project_id")
    pd.testing.assert_frame_equal(got, _pandas_reading(con), check_exact=True)


def test_values_by_hand(con):
    got = numeric_features(con, "feats", "project_id")
    assert list(got.index) == ["p1", "p2", "p3"]  # the first row of p1 is kept
    assert list(got.columns) == ["n", "flag", "amount", "big", "small", "ratio", "score", "delta"]
    assert math.isnan(got.loc["p1", "score"])  # infinity
    assert got.loc["p1", ["n", "flag", "amount", "big", "small", "ratio", "delta"]].tolist() == [
        1.0,
        1.0,
        1.25,
        5.0,
        3.0,
        2.5,
        -7.0,
    ]
    assert got.loc["p2"].isna().all()  # NULLs and -infinity
    assert got.loc["p3", "amount"] == 0.1 and got.loc["p3", "big"] == -2.0
    assert got.loc["p3", "ratio"] == float(np.float32(0.1))  # a FLOAT widened, not re-rounded


def test_an_empty_table_keeps_its_columns(con):
    con.execute("CREATE TABLE empty_feats AS SELECT * FROM feats LIMIT 0")
    got = numeric_features(con, "empty_feats", "project_id")
    assert got.shape == (0, 8) and got.index.name == "project_id"
