from __future__ import annotations

import numpy as np
import pandas as pd

from yunshao.training.combine import RiskCombiner


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


def test_a_model_alone_never_turns_emergency_works_red():
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
    assert levels[2] == "red"


def test_red_threshold_reaches_the_precision_target_on_validation_labels():
    risk_order = np.array([90, 80, 70, 60, 50, 40, 30, 20], dtype=float)
    y = np.array([1, 1, 1, 0, 1, 0, 0, 0])
    parts = pd.DataFrame(
        {
            "rules_red": 1.0,
            "rules_yellow": 0.0,
            "anomaly_score": risk_order / 100,
            "model_score": np.nan,
            "is_emergency": 0.0,
        }
    )
    comb = RiskCombiner(
        w_rule=0.0,
        w_anomaly=1.0,
        anomaly_power=1.0,
        red_share=1.0,
        red_precision=0.95,
        min_validation=3,
        min_red_risk=0.0,
    )
    comb.fit(parts, y)
    # precision by threshold: 90→1, 80→1, 70→1, 60→0.75: the lowest threshold holding 0.95 is 70
    assert comb.red_threshold_ == 70.0
    assert list(comb.levels(parts)) == ["red"] * 3 + ["yellow"] * 5
