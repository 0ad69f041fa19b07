"""Several detectors as one transformer: per-detector anomaly percentiles and their mean.

Raw detector scores live on unrelated scales (path lengths, log tail probabilities, density ratios);
turning each into its percentile among the training rows puts them on one 0–1 scale that a combination
and a classifier can both read, and that means the same thing on another county's data.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from yunshao.settings import ModelSettings
from yunshao.training.detectors import ECODDetector, make_detector
from yunshao.training.threads import thread_map

ANOMALY_PREFIX = "anomaly_"
ANOMALY_SCORE = "anomaly_score"
_DEFAULTS = ModelSettings()  # the forest size's one home is ``model.n_estimators``


class AnomalyScorer(TransformerMixin, BaseEstimator):
    """Fits the named detectors on a feature frame; ``transform`` gives ``anomaly_<name>`` percentiles."""

    def __init__(
        self,
        detectors: tuple[str, ...] = ("iforest", "ecod"),
        n_estimators: int = _DEFAULTS.n_estimators,
        random_state: int | None = None,
        n_jobs: int | None = None,
    ) -> None:
        self.detectors = detectors
        self.n_estimators = n_estimators
        self.random_state = random_state
        self.n_jobs = n_jobs

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Scorers pickled before ``n_jobs`` existed load as fitted on one thread."""
        state.setdefault("n_jobs", None)
        super().__setstate__(state)

    def fit(self, X: pd.DataFrame, y: Any = None) -> AnomalyScorer:
        self._fit(X)
        return self

    def fit_transform(self, X: pd.DataFrame, y: Any = None, **fit_params: Any) -> pd.DataFrame:
        """``fit(X).transform(X)``, scoring each row once (the fit scores the rows for its reference)."""
        return self._percentiles(self._fit(X), X.index)

    def _fit(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        """Fit every detector; returns the raw scores of the training rows (higher = more anomalous).

        The detectors are independent and each is seeded, so ``n_jobs`` threads (the forest's tree walks
        and the ECDFs' sorts release the GIL) fit them side by side with the very same results as one."""
        self.columns_ = list(X.columns)
        values = X.to_numpy(dtype=np.float64)
        fitted = thread_map(self.n_jobs, lambda name: self._fit_one(name, values), self.detectors)
        self.fitted_: dict[str, Any] = {name: det for name, det, _ in fitted}
        raw: dict[str, np.ndarray] = {name: scores for name, _, scores in fitted}
        self.reference_: dict[str, np.ndarray] = {name: np.sort(scores) for name, scores in raw.items()}
        return raw

    def _fit_one(self, name: str, values: np.ndarray) -> tuple[str, Any, np.ndarray]:
        params: dict[str, Any] = {"n_estimators": self.n_estimators} if name == "iforest" else {}
        det = make_detector(name, self.random_state, **params)
        return name, det, -det.fit_score_samples(values)

    def raw(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        """Raw anomaly scores per detector (higher = more anomalous)."""
        check_is_fitted(self, "fitted_")
        values = X.reindex(columns=self.columns_).to_numpy(dtype=np.float64)
        return {name: -det.score_samples(values) for name, det in self.fitted_.items()}

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return self._percentiles(self.raw(X), X.index)

    def _percentiles(self, raw: dict[str, np.ndarray], index: pd.Index) -> pd.DataFrame:
        out = pd.DataFrame(index=index)
        for name, scores in raw.items():
            ref = self.reference_[name]
            out[f"{ANOMALY_PREFIX}{name}"] = np.searchsorted(ref, scores, side="right") / max(len(ref), 1)
        out[ANOMALY_SCORE] = out.mean(axis=1) if len(out.columns) else 0.0
        return out

    def contributions(self, X: pd.DataFrame) -> pd.DataFrame | None:
        """Per-feature shares of the ECOD score (exactly additive), or None without an ECOD detector."""
        check_is_fitted(self, "fitted_")
        det = self.fitted_.get("ecod")
        if not isinstance(det, ECODDetector):
            return None
        values = X.reindex(columns=self.columns_).to_numpy(dtype=np.float64)
        return pd.DataFrame(det.contributions(values), index=X.index, columns=self.columns_)
