"""``yunshao train``: fit on a dataset, log everything to MLflow, register a version as ``challenger``.

Logged per run: the spec (as parameters and as the YAML artifact), the unlabelled weights and the
combinations compared (with their cross-validated average precision), each rule's confirmation rate,
out-of-fold metrics (average precision, precision and recall in the top 5 %, recall per scheme), the
figures (precision-recall, score distributions, SHAP beeswarm, calibration)
and the model as a pyfunc with its signature.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from yunshao.settings import Settings
from yunshao.training import plots
from yunshao.training.dataset import ProjectData, load_project_data, prepare_store
from yunshao.training.evaluate import ranking_metrics, recall_by_scheme
from yunshao.training.explain import shap_contributions
from yunshao.training.labels import Targets, make_targets, read_outcomes
from yunshao.training.spec import ExperimentSpec
from yunshao.training.train import FitResult, fit_risk_model

#: the steps of ``train``, in order, as its progress callback names them
TRAIN_STEPS = ("features and rules", "fit", "log to MLflow", "register")


@dataclass
class TrainSummary:
    run_id: str
    version: str | None
    combination: str | None
    metrics: dict[str, float] = field(default_factory=dict)
    comparison: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def training_data(con: duckdb.DuckDBPyConnection, settings: Settings) -> tuple[ProjectData, Targets]:
    """The project frame and its targets from a prepared store."""
    data = load_project_data(con)
    targets = make_targets(read_outcomes(con), "project", data.index, partial_weight=settings.model.partial_weight)
    return data, targets


def train(
    dataset: Path | None,
    spec: ExperimentSpec,
    settings: Settings,
    *,
    spec_path: Path | None = None,
    data: tuple[ProjectData, Targets] | None = None,
    progress: Callable[[str], None] | None = None,
) -> TrainSummary:
    """Load ``dataset`` (or use ``data``), fit per ``spec``, log and register the model.

    ``progress`` is called with each of ``TRAIN_STEPS`` as it starts (a minute or more goes by in silence
    otherwise on a county of thousands of projects).
    """
    import mlflow

    from yunshao.training.registry import log_risk_model, use_experiment

    step = progress or (lambda name: None)
    step(TRAIN_STEPS[0])
    if data is None:
        if dataset is None:
            raise ValueError("train needs a dataset")
        data = training_data(prepare_store(dataset, settings), settings)
    frame, targets = data
    step(TRAIN_STEPS[1])
    result = fit_risk_model(frame, targets, spec, n_jobs=settings.engine.n_jobs())
    step(TRAIN_STEPS[2])
    use_experiment(settings.model)
    with mlflow.start_run(run_name=f"train-{spec.name}-v{spec.version}") as run:
        log_fit(result, frame, targets, spec, dataset=dataset, spec_path=spec_path)
        step(TRAIN_STEPS[3])
        info = log_risk_model(result.model, frame.frame.head(50), settings.model)
    return TrainSummary(
        run_id=run.info.run_id,
        version=str(info.registered_model_version),
        combination=result.model.combiner_.method_,
        metrics=result.metrics,
        comparison=result.comparison,
        notes=result.notes,
    )


def validation_metrics(result: FitResult, targets: Targets) -> dict[str, float]:
    """AP, precision/recall at the top 5 % and recall per scheme, out of fold: labelled positives against
    every other project, each scored by a classifier that never trained on it (``oof_`` metrics)."""
    metrics = dict(result.metrics)
    v = result.validation_scores
    if v is None or v["y"].sum() == 0:
        return metrics
    metrics.update({f"oof_{k}": val for k, val in ranking_metrics(v["y"].to_numpy(), v["risk"].to_numpy()).items()})
    schemes = targets.scheme.reindex(v.index).where(v["y"] == 1, "").str.split(",").str[0].fillna("")
    for scheme, recall in recall_by_scheme(schemes, v["risk"]).items():
        metrics[f"oof_recall_top5_{scheme}"] = recall
    return metrics


def log_fit(
    result: FitResult,
    data: ProjectData,
    targets: Targets,
    spec: ExperimentSpec,
    *,
    dataset: Path | None = None,
    spec_path: Path | None = None,
) -> dict[str, float]:
    """Parameters, metrics, tables and figures of one fit, into the active MLflow run."""
    import mlflow

    model = result.model
    params: dict[str, Any] = {
        "spec": spec.name,
        "spec_version": spec.version,
        "dataset": str(dataset) if dataset else "",
        "combination": model.info_.get("combination"),
        "unlabelled_weight": model.info_.get("unlabelled_weight"),
        "detectors": ",".join(model.anomaly_.detectors),
        "positives": targets.n_positive,
        "negatives": targets.n_negative,
        "features": len(model.feature_columns_),
        **{f"combine.{k}": v for k, v in model.combiner_.get_params().items()},
    }
    if model.classifier_ is not None:
        params.update({f"classifier.{k}": v for k, v in model.classifier_.get_params().items()})
    mlflow.log_params({k: str(v)[:500] for k, v in params.items()})
    metrics = validation_metrics(result, targets)
    for row in result.comparison:
        if "cv_ap" in row:
            metrics[f"cv_ap_unlabelled_weight_{row['unlabelled_weight']}"] = row["cv_ap"]
    for row in result.candidates:
        metrics[f"cv_ap_{row['candidate']}"] = row["cv_ap"]
    for row in result.rules:
        if row["checked"]:
            metrics[f"rule_confirmation_{row['rule_id']}"] = row["confirmation_rate"]
    mlflow.log_metrics({k: float(v) for k, v in metrics.items() if v is not None and np.isfinite(v)})
    mlflow.log_dict(
        {
            "comparison": result.comparison,
            "candidates": result.candidates,
            "rules": result.rules,
            "notes": result.notes,
            "thresholds": model.combiner_.thresholds(),
        },
        "comparison.json",
    )
    mlflow.log_dict(spec.model_dump(mode="json"), "spec.json")
    if spec_path is not None:
        mlflow.log_artifact(str(spec_path))
    with tempfile.TemporaryDirectory() as tmp:
        for path in fit_figures(result, data, Path(tmp)):
            mlflow.log_artifact(str(path), artifact_path="plots")
    return metrics


def fit_figures(result: FitResult, data: ProjectData, folder: Path, sample: int = 2000) -> list[Path]:
    """The four figures of a fit (fewer without outcomes or without a classifier)."""
    model = result.model
    paths = []
    scores = model.score(data.frame)
    v = result.validation_scores
    y_all = np.zeros(len(scores), dtype=int)
    if v is not None:
        y_all = pd.Series(0, index=scores.index).add(v["y"], fill_value=0).clip(0, 1).to_numpy().astype(int)
        paths.append(
            plots.pr_curves(
                {
                    "risk": (v["y"].to_numpy(), v["risk"].to_numpy()),
                    "model": (v["y"].to_numpy(), v["model"].to_numpy()),
                },
                folder / "pr_curve.png",
                "out-of-fold precision-recall (labelled positives against the rest)",
            )
        )
        if v["y"].sum() > 0:
            paths.append(plots.calibration(v["y"].to_numpy(), v["model"].to_numpy(), folder / "calibration.png"))
    paths.append(plots.score_distributions(y_all, scores["risk_score"].to_numpy(), folder / "scores.png"))
    if model.classifier_ is not None:
        rows = data.frame.sample(min(sample, len(data.frame)), random_state=0)
        design = model.design(rows)[model.classifier_columns]
        contrib = shap_contributions(model.classifier_, design)
        paths.append(plots.beeswarm(contrib, design, folder / "shap_beeswarm.png"))
    return paths


def summary_json(summary: TrainSummary) -> str:
    return json.dumps(summary.__dict__, ensure_ascii=False, indent=2, default=str)
