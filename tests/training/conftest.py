from __future__ import annotations

import pytest

from yunshao.settings import ModelSettings, Settings


@pytest.fixture
def registry_settings(tmp_path, monkeypatch) -> Settings:
    """Settings whose MLflow and Optuna stores live in a fresh temporary folder."""
    monkeypatch.chdir(tmp_path)
    model = ModelSettings(
        mlflow_tracking_uri=f"sqlite:///{tmp_path / 'mlruns.db'}",
        optuna_storage=f"sqlite:///{tmp_path / 'optuna.db'}",
        n_estimators=50,
    )
    return Settings(model=model)
