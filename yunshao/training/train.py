"""Fitting a RiskModel and saying what the fit chose: the classifier's treatment of unlabelled projects,
each rule's confirmation rate, the combination and the thresholds, each with the cross-validated figure
that chose it (what ``train`` logs to MLflow and ``run`` writes to ``run.json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from yunshao.training.dataset import ProjectData
from yunshao.training.labels import Targets
from yunshao.training.model import RiskModel
from yunshao.training.spec import ExperimentSpec


@dataclass
class FitResult:
    model: RiskModel
    comparison: list[dict[str, Any]] = field(default_factory=list)  # classifier: one row per unlabelled weight
    candidates: list[dict[str, Any]] = field(default_factory=list)  # combinations and their CV AP
    rules: list[dict[str, Any]] = field(default_factory=list)  # confirmation rate per rule
    metrics: dict[str, float] = field(default_factory=dict)  # of the kept combination, cross-validated
    validation_scores: pd.DataFrame | None = None  # every row: y (labelled positive), risk, model (OOF)
    notes: list[str] = field(default_factory=list)


def fit_risk_model(
    data: ProjectData,
    targets: Targets | None,
    spec: ExperimentSpec,
    *,
    combine_overrides: dict[str, Any] | None = None,
    n_jobs: int | None = None,
) -> FitResult:
    """Fit a RiskModel on ``data`` and report what it chose (``n_jobs``: threads, as in RiskModel)."""
    model = RiskModel(spec, combine_overrides, n_jobs=n_jobs).fit(data.frame, targets)
    return describe_fit(model, data, targets)


def describe_fit(model: RiskModel, data: ProjectData, targets: Targets | None) -> FitResult:
    comb = model.combiner_
    ids = data.rule_ids
    result = FitResult(
        model,
        comparison=list(model.classifier_cv_),
        candidates=list(comb.candidates_),
        rules=comb.rules_.table(ids),
        notes=list(model.notes_),
    )
    chosen = [c for c in comb.candidates_ if c.get("chosen")]
    if chosen:
        result.metrics["cv_ap"] = float(chosen[0]["cv_ap"])
        result.notes.append(
            f"combination '{comb.method_}' best in {chosen[0]['share']:.0%} of bootstrap replicates (cross-validated "
            f"average precision {chosen[0]['cv_ap']:.3f}) among {len(comb.candidates_)} candidates"
        )
    low = comb.rules_.low_confirmation_columns()
    if low:
        result.notes.append(f"{len(low)} rules confirmed no more often than the base rate: they no longer drive red")
    if targets is not None and model.classifier_ is not None:
        scores = model.score(data.frame)
        result.validation_scores = pd.DataFrame(
            {
                "y": (targets.y.to_numpy() == 1).astype(int),
                "risk": scores["risk_score"].to_numpy(),
                "model": scores["model_score"].to_numpy(),
            },
            index=data.index,
        )
        result.metrics["labelled_positive_share"] = float(np.mean(targets.y.to_numpy() == 1))
    return result
