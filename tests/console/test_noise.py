"""Other libraries' log lines are quiet by default and shown with `yunshao --verbose`."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import warnings

import pytest

from yunshao.console import noise


@pytest.fixture(autouse=True)
def _restore(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("MLFLOW_LOGGING_LEVEL", "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"):
        monkeypatch.delenv(var, raising=False)
    for name in noise.LIBRARY_LOGGERS:
        monkeypatch.setattr(logging.getLogger(name), "level", logging.NOTSET)
    monkeypatch.setattr(noise, "_verbose", False)


def test_quiet_by_default() -> None:
    with warnings.catch_warnings():
        noise.configure(False)
        assert os.environ["MLFLOW_LOGGING_LEVEL"] == "ERROR"
        assert os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] == "false"
        assert logging.getLogger("optuna").level == logging.ERROR
        with warnings.catch_warnings(record=True) as caught:
            warnings.warn_explicit("noisy", UserWarning, "x.py", 1, module="sklearn.utils")
            warnings.warn_explicit("ours", UserWarning, "y.py", 1, module="yunshao.training")
    assert [str(w.message) for w in caught] == ["ours"]


def test_verbose_leaves_the_libraries_alone() -> None:
    noise.configure(True)
    assert "MLFLOW_LOGGING_LEVEL" not in os.environ
    assert logging.getLogger("mlflow").level == logging.NOTSET
    assert noise.is_verbose()


def test_a_users_own_mlflow_level_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_LOGGING_LEVEL", "DEBUG")
    with warnings.catch_warnings():
        noise.configure(False)
    assert os.environ["MLFLOW_LOGGING_LEVEL"] == "DEBUG"


def _optuna_lines(verbose: bool) -> str:
    """stderr of a 2-trial Optuna study run after the CLI's options (in a fresh interpreter)."""
    code = (
        "from yunshao.console import noise\n"
        f"noise.configure({verbose})\n"
        "noise.quiet_optuna()\n"
        "import optuna\n"
        "optuna.create_study().optimize(lambda t: t.suggest_float('x', 0, 1), n_trials=2)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return done.stderr


def test_optuna_trials_are_not_logged_unless_verbose() -> None:
    assert "Trial 0 finished" not in _optuna_lines(False)
    assert "Trial 0 finished" in _optuna_lines(True)
