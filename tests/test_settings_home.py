"""Where the registry, the studies and the keys live: under YUNSHAO_HOME, whatever the working folder
(issue 17, item 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from yunshao.settings import ModelSettings, ServeSettings, Settings


def test_defaults_live_under_the_home_not_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YUNSHAO_HOME", str(tmp_path / "home"))
    seen = set()
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / folder)
        s = Settings()
        seen.add((s.model.mlflow_tracking_uri, s.model.optuna_storage, s.serve.keys_db))
    assert seen == {
        (
            f"sqlite:///{tmp_path / 'home' / 'mlruns.db'}",
            f"sqlite:///{tmp_path / 'home' / 'optuna.db'}",
            tmp_path / "home" / "keys.sqlite",
        )
    }


def test_relative_values_are_under_the_home_and_absolute_ones_and_servers_stay(tmp_path: Path) -> None:
    s = Settings(
        home=tmp_path / "h",
        model=ModelSettings(mlflow_tracking_uri="sqlite:///reg/m.db", optuna_storage="postgresql://db/optuna"),
        serve=ServeSettings(keys_db=tmp_path / "elsewhere" / "k.sqlite"),
    )
    assert s.model.mlflow_tracking_uri == f"sqlite:///{tmp_path / 'h' / 'reg' / 'm.db'}"
    assert s.model.optuna_storage == "postgresql://db/optuna"
    assert s.serve.keys_db == tmp_path / "elsewhere" / "k.sqlite"
    s2 = Settings(home=tmp_path / "h", model=ModelSettings(mlflow_tracking_uri="http://mlflow.internal:5000"))
    assert s2.model.mlflow_tracking_uri == "http://mlflow.internal:5000"


def test_the_home_defaults_to_a_folder_in_the_users_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("YUNSHAO_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert Settings().home == tmp_path / ".yunshao"
