"""Experiment specs: which features, which model parameters, which validation split — as versioned YAML.

A spec file in ``experiments/`` is the one record of how a model was made; ``train`` and ``tune`` read
one and log it with the run. Unknown keys are errors (a typo must not silently fall back to a default).
What a spec leaves out comes from the settings (``ModelSettings``: the seed, the forest size, the level
shares and the red precision), so a default is written once, in ``yunshao/settings.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from yunshao.settings import ModelSettings, Settings

_DEFAULTS = ModelSettings()
#: RiskCombiner parameters whose defaults are settings (the level shares and the red precision)
LEVEL_PARAMS = ("red_share", "yellow_share", "red_precision")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FeatureSpec(_Strict):
    """Which columns of ``features_project`` (and which rule hits) a model reads."""

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
    n_estimators: int = _DEFAULTS.n_estimators


class PatternSpec(_Strict):
    enabled: bool = Field(default=True, description="train the rule-pattern detector (weak supervision)")
    min_rule: float = Field(default=0.7, description="rule evidence (0-1) that makes a pseudo-positive")
    unlabelled_weight: float = 0.2
    min_positive: int = Field(default=10, description="pseudo-positives needed to train it")
    max_unlabelled: int | None = Field(
        default=50_000, description="unlabelled projects sampled to train it (None: all); weights rescaled"
    )
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
    seed: int = _DEFAULTS.random_state
    features: FeatureSpec = FeatureSpec()
    anomaly: AnomalySpec = AnomalySpec()
    pattern: PatternSpec = PatternSpec()
    classifier: ClassifierSpec = ClassifierSpec()
    combine: CombineSpec = CombineSpec()
    validation: ValidationSpec = ValidationSpec()
    tune: TuneSpec = TuneSpec()


def spec_defaults(settings: Settings | None = None) -> ExperimentSpec:
    """The spec a file starts from: the effective settings' seed, forest size, level shares and precision."""
    m = (settings or Settings()).model
    spec = ExperimentSpec(seed=m.random_state)
    spec.anomaly.n_estimators = m.n_estimators
    spec.combine.params.update({name: getattr(m, name) for name in LEVEL_PARAMS})
    return spec


def load_spec(path: Path | None, settings: Settings | None = None) -> ExperimentSpec:
    """Read a spec file over ``spec_defaults(settings)``; errors name the file and the key.

    What the file sets wins; what it leaves out comes from the settings (``YUNSHAO_MODEL__RED_SHARE``
    moves the red share of `train` as it moves that of `run`).
    """
    if path is None:
        return spec_defaults(settings)
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read the experiment spec: {exc}") from exc
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: the experiment spec must be a mapping of keys, got {type(raw).__name__}")
    try:
        return ExperimentSpec.model_validate(_merged(spec_defaults(settings).model_dump(), raw))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{path}: {where}: {first['msg']}") from exc


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` on ``base``, mapping into mapping, so a file's ``combine.params`` keeps the settings' shares."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = value
    return out
