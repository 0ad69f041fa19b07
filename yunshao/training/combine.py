"""Rule severities, anomaly and model scores → one ``risk_score`` (0–100) and a level.

Four components, each on 0–1: rules as a noisy-OR of their hits (a red hit counts ``red_hit``, a yellow
one ``yellow_hit``, scaled down for rules that fire on a large share of projects); the anomaly
percentile raised to ``anomaly_power`` (only the far tail should matter); the rule-pattern score (a
detector trained, without any verified outcome, on what rare rules flag red); and the classifier's
probability. The risk is their weighted mean; a component a county lacks (no labels → no classifier)
drops out with its weight.

Levels: red is rare and precise (what an inspector can check this week), yellow a watch list, green the
rest. Thresholds are chosen on validation labels when there are any (the lowest red threshold whose
precision reaches ``red_precision``), never letting red or yellow exceed their share of projects, and
stored with the model. Red needs a rule hit to point at (``red_needs_rule``), and emergency works
(抢险救灾, exempt from tendering) are red only on a red rule hit: a model alone never makes them red.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from yunshao.training.dataset import RULE_PREFIX

PARTS = ("rules_red", "rules_yellow", "anomaly_score", "pattern_score", "model_score", "is_emergency")
LEVELS = ("red", "yellow", "green")


class RiskCombiner(BaseEstimator):
    """Weights of the three components and the level thresholds chosen in ``fit``."""

    def __init__(
        self,
        w_rule: float = 1.0,
        w_anomaly: float = 0.4,
        w_model: float = 1.0,
        w_pattern: float = 1.0,
        red_hit: float = 0.7,
        yellow_hit: float = 0.35,
        anomaly_power: float = 2.0,
        red_share: float = 0.02,
        yellow_share: float = 0.10,
        red_precision: float = 0.95,
        red_needs_rule: bool = True,
        min_validation: int = 5,
        min_red_risk: float = 40.0,
        rarity_ref: float | None = 0.02,
    ) -> None:
        self.w_rule = w_rule
        self.w_anomaly = w_anomaly
        self.w_model = w_model
        self.w_pattern = w_pattern
        self.red_hit = red_hit
        self.yellow_hit = yellow_hit
        self.anomaly_power = anomaly_power
        self.red_share = red_share
        self.yellow_share = yellow_share
        self.red_precision = red_precision
        self.red_needs_rule = red_needs_rule
        self.min_validation = min_validation
        self.min_red_risk = min_red_risk
        self.rarity_ref = rarity_ref

    def rule_strengths(self, parts: pd.DataFrame) -> pd.DataFrame:
        """Per rule column, the probability-like strength of its hit on each row (0 where it did not hit).

        A red hit counts ``red_hit``, a yellow one ``yellow_hit``, each scaled by how rare the rule is:
        a rule firing on a share ``rate`` of projects carries log(1/rate)/log(1/rarity_ref) of its weight
        (capped at 1), so a rule that flags half the county says little, one that flags 1 % says much.
        Without per-rule columns, the red/yellow counts are used unscaled.
        """
        cols = [c for c in parts.columns if c.startswith(RULE_PREFIX)]
        if not cols:
            red = parts["rules_red"].fillna(0).to_numpy(float)
            yellow = parts["rules_yellow"].fillna(0).to_numpy(float)
            # n hits of strength p combine like one hit of strength 1 - (1-p)^n
            return pd.DataFrame(
                {"rules_red": 1 - (1 - self.red_hit) ** red, "rules_yellow": 1 - (1 - self.yellow_hit) ** yellow},
                index=parts.index,
            )
        severity = parts[cols].fillna(0).to_numpy(float)
        base = np.where(severity >= 2, self.red_hit, np.where(severity >= 1, self.yellow_hit, 0.0))
        rates = self._rates(parts, cols)
        scale = np.ones(len(cols))
        if self.rarity_ref:
            scale = np.clip(np.log(1 / np.clip(rates, 1e-9, 1)) / np.log(1 / self.rarity_ref), 0.0, 1.0)
        return pd.DataFrame(base * scale, index=parts.index, columns=cols)

    def _rates(self, parts: pd.DataFrame, cols: list[str]) -> np.ndarray:
        known = getattr(self, "rule_rates_", None)
        if known is None:
            return np.asarray((parts[cols].fillna(0) > 0).mean(axis=0), dtype=float)
        # a rule the fitted data never saw fire counts as rare
        return np.array([known.get(c, 0.0) for c in cols], dtype=float)

    def fit_rates(self, parts: pd.DataFrame) -> RiskCombiner:
        """Remember how often each rule fires (what ``rule_strengths`` scales by)."""
        cols = [c for c in parts.columns if c.startswith(RULE_PREFIX)]
        self.rule_rates_ = {c: float((parts[c].fillna(0) > 0).mean()) for c in cols}
        return self

    def components(self, parts: pd.DataFrame) -> pd.DataFrame:
        """The 0–1 components (``pattern``/``model`` NaN where there is no such score)."""
        strengths = self.rule_strengths(parts).to_numpy()
        rule = 1 - np.prod(1 - strengths, axis=1)
        anomaly = np.clip(parts["anomaly_score"].fillna(0).to_numpy(float), 0, 1) ** self.anomaly_power
        missing = np.full(len(parts), np.nan)
        model = parts["model_score"].to_numpy(float) if "model_score" in parts else missing
        pattern = parts["pattern_score"].to_numpy(float) if "pattern_score" in parts else missing
        return pd.DataFrame({"rule": rule, "anomaly": anomaly, "pattern": pattern, "model": model}, index=parts.index)

    def risk(self, parts: pd.DataFrame) -> np.ndarray:
        """The weighted mean of the components, times 100; rows without a model score skip that term."""
        comp = self.components(parts)
        has_model = comp["model"].notna().to_numpy()
        num = self.w_rule * comp["rule"] + self.w_anomaly * comp["anomaly"]
        den = np.full(len(comp), self.w_rule + self.w_anomaly, dtype=float)
        num = num + np.where(has_model, self.w_model * comp["model"].fillna(0), 0.0)
        den = den + np.where(has_model, self.w_model, 0.0)
        has_pattern = comp["pattern"].notna().to_numpy()
        num = num + np.where(has_pattern, self.w_pattern * comp["pattern"].fillna(0), 0.0)
        den = den + np.where(has_pattern, self.w_pattern, 0.0)
        return np.asarray(100.0 * num / np.where(den > 0, den, 1.0), dtype=float)

    def fit(self, parts: pd.DataFrame, y: Any = None, sample_weight: Any = None) -> RiskCombiner:
        """Choose thresholds: on labelled rows of ``y`` (1/0; -1 ignored) when enough, else by share."""
        if not hasattr(self, "rule_rates_"):
            self.fit_rates(parts)
        risk = self.risk(parts)
        eligible = self._red_eligible(parts)
        self.red_threshold_, self.red_basis_ = self._red_threshold(risk, eligible, y, sample_weight)
        self.yellow_threshold_ = float(min(_upper_quantile(risk, self.yellow_share), self.red_threshold_))
        return self

    def _red_eligible(self, parts: pd.DataFrame) -> np.ndarray:
        red = parts["rules_red"].fillna(0).to_numpy(float) > 0
        anyhit = red | (parts["rules_yellow"].fillna(0).to_numpy(float) > 0)
        emergency = parts["is_emergency"].fillna(0).to_numpy(float) > 0 if "is_emergency" in parts else False
        eligible = anyhit if self.red_needs_rule else np.ones(len(parts), bool)
        return np.asarray(eligible & (~emergency | red), dtype=bool)

    def _red_threshold(self, risk: np.ndarray, eligible: np.ndarray, y: Any, weight: Any) -> tuple[float, str]:
        by_share = max(_upper_quantile(np.where(eligible, risk, -1.0), self.red_share), self.min_red_risk)
        if y is None:
            return by_share, "share"
        target = np.asarray(y)
        w = np.ones(len(target)) if weight is None else np.asarray(weight, float)
        labelled = (target >= 0) & eligible
        if labelled.sum() < self.min_validation or not (target[labelled] == 1).any():
            return by_share, "share"
        order = np.argsort(-risk[labelled])
        r, t, ww = risk[labelled][order], target[labelled][order], w[labelled][order]
        precision = np.cumsum(ww * t) / np.cumsum(ww)
        ok = np.nonzero(precision >= self.red_precision)[0]
        if ok.size == 0:
            return float(r[0]) + 1e-9, "validation: precision target not reached"
        # the lowest threshold at which precision still reaches the target, at a distinct risk value
        t_val = float(r[ok.max()])
        return max(t_val, by_share), "validation" if t_val >= by_share else "share (validation lower)"

    def levels(self, parts: pd.DataFrame, risk: np.ndarray | None = None) -> np.ndarray:
        check_is_fitted(self, "red_threshold_")
        risk = self.risk(parts) if risk is None else risk
        red = (risk >= self.red_threshold_) & self._red_eligible(parts)
        # a red hit of a rule rare enough to count in full is never green
        yellow_floor = self.components(parts)["rule"].to_numpy() >= self.red_hit - 1e-9
        yellow = ~red & ((risk >= self.yellow_threshold_) | yellow_floor)
        return np.where(red, "red", np.where(yellow, "yellow", "green"))

    def thresholds(self) -> dict[str, Any]:
        check_is_fitted(self, "red_threshold_")
        return {"red": self.red_threshold_, "yellow": self.yellow_threshold_, "red_basis": self.red_basis_}


def _upper_quantile(values: np.ndarray, share: float) -> float:
    """The value above which ``share`` of the finite ``values`` lie (their 1-share quantile)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return float("inf")
    return float(np.quantile(finite, 1.0 - share, method="higher"))
