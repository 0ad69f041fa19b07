"""A run scores the county it trained on from what the fit computed: the shortcuts must change nothing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.training.synth import fit_inputs, make_store
from yunshao.training.anomaly import AnomalyScorer
from yunshao.training.dataset import load_project_data
from yunshao.training.detectors import DETECTORS
from yunshao.training.model import RiskModel


def _rows(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    X = rng.lognormal(0, 1, (300, 6))
    X[rng.random(X.shape) < 0.1] = np.nan
    X[0] = 40.0  # an outlier
    return X


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_fit_score_samples_equals_fit_then_score_samples(name):
    X = _rows()
    one = DETECTORS[name]()
    two = DETECTORS[name]()
    if "random_state" in one.get_params():
        one.set_params(random_state=0)
        two.set_params(random_state=0)
    np.testing.assert_array_equal(one.fit_score_samples(X), two.fit(X).score_samples(X))
    assert one.offset_ == two.offset_


def test_anomaly_fit_transform_equals_fit_then_transform():
    X = pd.DataFrame(_rows(1), columns=[f"f{j}" for j in range(6)])
    scorer = AnomalyScorer(detectors=("iforest", "ecod", "lof"), n_estimators=40, random_state=0)
    got = scorer.fit_transform(X)
    pd.testing.assert_frame_equal(got, AnomalyScorer(**scorer.get_params()).fit(X).transform(X))
    pd.testing.assert_frame_equal(got, scorer.transform(X))


def test_anomaly_scorer_on_two_threads_is_the_one_thread_scorer():
    X = pd.DataFrame(_rows(2), columns=[f"f{j}" for j in range(6)])
    one = AnomalyScorer(detectors=("iforest", "ecod", "lof"), n_estimators=40, random_state=0)
    two = AnomalyScorer(**{**one.get_params(), "n_jobs": 2})
    pd.testing.assert_frame_equal(one.fit_transform(X), two.fit_transform(X), check_exact=True)
    pd.testing.assert_frame_equal(one.contributions(X), two.contributions(X), check_exact=True)


def test_anomaly_scorer_pickled_before_n_jobs_loads_and_scores():
    import pickle

    X = pd.DataFrame(_rows(3), columns=[f"f{j}" for j in range(6)])
    scorer = AnomalyScorer(n_estimators=20, random_state=0).fit(X)
    state = scorer.__getstate__()
    del state["n_jobs"]  # what an older yunshao pickled
    old = AnomalyScorer.__new__(AnomalyScorer)
    old.__setstate__(state)
    loaded = pickle.loads(pickle.dumps(old))
    assert loaded.get_params()["n_jobs"] is None
    pd.testing.assert_frame_equal(loaded.transform(X), scorer.transform(X), check_exact=True)


@pytest.mark.parametrize("label_frac", [0.5, 0.0])  # with a classifier, and rules and detectors only
def test_fit_score_equals_fit_then_score_and_design(label_frac):
    data, targets, spec = fit_inputs(400, 5, label_frac, forest=40, trees=40)
    model = RiskModel(spec, n_jobs=2)
    scores, design = model.fit_score(data.frame, targets)
    assert (model.classifier_ is not None) == (label_frac > 0)
    pd.testing.assert_frame_equal(design, model.design(data.frame))
    pd.testing.assert_frame_equal(scores, model.score(data.frame))
    # and a model fitted on one thread is the same model
    alone = RiskModel(spec, n_jobs=1).fit(data.frame, targets)
    pd.testing.assert_frame_equal(scores, alone.score(data.frame))


def test_the_project_frame_does_not_depend_on_the_stores_row_order():
    """The folds are drawn by row position, so the frame is sorted by project id: a store whose
    ``projects`` rows lie in another physical order (DuckDB's order moves with its memory limit) gives
    the same frame."""
    con, _ = make_store(200, seed=2, label_frac=0.3)
    before = load_project_data(con).frame
    con.execute("CREATE TABLE projects_shuffled AS SELECT * FROM projects ORDER BY hash(project_id)")
    con.execute("DROP TABLE projects")
    con.execute("ALTER TABLE projects_shuffled RENAME TO projects")
    after = load_project_data(con).frame
    assert list(after.index) == sorted(after.index)
    pd.testing.assert_frame_equal(before, after)
