"""Bid-rigging screens per tender, why a screen is missing, and the default collusion score.

The screen definitions live in one place, the feature step ``features/steps/tender_screens.sql``, so that
the feature pipeline and the ``yunshao screens`` command compute the same numbers. This module runs that
query, explains every missing screen, scores every tender against the fixed competitive reference of
``screens_reference`` and, given past verdicts, adds the supervised score of ``screens_supervised``.

围标串标筛查：每个招标的统计筛查指标、缺失原因与串通分数。
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from yunshao.ocds.screens_defs import COLLUSION_DIRECTIONS, MIN_BIDS, SCREEN_COLUMNS, missing_screens
from yunshao.ocds.screens_io import BID_COLUMNS, ScreenInputError, read_bids, read_bids_csv, read_verdicts
from yunshao.ocds.screens_reference import CollusionScorer

__all__ = [
    "BID_COLUMNS",
    "COLLUSION_DIRECTIONS",
    "MIN_BIDS",
    "SCREEN_COLUMNS",
    "CollusionScorer",
    "ScreenInputError",
    "ScreenRun",
    "compute_screens",
    "read_bids",
    "read_bids_csv",
    "score_screens",
    "screen_bids",
    "screen_file",
    "screens_sql",
]


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


def screen_bids(bids: pd.DataFrame) -> pd.DataFrame:
    """The screens of every tender of a bids frame (tender_id, company_id, price, is_winner).

    Every tender is kept, also one whose bids have no price: its screens are missing, with the reason."""
    con = duckdb.connect()
    try:
        con.register("screen_bids", bids)
        screens = compute_screens(con)
    finally:
        con.close()
    tenders = pd.DataFrame({"tender_id": pd.unique(bids["tender_id"].dropna())})
    tenders["tender_id"] = tenders["tender_id"].astype(screens["tender_id"].dtype)
    out = tenders.merge(screens, on="tender_id", how="left").sort_values("tender_id", ignore_index=True)
    out["n_bids"] = out["n_bids"].fillna(0).astype("int64")
    return out


def score_screens(screens: pd.DataFrame) -> pd.DataFrame:
    """The screens with ``missing_screens`` and the default ``collusion_score`` (fixed reference)."""
    out = screens.copy()
    out["missing_screens"] = missing_screens(out)
    out["collusion_score"] = CollusionScorer().fit(out).score_samples(out)
    return out


@dataclass
class ScreenRun:
    """What ``screen_file`` wrote, and for the command line what the supervised mode measured."""

    result: pd.DataFrame
    report: str = ""
    extras: dict[str, object] = field(default_factory=dict)


def _write(result: pd.DataFrame, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        result.to_csv(out, index=False)
    else:
        result.to_parquet(out, index=False)


def screen_file(bids_path: Path, out: Path, labels: Path | None = None) -> ScreenRun:
    """Screens, missing reasons and scores of a bids file (CSV or Parquet), one row per tender, to ``out``.

    With ``labels`` (past verdicts) a classifier learns from the tenders with a verdict and scores all of
    them; ``report`` then holds its cross-validated AUC against each single screen's."""
    bids = read_bids(Path(bids_path))
    result = score_screens(screen_bids(bids))
    run = ScreenRun(result)
    if labels is not None:
        from yunshao.ocds.screens_supervised import add_supervised  # LightGBM: loaded only when used

        verdicts = read_verdicts(Path(labels), result["tender_id"])
        run = add_supervised(result, verdicts, bids)
    _write(run.result, Path(out))
    return run
