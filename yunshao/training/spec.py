"""Experiment specs: which features, which model parameters, which validation split — as versioned YAML.

A spec file in ``experiments/`` is the one record of how a model was made; ``train`` and ``tune`` read
one and log it with the run. Unknown keys are errors (a typo must not silently fall back to a default).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FeatureSpec(_Strict):
    include: list[str] | None = Field(default=None, description="feature columns to use; None = all")
    exclude: list[str] = Field(default_factory=list)
    exclude_families: list[str] = Field(
        default_factory=lambda: ["context"],
        description="feature families (docs/features.md) left out of the model. `context` (history, peer "
        "z-scores, co-bidding) is county-wide: the API's peer passes cannot recompute it exactly, and on the "
        "simulated profiles it did not raise the classifier's AP (docs/model-report.md)",
    )
    rules: bool = Field(default=True, description="rule hits and counts as classifier inputs")


class AnomalySpec(_Strict):
    detectors: tuple[str, ...] = ("iforest", "ecod")
    n_estimators: int = 200


class PatternSpec(_Strict):
    enabled: bool = Field(default=True, description="train the rule-pattern detector (weak supervision)")
    min_rule: float = Field(default=0.7, description="rule evidence (0-1) that makes a pseudo-positive")
    unlabelled_weight: float = 0.2
    min_positive: int = Field(default=10, description="pseudo-positives needed to train it")
    params: dict[str, Any] = Field(default_factory=dict, description="RiskClassifier parameters")


class ClassifierSpec(_Strict):
    unlabelled_weights: list[float] = Field(
        default_factory=lambda: [0.0, 0.1, 1.0],
        description="weights of unlabelled projects as negatives to compare by cross-validation (0: labelled only)",
    )
    max_unlabelled: int | None = Field(
        default=50_000, description="unlabelled projects sampled per fold model (None: all); weights rescaled"
    )
    params: dict[str, Any] = Field(default_factory=dict, description="RiskClassifier parameters")


class CombineSpec(_Strict):
    params: dict[str, Any] = Field(default_factory=dict, description="RiskCombiner parameters")


class ValidationSpec(_Strict):
    folds: int = Field(default=5, ge=2, description="cross-fitting folds (labelled projects cut by decision date)")
    min_positive: int = Field(default=10, description="positive labels needed to train a classifier")


class TuneSpec(_Strict):
    study_name: str = "yunshao-risk"
    search: dict[str, list[Any]] = Field(
        default_factory=dict, description="parameter → [low, high] (floats/ints) or a list of choices"
    )


class ExperimentSpec(_Strict):
    name: str = "default"
    version: int = 1
    description: str = ""
    seed: int = 0
    features: FeatureSpec = FeatureSpec()
    anomaly: AnomalySpec = AnomalySpec()
    pattern: PatternSpec = PatternSpec()
    classifier: ClassifierSpec = ClassifierSpec()
    combine: CombineSpec = CombineSpec()
    validation: ValidationSpec = ValidationSpec()
    tune: TuneSpec = TuneSpec()


def load_spec(path: Path | None) -> ExperimentSpec:
    """Read a spec file (the defaults when ``path`` is None); errors name the file and the key."""
    if path is None:
        return ExperimentSpec()
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read the experiment spec: {exc}") from exc
    try:
        return ExperimentSpec.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{path}: {where}: {first['msg']}") from exc
