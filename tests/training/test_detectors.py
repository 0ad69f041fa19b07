from __future__ import annotations

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from yunshao.training.classifier import RiskClassifier
from yunshao.training.detectors import ECODDetector, IsolationForestDetector, LOFDetector


@pytest.mark.slow  # scikit-learn's estimator-convention suite: ~100 checks
@parametrize_with_checks(
    [
        IsolationForestDetector(n_estimators=20, random_state=0),
        ECODDetector(),
        LOFDetector(n_neighbors=5, n_components=3),
    ]
)
def test_sklearn_conventions(estimator, check):
    check(estimator)


def test_ecod_matches_the_hand_computed_tail_probability():
    # one right-skewed feature: 1, 2, 3, 4, 100; the right tail of x=100 holds 1 of 5 training values,
    # so with the +1 smoothing its tail probability is (1 + 1) / (5 + 1) and its score -log(1/3)
    X = np.array([[1.0], [2.0], [3.0], [4.0], [100.0]])
    det = ECODDetector().fit(X)
    assert det.contributions(np.array([[100.0]]))[0, 0] == pytest.approx(np.log(3.0))
    # x=1 is the lowest value: every training value is >= 1, right-tail probability (5 + 1) / 6 = 1
    assert det.contributions(np.array([[1.0]]))[0, 0] == pytest.approx(0.0)


@pytest.mark.parametrize("cls", [ECODDetector, IsolationForestDetector])
def test_scores_do_not_depend_on_the_inputs_memory_layout(cls):
    # a frame reindexed or rebuilt hands the detector a column-major array, a batch run's a row-major one:
    # the same numbers must give the same bits (ECOD's row sums once added in the array's own order)
    X = np.random.default_rng(5).lognormal(0.0, 2.0, (300, 150))
    det = cls().fit(X)
    np.testing.assert_array_equal(det.score_samples(np.asfortranarray(X)), det.score_samples(np.ascontiguousarray(X)))


def test_ecod_ignores_missing_values_and_adds_up():
    rng = np.random.default_rng(0)
    X = rng.lognormal(size=(200, 3))
    X[rng.random((200, 3)) < 0.2] = np.nan
    det = ECODDetector().fit(X)
    row = np.array([[np.nan, 50.0, np.nan]])
    contrib = det.contributions(row)
    assert contrib[0, 0] == 0.0 and contrib[0, 2] == 0.0
    assert -det.score_samples(row)[0] == pytest.approx(contrib.sum())


@pytest.mark.parametrize("cls", [IsolationForestDetector, ECODDetector, LOFDetector])
def test_a_planted_outlier_ranks_first_despite_nans_and_scale(cls):
    rng = np.random.default_rng(1)
    X = np.column_stack([rng.lognormal(10, 1, 500), rng.normal(0, 1, 500), rng.normal(0, 1e-3, 500)])
    X[rng.random(500) < 0.1, 0] = np.nan
    X[0] = [np.exp(10), 10.0, 0.012]  # typical amount, 10 sigma out on both small-scale features
    scores = cls().fit(X).transform(X)[:, 0]
    assert (scores > scores[0]).sum() < 5  # within the top 1 %


@pytest.mark.slow  # scikit-learn's estimator-convention suite
@parametrize_with_checks(
    [RiskClassifier(n_estimators=10, treatment=t, subsample=1.0) for t in ("negatives", "pu")],
    expected_failed_checks=lambda est: {
        "check_classifiers_classes": "-1 means unlabelled (scikit-learn's semi-supervised convention), "
        "so {-1, 1} cannot be two classes",
        "check_sample_weight_equivalence_on_dense_data": "LightGBM's min_child_samples counts rows, not weight",
    },
)
def test_classifier_sklearn_conventions(estimator, check):
    check(estimator)
