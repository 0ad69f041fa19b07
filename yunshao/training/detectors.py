"""Unsupervised outlier detectors over feature tables, as scikit-learn estimators.

Rules only catch what someone wrote down; a detector ranks what is unusual among peers. Feature tables
hold NULLs (a family skipped, a project with no tender) and amounts spanning six orders of magnitude, so
each detector handles both itself: missing values are imputed and flagged (Isolation Forest, LOF) or
carry no evidence (ECOD), and skewed scales are compressed before any distance or split is taken.

Conventions follow scikit-learn's outlier detectors: ``score_samples`` is lower for more abnormal rows,
``decision_function`` is negative for outliers and ``predict`` returns -1/+1. ``transform`` returns the
anomaly score as one column (higher = more anomalous) so a detector can sit in a pipeline and feed a
classifier (the XGBOD pattern).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, OutlierMixin, TransformerMixin
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.impute import SimpleImputer
from sklearn.neighbors import LocalOutlierFactor
from sklearn.preprocessing import RobustScaler
from sklearn.utils.validation import check_is_fitted, validate_data

from yunshao.settings import ModelSettings

#: the forest size defaults to the settings' ``model.n_estimators`` (one home for each default)
_DEFAULTS = ModelSettings()

Array = NDArray[np.float64]


class _Detector(TransformerMixin, OutlierMixin, BaseEstimator):
    """Shared conventions: NaN allowed, offset from contamination, transform = anomaly score column."""

    contamination: float | Literal["auto"]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    def _validate(self, X: Any, reset: bool) -> Array:
        return np.asarray(
            validate_data(self, X, reset=reset, ensure_all_finite="allow-nan", dtype=np.float64),
            dtype=np.float64,
        )

    def _set_offset(self, train_scores: Array, auto_offset: float) -> None:
        if self.contamination == "auto":
            self.offset_ = auto_offset
        else:
            self.offset_ = float(np.percentile(train_scores, 100.0 * float(self.contamination)))

    def _fit(self, Z: Array) -> Array:
        """Fit on validated rows; returns their ``score_samples`` (which the offset needs anyway)."""
        raise NotImplementedError

    def fit(self, X: Any, y: Any = None) -> _Detector:
        self._fit(self._validate(X, reset=True))
        return self

    def fit_score_samples(self, X: Any) -> Array:
        """``fit(X).score_samples(X)`` with each row scored once: scoring a county's rows costs as much as
        fitting on them."""
        return self._fit(self._validate(X, reset=True))

    def score_samples(self, X: Any) -> Array:
        raise NotImplementedError

    def decision_function(self, X: Any) -> Array:
        check_is_fitted(self, "offset_")
        return self.score_samples(X) - self.offset_

    def predict(self, X: Any) -> NDArray[np.int64]:
        return np.where(self.decision_function(X) < 0, -1, 1).astype(np.int64)

    def fit_predict(self, X: Any, y: Any = None, **kwargs: Any) -> NDArray[np.int64]:
        return self.fit(X).predict(X)

    def transform(self, X: Any) -> Array:
        """The anomaly score as a single column: higher is more anomalous."""
        return (-self.score_samples(X)).reshape(-1, 1)

    def get_feature_names_out(self, input_features: Any = None) -> NDArray[np.object_]:
        return np.asarray([f"{type(self).__name__.lower()}_score"], dtype=object)


def _compress(X: Array) -> Array:
    """Signed log-like compression: keeps order and sign, tames amounts that span orders of magnitude."""
    return np.arcsinh(X)


class IsolationForestDetector(_Detector):
    """Isolation Forest after median imputation with missing-value indicators and robust scaling.

    Splits are drawn uniformly between a feature's minimum and maximum, so one huge budget would make
    every large project look isolated; robust scaling then ``arcsinh`` compresses the tails first.
    """

    def __init__(
        self,
        n_estimators: int = _DEFAULTS.n_estimators,
        max_samples: int | float | str = "auto",
        max_features: float = 1.0,
        contamination: float | Literal["auto"] = "auto",
        random_state: int | None = None,
    ) -> None:
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.max_features = max_features
        self.contamination = contamination
        self.random_state = random_state

    def _fit(self, Z: Array) -> Array:
        self.imputer_ = SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)
        self.scaler_ = RobustScaler()
        prepared = _compress(self.scaler_.fit_transform(self.imputer_.fit_transform(Z)))
        self.forest_ = IsolationForest(
            n_estimators=self.n_estimators,
            max_samples=self.max_samples,
            max_features=self.max_features,
            random_state=self.random_state,
        ).fit(prepared)
        train = np.asarray(self.forest_.score_samples(prepared), dtype=np.float64)
        self._set_offset(train, auto_offset=-0.5)
        return train

    def _prepare(self, X: Any) -> Array:
        check_is_fitted(self, "forest_")
        Z = self._validate(X, reset=False)
        return _compress(self.scaler_.transform(self.imputer_.transform(Z)))

    def score_samples(self, X: Any) -> Array:
        return np.asarray(self.forest_.score_samples(self._prepare(X)), dtype=np.float64)


class ECODDetector(_Detector):
    """Empirical-CDF outlier detection (ECOD, Li et al. 2022), additive over features.

    Each feature contributes the negative log of its tail probability under the training ECDF, the tail
    chosen by the feature's skewness; the row's score is the sum. A missing value contributes nothing (no
    evidence either way), and the sum is exact per feature, which is what ``contributions`` returns for
    explanations. Only ranks are used, so scale never matters.
    """

    def __init__(self, contamination: float | Literal["auto"] = 0.1) -> None:
        self.contamination = contamination

    def _fit(self, Z: Array) -> Array:
        self.sorted_ = [np.sort(col[~np.isnan(col)]) for col in Z.T]
        self.tail_ = np.array([_tail_sign(col[~np.isnan(col)]) for col in Z.T], dtype=np.float64)
        train = self.contributions(Z).sum(axis=1)
        self._set_offset(-train, auto_offset=float(-np.percentile(train, 90.0)))
        return -train

    def contributions(self, X: Any) -> Array:
        """Per-feature tail scores (rows × features); a row's anomaly score is their sum."""
        check_is_fitted(self, "sorted_")
        Z = self._validate(X, reset=False)
        out = np.zeros(Z.shape)  # C order whatever the input's: the row sums then add in one order
        for j, ref in enumerate(self.sorted_):
            col = Z[:, j]
            if ref.size == 0:
                continue
            n = ref.size
            if self.tail_[j] < 0:  # share of the reference at or below the value
                tail = (np.searchsorted(ref, col, side="right") + 1.0) / (n + 1.0)
            else:  # ... at or above it
                tail = (n - np.searchsorted(ref, col, side="left") + 1.0) / (n + 1.0)
            out[:, j] = np.where(np.isnan(col), 0.0, -np.log(np.minimum(tail, 1.0)))
        return out

    def score_samples(self, X: Any) -> Array:
        return -self.contributions(X).sum(axis=1)


def _tail_sign(values: Array) -> float:
    """-1 when the feature is left-skewed (its low values are the unusual ones), else +1."""
    if values.size < 3 or np.allclose(values, values[0]):
        return 1.0
    centred = values - values.mean()
    skew = float(np.mean(centred**3) / (np.mean(centred**2) ** 1.5))
    return -1.0 if skew < 0 else 1.0


class LOFDetector(_Detector):
    """Local Outlier Factor on a PCA-reduced, imputed and compressed space (novelty mode)."""

    def __init__(
        self,
        n_neighbors: int = 35,
        n_components: int = 10,
        contamination: float | Literal["auto"] = "auto",
        random_state: int | None = None,
    ) -> None:
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.contamination = contamination
        self.random_state = random_state

    def _fit(self, Z: Array) -> Array:
        self.imputer_ = SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)
        self.scaler_ = RobustScaler()
        prepared = _compress(self.scaler_.fit_transform(self.imputer_.fit_transform(Z)))
        k = max(1, min(self.n_components, prepared.shape[1], prepared.shape[0]))
        self.pca_ = PCA(n_components=k, random_state=self.random_state).fit(prepared)
        reduced = self.pca_.transform(prepared)
        neighbours = max(1, min(self.n_neighbors, reduced.shape[0] - 1))
        self.lof_ = LocalOutlierFactor(n_neighbors=neighbours, novelty=True).fit(reduced)
        train = np.asarray(self.lof_.score_samples(reduced), dtype=np.float64)
        self._set_offset(train, auto_offset=-1.5)
        return train

    def score_samples(self, X: Any) -> Array:
        check_is_fitted(self, "lof_")
        Z = self._validate(X, reset=False)
        prepared = _compress(self.scaler_.transform(self.imputer_.transform(Z)))
        return np.asarray(self.lof_.score_samples(self.pca_.transform(prepared)), dtype=np.float64)


DETECTORS: dict[str, type[_Detector]] = {
    "iforest": IsolationForestDetector,
    "ecod": ECODDetector,
    "lof": LOFDetector,
}


def make_detector(name: str, random_state: int | None = None, **params: Any) -> _Detector:
    """A detector by its short name (``iforest``, ``ecod``, ``lof``)."""
    if name not in DETECTORS:
        raise ValueError(f"unknown detector '{name}'; known: {', '.join(DETECTORS)}")
    cls = DETECTORS[name]
    if "random_state" in cls().get_params():
        params.setdefault("random_state", random_state)
    return cls(**params)
