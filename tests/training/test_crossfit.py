"""Cross-fitting: folds by decision date, unlabelled sampling, out-of-fold scores and additive SHAP."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yunshao.training.classifier import RiskClassifier
from yunshao.training.crossfit import CrossFittedClassifier, assign_folds, sample_unlabelled

PARAMS = {"n_estimators": 30, "min_child_samples": 5, "num_leaves": 7}


# -- assign_folds --------------------------------------------------------------------------------------
def test_labelled_rows_fall_in_contiguous_date_blocks():
    n = 15
    labelled_pos = [0, 2, 3, 5, 7, 8, 10, 11, 13, 14]
    days = [9, 0, 5, 1, 8, 2, 7, 3, 6, 4]  # decision day of each labelled row above
    y = np.full(n, -1)
    y[labelled_pos] = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0]
    when = pd.Series(pd.NaT, index=[f"P{i}" for i in range(n)], dtype="datetime64[ns]")
    for pos, d in zip(labelled_pos, days, strict=True):
        when.iloc[pos] = pd.Timestamp("2024-01-01") + pd.Timedelta(days=d)
    folds = assign_folds(y, when, 5, seed=3)
    # sorted by day: 2,5 | 8,11 | 14,3 | 13,10 | 7,0
    expected = {2: 0, 5: 0, 8: 1, 11: 1, 14: 2, 3: 2, 13: 3, 10: 3, 7: 4, 0: 4}
    assert {p: int(folds[p]) for p in labelled_pos} == expected
    unl = [i for i in range(n) if i not in labelled_pos]
    assert all(0 <= folds[i] < 5 for i in unl)
    # the same seed gives the same folds
    np.testing.assert_array_equal(folds, assign_folds(y, when, 5, seed=3))


def test_uneven_blocks_and_no_dates():
    y = np.array([1, 0] * 5 + [0])  # 11 labelled rows, no unlabelled
    folds = assign_folds(y, None, 5, seed=0)
    # without dates, blocks follow row order; 11 rows in 5 folds → sizes 3, 2, 2, 2, 2
    assert folds.tolist() == [0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_unlabelled_folds_are_in_range_and_spread():
    y = np.full(500, -1)
    folds = assign_folds(y, None, 4, seed=1)
    assert set(folds.tolist()) == {0, 1, 2, 3}
    assert min(np.bincount(folds)) > 80  # random, roughly 125 each


# -- sample_unlabelled ---------------------------------------------------------------------------------
def test_sample_unlabelled_keeps_labels_and_total_unlabelled_weight():
    y = np.array([1] * 6 + [0] * 4 + [-1] * 50)
    rng = np.random.default_rng(0)
    perm = rng.permutation(len(y))
    y = y[perm]
    weight = np.where(y == 1, 1.0, np.where(y == 0, 1.0, 0.1))
    weight[np.nonzero(y == 1)[0][0]] = 0.5  # a partial positive
    before = weight.copy()
    rows, w = sample_unlabelled(y, weight, 20, seed=7)
    np.testing.assert_array_equal(weight, before)  # input not modified
    assert np.all(np.diff(rows) > 0)  # sorted, no duplicates
    labelled = np.nonzero(y != -1)[0]
    assert set(labelled.tolist()) <= set(rows.tolist())
    chosen_unl = rows[y[rows] == -1]
    assert len(chosen_unl) == 20
    np.testing.assert_allclose(w[labelled], before[labelled])
    np.testing.assert_allclose(w[chosen_unl], 0.1 * 50 / 20)  # 0.25 each
    assert w[chosen_unl].sum() == pytest.approx(50 * 0.1)  # 5.0: the unlabelled total is preserved


@pytest.mark.parametrize("cap", [None, 50, 80])
def test_sample_unlabelled_without_need_keeps_everything(cap):
    y = np.array([1, 0] + [-1] * 50)
    weight = np.r_[1.0, 1.0, np.full(50, 0.1)]
    rows, w = sample_unlabelled(y, weight, cap, seed=0)
    np.testing.assert_array_equal(rows, np.arange(52))
    np.testing.assert_array_equal(w, weight)


# -- CrossFittedClassifier -----------------------------------------------------------------------------
def _data(seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """300 rows, 5 features, signal in f0; 40 labelled positives, 40 labelled negatives."""
    rng = np.random.default_rng(seed)
    n = 300
    X = pd.DataFrame(rng.normal(0, 1, (n, 5)), columns=[f"f{j}" for j in range(5)], index=[f"P{i}" for i in range(n)])
    y = np.full(n, -1)
    order = rng.permutation(n)
    pos, neg = order[:40], order[40:80]
    y[pos], y[neg] = 1, 0
    X.loc[X.index[pos], "f0"] += 2.5
    weight = np.where(y >= 0, 1.0, 0.0)
    folds = assign_folds(y, None, 5, seed=0)
    return X, y, weight, folds


def _new_rows() -> pd.DataFrame:
    rng = np.random.default_rng(99)
    return pd.DataFrame(
        rng.normal(0, 1, (7, 5)), columns=[f"f{j}" for j in range(5)], index=[f"N{i}" for i in range(7)]
    )


@pytest.fixture(scope="module")
def fitted():
    X, y, weight, folds = _data()
    trained_on: list[set[str]] = []
    original = RiskClassifier.fit

    def spy(self, X_, y_, sample_weight=None):
        trained_on.append(set(map(str, X_.index)))
        return original(self, X_, y_, sample_weight=sample_weight)

    mp = pytest.MonkeyPatch()
    mp.setattr(RiskClassifier, "fit", spy)
    try:
        clf = CrossFittedClassifier(n_folds=5, unlabelled_weight=0.1, params=PARAMS, random_state=0)
        clf.fit(X, y, weight, folds=folds)
    finally:
        mp.undo()
    return clf, X, y, folds, trained_on


def test_out_of_fold_scores_come_from_the_rows_own_fold_model(fitted):
    clf, X, _, folds, trained_on = fitted
    assert len(clf.models_) == 5 and len(trained_on) == 5
    for k in range(5):
        held = set(X.index[folds == k])
        assert held and not (held & trained_on[k])  # model k never saw a row of fold k
        assert trained_on[k] == set(X.index[folds != k])  # ... and saw every other row (no cap hit)
    per_model = np.column_stack([m.decision_function(X) for m in clf.models_])
    own = per_model[np.arange(len(X)), folds]
    np.testing.assert_allclose(clf.oof_raw_, own, rtol=1e-12, atol=1e-12)
    others = np.abs(per_model - own[:, None])
    others[np.arange(len(X)), folds] = np.inf
    assert (others.min(axis=1) > 0).all()  # every other model scores the row differently
    # known rows through the public API: the same out-of-fold score
    np.testing.assert_allclose(clf.decision_function(X), own, rtol=1e-12, atol=1e-12)
    # a shuffled subset keeps its rows' own folds
    sub = X.iloc[[17, 3, 250, 99]]
    np.testing.assert_allclose(clf.decision_function(sub), own[[17, 3, 250, 99]], rtol=1e-12)


def test_oof_proba_is_predict_proba_of_the_rows_fitted_bit_for_bit(fitted):
    clf, X, _, _, _ = fitted
    np.testing.assert_array_equal(clf.oof_proba(), clf.predict_proba(X))
    # and the log odds behind it are each row's own fold model's (checked against the models above)
    p = clf.oof_proba()[:, 1]
    np.testing.assert_allclose(np.log(p / (1 - p)), clf.oof_raw_, rtol=1e-9, atol=1e-9)


def test_the_signal_is_learned_out_of_fold(fitted):
    clf, _, y, _, _ = fitted
    pos, neg = clf.oof_raw_[y == 1], clf.oof_raw_[y == 0]
    auc = (pos[:, None] > neg[None, :]).mean()
    assert auc > 0.8


def test_new_rows_get_the_mean_of_the_fold_models(fitted):
    clf, _, _, _, _ = fitted
    new = _new_rows()
    mean = np.mean([m.decision_function(new) for m in clf.models_], axis=0)
    np.testing.assert_allclose(clf.decision_function(new), mean, rtol=1e-10, atol=1e-12)
    p = 1 / (1 + np.exp(-mean))
    np.testing.assert_allclose(clf.predict_proba(new)[:, 1], p, rtol=1e-10)


def test_contributions_add_up_for_known_new_and_mixed_rows(fitted):
    clf, X, _, folds, _ = fitted
    new = _new_rows()
    for frame in (X, new, pd.concat([X.iloc[:20], new, X.iloc[200:210]])):
        contrib = clf.contributions(frame)
        assert contrib.shape == (len(frame), 6)  # 5 features + base value
        np.testing.assert_allclose(contrib.sum(axis=1), clf.decision_function(frame), rtol=1e-9, atol=1e-9)
    # a known row's contributions are its own fold model's
    i = 42
    own = clf.models_[folds[i]].contributions(X.iloc[[i]])
    np.testing.assert_allclose(clf.contributions(X.iloc[[i]]), own, rtol=1e-12)


def _fold_predictions(unlabelled_weight: float, X: pd.DataFrame, y, weight, folds) -> np.ndarray:
    clf = CrossFittedClassifier(n_folds=5, unlabelled_weight=unlabelled_weight, params=PARAMS, random_state=0)
    clf.fit(X, y, weight, folds=folds)
    lab = X[y >= 0]
    return np.column_stack([m.decision_function(lab) for m in clf.models_])


def test_zero_unlabelled_weight_trains_on_labelled_rows_only():
    X, y, weight, folds = _data(seed=1)
    moved = X.copy()
    unl = y == -1
    moved.loc[unl] = np.random.default_rng(5).normal(3, 2, (unl.sum(), 5))
    np.testing.assert_allclose(
        _fold_predictions(0.0, X, y, weight, folds), _fold_predictions(0.0, moved, y, weight, folds), rtol=1e-12
    )
    # control: when unlabelled rows are weak negatives, moving them does change the models
    with_unl = _fold_predictions(0.1, X, y, weight, folds)
    assert not np.allclose(with_unl, _fold_predictions(0.1, moved, y, weight, folds))


def test_capping_unlabelled_rows_preserves_their_total_weight_in_training(monkeypatch):
    X, y, weight, folds = _data(seed=2)
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    original = RiskClassifier._training_rows

    def spy(self, X_, y_, w_, names):
        out = original(self, X_, y_, w_, names)
        seen.append((y_.copy(), out[2].copy()))
        return out

    monkeypatch.setattr(RiskClassifier, "_training_rows", spy)
    CrossFittedClassifier(n_folds=5, unlabelled_weight=0.1, max_unlabelled=40, params=PARAMS, random_state=0).fit(
        X, y, weight, folds=folds
    )
    for k, (y_k, w_k) in enumerate(seen):
        n_unl_train = int(((y == -1) & (folds != k)).sum())  # about 176 of the 220 unlabelled rows
        assert int((y_k == -1).sum()) == 40
        # each of the 40 sampled rows should stand for n_unl_train / 40 rows: total 0.1 · n_unl_train
        assert w_k[y_k == -1].sum() == pytest.approx(0.1 * n_unl_train)


def test_threads_give_the_same_models_and_scores_as_one_thread(monkeypatch):
    """Fold models fitted and applied over 2 threads equal, bit for bit, those of one thread (each fold
    model is seeded and independent; the folds' predictions are summed in fold order either way)."""
    from yunshao.training import crossfit

    monkeypatch.setattr(crossfit, "THREADED_ROWS", 1)  # predictions over threads, as for a city's batch
    X, y, weight, folds = _data(seed=3)
    new = _new_rows()
    fits = [
        CrossFittedClassifier(n_folds=5, unlabelled_weight=0.1, params=PARAMS, random_state=0, n_jobs=n).fit(
            X, y, weight, folds=folds
        )
        for n in (1, 2)
    ]
    one, two = fits
    assert [m.booster_.model_to_string() for m in one.models_] == [m.booster_.model_to_string() for m in two.models_]
    np.testing.assert_array_equal(one.oof_raw_, two.oof_raw_)
    both = pd.concat([X.iloc[:20], new])
    np.testing.assert_array_equal(one.decision_function(both), two.decision_function(both))
    np.testing.assert_array_equal(one.contributions(both), two.contributions(both))
