"""Shared by the analytics tests: compute the tables over a connection and pick one row."""

from __future__ import annotations

import duckdb
import pandas as pd

from yunshao.analytics import ReportTables, compute_tables
from yunshao.settings import ReportSettings


def measure(con: duckdb.DuckDBPyConnection, settings: ReportSettings, lang: str = "zh") -> ReportTables:
    """The report tables with an empty rule catalog (rule ids only), so tests do not depend on it."""
    return compute_tables(con, settings, lang=lang, catalog={})


def row(frame: pd.DataFrame, **where: object) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for col, value in where.items():
        mask &= frame[col] == value
    found = frame[mask]
    assert len(found) == 1, f"{where}: {len(found)} rows"
    return found.iloc[0]
