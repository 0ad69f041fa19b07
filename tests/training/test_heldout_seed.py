from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yunshao.settings import Settings
from yunshao.training.combine import RiskCombiner
from yunshao.training.dataset import load_project_data, prepare_store
from yunshao.training.evaluate import average_precision
from yunshao.training.labels import make_targets, read_outcomes
from yunshao.training.spec import ExperimentSpec
from yunshao.training.train import fit_risk_model


def _county(tmp_path, seed: int, label_frac: float):
    from yunshao.simulate import simulate

    ds = tmp_path / f"ds{seed}"
    simulate(ds, 1000, seed, label_frac=label_frac, truth=tmp_path / f"truth{seed}")
    con = prepare_store(ds, Settings())
    data = load_project_data(con)
    planted = pd.read_parquet(tmp_path / f"truth{seed}" / "planted.parquet")
    y = data.index.isin(planted["project_id"].astype(str)).astype(int)
    return con, data, y


@pytest.mark.slow
def test_the_full_model_beats_rules_alone_on_a_held_out_seed(tmp_path):
    con, data, _ = _county(tmp_path, seed=21, label_frac=0.4)
    targets = make_targets(read_outcomes(con), "project", data.index, partial_weight=0.5)
    spec = ExperimentSpec(seed=0)
    spec.anomaly.n_estimators = 50
    spec.classifier.params = {"n_estimators": 150}
    model = fit_risk_model(data, targets, spec).model
    assert model.classifier_ is not None
    # a different county: the trained model scores it as it comes, its labels unused
    _, other, y = _county(tmp_path, seed=22, label_frac=0.0)
    full = model.score(other.frame)["risk_score"].to_numpy()
    rules = RiskCombiner(w_anomaly=0.0).risk(
        other.frame[["rules_red", "rules_yellow", "is_emergency"]].assign(anomaly_score=0.0)
    )
    assert y.sum() > 15
    assert average_precision(y, full) > average_precision(y, rules) + 0.02
    assert np.isfinite(full).all()
