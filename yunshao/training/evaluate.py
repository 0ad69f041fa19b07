"""Ranking metrics an inspector cares about: average precision, precision and recall in the top share,
recall per scheme, and how precise the red level is."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score


def average_precision(y: np.ndarray, score: np.ndarray) -> float:
    y = np.asarray(y)
    if y.sum() == 0 or y.sum() == len(y):
        return float("nan")
    return float(average_precision_score(y, score))


def weighted_average_precision(
    y: np.ndarray, score: np.ndarray, weights: np.ndarray, row_weight: np.ndarray | None = None, chunk: int = 8
) -> np.ndarray:
    """Average precision of one score under each row of ``weights`` (replicates × rows, times
    ``row_weight`` per row when given), as scikit-learn's ``average_precision_score(y, score,
    sample_weight=w)`` computes it, ties included; NaN for a replicate without positive weight.

    Why not call scikit-learn per replicate: a bootstrap asks for hundreds; sorting once and taking
    cumulative sums per replicate costs one pass each.
    """
    y, score = np.asarray(y, dtype=bool), np.asarray(score, dtype=float)
    order = np.argsort(-score, kind="stable")
    ranked = score[order]
    ends = np.flatnonzero(np.r_[ranked[1:] != ranked[:-1], True])  # last row of each tied score
    positive = y[order]
    scale = None if row_weight is None else np.asarray(row_weight, dtype=float)[order]
    out = np.empty(len(weights))
    for start in range(0, len(weights), chunk):
        w = np.asarray(weights[start : start + chunk], dtype=float)[:, order]
        if scale is not None:
            w *= scale
        hits = np.cumsum(w * positive, axis=1)[:, ends]
        seen = np.cumsum(w, axis=1)[:, ends]
        gained = np.diff(hits, axis=1, prepend=0.0)
        precision = np.divide(hits, seen, out=np.zeros_like(hits), where=seen > 0)
        total = hits[:, -1]
        ap = (gained * precision).sum(axis=1) / np.where(total > 0, total, 1.0)
        out[start : start + chunk] = np.where(total > 0, ap, np.nan)
    return out


def top_mask(score: np.ndarray, share: float) -> np.ndarray:
    """The ``share`` of rows with the highest score (ties broken by position)."""
    n = max(1, round(share * len(score)))
    order = np.argsort(-np.asarray(score), kind="stable")
    mask = np.zeros(len(score), dtype=bool)
    mask[order[:n]] = True
    return mask


def precision_at(y: np.ndarray, score: np.ndarray, share: float = 0.05) -> float:
    return float(np.asarray(y)[top_mask(score, share)].mean())


def recall_at(y: np.ndarray, score: np.ndarray, share: float = 0.05) -> float:
    y = np.asarray(y)
    return float(y[top_mask(score, share)].sum() / max(y.sum(), 1))


def recall_by_scheme(schemes: pd.Series, score: pd.Series, share: float = 0.05) -> dict[str, float]:
    """Per scheme: the share of its positive rows that fall in the top ``share`` of all rows."""
    top = pd.Series(top_mask(score.to_numpy(), share), index=score.index)
    out: dict[str, float] = {}
    for scheme, ids in schemes[schemes.astype(str) != ""].groupby(schemes).groups.items():
        out[str(scheme)] = float(top.reindex(ids).mean())
    return out


def level_precision(y: np.ndarray, level: np.ndarray, which: str = "red") -> float:
    mask = np.asarray(level) == which
    return float(np.asarray(y)[mask].mean()) if mask.any() else float("nan")


def ranking_metrics(
    y: np.ndarray, score: np.ndarray, level: np.ndarray | None = None, share: float = 0.05
) -> Mapping[str, float]:
    """The standard set logged by ``train`` and reported by the evaluation."""
    out = {
        "average_precision": average_precision(y, score),
        "precision_top5": precision_at(y, score, share),
        "recall_top5": recall_at(y, score, share),
    }
    if level is not None:
        out["red_precision"] = level_precision(y, level, "red")
        out["red_count"] = float((np.asarray(level) == "red").sum())
        out["red_recall"] = float(np.asarray(y)[np.asarray(level) == "red"].sum() / max(np.sum(y), 1))
    return out
