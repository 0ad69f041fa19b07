"""The risk model as one scikit-learn estimator: detectors → rule pattern → classifier → combiner.

``RiskModel(spec).fit(frame, targets)`` learns everything a county's data and outcomes can teach:
anomaly detectors on the features; the rule-pattern detector (weak supervision from rare red rules);
with enough verified outcomes, a cross-fitted classifier whose treatment of unlabelled projects (weak
negatives of weight 0, 0.1 or 1) is chosen by cross-validated average precision; then the combiner,
which learns each rule's confirmation rate and picks the combination of the parts by the same
cross-validation. ``score`` and ``explain`` apply it; it is what a run keeps in its store, what the
registry stores (inside an MLflow pyfunc) and what the API scores with, so a project is scored the
same way everywhere.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from joblib import effective_n_jobs
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from yunshao.training.anomaly import ANOMALY_SCORE, AnomalyScorer
from yunshao.training.combine import RiskCombiner
from yunshao.training.crossfit import CrossFittedClassifier, assign_folds
from yunshao.training.dataset import CONTEXT_COLUMNS, RULE_PREFIX, align
from yunshao.training.evaluate import average_precision
from yunshao.training.pattern import fit_pattern
from yunshao.training.spec import ExperimentSpec

if TYPE_CHECKING:
    from yunshao.training.classifier import RiskClassifier
    from yunshao.training.labels import Targets

SCORE_COLUMNS = ["risk_score", "level", "anomaly_score", "model_score", "pattern_score"]


def feature_columns(frame: pd.DataFrame, spec: ExperimentSpec) -> list[str]:
    """The feature columns of a project frame (not rule hits or context), per the spec's feature section."""
    feats = [c for c in frame.columns if not c.startswith(RULE_PREFIX) and c not in CONTEXT_COLUMNS]
    if spec.features.exclude_families:
        from yunshao.features.catalog import load_catalog

        families = {f.name: f.family for f in load_catalog()}
        feats = [c for c in feats if families.get(c) not in spec.features.exclude_families]
    if spec.features.include is not None:
        missing = sorted(set(spec.features.include) - set(feats))
        if missing:
            raise ValueError(f"spec features.include names unknown features: {', '.join(missing)}")
        feats = [c for c in feats if c in spec.features.include]
    return [c for c in feats if c not in spec.features.exclude]


class _Clock:
    """Seconds per named step of a fit (``fit_seconds_``; a run reports them)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def tick(self, step: str) -> None:
        now = time.perf_counter()
        self.seconds[step] = round(now - self._last, 3)
        self._last = now


class RiskModel(BaseEstimator):
    """A county's risk model; parameters are the experiment spec, combiner overrides and the threads that
    fit and apply the fold models (``n_jobs``, joblib's meaning; the results do not depend on it)."""

    def __init__(
        self,
        spec: ExperimentSpec | None = None,
        combine_params: dict[str, Any] | None = None,
        n_jobs: int | None = None,
    ) -> None:
        self.spec = spec
        self.combine_params = combine_params
        self.n_jobs = n_jobs

    # -- columns -----------------------------------------------------------------------------------------
    @property
    def anomaly_columns(self) -> list[str]:
        return [f"anomaly_{name}" for name in self.anomaly_.detectors] + [ANOMALY_SCORE]

    @property
    def classifier_columns(self) -> list[str]:
        return [*self.input_columns_, *self.anomaly_columns]

    @property
    def pattern_columns(self) -> list[str]:
        return [*self.feature_columns_, *self.anomaly_columns]

    @property
    def rule_columns(self) -> list[str]:
        return [c for c in self.input_columns_ if c.startswith(RULE_PREFIX)]

    # -- fitting -----------------------------------------------------------------------------------------
    def fit(self, frame: pd.DataFrame, targets: Targets | None = None) -> RiskModel:
        """Fit on a project frame (``dataset.load_project_data``) and its targets (None: no outcomes)."""
        self._fit(frame, targets)
        return self

    def fit_score(self, frame: pd.DataFrame, targets: Targets | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``fit(frame, targets)``, then ``(score(frame), design(frame))`` from what the fit computed anyway:
        a run scores the very projects it trained on, and at a city's size each pass over them costs seconds."""
        design, parts, risk_levels = self._fit(frame, targets)
        return self._scores(parts, risk_levels), design

    def _fit(
        self, frame: pd.DataFrame, targets: Targets | None
    ) -> tuple[pd.DataFrame, pd.DataFrame, tuple[np.ndarray, np.ndarray]]:
        """Fit; returns the training rows' design, parts and (risk, levels) (see ``fit_score``)."""
        spec = self.spec or ExperimentSpec()
        self.feature_columns_ = feature_columns(frame, spec)
        rules = [c for c in frame.columns if c.startswith(RULE_PREFIX)]
        context = [c for c in CONTEXT_COLUMNS if c in frame.columns and (spec.features.rules or c[:6] != "rules_")]
        self.input_columns_ = [*self.feature_columns_, *(rules if spec.features.rules else []), *context]
        clock = _Clock()
        self.anomaly_ = AnomalyScorer(
            detectors=tuple(spec.anomaly.detectors),
            n_estimators=spec.anomaly.n_estimators,
            random_state=spec.seed,
            n_jobs=self.n_jobs,
        )
        design = self._design(frame, self.anomaly_.fit_transform(frame[self.feature_columns_]))
        self.combiner_ = RiskCombiner(
            **{"random_state": spec.seed, **spec.combine.params, **(self.combine_params or {})}
        )
        clock.tick("detectors")
        self.classifier_: CrossFittedClassifier | None = None
        self.classifier_cv_: list[dict[str, Any]] = []
        self.notes_: list[str] = []
        n_pos = 0 if targets is None else targets.n_positive
        folds = None
        # the pattern detector never reads an outcome: with threads to spare it is fitted beside the classifier
        with ThreadPoolExecutor(max_workers=1) as side:
            pattern = side.submit(self._fit_pattern, frame, design, spec)
            if effective_n_jobs(self.n_jobs) == 1:
                pattern.result()  # one thread asked for: nothing is fitted side by side
            if targets is not None and n_pos >= spec.validation.min_positive:
                folds = assign_folds(targets.y.to_numpy(), targets.decided_at, spec.validation.folds, spec.seed)
                self.classifier_ = self._fit_classifier(design, targets, folds, spec)
            else:
                self.notes_.append(f"{n_pos} positive labels: no classifier, rules and detectors only")
            self.pattern_ = pattern.result()
        clock.tick("pattern_and_classifier")
        parts = self.parts(frame, design, training=True)  # model scores are out-of-fold for every training row
        y = None if targets is None else targets.y.to_numpy()
        w = None if targets is None else targets.weight.to_numpy()
        risk_levels = self.combiner_.fit_risk_and_levels(parts, y, w, folds if self.classifier_ is not None else None)
        clock.tick("combiner")
        self.fit_seconds_ = clock.seconds
        self.info_ = {
            "spec": spec.name,
            "spec_version": spec.version,
            "trained_at": datetime.now().isoformat(timespec="seconds"),
            "rows": len(frame),
            "positives": n_pos,
            "negatives": 0 if targets is None else targets.n_negative,
            "unlabelled_weight": None if self.classifier_ is None else self.classifier_.unlabelled_weight,
            "combination": self.combiner_.method_,
            "thresholds": self.combiner_.thresholds(),
        }
        return design, parts, risk_levels

    def _fit_pattern(self, frame: pd.DataFrame, design: pd.DataFrame, spec: ExperimentSpec) -> RiskClassifier | None:
        """The rule-pattern detector learns from the rules' own verdicts, never from outcomes."""
        rule_only = RiskCombiner(**{**spec.combine.params, **(self.combine_params or {})})
        rule_component = rule_only.components(self._rule_parts(frame, design))["rule"].to_numpy()
        return fit_pattern(design[self.pattern_columns], rule_component, spec.pattern, spec.seed)

    def _fit_classifier(
        self, design: pd.DataFrame, targets: Targets, folds: np.ndarray, spec: ExperimentSpec
    ) -> CrossFittedClassifier:
        """One cross-fitted classifier per unlabelled weight; the best by out-of-fold average precision."""
        X = design[self.classifier_columns]
        positive = (targets.y.to_numpy() == 1).astype(int)
        best: tuple[float, CrossFittedClassifier] | None = None
        for weight in spec.classifier.unlabelled_weights:
            clf = CrossFittedClassifier(
                n_folds=spec.validation.folds,
                unlabelled_weight=weight,
                max_unlabelled=spec.classifier.max_unlabelled,
                params=spec.classifier.params,
                random_state=spec.seed,
                n_jobs=self.n_jobs,
            )
            try:
                clf.fit(X, targets.y.to_numpy(), targets.weight.to_numpy(), folds=folds)
            except ValueError as exc:  # e.g. a fold without negatives for labelled_only
                self.classifier_cv_.append({"unlabelled_weight": weight, "error": str(exc)})
                continue
            ap = average_precision(positive, clf.oof_raw_)
            self.classifier_cv_.append({"unlabelled_weight": weight, "cv_ap": ap})
            if best is None or ap > best[0]:
                best = (ap, clf)
        if best is None:
            raise ValueError("no classifier could be fitted on these outcomes")
        for row in self.classifier_cv_:
            row["chosen"] = row.get("unlabelled_weight") == best[1].unlabelled_weight
        self.notes_.append(
            f"classifier: unlabelled projects as negatives of weight {best[1].unlabelled_weight} "
            f"(cross-validated AP {best[0]:.3f}, {spec.validation.folds} folds by decision date)"
        )
        return best[1]

    def _rule_parts(self, frame: pd.DataFrame, design: pd.DataFrame) -> pd.DataFrame:
        parts = pd.DataFrame(index=frame.index)
        for col in ("rules_red", "rules_yellow", "is_emergency", *self.rule_columns):
            parts[col] = frame.get(col, 0.0)
        parts["anomaly_score"] = design[ANOMALY_SCORE]
        return parts

    # -- applying ----------------------------------------------------------------------------------------
    def design(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The classifier's input: the frame aligned to training columns plus anomaly percentiles."""
        check_is_fitted(self, "anomaly_")
        return self._design(frame, self.anomaly_.transform(align(frame, self.feature_columns_)))

    def _design(self, frame: pd.DataFrame, anomaly: pd.DataFrame) -> pd.DataFrame:
        base = align(frame, list(dict.fromkeys([*self.input_columns_, *self.feature_columns_])))
        return pd.concat([base, anomaly], axis=1)

    def parts(self, frame: pd.DataFrame, design: pd.DataFrame | None = None, *, training: bool = False) -> pd.DataFrame:
        """What the combination reads: rule hits and counts, anomaly, pattern and model scores, emergency.

        ``training``: ``frame`` holds the very rows the classifier was just fitted on, in order, so their
        out-of-fold scores are read from the fit instead of predicted again (the same numbers)."""
        design = self.design(frame) if design is None else design
        parts = self._rule_parts(frame, design)
        parts["pattern_score"] = (
            self.pattern_.predict_proba(design[self.pattern_columns])[:, 1] if self.pattern_ is not None else np.nan
        )
        classifier = getattr(self, "classifier_", None)
        if classifier is None:
            parts["model_score"] = np.nan
        elif training:
            oof = classifier.oof_proba()[:, 1]
            if len(oof) != len(frame):
                raise ValueError(f"training parts: {len(frame)} rows, but the classifier was fitted on {len(oof)}")
            parts["model_score"] = oof
        else:
            parts["model_score"] = classifier.predict_proba(design[self.classifier_columns])[:, 1]
        return parts

    def score(self, frame: pd.DataFrame, design: pd.DataFrame | None = None) -> pd.DataFrame:
        """risk_score, level, anomaly_score, model_score and pattern_score per row of ``frame``.

        ``design`` is ``self.design(frame)`` when the caller has it already (the API explains the same rows).
        """
        check_is_fitted(self, "combiner_")
        return self._scores(self.parts(frame, design))

    def _scores(self, parts: pd.DataFrame, risk_levels: tuple[np.ndarray, np.ndarray] | None = None) -> pd.DataFrame:
        risk, levels = self.combiner_.risk_and_levels(parts) if risk_levels is None else risk_levels
        out = pd.DataFrame(index=parts.index)
        out["risk_score"] = risk
        out["level"] = levels
        out["anomaly_score"] = parts["anomaly_score"]
        out["model_score"] = parts["model_score"]
        out["pattern_score"] = parts["pattern_score"]
        return out

    def explain(self, frame: pd.DataFrame, rows: pd.Index, k: int = 5, design: pd.DataFrame | None = None) -> pd.Series:
        """``top_factors`` JSON for ``rows`` (SHAP of the classifier, or exact shares of the no-model risk)."""
        from yunshao.training.explain import explain_projects

        return explain_projects(self, frame, rows, k, design=design)
