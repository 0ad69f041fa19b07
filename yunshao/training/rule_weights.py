"""How much a rule's hit is worth in this county: its confirmation rate, learned from verified outcomes.

A rule's default parameters encode one county's idea of misconduct; in another, legitimate local
practice (staged payouts, delegated signatures, firms sharing a building) can make a rule fire on
many clean projects. Outcomes say so: of the hits that were checked, how many were confirmed.

A rule's strength (the probability-like weight its hit gets in the noisy-OR of the rule component)
starts from its severity (``red_hit`` or ``yellow_hit``), scaled down when it fires on a large share of
projects: what the rule says without outcomes. Outcomes then move it by how much more, or less, often
the rule's checked hits are confirmed than the county's checked projects in general:

    confirmation rate θ = Beta posterior mean, prior mean = the county's base rate b among checked
                          projects, worth ``prior_strength`` checked hits (a few outcomes move it little)
    strength            = sigmoid(logit(severity strength) + logit(θ) − logit(b))

The comparison with b matters: the projects a county checks are mostly suspicious ones (half or more
are confirmed), so a rule that fires on two thirds of all projects is confirmed about as often as any
checked project — a raw confirmation rate would call it strong, the likelihood ratio θ/b calls it
noise. (Centring the prior on the severity instead, on the checked scale, ranked worse on every
simulated profile: docs/model-report.md.) A rule whose θ is no higher than b, with at least
``min_checked`` checked hits, is *low-confirmation*: its warnings are still written with their evidence
and guide, but it no longer makes a project red.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit, logit
from scipy.stats import beta
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from yunshao.training.dataset import RULE_PREFIX

EDGE = 1e-3  # rates are kept inside (EDGE, 1 - EDGE) before a logit


def _rounded(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 4)


def rule_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith(RULE_PREFIX)]


@dataclass(frozen=True)
class RuleHits:
    """A frame's rule columns and their severities (2 red, 1 yellow, 0 none) as one matrix.

    Read once per frame and shared: at a city's size (365k projects × ~120 rules) the conversion costs
    about half a second, and fitting the combination reads the same frame a dozen times."""

    columns: list[str]
    severity: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame) -> RuleHits:
        columns = rule_columns(frame)
        return cls(columns, frame[columns].fillna(0).to_numpy(float))

    def rows(self, mask: np.ndarray) -> RuleHits:
        """The hits of the rows ``mask`` selects."""
        return RuleHits(self.columns, self.severity[mask])


def rarity_scale(rates: np.ndarray, rarity_ref: float | None) -> np.ndarray:
    """log(1/rate)/log(1/rarity_ref), capped to [0, 1]: a rule firing on half the county says little."""
    if not rarity_ref:
        return np.ones(len(rates))
    return np.clip(np.log(1 / np.clip(rates, 1e-9, 1)) / np.log(1 / rarity_ref), 0.0, 1.0)


class RuleConfirmation(BaseEstimator):
    """Per-rule strength: the rarity-weighted severity, updated by this county's verified outcomes."""

    def __init__(
        self,
        red_hit: float = 0.7,
        yellow_hit: float = 0.35,
        rarity_ref: float | None = 0.02,
        prior_strength: float = 6.0,
        min_checked: int = 3,
        interval: float = 0.9,
    ) -> None:
        self.red_hit = red_hit
        self.yellow_hit = yellow_hit
        self.rarity_ref = rarity_ref
        self.prior_strength = prior_strength
        self.min_checked = min_checked
        self.interval = interval

    def fit(self, frame: pd.DataFrame, y: Any = None, sample_weight: Any = None) -> RuleConfirmation:
        """``frame``: rule columns (worst severity per project: 2 red, 1 yellow, 0 none); ``y``: 1/0/-1."""
        return self.fit_hits(RuleHits.of(frame), y, sample_weight)

    def fit_hits(self, hits: RuleHits, y: Any = None, sample_weight: Any = None) -> RuleConfirmation:
        """``fit`` on a frame's hits read already (``RuleHits.of``)."""
        cols, severity = hits.columns, hits.severity
        n_rows = severity.shape[0]
        hit = severity > 0
        self.columns_ = cols
        self.rates_ = hit.mean(axis=0) if n_rows else np.zeros(len(cols))
        self.red_ = (severity >= 2).sum(axis=0) >= (hit.sum(axis=0) - (severity >= 2).sum(axis=0))
        base = np.where(self.red_, self.red_hit, self.yellow_hit)
        self.prior_ = np.clip(base * rarity_scale(self.rates_, self.rarity_ref), 1e-6, 0.999)
        target = np.full(n_rows, -1) if y is None else np.asarray(y)
        w = np.ones(n_rows) if sample_weight is None else np.asarray(sample_weight, float)
        labelled = target >= 0
        # confirmed share among checked projects, a partial outcome counting its weight (as in ``confirmed_``)
        confirmed = ((target == 1) * w)[labelled].sum()
        self.base_rate_ = float(confirmed / labelled.sum()) if labelled.any() else float("nan")
        checked = hit & labelled[:, None]
        self.checked_ = checked.sum(axis=0).astype(float)
        self.confirmed_ = (checked * ((target == 1) * w)[:, None]).sum(axis=0)
        if not labelled.any():
            self.rate_ = self.lower_ = self.upper_ = np.full(len(cols), np.nan)
            self.strength_ = self.prior_.copy()
            self.low_confirmation_ = np.zeros(len(cols), dtype=bool)
            return self
        mean = float(np.clip(self.base_rate_, EDGE, 1 - EDGE))
        a = mean * self.prior_strength + self.confirmed_
        b = (1 - mean) * self.prior_strength + (self.checked_ - self.confirmed_)
        self.rate_ = a / (a + b)
        tail = (1 - self.interval) / 2
        self.lower_, self.upper_ = beta.ppf(tail, a, b), beta.ppf(1 - tail, a, b)
        self.strength_ = expit(logit(self.prior_) + logit(np.clip(self.rate_, EDGE, 1 - EDGE)) - logit(mean))
        self.low_confirmation_ = (self.checked_ >= self.min_checked) & (self.rate_ <= self.base_rate_)
        return self

    def strengths(self, parts: pd.DataFrame) -> pd.DataFrame:
        """Per rule column, its strength on the rows it hit (0 elsewhere); unseen rules count as rare."""
        hits = RuleHits.of(parts)
        return pd.DataFrame(self.strength_matrix(hits), index=parts.index, columns=hits.columns)

    def strength_matrix(self, hits: RuleHits) -> np.ndarray:
        """``strengths`` as a matrix, from a frame's hits read already."""
        check_is_fitted(self, "strength_")
        known = dict(zip(self.columns_, self.strength_, strict=True))
        severity = hits.severity
        fallback = np.where(severity >= 2, self.red_hit, self.yellow_hit)
        values = np.array([known.get(c, np.nan) for c in hits.columns], dtype=float)
        strength = np.where(np.isnan(values)[None, :], fallback, values[None, :])
        return np.asarray(np.where(severity > 0, strength, 0.0))

    def trusted_red(self, parts: pd.DataFrame) -> np.ndarray:
        """Rows with a red hit of a rule that outcomes have not shown to be noise here."""
        return self.trusted(RuleHits.of(parts), 2)

    def trusted(self, hits: RuleHits, min_severity: int) -> np.ndarray:
        """Rows with a hit of at least ``min_severity`` of a rule not shown to be noise here."""
        check_is_fitted(self, "strength_")
        low = set(self.low_confirmation_columns())
        keep = [j for j, c in enumerate(hits.columns) if c not in low]
        if not keep:
            return np.zeros(hits.severity.shape[0], dtype=bool)
        return np.asarray((hits.severity[:, keep] >= min_severity).any(axis=1), dtype=bool)

    def low_confirmation_columns(self) -> list[str]:
        check_is_fitted(self, "strength_")
        return [c for c, low in zip(self.columns_, self.low_confirmation_, strict=True) if low]

    def table(self, rule_ids: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """One row per rule: what ``run.json``, MLflow and the rule review show.

        ``rule_ids`` maps a rule column back to the rule's own id (columns are sanitised ids).
        """
        check_is_fitted(self, "strength_")
        rows = []
        for j, col in enumerate(self.columns_):
            rows.append(
                {
                    "rule_id": (rule_ids or {}).get(col, col[len(RULE_PREFIX) :]),
                    "hit_share": round(float(self.rates_[j]), 6),
                    "checked": int(self.checked_[j]),
                    "confirmed": round(float(self.confirmed_[j]), 3),
                    "prior": round(float(self.prior_[j]), 4),
                    "confirmation_rate": _rounded(self.rate_[j]),
                    "interval": [_rounded(self.lower_[j]), _rounded(self.upper_[j])],
                    "strength": round(float(self.strength_[j]), 4),
                    "low_confirmation": bool(self.low_confirmation_[j]),
                }
            )
        return rows
