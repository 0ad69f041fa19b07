from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunshao.settings import ModelSettings
from yunshao.training.cli import app
from yunshao.training.spec import LEVEL_PARAMS, load_spec

ROOT = Path(__file__).resolve().parents[2]


def test_promote_without_a_registry_is_a_one_line_error(registry_settings, monkeypatch):
    monkeypatch.setenv("YUNSHAO_MODEL__MLFLOW_TRACKING_URI", registry_settings.model.mlflow_tracking_uri)
    result = CliRunner().invoke(app, ["promote"])
    assert result.exit_code == 2
    assert "no model registry" in result.output and "yunshao train" in result.output
    assert not Path(registry_settings.model.mlflow_tracking_uri.removeprefix("sqlite:///")).exists()


def test_train_names_a_missing_dataset(tmp_path):
    result = CliRunner().invoke(app, ["train", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "dataset folder not found" in result.output


def test_a_bad_spec_names_the_file_and_the_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("classifier:\n  unlabeled_weights: [0.1]\n", encoding="utf-8")
    (tmp_path / "ds").mkdir()
    result = CliRunner().invoke(app, ["train", str(tmp_path / "ds"), "--spec", str(bad)])
    assert result.exit_code == 2
    assert "bad.yaml" in result.output and "classifier.unlabeled_weights" in result.output


def test_the_versioned_experiment_specs_parse():
    baseline = load_spec(ROOT / "experiments" / "baseline.yaml")
    tune = load_spec(ROOT / "experiments" / "tune.yaml")
    assert baseline.name == "baseline" and baseline.classifier.unlabelled_weights == [0.0, 0.1, 1.0]
    assert tune.tune.search["combine.w_model"] == [0.2, 5.0]


def test_spec_files_leave_the_level_shares_to_the_settings():
    baseline = load_spec(ROOT / "experiments" / "baseline.yaml")
    m = ModelSettings()
    assert baseline.version == 3
    assert {k: baseline.combine.params[k] for k in LEVEL_PARAMS} == {
        "red_share": m.red_share,
        "yellow_share": m.yellow_share,
        "red_precision": m.red_precision,
    }
    assert baseline.combine.params["w_rule"] == 1.0  # the file's own values stay
    assert baseline.anomaly.n_estimators == m.n_estimators and baseline.seed == m.random_state


@pytest.mark.slow
def test_train_and_tune_show_progress_and_keep_mlflow_and_optuna_quiet(tmp_path, monkeypatch):
    from yunshao.cli import app as root
    from yunshao.simulate import simulate

    monkeypatch.setenv("YUNSHAO_HOME", str(tmp_path / "home"))
    simulate(tmp_path / "ds", 300, 3)
    runner = CliRunner()
    trained = runner.invoke(root, ["train", str(tmp_path / "ds")])
    assert trained.exit_code == 0, trained.output
    assert "training ✓" in trained.stderr and "4/4" in trained.stderr
    assert "registered version 1 as challenger" in trained.stdout
    for noise in ("Successfully registered model", "Created version", "INFO mlflow", "Downloading artifacts"):
        assert noise not in trained.stderr
    tuned = runner.invoke(root, ["tune", str(tmp_path / "ds"), "--trials", "2"])
    assert tuned.exit_code == 0, tuned.output
    assert "tuning: trials" in tuned.stderr and "2/2" in tuned.stderr
    assert "Trial 0 finished" not in tuned.stderr
    verbose = runner.invoke(root, ["--verbose", "train", str(tmp_path / "ds")])
    assert verbose.exit_code == 0 and "Created version '2'" in verbose.stderr
