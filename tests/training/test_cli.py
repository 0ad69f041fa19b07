from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from yunshao.training.cli import app
from yunshao.training.spec import load_spec

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
