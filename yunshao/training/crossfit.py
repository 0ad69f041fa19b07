"""Cross-fitting: every project is scored by a classifier that never trained on it.

Unlabelled projects enter training as weak negatives; a model that then scores the same project has
learned it as clean, which pushes down exactly the hidden cases a county wants found. So the projects
are split into folds, one classifier is trained per fold on the other folds, and a project of the
training data is scored by its own fold's model (out-of-fold). A project the models never saw (the
API's new bundles, another county) gets the mean of the folds' log-odds, so its score and its SHAP
explanation (the mean of the folds' contributions) still add up exactly.

Folds follow the issue of leakage in time: labelled projects are cut into contiguous blocks by
decision date (cases decided together, often by one team, stay in one fold); unlabelled projects are
spread at random.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from yunshao.training.classifier import RiskClassifier, Treatment
from yunshao.training.labels import UNLABELLED
from yunshao.training.threads import thread_map

#: fewest rows for which predictions are spread over threads
THREADED_ROWS = 20_000


def assign_folds(y: np.ndarray, decided_at: pd.Series | None, n_folds: int, seed: int | None) -> np.ndarray:
    """A fold number per row: labelled rows in blocks of decision date, unlabelled rows at random."""
    rng = np.random.default_rng(seed)
    folds = rng.integers(0, n_folds, len(y))
    labelled = np.nonzero(np.asarray(y) != UNLABELLED)[0]
    if decided_at is not None and len(labelled):
        when = pd.to_datetime(pd.Series(np.asarray(decided_at))).iloc[labelled]
        key = when.fillna(pd.Timestamp.min).to_numpy()
        labelled = labelled[np.argsort(key, kind="stable")]
    for k, block in enumerate(np.array_split(labelled, n_folds)):
        folds[block] = k
    return folds


def sample_unlabelled(
    y: np.ndarray, weight: np.ndarray, max_unlabelled: int | None, seed: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Rows to train on and their weights: every labelled row, at most ``max_unlabelled`` unlabelled ones.

    A sampled unlabelled row stands for the ones left out, so its weight grows by the inverse sampling
    fraction and the classes keep their balance.
    """
    rows = np.arange(len(y))
    unl = rows[y == UNLABELLED]
    if max_unlabelled is None or len(unl) <= max_unlabelled:
        return rows, weight
    keep = np.random.default_rng(seed).choice(unl, size=max_unlabelled, replace=False)
    chosen = np.sort(np.concatenate([rows[y != UNLABELLED], keep]))
    w = weight.copy()
    w[keep] *= len(unl) / max_unlabelled
    return chosen, w


class CrossFittedClassifier(ClassifierMixin, BaseEstimator):
    """One ``RiskClassifier`` per fold; out-of-fold scores for the rows it was fitted on."""

    def __init__(
        self,
        n_folds: int = 5,
        unlabelled_weight: float = 0.1,
        max_unlabelled: int | None = 50_000,
        params: dict[str, Any] | None = None,
        random_state: int | None = None,
        n_jobs: int | None = None,
    ) -> None:
        self.n_folds = n_folds
        self.unlabelled_weight = unlabelled_weight
        self.max_unlabelled = max_unlabelled
        self.params = params
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _member(self) -> RiskClassifier:
        treatment: Treatment = "negatives" if self.unlabelled_weight > 0 else "labelled_only"
        return RiskClassifier(
            treatment=treatment,
            unlabelled_weight=self.unlabelled_weight,
            random_state=self.random_state,
            **(self.params or {}),
        )

    def fit(self, X: pd.DataFrame, y: Any, sample_weight: Any = None, folds: Any = None) -> CrossFittedClassifier:
        """Fit a model per fold (``folds``: a fold number per row; random when None).

        The fold models are independent and each is seeded, so ``n_jobs`` threads (LightGBM releases the
        GIL) fit them at once and give the very same models as one thread.
        """
        target = np.asarray(y, dtype=int)
        weight = np.ones(len(target)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        # each unlabelled row counts once as a weak negative (Targets weigh them 0); sampling rescales it
        weight = np.where(target == UNLABELLED, 1.0, weight)
        fold = assign_folds(target, None, self.n_folds, self.random_state) if folds is None else np.asarray(folds)
        self.classes_ = np.array([0, 1])
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        ks = range(int(fold.max()) + 1)
        self.models_: list[RiskClassifier] = thread_map(
            self.n_jobs, lambda k: self._fit_fold(X, target, weight, fold != k), ks
        )
        held = [(model, fold == k) for k, model in zip(ks, self.models_, strict=True) if (fold == k).any()]
        raw = thread_map(self.n_jobs, lambda mh: mh[0].decision_function(X.loc[mh[1]]), held)
        self.oof_raw_ = np.zeros(len(target))
        for (_, rows), values in zip(held, raw, strict=True):
            self.oof_raw_[rows] = values
        self.fold_of_ = dict(zip(map(str, X.index), fold.tolist(), strict=True))
        return self

    def _fit_fold(self, X: pd.DataFrame, target: np.ndarray, weight: np.ndarray, train: np.ndarray) -> RiskClassifier:
        idx = np.nonzero(train)[0]
        rows, w = sample_unlabelled(target[idx], weight[idx], self.max_unlabelled, self.random_state)
        return self._member().fit(X.iloc[idx[rows]], target[idx[rows]], sample_weight=w[rows])

    def _folds_of(self, X: pd.DataFrame) -> np.ndarray:
        """The fold whose model never saw each row, or -1 for rows the models never saw at all."""
        check_is_fitted(self, "models_")
        return np.array([self.fold_of_.get(str(i), -1) for i in X.index], dtype=int)

    def _per_row(self, X: pd.DataFrame, method: str) -> np.ndarray:
        fold = self._folds_of(X)
        unseen = fold < 0
        takes = [(model, (fold == k) | unseen) for k, model in enumerate(self.models_)]
        takes = [(model, take) for model, take in takes if take.any()]
        # predictions fold by fold over threads (for batches worth a pool: an API request is a few hundred
        # rows); summed in fold order, so as exact as one thread
        n_jobs = getattr(self, "n_jobs", None) if len(X) >= THREADED_ROWS else None
        values = thread_map(n_jobs, lambda mt: np.asarray(getattr(mt[0], method)(X.loc[mt[1]])), takes)
        out: np.ndarray | None = None
        for (_, take), v in zip(takes, values, strict=True):
            if out is None:
                out = np.zeros((len(X), *v.shape[1:]))
            share = np.where(unseen[take], 1.0 / len(self.models_), 1.0)
            out[take] += v * share.reshape(-1, *([1] * (v.ndim - 1)))
        return out if out is not None else np.zeros(len(X))

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """Log-odds: the own fold's model for a known row, the folds' mean for a new one."""
        return self._per_row(X, "decision_function")

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return _proba(self.decision_function(X))

    def oof_proba(self) -> np.ndarray:
        """``predict_proba`` of the rows ``fit`` saw, in their order, from the out-of-fold scores the fit kept:
        the same numbers (each row's own fold model), without predicting the county again."""
        check_is_fitted(self, "oof_raw_")
        return _proba(self.oof_raw_)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def contributions(self, X: pd.DataFrame) -> np.ndarray:
        """SHAP values (features…, base) of the same model mix as ``decision_function``: they add up to it."""
        return self._per_row(X, "contributions")


def _proba(log_odds: np.ndarray) -> np.ndarray:
    p = 1.0 / (1.0 + np.exp(-log_odds))
    return np.column_stack([1.0 - p, p])
