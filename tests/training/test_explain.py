from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shap

from tests.training.synth import fit_inputs
from yunshao.training.explain import BASE, explain_projects, shap_contributions
from yunshao.training.train import fit_risk_model


def _fitted(label_frac: float):
    data, targets, spec = fit_inputs(500, 3, label_frac, forest=50, trees=60)
    return data, fit_risk_model(data, targets, spec).model


def test_shap_contributions_add_up_to_the_raw_score_and_match_tree_explainer():
    data, model = _fitted(0.5)
    assert model.classifier_ is not None
    design = model.design(data.frame)[model.classifier_columns]
    contrib = shap_contributions(model.classifier_, design, batch_size=97)  # several uneven batches
    raw = model.classifier_.decision_function(design)
    assert np.abs(contrib.sum(axis=1).to_numpy() - raw).max() < 1e-6
    # an independent implementation: shap's own TreeSHAP on the parsed trees (by default TreeExplainer
    # would hand a LightGBM model back to pred_contrib, which would compare the code with itself)
    # a training row is explained by its own fold's model, the one that never saw it
    first = [str(p) for p in design.index if model.classifier_.fold_of_[str(p)] == 0][:20]
    explainer = shap.TreeExplainer(model.classifier_.models_[0].booster_)
    explainer.model.model_type = "internal"
    rows = design.loc[first]
    values = explainer.shap_values(rows)
    assert np.allclose(values, contrib.drop(columns=[BASE]).loc[first].to_numpy(), atol=1e-6)
    assert np.allclose(explainer.expected_value, contrib.loc[first[0], BASE], atol=1e-6)


def test_without_a_model_factors_are_exact_shares_of_the_risk():
    data, model = _fitted(0.0)
    assert model.classifier_ is None
    scores = model.score(data.frame)
    rows = scores.index[scores["level"] != "green"][:30]
    factors = explain_projects(model, data.frame, rows, k=1000)
    for pid in rows:
        items = json.loads(factors[pid])
        assert {"feature", "feature_zh", "feature_en", "value", "contribution"} <= set(items[0])
        assert sum(i["contribution"] for i in items) == pytest.approx(scores.loc[pid, "risk_score"], abs=1e-4)


def test_top_factors_name_rule_hits_in_both_languages():
    data, model = _fitted(0.0)
    hit = data.frame.index[data.frame["rules_red"] > 0][0]
    items = json.loads(explain_projects(model, data.frame, pd.Index([hit]), k=3)[hit])
    rule = next(i for i in items if i["feature"].startswith("rule__"))
    assert rule["feature_zh"].startswith("规则命中") and rule["feature_en"].startswith("rule hit")
