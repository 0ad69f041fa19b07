"""The model registry lives under YUNSHAO_HOME: a champion trained and promoted in one folder scores a `run`
started in another, and each command says which registry it used (issue 17, item 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunshao.cli import app
from yunshao.simulate import simulate

pytestmark = pytest.mark.slow  # trains and registers a model through MLflow (~20 s)


def test_a_run_from_another_folder_scores_with_the_champion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("YUNSHAO_HOME", str(home))
    simulate(tmp_path / "ds", 200, 3, label_frac=0.4)
    runner = CliRunner()
    where = f"model registry: sqlite:///{home / 'mlruns.db'}"

    (tmp_path / "a").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    for command in (["train", str(tmp_path / "ds")], ["promote"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, result.output
        assert where in result.stderr.splitlines()

    (tmp_path / "b").mkdir()
    monkeypatch.chdir(tmp_path / "b")
    result = runner.invoke(app, ["run", str(tmp_path / "ds"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert where in result.stderr.splitlines()
    scoring = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))["scoring"]
    assert (scoring["model_source"], scoring["model_version"]) == ("champion", "1")
    assert not list((tmp_path / "a").iterdir()) and not list((tmp_path / "b").iterdir())
