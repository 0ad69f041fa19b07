"""Label-free adaptation of the default score: a two-component mixture on the reference z-scores.

Adopted (``CollusionScorer`` default, docs/screens.md): ``model="adapted"`` (free means, one free shared
covariance) run for ONE EM step from the fixed score's Φ(Z). The full EMs of the models below were
measured and not adopted (they drift to other splits of the file). The pinned model, described next,
was the first idea:

The tenders of a file are a mixture of competitive tenders and collusive ones. Against the fixed
competitive reference (``screens_reference``), a competitive tender's signed screen z-scores follow the
reference's own distribution: mean 0 and, for a tender with n bids, the correlation R_n of the z's among
reference tenders with n bids. Collusion moves the screens, so collusive tenders' z's sit elsewhere.

The model: component 0 is **pinned** to the reference, N(0, R_n), whatever its share of the file; component
1 is the reference **shifted by a free mean** μ (shared by all tenders), N(μ, R_n), with a free share π.
The EM learns μ and π from the file, without labels; the score is the posterior of component 1. Because
both components share R_n, the log likelihood ratio of a tender is linear in its z's,

    log f₁(z) − log f₀(z) = μₒᵀ Pₒ zₒ − ½ μₒᵀ Pₒ μₒ,   Pₒ = (R_n restricted to the tender's screens)⁺,

so the score is a weighted sum of the z's whose weights (P μ) are learnt per market: a screen that this
market's rings move the "wrong" way gets a negative weight, one they do not move gets none. Missing
screens (a tender with 3 bids has no kurtosis) are marginalised: the Gaussian restricted to the screens the
tender has. The pseudo-inverse handles screens that are exact functions of each other (with 2 bids cv,
spread and diffp are one number). The reference says which component is competitive, so it works where
rings are most of the tenders.

The EM starts from the fixed score (responsibility of component 1 = Φ(Z)), so it is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

MODELS = ("pinned", "free_means", "adapted", "separate")
PINV_RCOND = 1e-6  # relative cut-off of the pseudo-inverse: numerical only (exactly redundant screens)


@dataclass(frozen=True)
class PatternGroup:
    """Tenders sharing a number of reference bids and a set of available screens."""

    rows: np.ndarray  # row indices into the z matrix
    observed: np.ndarray  # column indices of the available screens
    precision: np.ndarray  # pseudo-inverse of R_n restricted to the observed screens


@dataclass(frozen=True)
class MixtureFit:
    """The fitted shift ``mean`` (one entry per screen), the collusive ``share`` and the EM's trace."""

    mean: np.ndarray
    base: np.ndarray  # the competitive component's mean (0 when pinned)
    share: float  # the prior share of the collusive component in the last E-step
    covariance: np.ndarray | None  # the shared ("adapted") or collusive ("separate") covariance, else None (R_n)
    base_covariance: np.ndarray | None  # the competitive component's own covariance ("separate")
    iterations: int
    converged: bool
    log_odds: np.ndarray  # per row of the z matrix, NaN where the tender has no screen


def pattern_groups(z: np.ndarray, n_bids: np.ndarray, correlation: Callable[[int], np.ndarray]) -> list[PatternGroup]:
    """Group the rows of ``z`` (NaN = missing) by number of bids and available screens.

    ``correlation(n)`` is the reference correlation of all screens (NaN where undefined for n bids)."""
    available = np.isfinite(z)
    keys: dict[tuple[int, bytes], list[int]] = {}
    for i, (n, mask) in enumerate(zip(n_bids, available, strict=True)):
        if mask.any() and np.isfinite(n) and n >= 2:
            keys.setdefault((int(n), mask.tobytes()), []).append(i)
    groups = []
    for (n, _), rows in sorted(keys.items()):
        observed = np.flatnonzero(available[rows[0]])
        r = correlation(n)[np.ix_(observed, observed)]
        groups.append(PatternGroup(np.asarray(rows), observed, np.linalg.pinv(r, rcond=PINV_RCOND, hermitian=True)))
    return groups


def log_likelihood_ratio(
    z: np.ndarray, groups: Sequence[PatternGroup], mean: np.ndarray, base: np.ndarray | None = None
) -> np.ndarray:
    """log N(z; μ₁, R_n) − log N(z; μ₀, R_n) per row over its available screens (μ₀ = 0 by default; NaN
    for a row without screens)."""
    base = np.zeros_like(mean) if base is None else base
    out = np.full(z.shape[0], np.nan)
    for g in groups:
        m1, m0 = mean[g.observed], base[g.observed]
        zo = z[np.ix_(g.rows, g.observed)]
        out[g.rows] = zo @ (g.precision @ (m1 - m0)) - 0.5 * float(m1 @ g.precision @ m1 - m0 @ g.precision @ m0)
    return out


def _gaussian_log_density(zo: np.ndarray, mean: np.ndarray, covariance: np.ndarray) -> np.ndarray:
    _sign, logdet = np.linalg.slogdet(covariance)
    d = zo - mean
    quad = np.einsum("ij,ij->i", d @ np.linalg.pinv(covariance, rcond=PINV_RCOND, hermitian=True), d)
    return np.asarray(-0.5 * (quad + logdet))


def separate_log_likelihood_ratio(
    z: np.ndarray,
    groups: Sequence[PatternGroup],
    mean: np.ndarray,
    base: np.ndarray,
    covariance: np.ndarray,
    base_covariance: np.ndarray,
) -> np.ndarray:
    """log N(z; μ₁, Σ₁) − log N(z; μ₀, Σ₀) per row over its available screens (NaN without screens)."""
    out = np.full(z.shape[0], np.nan)
    for g in groups:
        o = g.observed
        zo = z[np.ix_(g.rows, o)]
        out[g.rows] = _gaussian_log_density(zo, mean[o], covariance[np.ix_(o, o)]) - _gaussian_log_density(
            zo, base[o], base_covariance[np.ix_(o, o)]
        )
    return out


def _weighted_mean(z: np.ndarray, groups: Sequence[PatternGroup], resp: np.ndarray) -> np.ndarray:
    """μ = (Σᵢ rᵢ Pᵢ)⁺ Σᵢ rᵢ Pᵢ zᵢ: generalised least squares with each tender's precision over its own
    screens (a screen no tender has keeps μ = 0)."""
    k = z.shape[1]
    a, b = np.zeros((k, k)), np.zeros(k)
    for g in groups:
        weights = resp[g.rows]
        a[np.ix_(g.observed, g.observed)] += weights.sum() * g.precision
        b[g.observed] += g.precision @ (weights @ z[np.ix_(g.rows, g.observed)])
    return np.asarray(np.linalg.pinv(a, rcond=PINV_RCOND, hermitian=True) @ b)


def regroup(groups: Sequence[PatternGroup], covariance: np.ndarray) -> list[PatternGroup]:
    """The same tender groups with precisions from another covariance (restricted to each group's screens)."""
    return [
        PatternGroup(
            g.rows,
            g.observed,
            np.linalg.pinv(covariance[np.ix_(g.observed, g.observed)], rcond=PINV_RCOND, hermitian=True),
        )
        for g in groups
    ]


def fit_mixture(
    z: np.ndarray,
    groups: Sequence[PatternGroup],
    initial: np.ndarray,
    model: str = "adapted",
    max_iter: int = 500,
    tol: float = 1e-7,
    ridge: float = 1e-3,
) -> MixtureFit:
    """EM for two Gaussian components of the z's; ``initial`` = starting responsibilities of component 1.

    ``model`` (see the module's docstring and docs/screens.md):

    * ``"pinned"``: component 0 pinned at N(0, R_n), component 1 N(μ₁, R_n) with a free μ₁;
    * ``"free_means"``: both means free, covariance R_n;
    * ``"adapted"``: both means free and one free covariance Σ shared by the components, pooled within
      them over the tenders that have every screen (plus ``ridge`` on the diagonal); R_n until then.

    Each M-step: share π = mean responsibility; means by generalised least squares, μ = (Σᵢ rᵢ Pᵢ)⁺ Σᵢ rᵢ Pᵢ zᵢ,
    with each tender's precision over its own screens. ``max_iter`` = 1 is one EM step from ``initial``."""
    if model not in MODELS:
        raise ValueError(f"unknown mixture model {model!r}; expected one of {MODELS}")
    k = z.shape[1]
    scored = np.concatenate([g.rows for g in groups]) if groups else np.array([], dtype=int)
    complete = np.flatnonzero(np.isfinite(z).all(axis=1))
    resp = np.full(z.shape[0], np.nan)
    resp[scored] = np.clip(initial[scored], 1e-6, 1 - 1e-6)
    mean, base, share = np.zeros(k), np.zeros(k), 0.5
    covariance: np.ndarray | None = None
    base_covariance: np.ndarray | None = None
    current = list(groups)
    log_odds = np.full(z.shape[0], np.nan)
    converged, steps = False, 0
    while steps < max_iter and not converged:
        steps += 1
        share = float(np.clip(np.mean(resp[scored]), 1e-6, 1 - 1e-6))
        new_mean = _weighted_mean(z, current, resp)
        new_base = base if model == "pinned" else _weighted_mean(z, current, 1.0 - resp)
        llr = None
        if model in ("adapted", "separate") and complete.size > 2 * k:
            zc, rc = z[complete], resp[complete][:, None]
            d1, d0 = zc - new_mean, zc - new_base
            s1, s0 = (rc * d1).T @ d1, ((1 - rc) * d0).T @ d0
            if model == "adapted":
                covariance = (s1 + s0) / complete.size + ridge * np.eye(k)
                current = regroup(groups, covariance)
            else:
                covariance = s1 / rc.sum() + ridge * np.eye(k)
                base_covariance = s0 / (1 - rc).sum() + ridge * np.eye(k)
                llr = separate_log_likelihood_ratio(z, groups, new_mean, new_base, covariance, base_covariance)
        if llr is None:
            llr = log_likelihood_ratio(z, current, new_mean, new_base)
        log_odds = np.log(share / (1 - share)) + llr
        resp[scored] = expit(log_odds[scored])
        converged = float(max(np.max(np.abs(new_mean - mean)), np.max(np.abs(new_base - base)))) < tol
        mean, base = new_mean, new_base
    return MixtureFit(mean, base, share, covariance, base_covariance, steps, converged, log_odds)


def literature_side(mean: np.ndarray, weights: Mapping[str, float], columns: Sequence[str], r: np.ndarray) -> float:
    """The shift μ on the fixed score's axis: wᵀμ / √(wᵀ R w), positive when collusion-like."""
    w = np.array([weights.get(c, 0.0) for c in columns])
    return float(w @ mean / np.sqrt(w @ r @ w))
