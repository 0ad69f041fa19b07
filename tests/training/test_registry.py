from __future__ import annotations

import numpy as np
import optuna
import pandas as pd
import pytest

from tests.training.synth import make_store
from yunshao.training import registry, score_run
from yunshao.training.experiment import train, training_data
from yunshao.training.spec import ExperimentSpec
from yunshao.training.tune import tune

pytestmark = pytest.mark.slow  # trains and registers through MLflow, tunes through Optuna


def _spec() -> ExperimentSpec:
    spec = ExperimentSpec(seed=0)
    spec.anomaly.n_estimators = 40
    spec.classifier.params = {"n_estimators": 40}
    return spec


def test_a_registered_model_loaded_by_alias_scores_identically(registry_settings):
    con, _ = make_store(500, seed=11, label_frac=0.5)
    data = training_data(con, registry_settings)
    summary = train(None, _spec(), registry_settings, data=data)
    assert summary.version == "1"
    fitted, version = registry.load_by_alias(registry_settings.model, registry.CHALLENGER)
    assert version == "1"
    pyfunc = registry.load_pyfunc(registry_settings.model, registry.CHALLENGER)
    X = data[0].frame.reindex(columns=registry.model_input_columns(fitted))
    via_mlflow = pyfunc.predict(X)
    direct = fitted.score(data[0].frame).reset_index(drop=True)
    pd.testing.assert_frame_equal(via_mlflow[direct.columns], direct, check_exact=True)
    # the pyfunc's signature names every input column
    names = pyfunc.metadata.get_input_schema().input_names()
    assert names == list(X.columns)

    # no champion yet: runs train their own; after promote the run scores with the champion
    assert registry.find_champion(registry_settings.model) is None
    assert registry.promote(registry_settings.model) == "1"
    report = score_run(con, registry_settings)
    assert report.model_source == "champion" and report.model_version == "1"
    stored = con.execute("SELECT project_id, risk_score FROM project_scores").df().set_index("project_id")
    assert np.allclose(stored["risk_score"].reindex(data[0].frame.index), direct["risk_score"])


def test_tune_resumes_from_its_sqlite_study(registry_settings):
    con, _ = make_store(400, seed=12, label_frac=0.5)
    data = training_data(con, registry_settings)
    spec = _spec()
    spec.tune.search = {"classifier.n_estimators": [20, 40], "classifier.num_leaves": [4, 8]}
    first = tune(None, 2, spec, registry_settings, data=data)  # as if interrupted after 2 of 3
    assert (first.trials, first.ran) == (2, 2)
    storage = registry_settings.model.optuna_storage
    before = optuna.load_study(study_name=spec.tune.study_name, storage=storage).trials
    second = tune(None, 3, spec, registry_settings, data=data)
    assert (second.trials, second.ran) == (3, 1)
    after = optuna.load_study(study_name=spec.tune.study_name, storage=storage).trials
    assert [t.params for t in after[:2]] == [t.params for t in before]
    assert after[2].params != after[0].params  # the resumed sampler does not replay trial 0
