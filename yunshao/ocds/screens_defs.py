"""What each bid-rigging screen needs and which way collusion moves it; why a screen is missing.

The definitions themselves are the SQL step ``features/steps/tender_screens.sql``. ``screens_of_matrix``
restates them in numpy for the Monte Carlo reference of the default score (many thousands of synthetic
tenders per number of bids), and a test holds the two equal.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

SCREEN_COLUMNS = ("cv", "spread", "diffp", "rd", "kurtosis", "skewness", "ks")

# Fewest bids for which each screen is defined (the CASE conditions of tender_screens.sql).
MIN_BIDS: dict[str, int] = {"cv": 2, "spread": 2, "diffp": 2, "rd": 3, "kurtosis": 4, "skewness": 3, "ks": 3}

# How collusion moves each screen (Imhof 2017; Huber & Imhof 2019): cover bids cluster, so dispersion
# falls (cv, spread) and peakedness rises (kurtosis); the winner stands apart from the clustered cover
# bids (diffp, rd up), which skews the bids to the left (skewness down) and away from an even spread (ks up).
COLLUSION_DIRECTIONS: dict[str, float] = {
    "cv": -1.0,
    "spread": -1.0,
    "diffp": 1.0,
    "rd": 1.0,
    "kurtosis": 1.0,
    "skewness": -1.0,
    "ks": 1.0,
}

# Why a screen is NULL although the tender has enough bids (the other CASE conditions of the SQL).
_DEGENERATE = {
    "cv": "mean bid is 0",
    "spread": "lowest bid is 0",
    "diffp": "lowest bid is 0",
    "rd": "losing bids all equal",
    "kurtosis": "all bids equal",
    "skewness": "all bids equal",
    "ks": "all bids equal",
}


def missing_reason(column: str, n_bids: int) -> str:
    """One screen's reason, e.g. ``kurtosis: needs 4 bids, tender has 3``."""
    need = MIN_BIDS[column]
    if n_bids < need:
        return f"{column}: needs {need} bids, tender has {n_bids}"
    return f"{column}: {_DEGENERATE[column]}"


def missing_screens(screens: pd.DataFrame) -> pd.Series:
    """Per tender, the reasons of its missing screens joined by "; " (empty when none is missing)."""
    n_bids = screens["n_bids"].fillna(0).astype(int).to_numpy()
    values = screens.loc[:, list(SCREEN_COLUMNS)].to_numpy(dtype="float64", na_value=np.nan)
    reasons = [
        "; ".join(missing_reason(c, int(n)) for c, v in zip(SCREEN_COLUMNS, row, strict=True) if not np.isfinite(v))
        for n, row in zip(n_bids, values, strict=True)
    ]
    return pd.Series(reasons, index=screens.index, dtype="string")


def screens_of_matrix(bids: np.ndarray) -> dict[str, np.ndarray]:
    """The seven screens of each row of ``bids`` (tenders × bids, every row with the same number of bids)."""
    b = np.sort(np.asarray(bids, dtype="float64"), axis=1)
    rows, n = b.shape
    nan = np.full(rows, np.nan)
    out = {c: nan.copy() for c in SCREEN_COLUMNS}
    if n < 2:
        return out
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        # scipy warns of precision loss on rows of equal bids, whose shapes are masked below anyway
        warnings.simplefilter("ignore", RuntimeWarning)
        s = b.std(axis=1, ddof=1)
        out["cv"] = s / b.mean(axis=1)
        out["spread"] = (b[:, -1] - b[:, 0]) / b[:, 0]
        out["diffp"] = (b[:, 1] - b[:, 0]) / b[:, 0]
        if n >= 3:
            out["rd"] = (b[:, 1] - b[:, 0]) / b[:, 1:].std(axis=1, ddof=1)
            out["skewness"] = np.where(s > 0, stats.skew(b, axis=1, bias=False), np.nan)
            out["ks"] = _ks_uniform(b)
        if n >= 4:
            out["kurtosis"] = np.where(s > 0, stats.kurtosis(b, axis=1, fisher=True, bias=False), np.nan)
    for column in SCREEN_COLUMNS:
        out[column] = np.where(np.isfinite(out[column]), out[column], np.nan)
    return out


def _ks_uniform(b: np.ndarray) -> np.ndarray:
    n = b.shape[1]
    width = b[:, -1] - b[:, 0]
    f = (b - b[:, :1]) / width[:, None]
    i = np.arange(1, n + 1)
    return np.maximum((i / n - f).max(axis=1), (f - (i - 1) / n).max(axis=1))
