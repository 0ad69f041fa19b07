"""Fitting a RiskModel: detectors always; a classifier when labels allow, its treatment and the combination
weights chosen on a validation split by decision date; level thresholds from the same validation.

Validation mimics deployment: labels decided after the cut-off are hidden from training (they count as
unlabelled, as they were then), and a random share of unlabelled projects is held out entirely. The
validation score is average precision over the held-out labels plus held-out unlabelled projects taken
as negatives (``ap_pu``; a lower bound when some unlabelled are positive, equally for every candidate),
and over held-out labels alone (``ap_labelled``: confirmed versus unfounded look-alikes). Treatments
are compared on the combined risk score (what ships), with the model alone recorded beside it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import numpy as np
import pandas as pd

from yunshao.training.anomaly import AnomalyScorer
from yunshao.training.classifier import RiskClassifier, Treatment
from yunshao.training.combine import RiskCombiner
from yunshao.training.dataset import CONTEXT_COLUMNS, ProjectData
from yunshao.training.evaluate import average_precision
from yunshao.training.labels import UNLABELLED, Targets, time_split
from yunshao.training.model import RiskModel
from yunshao.training.pattern import fit_pattern
from yunshao.training.spec import ExperimentSpec

W_MODEL_GRID = (0.5, 1.0, 2.0, 4.0)
W_ANOMALY_GRID = (0.2, 0.4, 0.8)
W_PATTERN_GRID = (0.0, 0.5, 1.0, 2.0)
#: validation positives below which the weight grid would fit noise; the spec's weights stay
MIN_VALID_POSITIVES = 15
#: the model's default weight is W_MODEL_MAX · n/(n + prior) for n positive labels: a model trained on a
#: handful of labels must not outvote the rules, one trained on hundreds may
W_MODEL_MAX = 4.0
MODEL_WEIGHT_PRIOR = 40
#: validation labels are few and biased toward what was investigated: an alternative (treatment,
#: weights) replaces the default only if it wins in this share of bootstrap resamples of validation
WIN_SHARE = 0.9
N_BOOT = 200


@dataclass
class FitResult:
    model: RiskModel
    comparison: list[dict[str, Any]] = field(default_factory=list)  # one row per treatment tried
    weights: list[dict[str, Any]] = field(default_factory=list)  # combination weights tried
    metrics: dict[str, float] = field(default_factory=dict)  # of the kept candidate on validation
    validation_scores: pd.DataFrame | None = None  # held-out rows: y, risk, parts (for plots)
    notes: list[str] = field(default_factory=list)


def select_features(data: ProjectData, spec: ExperimentSpec) -> tuple[list[str], list[str]]:
    """(detector columns, classifier input columns) per the spec's feature section."""
    feats = list(data.feature_columns)
    if spec.features.include is not None:
        missing = sorted(set(spec.features.include) - set(feats))
        if missing:
            raise ValueError(f"spec features.include names unknown features: {', '.join(missing)}")
        feats = [c for c in feats if c in spec.features.include]
    feats = [c for c in feats if c not in spec.features.exclude]
    inputs = list(feats)
    if spec.features.rules:
        inputs += [*data.rule_columns, *CONTEXT_COLUMNS]
    else:
        inputs += [c for c in CONTEXT_COLUMNS if not c.startswith("rules_")]
    return feats, inputs


def fit_risk_model(
    data: ProjectData, targets: Targets | None, spec: ExperimentSpec, *, combine_overrides: dict[str, Any] | None = None
) -> FitResult:
    """Fit detectors, then (labels permitting) compare treatments, pick weights and thresholds, refit."""
    feats, inputs = select_features(data, spec)
    frame = data.frame
    anomaly = AnomalyScorer(
        detectors=tuple(spec.anomaly.detectors), n_estimators=spec.anomaly.n_estimators, random_state=spec.seed
    ).fit(frame[feats])
    combine_params = {**spec.combine.params, **(combine_overrides or {})}
    model = RiskModel(feats, inputs, anomaly, RiskCombiner(**combine_params))
    model.combiner.fit_rates(frame)
    design = model.design(frame)
    rule_component = model.combiner.components(_rule_parts(model, frame, design))["rule"].to_numpy()
    model.pattern = fit_pattern(design[model.pattern_columns], rule_component, spec.pattern, spec.seed)
    model.info = {"spec": spec.name, "spec_version": spec.version, "trained_at": _now(), "rows": len(frame)}
    if targets is None or targets.n_positive < spec.validation.min_positive:
        n = 0 if targets is None else targets.n_positive
        model.combiner.fit(model.parts(frame))
        model.info["treatment"] = None
        return FitResult(model, notes=[f"{n} positive labels: no classifier, rules and detectors only"])
    tune_weights = "w_model" not in combine_params
    return _fit_supervised(model, data, targets, spec, tune_weights=tune_weights)


def _fit_supervised(
    model: RiskModel, data: ProjectData, targets: Targets, spec: ExperimentSpec, tune_weights: bool
) -> FitResult:
    frame = data.frame
    design = model.design(frame)[model.classifier_columns]
    train_lab, valid_lab, cut = time_split(targets, spec.validation.valid_share)
    rng = np.random.default_rng(spec.seed)
    unl = ~targets.labelled
    holdout = unl & (rng.random(len(unl)) < spec.validation.unlabelled_holdout)
    y_train = targets.y.where(train_lab, UNLABELLED)
    fit_rows = (~holdout & ~valid_lab).to_numpy()  # validation rows stay unseen
    valid_rows = (valid_lab | holdout).to_numpy()
    y_valid = targets.y.where(valid_lab, 0).to_numpy()[valid_rows]
    result = FitResult(model)
    can_validate = cut is not None and (targets.y[valid_lab] == 1).sum() >= 2 and (y_train == 1).sum() >= 3
    candidates: dict[str, tuple[RiskClassifier, np.ndarray, np.ndarray]] = {}
    model.combiner.set_params(w_model=_prior_weight(targets.n_positive))
    for treatment in spec.classifier.treatments if can_validate else []:
        clf = _classifier(treatment, spec)
        try:
            clf.fit(design[fit_rows], y_train[fit_rows], sample_weight=targets.weight[fit_rows])
        except ValueError as exc:
            result.comparison.append({"treatment": treatment, "error": str(exc)})
            continue
        prob = clf.predict_proba(design)[:, 1]
        combined = model.combiner.risk(_parts_with(model, frame, design, prob))
        candidates[treatment] = (clf, prob, combined)
        result.comparison.append(
            {
                "treatment": treatment,
                "ap_pu": average_precision(y_valid, combined[valid_rows]),
                "model_ap_pu": average_precision(y_valid, prob[valid_rows]),
                "ap_labelled": _ap_labelled(targets, valid_lab, prob),
                "n_train_positive": int((y_train[fit_rows] == 1).sum()),
                "n_valid_labelled": int(valid_lab.sum()),
                "n_valid_unlabelled": int(holdout.sum()),
                "cut": str(cut),
            }
        )
    scored = [r for r in result.comparison if "ap_pu" in r and not np.isnan(r["ap_pu"])]
    if scored:
        best = _pick_treatment(scored, candidates, valid_rows, y_valid, spec.seed)
        result.notes.append(
            f"kept treatment '{best}' by validation average precision (cut {cut:%Y-%m-%d}); another "
            f"replaces the first listed only if it wins in ≥ {WIN_SHARE:.0%} of bootstrap resamples"
        )
    else:
        best = spec.classifier.treatments[0]
        result.notes.append(f"too few dated labels to validate; used treatment '{best}' without comparison")
    clf_valid, prob_valid, _ = candidates.get(best, (None, None, None))
    if clf_valid is not None and prob_valid is not None:
        parts = _parts_with(model, frame, design, prob_valid)
        n_valid_pos = int((targets.y[valid_lab] == 1).sum())
        if tune_weights:
            result.notes.append(f"model weight {model.combiner.w_model:.2f} from {targets.n_positive} positive labels")
            if n_valid_pos >= MIN_VALID_POSITIVES:
                _choose_weights(
                    model.combiner, parts, valid_rows, y_valid, result, spec.seed, spec.combine.search_weights
                )
        thresholds_y = targets.y.where(valid_lab, UNLABELLED).to_numpy()
        model.combiner.fit(parts, thresholds_y, targets.weight.to_numpy())
        risk = model.combiner.risk(parts)
        result.metrics = {
            "valid_ap_pu": average_precision(y_valid, risk[valid_rows]),
            "valid_ap_labelled": _ap_labelled(targets, valid_lab, risk),
        }
        result.validation_scores = pd.DataFrame(
            {"y": y_valid, "risk": risk[valid_rows], "model": prob_valid[valid_rows]},
            index=frame.index[valid_rows],
        )
    final = _classifier(cast(Treatment, best), spec).fit(design, targets.y, sample_weight=targets.weight)
    model.classifier = final
    if clf_valid is None:
        model.combiner.fit(model.parts(frame))
    model.info.update(
        {
            "treatment": best,
            "validation_cut": str(cut),
            "positives": targets.n_positive,
            "negatives": targets.n_negative,
            "thresholds": model.combiner.thresholds(),
        }
    )
    return result


def _rule_parts(model: RiskModel, frame: pd.DataFrame, design: pd.DataFrame) -> pd.DataFrame:
    parts = pd.DataFrame(index=frame.index)
    for col in ("rules_red", "rules_yellow", "is_emergency", *model.rule_columns):
        parts[col] = frame[col]
    parts["anomaly_score"] = design["anomaly_score"]
    return parts


def _classifier(treatment: Treatment, spec: ExperimentSpec) -> RiskClassifier:
    return RiskClassifier(treatment=treatment, random_state=spec.seed, **spec.classifier.params)


def _parts_with(model: RiskModel, frame: pd.DataFrame, design: pd.DataFrame, prob: np.ndarray) -> pd.DataFrame:
    parts = pd.DataFrame(index=frame.index)
    for col in ("rules_red", "rules_yellow", "is_emergency", *model.rule_columns):
        parts[col] = frame[col]
    parts["anomaly_score"] = design["anomaly_score"]
    parts["model_score"] = prob
    parts["pattern_score"] = (
        model.pattern.predict_proba(design[model.pattern_columns])[:, 1] if model.pattern is not None else np.nan
    )
    return parts


def _ap_labelled(targets: Targets, valid_lab: pd.Series, score: np.ndarray) -> float:
    mask = valid_lab.to_numpy()
    return average_precision(targets.y.to_numpy()[mask], score[mask])


def _prior_weight(n_positive: int) -> float:
    return W_MODEL_MAX * n_positive / (n_positive + MODEL_WEIGHT_PRIOR)


def win_share(y: np.ndarray, challenger: np.ndarray, default: np.ndarray, seed: int | None = 0) -> float:
    """Share of bootstrap resamples of (y, scores) in which ``challenger`` has the higher AP."""
    rng = np.random.default_rng(seed)
    wins = 0
    for _ in range(N_BOOT):
        idx = rng.integers(0, len(y), len(y))
        if y[idx].sum() == 0:
            continue
        wins += average_precision(y[idx], challenger[idx]) > average_precision(y[idx], default[idx])
    return wins / N_BOOT


def _pick_treatment(
    scored: list[dict[str, Any]],
    candidates: dict[str, tuple[RiskClassifier, np.ndarray, np.ndarray]],
    valid_rows: np.ndarray,
    y_valid: np.ndarray,
    seed: int,
) -> str:
    default = scored[0]["treatment"]
    best = max(scored, key=lambda r: r["ap_pu"])["treatment"]
    if best == default:
        return str(default)
    share = win_share(y_valid, candidates[best][2][valid_rows], candidates[default][2][valid_rows], seed)
    for row in scored:
        if row["treatment"] == best:
            row["bootstrap_win_share"] = share
    return str(best if share >= WIN_SHARE else default)


def _choose_weights(
    combiner: RiskCombiner,
    parts: pd.DataFrame,
    valid_rows: np.ndarray,
    y_valid: np.ndarray,
    result: FitResult,
    seed: int,
    apply: bool,
) -> None:
    """Grid over the model, anomaly and pattern weights by validation AP; the best replaces the
    default weights only when it wins in ``WIN_SHARE`` of bootstrap resamples."""
    default = combiner.risk(parts)[valid_rows]
    start = {k: combiner.get_params()[k] for k in ("w_model", "w_anomaly", "w_pattern")}
    best: tuple[float, float, float, float] | None = None
    for w_model, w_anomaly, w_pattern in itertools.product(W_MODEL_GRID, W_ANOMALY_GRID, W_PATTERN_GRID):
        combiner.set_params(w_model=w_model, w_anomaly=w_anomaly, w_pattern=w_pattern)
        ap = average_precision(y_valid, combiner.risk(parts)[valid_rows])
        result.weights.append({"w_model": w_model, "w_anomaly": w_anomaly, "w_pattern": w_pattern, "ap_pu": ap})
        if best is None or ap > best[0]:
            best = (ap, w_model, w_anomaly, w_pattern)
    if best is None:
        return
    combiner.set_params(w_model=best[1], w_anomaly=best[2], w_pattern=best[3])
    share = win_share(y_valid, combiner.risk(parts)[valid_rows], default, seed)
    kept = apply and share >= WIN_SHARE
    if not kept:
        combiner.set_params(**start)
    result.notes.append(
        f"weight grid best {dict(zip(('w_model', 'w_anomaly', 'w_pattern'), best[1:], strict=True))} won "
        f"{share:.0%} of resamples: {'kept' if kept else 'recorded only, default weights kept'}"
    )


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")
