"""The default collusion score: each tender against a fixed competitive reference, never against its file.

Why a fixed reference. A score relative to the file's own distribution (a percentile, a robust z-score)
is at chance where cartels are most of the tenders: the "typical" tender of such a file is collusive.
So every screen of a tender is compared with what independent competitive bidding produces for a tender
with the same number of bids, a reference that does not move with the file.

The reference (docs/screens.md gives the sources):

* Competitive bids of one tender are independent draws from one normal distribution (McCaffer & Pettitt
  1976 for building bids; Skitmore, Drew & Ngai 2001 find the spread of the two lowest bids consistent
  with independent lognormal draws, which at a few per cent dispersion is nearly the same). The
  location- and scale-free screens (rd, kurtosis, skewness, ks) then have a distribution that depends
  on the number of bids only; it is tabulated here by Monte Carlo, once per number of bids.
* The scale-dependent screens (cv, spread, diffp) also need the competitive coefficient of variation;
  ``COMPETITIVE_CV`` (5 %) is a documented conservative choice, not a published figure (see the doc).
* Each screen's direction under collusion follows Imhof (2017) and Huber & Imhof (2019).

Each screen becomes a one-sided z-score: z = Φ⁻¹(share of competitive reference tenders with the same
number of bids that are less collusion-like), so z ≈ N(0, 1) for honest tenders and large for
collusive ones. The screens are combined with fixed weights (``SCREEN_WEIGHTS``: the strongest single
screens of the literature, cv, kurtosis and rd, weigh most), normalised by the combination's standard
deviation under the reference (the screens are correlated), and the score is Φ of that: roughly the
share of competitive reference tenders that look less collusion-like than this one (the combination has
unit variance under the reference but is not exactly normal).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit
from sklearn.base import BaseEstimator

from yunshao.ocds.screens_defs import COLLUSION_DIRECTIONS, SCREEN_COLUMNS, screens_of_matrix
from yunshao.ocds.screens_mixture import (
    MixtureFit,
    fit_mixture,
    literature_side,
    log_likelihood_ratio,
    pattern_groups,
    regroup,
    separate_log_likelihood_ratio,
)

# Competitive coefficient of variation of the bids of one tender. No published mean was found in the
# sources this project could read (docs/screens.md, "Reference values"); 5 % is a round value on the
# low side, so that honest tenders of a market whose bids are more dispersed look less, not more,
# collusion-like. It moves the score's reading, hardly its ranking of tenders with the same number of bids.
COMPETITIVE_CV = 0.05

# Weights of the screens in the default score, fixed before any evaluation (docs/screens.md, "Weights"):
# tier 1 (1.0) the strongest single screens of the literature, tier 2 (0.5) the supporting asymmetry and
# uniformity screens, tier 3 (0.25) the screens that duplicate cv (spread) or depend on the scale (diffp).
SCREEN_WEIGHTS: Mapping[str, float] = {
    "cv": 1.0,
    "kurtosis": 1.0,
    "rd": 1.0,
    "skewness": 0.5,
    "ks": 0.5,
    "spread": 0.25,
    "diffp": 0.25,
}
REFERENCE_TENDERS = 40_000  # Monte Carlo tenders per number of bids
MAX_REFERENCE_BIDS = 60  # tenders with more bids are compared with tenders of this many
# The adapted score (screens_mixture) needs enough tenders to learn a shift of seven means and a share:
# below this many tenders with screens, or when the shifted component holds less than this share of
# them, the fixed score is used (docs/screens.md, "The default collusion_score").
MIN_ADAPT_TENDERS = 50
MIN_ADAPT_SHARE = 0.02
# EM steps of the adaptation: one step from the fixed score (docs/screens.md says why not the full EM).
ADAPT_ITERATIONS = 1


class ReferenceTable:
    """The competitive reference for one number of bids: sorted signed screens and their correlation."""

    def __init__(self, n_bids: int, competitive_cv: float, size: int, seed: int) -> None:
        rng = np.random.default_rng([seed, n_bids])
        bids = 1.0 + competitive_cv * rng.standard_normal((size, n_bids))
        signed = {c: COLLUSION_DIRECTIONS[c] * v for c, v in screens_of_matrix(bids).items()}
        self.sorted = {c: np.sort(v) for c, v in signed.items() if np.isfinite(v).all()}
        z = np.column_stack([self.z(c, signed[c]) for c in SCREEN_COLUMNS if c in self.sorted])
        self.columns = [c for c in SCREEN_COLUMNS if c in self.sorted]
        self.correlation = np.corrcoef(z, rowvar=False) if len(self.columns) > 1 else np.ones((1, 1))
        full = np.full((len(SCREEN_COLUMNS), len(SCREEN_COLUMNS)), np.nan)
        idx = [SCREEN_COLUMNS.index(c) for c in self.columns]
        full[np.ix_(idx, idx)] = self.correlation
        self.full_correlation = full  # all seven screens, NaN where a screen is undefined for n bids

    def z(self, column: str, signed: np.ndarray) -> np.ndarray:
        """Φ⁻¹ of the mid-rank share of reference tenders below each signed value (NaN stays NaN)."""
        ref = self.sorted[column]
        below = np.searchsorted(ref, signed, side="left")
        at_or_below = np.searchsorted(ref, signed, side="right")
        share = (below + at_or_below + 1.0) / (2.0 * (ref.size + 1.0))
        out = stats.norm.ppf(share)
        out[~np.isfinite(signed)] = np.nan
        return np.asarray(out, dtype="float64")


@lru_cache(maxsize=256)
def reference_table(n_bids: int, competitive_cv: float, size: int, seed: int) -> ReferenceTable:
    """Built once per number of bids and settings; a few milliseconds each."""
    return ReferenceTable(min(n_bids, MAX_REFERENCE_BIDS), competitive_cv, size, seed)


def _frame(X: Any) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame):
        raise TypeError("expected a DataFrame with n_bids and the screens " + ", ".join(SCREEN_COLUMNS))
    missing = [c for c in ("n_bids", *SCREEN_COLUMNS) if c not in X.columns]
    if missing:
        raise ValueError(f"missing column(s) {', '.join(missing)}")
    return X


class CollusionScorer(BaseEstimator):
    """Default collusion score per tender in [0, 1]: the competitive reference, adapted to the file.

    Every screen of a tender becomes a z-score against the fixed competitive reference (``screen_z``).
    With ``adapt`` (the default) ``fit`` then learns, without labels, how this file's collusive tenders
    are shifted from the reference (``screens_mixture``: a component pinned to the reference and one
    shifted by a free mean), and the score is the posterior of the shifted component. It falls back to
    the fixed score Φ(Z) (``combined_z``: literature weights and directions) when the file has fewer
    than ``min_tenders`` tenders with screens, when the shifted component takes less than
    ``min_share`` of them, or when it does not lie on the collusive side of the reference along the
    literature's combination (then it is not the rings the EM found but honest tenders that the
    reference misfits). ``mode_`` says which was used; ``mixture_`` holds the fit.
    """

    def __init__(
        self,
        competitive_cv: float = COMPETITIVE_CV,
        weights: Mapping[str, float] | None = None,
        reference_size: int = REFERENCE_TENDERS,
        random_state: int = 0,
        adapt: bool = True,
        min_tenders: int = MIN_ADAPT_TENDERS,
        min_share: float = MIN_ADAPT_SHARE,
        adapt_model: str = "adapted",
        adapt_iterations: int = ADAPT_ITERATIONS,
    ) -> None:
        self.adapt_model = adapt_model
        self.adapt_iterations = adapt_iterations
        self.competitive_cv = competitive_cv
        self.weights = weights
        self.reference_size = reference_size
        self.random_state = random_state
        self.adapt = adapt
        self.min_tenders = min_tenders
        self.min_share = min_share

    def fit(self, X: Any, y: Any = None) -> CollusionScorer:
        """Learn the shift of the collusive component from the tenders of ``X`` (``y`` is ignored)."""
        frame = _frame(X)
        self.n_features_in_ = len(frame.columns)
        self.weights_ = dict(SCREEN_WEIGHTS if self.weights is None else self.weights)
        self.mixture_: MixtureFit | None = None
        self.mode_ = "fixed"
        self.fallback_reason_ = "adaptation switched off" if not self.adapt else ""
        if not self.adapt:
            return self
        z, n_bids = self._z_matrix(frame)
        groups = pattern_groups(z, n_bids, self._correlation)
        scored = int(sum(g.rows.size for g in groups))
        if scored < self.min_tenders:
            self.fallback_reason_ = f"{scored} tenders with screens, fewer than {self.min_tenders}"
            return self
        initial = np.nan_to_num(stats.norm.cdf(self.combined_z(frame)), nan=0.5)
        fit = fit_mixture(z, groups, initial, model=self.adapt_model, max_iter=int(self.adapt_iterations))
        reference = self._correlation(MAX_REFERENCE_BIDS)
        side = literature_side(fit.mean - fit.base, self.weights_, SCREEN_COLUMNS, reference)
        self.mixture_, self.literature_side_ = fit, side
        if fit.share < self.min_share:
            self.fallback_reason_ = f"collusive component holds {fit.share:.1%} of the tenders"
        elif not side > 0:
            self.fallback_reason_ = "learnt direction not on the collusive side of the literature's"
        else:
            self.mode_ = "adapted"
        return self

    def _table(self, n_bids: int) -> ReferenceTable:
        return reference_table(
            int(n_bids), float(self.competitive_cv), int(self.reference_size), int(self.random_state)
        )

    def _correlation(self, n_bids: int) -> np.ndarray:
        return self._table(n_bids).full_correlation

    def _z_matrix(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        z = self.screen_z(frame).to_numpy(dtype="float64")
        n_bids = frame["n_bids"].to_numpy(dtype="float64", na_value=np.nan)
        return z, np.minimum(n_bids, MAX_REFERENCE_BIDS)

    def screen_z(self, X: Any) -> pd.DataFrame:
        """One-sided z-score of each screen against the reference for the tender's number of bids."""
        frame = _frame(X)
        out = pd.DataFrame(np.nan, index=frame.index, columns=list(SCREEN_COLUMNS))
        n_bids = frame["n_bids"].to_numpy(dtype="float64", na_value=np.nan)
        for n in np.unique(n_bids[np.isfinite(n_bids) & (n_bids >= 2)]).astype(int):
            rows = n_bids == n
            table = self._table(n)
            for column in table.columns:
                signed = COLLUSION_DIRECTIONS[column] * frame.loc[rows, column].to_numpy("float64", na_value=np.nan)
                out.loc[rows, column] = table.z(column, signed)
        return out

    def combined_z(self, X: Any) -> np.ndarray:
        """The fixed score's Z: weighted sum of the available z-scores over its standard deviation under the
        reference (literature weights and directions; learns nothing from the file)."""
        frame = _frame(X)
        z = self.screen_z(frame)
        weights = getattr(self, "weights_", None) or dict(SCREEN_WEIGHTS if self.weights is None else self.weights)
        n_bids = frame["n_bids"].to_numpy(dtype="float64", na_value=np.nan)
        available = z.notna().to_numpy()
        keys = pd.Series([f"{n:.0f}|{row.tobytes().hex()}" for n, row in zip(n_bids, available, strict=True)])
        out = np.full(len(frame), np.nan)
        for _, index in keys.groupby(keys).groups.items():
            rows = np.asarray(index)
            n, mask = n_bids[rows[0]], available[rows[0]]
            columns = [c for c, ok in zip(SCREEN_COLUMNS, mask, strict=True) if ok and weights.get(c, 0.0) > 0]
            if not columns or not n >= 2:
                continue
            table = self._table(int(n))
            idx = [table.columns.index(c) for c in columns]
            w = np.array([weights[c] for c in columns])
            sd = float(np.sqrt(w @ table.correlation[np.ix_(idx, idx)] @ w))
            out[rows] = z.iloc[rows][columns].to_numpy() @ w / sd
        return out

    def fixed_score(self, X: Any) -> np.ndarray:
        """Φ(combined z), about the share of competitive reference tenders less collusion-like; NaN without screens."""
        return np.asarray(stats.norm.cdf(self.combined_z(X)), dtype="float64")

    def decision_function(self, X: Any) -> np.ndarray:
        """Log odds of the shifted (collusive) component when adapted, else the fixed Z; NaN without screens."""
        frame = _frame(X)
        if getattr(self, "mode_", "fixed") != "adapted" or self.mixture_ is None:
            return self.combined_z(frame)
        z, n_bids = self._z_matrix(frame)
        groups = pattern_groups(z, n_bids, self._correlation)
        fit = self.mixture_
        prior = np.log(fit.share / (1 - fit.share))
        if fit.covariance is not None and fit.base_covariance is not None:
            llr = separate_log_likelihood_ratio(z, groups, fit.mean, fit.base, fit.covariance, fit.base_covariance)
            return np.asarray(prior + llr)
        if fit.covariance is not None:
            groups = regroup(groups, fit.covariance)
        return np.asarray(prior + log_likelihood_ratio(z, groups, fit.mean, fit.base))

    def score_samples(self, X: Any) -> np.ndarray:
        """Posterior of the collusive component (adapted) or Φ(Z) (fixed), in [0, 1]; NaN without screens."""
        if getattr(self, "mode_", "fixed") != "adapted":
            return self.fixed_score(X)
        return np.asarray(expit(self.decision_function(X)), dtype="float64")
