"""Each model default lives once, in ModelSettings; specs, the combiner and the detectors derive from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from yunshao.settings import ModelSettings, Settings
from yunshao.training.anomaly import AnomalyScorer
from yunshao.training.combine import RiskCombiner
from yunshao.training.detectors import IsolationForestDetector
from yunshao.training.labels import make_targets
from yunshao.training.scoring import spec_from_settings
from yunshao.training.spec import ExperimentSpec, load_spec, spec_defaults


def test_estimators_take_their_defaults_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    m = ModelSettings()
    combiner = RiskCombiner()
    assert (combiner.red_share, combiner.yellow_share, combiner.red_precision) == (0.02, 0.10, 0.95)
    assert (combiner.red_share, combiner.yellow_share, combiner.red_precision) == (
        m.red_share,
        m.yellow_share,
        m.red_precision,
    )
    assert IsolationForestDetector().n_estimators == AnomalyScorer().n_estimators == m.n_estimators == 200
    assert ExperimentSpec().anomaly.n_estimators == m.n_estimators and ExperimentSpec().seed == m.random_state


def test_spec_defaults_follow_the_effective_settings() -> None:
    settings = Settings(model=ModelSettings(red_share=0.03, n_estimators=80, random_state=7))
    spec = spec_defaults(settings)
    assert spec.seed == 7 and spec.anomaly.n_estimators == 80
    assert spec.combine.params == {"red_share": 0.03, "yellow_share": 0.10, "red_precision": 0.95}
    run_spec = spec_from_settings(settings)  # the in-run spec is the same defaults
    assert run_spec.name == "in-run" and run_spec.combine.params == spec.combine.params


def test_a_spec_file_wins_over_the_settings_key_by_key(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("seed: 3\ncombine:\n  params:\n    yellow_share: 0.2\n    w_rule: 2.0\n", encoding="utf-8")
    spec = load_spec(path, Settings(model=ModelSettings(red_share=0.03)))
    assert spec.seed == 3
    assert spec.combine.params == {"red_share": 0.03, "yellow_share": 0.2, "red_precision": 0.95, "w_rule": 2.0}


def test_a_spec_that_is_not_a_mapping_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"list\.yaml: the experiment spec must be a mapping"):
        load_spec(path)


def test_targets_need_the_partial_weight_from_the_caller() -> None:
    """No second default of 0.5 hides in make_targets: the caller passes settings.model.partial_weight."""
    import pandas as pd

    outcomes = pd.DataFrame(
        {
            "entity_type": ["project"],
            "entity_id": ["p1"],
            "outcome": ["partial"],
            "scheme": ["bid_rigging"],
            "decided_at": [pd.Timestamp("2024-01-01")],
        }
    )
    with pytest.raises(TypeError):
        make_targets(outcomes, "project", pd.Index(["p1"]))  # type: ignore[call-arg]
    targets = make_targets(outcomes, "project", pd.Index(["p1", "p2"]), partial_weight=0.3)
    assert targets.n_positive == 1 and targets.weight.to_dict() == {"p1": 0.3, "p2": 0.0}
