"""Other libraries' log lines, quiet unless ``yunshao --verbose``.

A command's own output says what it did (a version registered, a study's best trial, a progress bar);
MLflow's database migrations and "Successfully registered model", Optuna's line per trial and
scikit-learn's or LightGBM's warnings said it a second time, in another format, between the bars. They stay
one flag away for debugging: ``--verbose`` leaves every library at its own defaults.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from typing import Any, cast

#: loggers of libraries that log at INFO by default; ERROR lines still show
LIBRARY_LOGGERS = ("mlflow", "alembic", "optuna", "sklearn", "lightgbm", "shap")
#: modules whose warnings are hidden when quiet (a warning is filtered by the module it is attributed to)
WARNING_MODULES = r"(sklearn|lightgbm|mlflow|optuna|shap|pyod)(\..*)?$"

_verbose = False
_QUIET_ENV = {"MLFLOW_LOGGING_LEVEL": "ERROR", "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false"}
_set_env: list[str] = []  # variables this module set (a user's own value is never touched)
_saved_levels: dict[str, int] = {}  # logger levels before quieting


def configure(verbose: bool) -> None:
    """Set before any library is imported (the root command's first act), so their own set-up obeys it.

    Verbose undoes what a quiet call did in the same process (a test or a notebook may call both).
    """
    global _verbose
    _verbose = verbose
    if verbose:
        _restore()
        return
    for var, value in _QUIET_ENV.items():  # MLflow reads these when it is imported
        if var not in os.environ:
            os.environ[var] = value
            _set_env.append(var)
    for name in LIBRARY_LOGGERS:  # for a library already imported in this process
        logger = logging.getLogger(name)
        _saved_levels.setdefault(name, logger.level)
        logger.setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module=WARNING_MODULES)


def _restore() -> None:
    while _set_env:
        os.environ.pop(_set_env.pop(), None)
    for name, level in _saved_levels.items():
        logging.getLogger(name).setLevel(level)
    _saved_levels.clear()
    filters = cast(list[Any], warnings.filters)  # a list at run time; typeshed says Sequence
    filters[:] = [f for f in filters if getattr(f[3], "pattern", f[3]) != WARNING_MODULES]
    stream = _mlflow_stream()
    if stream is not None:
        for method in ("write", "flush"):
            vars(stream).pop(method, None)


def _mlflow_stream() -> Any:
    """MLflow's own stream when MLflow is already imported (never imported here for it)."""
    module = sys.modules.get("mlflow.utils.logging_utils")
    return None if module is None else module.MLFLOW_LOGGING_STREAM


def is_verbose() -> bool:
    return _verbose


def quiet_optuna() -> None:
    """Optuna sets its own level when imported, so it is told again once it is (no line per trial)."""
    if _verbose:
        return
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)


def quiet_mlflow() -> None:
    """MLflow prints some messages (a model registered, a version created) past its loggers, to its own
    stream, which its ``disable_logging`` cannot keep shut (validating a signature turns it back on), so
    when quiet the stream drops what it is given. Its errors still end the command as exceptions."""
    if _verbose:
        return
    from mlflow.utils.logging_utils import MLFLOW_LOGGING_STREAM

    MLFLOW_LOGGING_STREAM.write = len  # type: ignore[method-assign]  # accepts the text, writes nothing
    MLFLOW_LOGGING_STREAM.flush = _nothing  # type: ignore[method-assign]


def _nothing() -> None:
    return None
