"""How well a score ranks collusive tenders: AUC of each single screen (signed by the literature's
direction, not by what fits the data) and of any score, all on the same tenders.

A tender where a screen is undefined (too few bids) is ranked in the middle for that screen, so every
screen is judged on every tender, as the combined scores are.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from yunshao.ocds.screens_defs import COLLUSION_DIRECTIONS, SCREEN_COLUMNS


def auc(y: np.ndarray | pd.Series, score: np.ndarray | pd.Series) -> float:
    """ROC AUC with undefined scores ranked in the middle; NaN when y has a single class."""
    y = np.asarray(y, dtype="int64")
    values = np.asarray(score, dtype="float64")
    if len(np.unique(y)) < 2:
        return float("nan")
    finite = np.isfinite(values)
    if not finite.any():
        return 0.5
    filled = np.where(finite, values, float(np.median(values[finite])))
    return float(roc_auc_score(y, filled))


def screen_aucs(screens: pd.DataFrame, y: np.ndarray | pd.Series) -> dict[str, float]:
    """AUC of each single screen, signed so that the literature's collusive direction scores high."""
    return {
        c: auc(y, COLLUSION_DIRECTIONS[c] * screens[c].to_numpy("float64", na_value=np.nan)) for c in SCREEN_COLUMNS
    }


def best_screen(aucs: Mapping[str, float]) -> tuple[str, float]:
    """The single screen with the highest AUC."""
    name = max(aucs, key=lambda c: -np.inf if np.isnan(aucs[c]) else aucs[c])
    return name, aucs[name]


def auc_table(rows: Mapping[str, float]) -> str:
    """A small aligned text table, best first, for stderr."""
    width = max(len(name) for name in rows)
    ordered = sorted(rows.items(), key=lambda kv: np.inf if np.isnan(kv[1]) else -kv[1])
    lines = [f"{'scorer':<{width}}  AUC"]
    lines += [f"{name:<{width}}  {value:.3f}" for name, value in ordered]
    return "\n".join(lines)
