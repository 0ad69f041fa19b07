from __future__ import annotations

import numpy as np
import pandas as pd

from yunshao.training.pattern import fit_pattern, pseudo_labels
from yunshao.training.spec import PatternSpec


def test_pseudo_positives_are_projects_with_strong_rule_evidence():
    rule = np.array([0.0, 0.35, 0.7, 0.91])
    assert pseudo_labels(rule, 0.7).tolist() == [-1, -1, 1, 1]


def test_the_detector_learns_the_profile_of_flagged_projects_not_a_rules_stray_hits():
    rng = np.random.default_rng(0)
    n = 2000
    x = rng.normal(size=n)
    z = x + rng.normal(scale=0.3, size=n)  # another trace of the same behaviour
    # the rule flags x > 1.5, plus 3 % stray hits on ordinary projects
    rule = np.where((x > 1.5) | (rng.random(n) < 0.03), 0.9, 0.0)
    X = pd.DataFrame({"x": x, "z": z, "noise": rng.normal(size=n)})
    clf = fit_pattern(X, rule, PatternSpec(min_positive=10), random_state=0)
    assert clf is not None
    p = clf.predict_proba(X)[:, 1]
    flagged = rule > 0
    typical_profile = flagged & (x < 0.5)  # the stray hits
    true_profile = flagged & (x > 1.5)
    # nearly every true-profile hit outranks nearly every stray hit (a rank AUC near 1)
    assert (p[true_profile][:, None] > p[typical_profile][None, :]).mean() > 0.95


def test_too_few_rule_hits_means_no_detector():
    X = pd.DataFrame({"x": np.arange(50.0)})
    assert fit_pattern(X, np.where(np.arange(50) > 45, 0.9, 0.0), PatternSpec(min_positive=10), 0) is None
    assert fit_pattern(X, np.full(50, 0.9), PatternSpec(enabled=False), 0) is None


def test_a_sample_of_the_unflagged_projects_trains_it_at_their_full_weight(monkeypatch):
    """Above ``max_unlabelled`` unflagged projects, a sample of that size trains it, each row standing
    for len(unflagged) / max_unlabelled of them; every pseudo-positive is kept."""
    from yunshao.training.classifier import RiskClassifier

    rng = np.random.default_rng(1)
    n = 1000
    X = pd.DataFrame({"x": rng.normal(size=n)})
    rule = np.where(X["x"].to_numpy() > 1.2, 0.9, 0.0)
    seen = {}
    original = RiskClassifier.fit

    def spy(self, X_, y_, sample_weight=None):
        seen.update(y=np.asarray(y_), w=np.asarray(sample_weight))
        return original(self, X_, y_, sample_weight=sample_weight)

    monkeypatch.setattr(RiskClassifier, "fit", spy)
    assert fit_pattern(X, rule, PatternSpec(max_unlabelled=200), random_state=0) is not None
    positives = int((rule >= 0.7).sum())
    assert (seen["y"] == 1).sum() == positives and (seen["y"] == -1).sum() == 200
    assert np.allclose(seen["w"][seen["y"] == 1], 1.0)
    assert np.allclose(seen["w"][seen["y"] == -1], (n - positives) / 200)
    fit_pattern(X, rule, PatternSpec(max_unlabelled=None), random_state=0)
    assert len(seen["y"]) == n and np.allclose(seen["w"], 1.0)
