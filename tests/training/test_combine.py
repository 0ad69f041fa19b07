from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit, logit

from yunshao.training.combine import RiskCombiner, precision_threshold, unverified_posterior
from yunshao.training.rule_weights import RuleHits


def test_risk_is_the_documented_weighted_mean():
    comb = RiskCombiner(w_rule=1.0, w_anomaly=0.5, w_model=2.0, red_hit=0.6, yellow_hit=0.3, anomaly_power=2.0)
    parts = pd.DataFrame(
        {
            "rules_red": [1, 0],
            "rules_yellow": [1, 0],
            "anomaly_score": [0.5, 1.0],
            "model_score": [0.8, np.nan],
            "is_emergency": [0, 0],
        }
    )
    rule = 1 - 0.4 * 0.7
    expected0 = 100 * (1.0 * rule + 0.5 * 0.25 + 2.0 * 0.8) / 3.5
    expected1 = 100 * (0.5 * 1.0) / 1.5  # no model score: its weight drops out
    assert np.allclose(comb.risk(parts), [expected0, expected1])


def test_emergency_works_are_never_red():
    rng = np.random.default_rng(0)
    n = 400
    parts = pd.DataFrame(
        {
            "rules_red": (rng.random(n) < 0.05).astype(float),
            "rules_yellow": (rng.random(n) < 0.1).astype(float),
            "anomaly_score": rng.random(n),
            "model_score": rng.random(n) * 0.5,
            "is_emergency": 0.0,
        }
    )
    # row 0: emergency works that the model and detectors are certain about and a yellow rule also hit
    parts.loc[0] = {
        "rules_red": 0.0,
        "rules_yellow": 1.0,
        "anomaly_score": 1.0,
        "model_score": 1.0,
        "is_emergency": 1.0,
    }
    # row 1: the same, but not emergency works
    parts.loc[1] = {**parts.loc[0].to_dict(), "is_emergency": 0.0}
    # row 2: emergency works with a red rule hit
    parts.loc[2] = {**parts.loc[0].to_dict(), "rules_red": 1.0}
    comb = RiskCombiner(w_model=4.0, red_share=0.05).fit(parts)
    levels = comb.levels(parts)
    assert comb.risk(parts)[0] >= comb.red_threshold_  # the score alone would make it red
    assert levels[0] == "yellow"
    assert levels[1] == "red"
    assert levels[2] == "yellow"  # emergency works are never red, even on a red rule hit


def _three_blocks() -> tuple[np.ndarray, np.ndarray]:
    """20 rows at risk 90 (8 labelled positive), 10 at 50 (1 labelled positive), 50 at 10 (none)."""
    risk = np.array([90.0] * 20 + [50.0] * 10 + [10.0] * 50)
    y = np.full(80, -1)
    y[:8] = 1
    y[20] = 1
    return risk, y


def test_unverified_posterior_follows_elkan_and_noto_by_hand():
    risk, y = _three_blocks()
    post = unverified_posterior(risk, y)
    # isotonic P(labelled | risk): 8/20 = 0.4 at 90, 1/10 = 0.1 at 50, 0 at 10 (already monotone)
    # c = mean over the 9 labelled positives = (8·0.4 + 0.1)/9 = 0.36667
    c = (8 * 0.4 + 0.1) / 9
    assert post[10] == 1.0  # (1-c)/c · 0.4/0.6 = 1.15, capped
    assert post[25] == pytest.approx((1 - c) / c * 0.1 / 0.9)  # 0.19192
    assert post[50] == 0.0


def test_red_threshold_is_the_lowest_with_estimated_precision_on_the_target():
    risk, y = _three_blocks()
    everyone = np.ones(80, bool)
    # unverified at 90: 12 rows of posterior 1; adding the 9 unverified at 50 brings the mean to
    # (12 + 9 · 0.19192) / 21 = 0.654
    assert precision_threshold(risk, everyone, y, 0.95) == (90.0, "outcomes: estimated precision")
    assert precision_threshold(risk, everyone, y, 0.6)[0] == 50.0
    assert precision_threshold(risk, everyone, y, 0.7)[0] == 90.0
    # red may take at most 15 % of the 80 rows = 12 rows: the 12 unverified rows at 90
    assert precision_threshold(risk, everyone, y, 0.6, max_share=0.15) == (
        90.0,
        "outcomes: estimated precision (share cap)",
    )
    # nothing reaches 0.95 when the top block is not eligible
    top_out = risk < 90
    assert precision_threshold(risk, top_out, y, 0.95)[1] == "outcomes: precision target not reached"


def test_out_of_fold_rule_component_hides_each_folds_outcomes():
    """Fold k's rule component uses strengths learnt with fold k's outcomes hidden. Worked by hand: rule A
    hits rows 0-3 (y 1, 1, 0, -1), rule B rows 4-5 (y 0, 1); prior_strength 0 and no rarity scaling, so a
    rule's strength is its prior 0.7 moved by its confirmation rate θ against the base rate b."""
    parts = pd.DataFrame(
        {
            "rule__A": [2, 2, 2, 2, 0, 0, 0, 0],
            "rule__B": [0, 0, 0, 0, 2, 2, 0, 0],
            "rules_red": [1, 1, 1, 1, 1, 1, 0, 0],
            "rules_yellow": 0,
            "anomaly_score": 0.0,
            "model_score": 0.5,
            "is_emergency": 0,
        }
    )
    y = np.array([1, 1, 0, -1, 0, 1, 0, 1])
    folds = np.array([0, 1, 0, 1, 0, 1, 0, 1])
    comb = RiskCombiner(rarity_ref=None, prior_strength=0.0, min_checked=99)
    comp = comb.components(parts)
    oof = comb._oof_components(parts, comp, RuleHits.of(parts), y, None, folds)["rule"].to_numpy()

    def strength(theta: float, base: float) -> float:
        return float(expit(logit(0.7) + logit(np.clip(theta, 1e-3, 1 - 1e-3)) - logit(base)))

    # fold 0 hidden: outcomes of rows 1, 5, 7 remain (all 1): b = 1, θ_A = 1, θ_B = 1
    # fold 1 hidden: rows 0, 2, 4, 6 remain (1, 0, 0, 0): b = 1/4, θ_A = 1/2, θ_B = 0
    b0, b1 = 1 - 1e-3, 0.25
    expected = [
        strength(1.0, b0),
        strength(0.5, b1),
        strength(1.0, b0),
        strength(0.5, b1),
        strength(1.0, b0),
        strength(0.0, b1),
        0.0,
        0.0,
    ]
    assert np.allclose(oof, expected)
