"""The rule-pattern detector: weak supervision from the rules themselves.

A county with no verified outcomes still has its rules' verdicts. Projects that a rare rule flags red
are taken as pseudo-positives, every other project as unlabelled (down-weighted negatives), and a
LightGBM model learns, from the features and anomaly percentiles only (never the rule columns, which
would just be copied), what such projects have in common. Its score ranks a flagged project by how
typical it is of flagged ones (a rule's stray hits on ordinary projects score low) and gives unflagged
projects with that profile a share. It also inherits the rules' blind spots (a project whose data
kept a rule silent looks "not flagged"), so it adds to the rules and detectors, never replaces them;
docs/model-report.md measures what it adds (the b0 ablation).

This is a detector, not the classifier: it never sees a verified outcome (the classifier learns from
those), so it works the same in a county with none, where ``model_score`` stays null.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from yunshao.training.classifier import RiskClassifier
from yunshao.training.crossfit import sample_unlabelled
from yunshao.training.labels import UNLABELLED
from yunshao.training.spec import PatternSpec


def pseudo_labels(rule_component: np.ndarray, min_rule: float) -> np.ndarray:
    """1 where the rules' evidence reaches ``min_rule``, -1 (unlabelled) elsewhere."""
    return np.where(rule_component >= min_rule, 1, UNLABELLED).astype(int)


def fit_pattern(
    inputs: pd.DataFrame,
    rule_component: np.ndarray,
    spec: PatternSpec,
    random_state: int | None,
) -> RiskClassifier | None:
    """The fitted detector, or None when disabled or the rules flag too few projects to learn from."""
    if not spec.enabled:
        return None
    y = pseudo_labels(rule_component, spec.min_rule)
    if (y == 1).sum() < spec.min_positive:
        return None
    clf = RiskClassifier(
        treatment="negatives",
        unlabelled_weight=spec.unlabelled_weight,
        monotone_prefixes=("anomaly_",),
        random_state=random_state,
        **spec.params,
    )
    # a city's hundreds of thousands of unflagged projects are sampled, as for the classifier
    rows, weight = sample_unlabelled(y, np.ones(len(y)), spec.max_unlabelled, random_state)
    return clf.fit(inputs.iloc[rows], y[rows], sample_weight=weight[rows])
