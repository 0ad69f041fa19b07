"""The scorers a county's model has to beat, built as a data scientist would build them on day one.

- ``rules_alone``: the noisy-OR of the rules' default severities (red hit 0.7, yellow 0.35), no
  outcome used; red where a red rule hit.
- ``plain_lightgbm``: scikit-learn-style ``LGBMClassifier`` with its default parameters on the same
  table (features, one column per rule, context), trained on the verified outcomes, cross-fitted so
  that no project is scored by a model that trained on it; unlabelled projects enter as negatives of a
  weight chosen by cross-validated average precision among ``weights`` (0 = labelled projects only).

They live beside the model so that the evaluation (``benchmarks/model_eval.py``) and the test that
yunshao is never worse than its parts compare against one definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from yunshao.training.evaluate import average_precision
from yunshao.training.labels import UNLABELLED, Targets

RED_HIT, YELLOW_HIT = 0.7, 0.35


@dataclass
class Baseline:
    score: pd.Series
    level: pd.Series
    info: dict[str, Any] = field(default_factory=dict)


def rules_alone(frame: pd.DataFrame) -> Baseline:
    """Noisy-OR of rule hit counts at the default severities; levels straight from the hits."""
    red = frame["rules_red"].fillna(0).to_numpy(float)
    yellow = frame["rules_yellow"].fillna(0).to_numpy(float)
    score = 100 * (1 - (1 - RED_HIT) ** red * (1 - YELLOW_HIT) ** yellow)
    level = np.where(red > 0, "red", np.where(yellow > 0, "yellow", "green"))
    return Baseline(pd.Series(score, index=frame.index), pd.Series(level, index=frame.index))


def plain_lightgbm(
    frame: pd.DataFrame,
    targets: Targets,
    weights: tuple[float, ...] = (0.0, 0.1, 1.0),
    n_folds: int = 5,
    seed: int = 0,
) -> Baseline | None:
    """Cross-fitted default LightGBM; None when the outcomes hold fewer than two classes per fold."""
    y = targets.y.to_numpy()
    labelled = y != UNLABELLED
    if (y == 1).sum() < n_folds or not (labelled & (y == 0)).any():
        return None
    X = frame.to_numpy(dtype=np.float64)
    positive = (y == 1).astype(int)
    folds = np.zeros(len(y), dtype=int)
    splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    for k, (_, test) in enumerate(splitter.split(X, positive)):
        folds[test] = k
    table: list[dict[str, Any]] = []
    best: tuple[float, float, np.ndarray] | None = None
    for w in weights:
        oof = _cross_fit(X, y, targets.weight.to_numpy(), folds, w, seed)
        ap = average_precision(positive, oof)
        table.append({"unlabelled_weight": w, "cv_ap": ap})
        if best is None or ap > best[0]:
            best = (ap, w, oof)
    assert best is not None
    score = pd.Series(100 * best[2], index=frame.index)
    level = pd.Series(np.where(best[2] >= 0.5, "red", np.where(best[2] >= 0.2, "yellow", "green")), index=frame.index)
    return Baseline(score, level, {"unlabelled_weight": best[1], "cv": table})


def _cross_fit(X: np.ndarray, y: np.ndarray, weight: np.ndarray, folds: np.ndarray, w: float, seed: int) -> np.ndarray:
    out = np.zeros(len(y))
    for k in np.unique(folds):
        train = folds != k
        if w == 0:
            train &= y != UNLABELLED
        target = np.maximum(y[train], 0)
        sample_weight = np.where(y[train] == UNLABELLED, w, np.where(weight[train] > 0, weight[train], 1.0))
        model = lgb.LGBMClassifier(random_state=seed, n_jobs=1, verbose=-1)
        model.fit(X[train], target, sample_weight=sample_weight)
        out[folds == k] = np.asarray(model.predict_proba(X[folds == k]))[:, 1]
    return out
