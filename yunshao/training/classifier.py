"""LightGBM on few, biased labels: how unlabelled rows enter training is the ``treatment``.

Targets follow scikit-learn's semi-supervised convention: 1 positive, 0 negative (``unfounded``), -1
unlabelled. Labels are hundreds at most and biased toward what inspectors chose to check, so:

- ``labelled_only``: unlabelled rows are dropped (the baseline any data scientist builds first);
- ``negatives``: unlabelled rows are negatives with a small weight (most projects are clean);
- ``pu``: positive-unlabelled learning after Elkan & Noto (2008): a first model separates labelled
  positives from the rest, its out-of-fold scores on the positives estimate c = P(labelled | positive),
  and each unlabelled row then enters twice, as a positive with weight w = (1-c)/c · g/(1-g) and as a
  negative with weight 1-w.

Columns named by ``monotone_prefixes`` (rule hits, anomaly percentiles) may only raise the score, so a
scheme with few labels keeps the push its rules and detectors give it.
"""

from __future__ import annotations

from typing import Any, Literal

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from yunshao.training.labels import UNLABELLED

Treatment = Literal["labelled_only", "negatives", "pu"]
TREATMENTS: tuple[Treatment, ...] = ("labelled_only", "negatives", "pu")


#: LightGBM's way of holding the monotone constraints. "intermediate" against "advanced": the same average
#: precision over the 20 labelled simulated counties (mean +0.001, each within ±0.015, the classifier's
#: own seed noise) and a fold model at 10M (67k rows) fitted in 4.1 s instead of 5.1 s (BENCHMARKS.md).
MONOTONE_METHOD = "intermediate"


class RiskClassifier(ClassifierMixin, BaseEstimator):
    """A binary LightGBM classifier whose ``fit`` accepts -1 (unlabelled) targets."""

    def __init__(
        self,
        treatment: Treatment = "negatives",
        unlabelled_weight: float = 0.1,
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        num_leaves: int = 15,
        min_child_samples: int = 10,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        reg_lambda: float = 1.0,
        monotone_prefixes: tuple[str, ...] = ("rule__", "rules_red", "rules_yellow", "anomaly_"),
        random_state: int | None = None,
    ) -> None:
        self.treatment = treatment
        self.unlabelled_weight = unlabelled_weight
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.monotone_prefixes = monotone_prefixes
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.classifier_tags.multi_class = False
        return tags

    def _lgbm(self, columns: list[str]) -> lgb.LGBMClassifier:
        monotone = [1 if c.startswith(self.monotone_prefixes) else 0 for c in columns]
        return lgb.LGBMClassifier(
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples,
            subsample=self.subsample,
            subsample_freq=1 if self.subsample < 1 else 0,
            colsample_bytree=self.colsample_bytree,
            reg_lambda=self.reg_lambda,
            monotone_constraints=monotone,
            monotone_constraints_method=MONOTONE_METHOD,
            random_state=self.random_state,
            n_jobs=1,
            verbose=-1,
        )

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> RiskClassifier:
        """Fit on targets 1 / 0 / -1 (unlabelled); any two class labels work when nothing is unlabelled."""
        if self.treatment not in TREATMENTS:
            raise ValueError(f"unknown treatment '{self.treatment}'; known: {', '.join(TREATMENTS)}")
        values, target = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=np.float64)
        check_classification_targets(target)
        weight = _check_sample_weight(sample_weight, values)
        code = self._encode(np.asarray(target))
        if not ((code == 1).any() and (code != 1).any()):
            raise ValueError("training needs 2 classes, got 1 class: at least one positive and one other row")
        names = self._names()
        rows, labels, weights = self._training_rows(values, code, weight, names)
        self.model_ = self._lgbm(names).fit(rows, labels, sample_weight=weights, feature_name=names)
        return self

    def _encode(self, target: np.ndarray) -> np.ndarray:
        """Targets as 1 / 0 / -1; ``classes_`` are the two labels (0 and 1 for the -1 convention)."""
        labels = np.unique(target)
        numeric = np.issubdtype(labels.dtype, np.number)
        known = labels[labels != UNLABELLED] if numeric else labels
        if numeric and set(known.tolist()) <= {0, 1}:
            self.classes_ = np.array([0, 1])
        elif len(known) == 2 and len(known) == len(labels):
            self.classes_ = known
        else:
            raise ValueError(
                f"Only binary classification is supported: 2 classes (and -1 for unlabelled), got {labels.tolist()}"
            )
        out = np.full(len(target), UNLABELLED, dtype=np.int64)
        out[target == self.classes_[0]] = 0
        out[target == self.classes_[1]] = 1
        return out

    def _names(self) -> list[str]:
        if hasattr(self, "feature_names_in_"):
            return [str(c) for c in self.feature_names_in_]
        return [f"x{i}" for i in range(self.n_features_in_)]

    def _training_rows(
        self, X: np.ndarray, y: np.ndarray, w: np.ndarray, names: list[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        labelled = y >= 0
        if self.treatment == "labelled_only":
            if not (y[labelled] == 0).any():
                raise ValueError("labelled_only needs samples of 2 classes: at least one negative label")
            return X[labelled], y[labelled], w[labelled]
        # an unlabelled row's own weight scales ``unlabelled_weight`` (a sampled row stands for several)
        unlabelled_w = np.where(labelled, w, self.unlabelled_weight * w)
        if self.treatment == "negatives":
            return X, np.maximum(y, 0), unlabelled_w
        g, c = self._pu_propensity(X, y, names)
        self.label_frequency_ = c
        unl = ~labelled
        ratio = np.clip((1 - c) / c * g[unl] / np.clip(1 - g[unl], 1e-6, None), 0.0, 1.0)
        rows = np.vstack([X[labelled], X[unl], X[unl]])
        labels = np.concatenate([y[labelled], np.ones(unl.sum(), int), np.zeros(unl.sum(), int)])
        weights = np.concatenate([w[labelled], ratio, 1 - ratio])
        return rows, labels, np.clip(weights, 0.0, None)

    def _pu_propensity(self, X: np.ndarray, y: np.ndarray, names: list[str]) -> tuple[np.ndarray, float]:
        """Out-of-fold P(labelled positive | x) and its mean over labelled positives (c)."""
        s = (y == 1).astype(int)
        g = np.zeros(len(y))
        n_splits = max(2, min(3, int(s.sum()), int((s == 0).sum())))
        folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=self.random_state)
        for train, test in folds.split(X, s):
            model = self._lgbm(names).fit(X[train], s[train], feature_name=names)
            g[test] = np.asarray(model.booster_.predict(X[test]))
        c = float(np.clip(g[s == 1].mean(), 1e-3, 1.0))
        return g, c

    def _values(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "model_")
        if isinstance(X, pd.DataFrame) and hasattr(self, "feature_names_in_"):
            X = X.reindex(columns=list(self.feature_names_in_))
        return np.asarray(
            validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64), dtype=np.float64
        )

    def predict_proba(self, X: Any) -> np.ndarray:
        values = self._values(X)
        p = np.asarray(self.model_.booster_.predict(values), dtype=np.float64)
        return np.column_stack([1.0 - p, p])

    def decision_function(self, X: Any) -> np.ndarray:
        """The raw score (log-odds) that SHAP contributions add up to."""
        values = self._values(X)
        return np.asarray(self.model_.booster_.predict(values, raw_score=True))

    def predict(self, X: Any) -> np.ndarray:
        positive = self.predict_proba(X)[:, 1] >= 0.5
        return np.asarray(self.classes_[positive.astype(int)])

    def contributions(self, X: Any) -> np.ndarray:
        """SHAP values by LightGBM's TreeSHAP (``pred_contrib``): features…, then the base value."""
        values = self._values(X)
        return np.asarray(self.model_.booster_.predict(values, pred_contrib=True))

    @property
    def booster_(self) -> lgb.Booster:
        check_is_fitted(self, "model_")
        return self.model_.booster_
