"""The MLflow model registry: log a fitted RiskModel as a pyfunc, register it, move aliases, load by alias.

MLflow 3 replaced stages with aliases: ``train`` gives a new version the alias ``challenger``, and
``promote`` moves ``champion`` to it. The tracking store is a local SQLite file by default (any tracking
URI through ``ModelSettings.mlflow_tracking_uri``); ``Settings`` places a relative ``sqlite:///file.db``
under ``YUNSHAO_HOME``, so every command finds the same registry wherever it is started. MLflow is
imported only here, so ``yunshao run`` does not pay for it unless a registry exists.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import joblib
import pandas as pd

from yunshao.settings import SQLITE_URI, ModelSettings
from yunshao.training.model import RiskModel

if TYPE_CHECKING:
    from mlflow import MlflowClient

CHALLENGER = "challenger"
CHAMPION = "champion"


def sqlite_path(uri: str) -> Path | None:
    """The file of a ``sqlite:///`` URI (absolute once ``Settings`` resolved it), None for other URIs."""
    return Path(uri[len(SQLITE_URI) :]) if uri.startswith(SQLITE_URI) else None


def make_folder(uri: str) -> str:
    """``uri`` after creating the folder of its SQLite file (SQLite makes the file, not its folder)."""
    path = sqlite_path(uri)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    return uri


def registry_exists(settings: ModelSettings) -> bool:
    """False when the tracking store is a SQLite file that does not exist (nothing was ever trained)."""
    path = sqlite_path(settings.mlflow_tracking_uri)
    return path is None or path.exists()


def client(settings: ModelSettings) -> MlflowClient:
    import mlflow

    uri = make_folder(settings.mlflow_tracking_uri)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    return mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)


def use_experiment(settings: ModelSettings) -> str:
    """Make the settings' experiment active (created on first use, its artifacts beside the SQLite file)."""
    import mlflow

    c = client(settings)
    found = c.get_experiment_by_name(settings.mlflow_experiment)
    if found is None:
        db = sqlite_path(settings.mlflow_tracking_uri)
        location = (db.parent / "mlartifacts").as_uri() if db is not None else None
        experiment_id = c.create_experiment(settings.mlflow_experiment, artifact_location=location)
    else:
        experiment_id = found.experiment_id
    mlflow.set_experiment(experiment_id=experiment_id)
    return str(experiment_id)


def log_risk_model(model: RiskModel, example: pd.DataFrame, settings: ModelSettings) -> Any:
    """Log ``model`` as a pyfunc with its signature in the active run and register a new version.

    Returns the ModelInfo; the version gets the ``challenger`` alias.
    """
    import mlflow
    from mlflow.models import infer_signature

    from yunshao.training.pyfunc import RiskPyfunc, score_frame

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "risk_model.joblib"
        joblib.dump(model, path)
        example = example.reindex(columns=model_input_columns(model)).astype("float64")
        signature = infer_signature(example, score_frame(model, example))
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=RiskPyfunc(),
            artifacts={"risk_model": str(path)},
            signature=signature,
            input_example=example.head(3),
            registered_model_name=settings.registered_model,
            pip_requirements=_requirements(),
        )
    version = str(info.registered_model_version)
    client(settings).set_registered_model_alias(settings.registered_model, CHALLENGER, version)
    return info


def model_input_columns(model: RiskModel) -> list[str]:
    """What the pyfunc reads: the design-matrix columns (features, rule hits, context)."""
    return list(dict.fromkeys([*model.input_columns_, *model.feature_columns_]))


def _requirements() -> list[str]:
    from importlib.metadata import version

    return [f"{p}=={version(p)}" for p in ("lightgbm", "scikit-learn", "pandas", "numpy", "joblib")]


def promote(settings: ModelSettings, version: str | None = None) -> str:
    """Give ``champion`` to ``version`` (default: the current ``challenger``); returns the version."""
    c = client(settings)
    name = settings.registered_model
    if version is None:
        version = str(c.get_model_version_by_alias(name, CHALLENGER).version)
    c.get_model_version(name, version)  # raises if the version does not exist
    c.set_registered_model_alias(name, CHAMPION, version)
    return version


def load_by_alias(settings: ModelSettings, alias: str) -> tuple[RiskModel, str]:
    """The RiskModel behind ``models:/<name>@<alias>`` and its version."""
    import mlflow.pyfunc

    c = client(settings)
    version = str(c.get_model_version_by_alias(settings.registered_model, alias).version)
    loaded = mlflow.pyfunc.load_model(f"models:/{settings.registered_model}@{alias}")
    wrapper = loaded.unwrap_python_model()
    return wrapper.model, version


def load_pyfunc(settings: ModelSettings, alias: str) -> Any:
    """The MLflow pyfunc itself (``predict`` takes the design matrix)."""
    import mlflow.pyfunc

    client(settings)
    return mlflow.pyfunc.load_model(f"models:/{settings.registered_model}@{alias}")


def find_champion(settings: ModelSettings) -> tuple[RiskModel, str] | None:
    """The champion and its version, or None when there is no registry, model or alias."""
    if not registry_exists(settings):
        return None
    from mlflow.exceptions import MlflowException

    try:
        return load_by_alias(settings, CHAMPION)
    except MlflowException:
        return None
