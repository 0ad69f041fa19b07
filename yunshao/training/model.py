"""The fitted risk model: detectors, classifier (optional), combination and thresholds, as one object.

It is what the registry stores (inside an MLflow pyfunc), what a run scores with, and what explanations
read, so a model trained on one county's data scores another county's store the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from yunshao.training.anomaly import ANOMALY_SCORE, AnomalyScorer
from yunshao.training.classifier import RiskClassifier
from yunshao.training.combine import RiskCombiner
from yunshao.training.dataset import RULE_PREFIX, align

SCORE_COLUMNS = ["risk_score", "level", "anomaly_score", "model_score", "pattern_score"]


@dataclass
class RiskModel:
    """A fitted scorer for project frames built by ``dataset.load_project_data``."""

    feature_columns: list[str]  # what the detectors read
    input_columns: list[str]  # frame columns the classifier reads (features, rules, context)
    anomaly: AnomalyScorer
    combiner: RiskCombiner
    classifier: RiskClassifier | None = None
    pattern: RiskClassifier | None = None  # the rule-pattern detector (weak supervision)
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def classifier_columns(self) -> list[str]:
        return [*self.input_columns, *self.anomaly_columns]

    @property
    def pattern_columns(self) -> list[str]:
        return [*self.feature_columns, *self.anomaly_columns]

    @property
    def rule_columns(self) -> list[str]:
        return [c for c in self.input_columns if c.startswith(RULE_PREFIX)]

    @property
    def anomaly_columns(self) -> list[str]:
        return [f"anomaly_{name}" for name in self.anomaly.detectors] + [ANOMALY_SCORE]

    def design(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The classifier's input: the frame aligned to training columns plus anomaly percentiles."""
        base = align(frame, list(dict.fromkeys([*self.input_columns, *self.feature_columns])))
        anomaly = self.anomaly.transform(align(frame, self.feature_columns))
        return pd.concat([base, anomaly], axis=1)

    def parts(self, frame: pd.DataFrame, design: pd.DataFrame | None = None) -> pd.DataFrame:
        """What the combination reads: rule counts, anomaly, model probability, emergency flag."""
        design = self.design(frame) if design is None else design
        parts = pd.DataFrame(index=frame.index)
        for col in ("rules_red", "rules_yellow", "is_emergency", *self.rule_columns):
            parts[col] = frame.get(col, 0.0)
        parts["anomaly_score"] = design[ANOMALY_SCORE]
        parts["pattern_score"] = (
            self.pattern.predict_proba(design[self.pattern_columns])[:, 1] if self.pattern is not None else np.nan
        )
        if self.classifier is not None:
            parts["model_score"] = self.classifier.predict_proba(design[self.classifier_columns])[:, 1]
        else:
            parts["model_score"] = np.nan
        return parts

    def score(self, frame: pd.DataFrame, design: pd.DataFrame | None = None) -> pd.DataFrame:
        """risk_score, level, anomaly_score and model_score per row of ``frame``.

        ``design`` is ``self.design(frame)`` when the caller has it already (the API explains the same rows).
        """
        parts = self.parts(frame, design)
        risk = self.combiner.risk(parts)
        out = pd.DataFrame(index=frame.index)
        out["risk_score"] = risk
        out["level"] = self.combiner.levels(parts, risk)
        out["anomaly_score"] = parts["anomaly_score"]
        out["model_score"] = parts["model_score"]
        out["pattern_score"] = parts["pattern_score"]
        return out
