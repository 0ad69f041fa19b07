"""Bid-rigging screens per tender and an unsupervised collusion score.

The screen definitions live in one place, the feature step ``features/steps/tender_screens.sql``, so that
the feature pipeline and the ``yunshao screens`` command compute the same numbers. This module runs that query, scores
tenders without labels, and reads bid files for the command line.

围标串标筛查：每个招标的统计筛查指标与无监督的串通分数。
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

SCREEN_COLUMNS = ("cv", "spread", "diffp", "rd", "kurtosis", "skewness", "ks")

# How collusion moves each screen in the screening literature (Imhof 2017; Huber & Imhof 2019):
# cover bids cluster, so dispersion falls (cv, spread) and peakedness rises (kurtosis); the gap between
# the winner and the cover bids widens relative to the cover bids' own dispersion (diffp, rd), which
# skews the distribution to the left (negative skewness) and away from an even spread (ks).
COLLUSION_DIRECTIONS: dict[str, float] = {
    "cv": -1.0,
    "spread": -1.0,
    "diffp": 1.0,
    "rd": 1.0,
    "kurtosis": 1.0,
    "skewness": -1.0,
    "ks": 1.0,
}
BID_COLUMNS = ("tender_id", "company_id", "price", "is_winner")
_TRUE = {"true", "t", "1", "yes", "y"}
_FALSE = {"false", "f", "0", "no", "n"}


class ScreenInputError(ValueError):
    """A bids file that cannot be read: the message names the file, row and column."""


def screens_sql() -> str:
    """The screens query of the feature step, which reads a ``screen_bids`` view."""
    from yunshao.engine import read_sql_file
    from yunshao.features.files import STEPS_DIR

    return read_sql_file(STEPS_DIR / "tender_screens.sql").body


def compute_screens(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Run the screens over the connection's existing ``screen_bids`` view; one row per tender."""
    frame = con.execute(screens_sql()).df()
    for column in SCREEN_COLUMNS:
        frame[column] = frame[column].astype("float64")
    return frame


def _as_matrix(X: Any) -> np.ndarray:
    if isinstance(X, pd.DataFrame):
        return X.loc[:, list(SCREEN_COLUMNS)].to_numpy(dtype="float64", na_value=np.nan)
    matrix = np.asarray(X, dtype="float64")
    if matrix.ndim != 2 or matrix.shape[1] != len(SCREEN_COLUMNS):
        raise ValueError(f"expected {len(SCREEN_COLUMNS)} screen columns {SCREEN_COLUMNS}, got shape {matrix.shape}")
    return matrix


class CollusionScorer(BaseEstimator):
    """Unsupervised collusion score per tender, in [0, 1], higher meaning more collusion-like.

    Each screen is turned into a robust z-score (median and IQR/1.349 learnt in ``fit``), signed so
    that the direction collusion moves it counts as positive (``COLLUSION_DIRECTIONS``), clipped to
    ±``clip``, and averaged over the screens available for the tender. The score is the share of the
    fitted tenders with a lower average (mid-rank), so 0.95 reads "more collusion-like than 95 % of
    the tenders seen".

    Why not an anomaly detector such as IsolationForest: it flags both tails, and a tender with
    unusually *dispersed* bids is rare but competitive. The literature says which way bid rigging
    moves each screen, and a signed average keeps the score monotone in each screen and explainable.
    Tenders with fewer than ``min_screens`` defined screens (too few bids) get NaN.
    """

    def __init__(self, clip: float = 5.0, min_screens: int = 4) -> None:
        self.clip = clip
        self.min_screens = min_screens

    def fit(self, X: Any, y: Any = None) -> CollusionScorer:
        matrix = _as_matrix(X)
        self.center_ = np.full(matrix.shape[1], np.nan)
        self.scale_ = np.ones(matrix.shape[1])
        for j in range(matrix.shape[1]):
            column = matrix[:, j][np.isfinite(matrix[:, j])]
            if column.size == 0:
                continue
            q1, median, q3 = np.quantile(column, [0.25, 0.5, 0.75])
            scale = (q3 - q1) / 1.349
            if not scale > 0:
                scale = float(np.std(column))
            self.center_[j] = median
            self.scale_[j] = scale if scale > 0 else 1.0
        self.directions_ = np.array([COLLUSION_DIRECTIONS[c] for c in SCREEN_COLUMNS])
        raw = self._raw(matrix)
        self.reference_ = np.sort(raw[np.isfinite(raw)])
        self.n_features_in_ = matrix.shape[1]
        return self

    def _raw(self, matrix: np.ndarray) -> np.ndarray:
        z = (matrix - self.center_) / self.scale_ * self.directions_
        z = np.clip(z, -self.clip, self.clip)
        finite = np.isfinite(z)
        counts = finite.sum(axis=1)
        sums = np.where(finite, z, 0.0).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            raw = sums / counts
        raw[counts < self.min_screens] = np.nan
        return raw

    def score_samples(self, X: Any) -> np.ndarray:
        raw = self._raw(_as_matrix(X))
        scores = np.full(raw.shape, np.nan)
        if self.reference_.size == 0:
            return scores
        ok = np.isfinite(raw)
        below = np.searchsorted(self.reference_, raw[ok], side="left")
        at_or_below = np.searchsorted(self.reference_, raw[ok], side="right")
        scores[ok] = (below + at_or_below) / (2.0 * self.reference_.size)
        return scores


def _parse_winner(value: str, source: Path, row: int) -> bool | None:
    lowered = value.strip().lower()
    if lowered == "":
        return None
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ScreenInputError(f"{source}: row {row}, column is_winner: {value!r} is not true/false")


def read_bids_csv(path: Path) -> pd.DataFrame:
    """Bids as typed columns (tender_id, company_id, price, is_winner); is_winner may be absent.

    Rows are numbered as in a spreadsheet (the header is row 1)."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ScreenInputError(f"{path}: cannot read as CSV: {exc}") from exc
    missing = [c for c in ("tender_id", "company_id", "price") if c not in raw.columns]
    if missing:
        raise ScreenInputError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(BID_COLUMNS)}")
    prices = pd.to_numeric(raw["price"].str.strip(), errors="coerce")
    for column, bad in (("tender_id", raw["tender_id"].str.strip() == ""), ("price", prices.isna())):
        if bad.any():
            index = int(np.flatnonzero(bad.to_numpy())[0])
            value = raw[column].iloc[index]
            raise ScreenInputError(f"{path}: row {index + 2}, column {column}: cannot use {value!r}")
    winners = raw["is_winner"] if "is_winner" in raw.columns else pd.Series([""] * len(raw), dtype=str)
    flags = [_parse_winner(v, path, i + 2) for i, v in enumerate(winners)]
    return pd.DataFrame(
        {
            "tender_id": raw["tender_id"].astype("string"),
            "company_id": raw["company_id"].astype("string"),
            "price": prices.astype("float64"),
            "is_winner": pd.array(flags, dtype="boolean"),
        }
    )


def score_screens(screens: pd.DataFrame) -> pd.DataFrame:
    """The screens with ``collusion_score`` added, fitted on the same tenders (unsupervised)."""
    out = screens.copy()
    out["collusion_score"] = CollusionScorer().fit(out).score_samples(out)
    return out


def screen_file(bids_csv: Path, out: Path) -> pd.DataFrame:
    """Screens and collusion score for a bids CSV, written to ``out`` (parquet), one row per tender."""
    bids = read_bids_csv(Path(bids_csv))
    con = duckdb.connect()
    try:
        con.register("screen_bids", bids)
        result = score_screens(compute_screens(con))
    finally:
        con.close()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    result.to_parquet(out, index=False)
    return result
