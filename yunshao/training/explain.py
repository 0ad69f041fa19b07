"""Why a row scored as it did: ``top_factors`` with each factor's zh/en name, value and contribution.

With a classifier, contributions are SHAP values from LightGBM's own TreeSHAP (``pred_contrib``), in
log-odds: they and the base value add up to the raw score exactly. Without one, the risk is a weighted
mean of rule and anomaly components, and each factor's share of it is exact too: a rule hit gets its
log-share of the rule component, a feature its share of the ECOD anomaly score (ECOD is a sum over
features). Either way contributions are computed in batches, for the rows asked for only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache

import numpy as np
import pandas as pd

from yunshao.training.anomaly import ANOMALY_PREFIX, ANOMALY_SCORE
from yunshao.training.classifier import RiskClassifier
from yunshao.training.combine import NEEDS_MODEL, RiskCombiner
from yunshao.training.crossfit import CrossFittedClassifier
from yunshao.training.dataset import DOMAIN_PREFIX, RULE_PREFIX
from yunshao.training.model import RiskModel
from yunshao.training.rule_weights import RuleHits

BATCH_SIZE = 4096
BASE = "__base__"
PATTERN_SCORE = "pattern_score"

_FIXED_NAMES: dict[str, tuple[str, str]] = {
    "rules_red": ("红色规则命中数", "red rule hits"),
    "rules_yellow": ("黄色规则命中数", "yellow rule hits"),
    "is_emergency": ("抢险救灾工程", "emergency works"),
    ANOMALY_SCORE: ("综合异常分", "combined anomaly score"),
    PATTERN_SCORE: ("规则模式分", "rule-pattern score (resembles what rules flag)"),
    f"{ANOMALY_PREFIX}iforest": ("异常分(孤立森林)", "anomaly score (Isolation Forest)"),
    f"{ANOMALY_PREFIX}ecod": ("异常分(经验分布)", "anomaly score (ECOD)"),
    f"{ANOMALY_PREFIX}lof": ("异常分(局部离群因子)", "anomaly score (LOF)"),
}


@cache
def _catalog_names() -> dict[str, tuple[str, str]]:
    try:
        from yunshao.features.catalog import load_catalog
    except ImportError:
        return {}
    try:
        return {f.name: (f.zh, f.en) for f in load_catalog()}
    except Exception:  # a broken catalog must not stop scoring; names fall back to column names
        return {}


def feature_name(column: str) -> tuple[str, str]:
    """The zh and en names of a design-matrix column."""
    if column in _FIXED_NAMES:
        return _FIXED_NAMES[column]
    if column.startswith(RULE_PREFIX):
        rule = column[len(RULE_PREFIX) :]
        return f"规则命中:{rule}", f"rule hit: {rule}"
    if column.startswith(DOMAIN_PREFIX):
        domain = column[len(DOMAIN_PREFIX) :]
        return f"项目领域:{domain}", f"domain: {domain}"
    return _catalog_names().get(column, (column, column))


def shap_contributions(
    classifier: RiskClassifier | CrossFittedClassifier, design: pd.DataFrame, batch_size: int = BATCH_SIZE
) -> pd.DataFrame:
    """SHAP values per column plus ``__base__``, in batches; each row sums to the raw score."""
    columns = list(classifier.feature_names_in_)
    parts = []
    for start in range(0, len(design), batch_size):
        chunk = design.iloc[start : start + batch_size]
        parts.append(classifier.contributions(chunk))
    values = np.vstack(parts) if parts else np.zeros((0, len(columns) + 1))
    return pd.DataFrame(values, index=design.index, columns=[*columns, BASE])


def component_contributions(model: RiskModel, frame: pd.DataFrame, parts: pd.DataFrame) -> pd.DataFrame:
    """Exact shares of the no-model risk (in risk points) per rule hit and per feature."""
    comb = model.combiner_
    hits = RuleHits.of(parts)
    comp = comb.components(parts, hits)
    rule_points, anomaly_points, pattern_points = _component_points(comb, comp)
    strengths = comb.rule_strengths(parts, hits)
    rule_cols = list(strengths.columns)
    rule_share = _normalise(-np.log(np.clip(1 - strengths.to_numpy(), 1e-12, None)))
    ecod = model.anomaly_.contributions(frame.reindex(columns=model.feature_columns_))
    if ecod is None:
        feat_share = np.zeros((len(frame), 0))
        feat_cols: list[str] = []
        extra = anomaly_points
    else:
        feat_share = _normalise(np.clip(ecod.to_numpy(), 0, None))
        feat_cols = list(ecod.columns)
        extra = np.where(feat_share.sum(axis=1) > 0, 0.0, anomaly_points)
    out = np.hstack(
        [
            rule_share * rule_points[:, None],
            feat_share * anomaly_points[:, None],
            extra[:, None],
            pattern_points[:, None],
        ]
    )
    return pd.DataFrame(out, index=frame.index, columns=[*rule_cols, *feat_cols, ANOMALY_SCORE, PATTERN_SCORE])


def _component_points(comb: RiskCombiner, comp: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Risk points of the rule, anomaly and pattern components under the combination in use."""
    method = getattr(comb, "method_", "weighted")
    zero = np.zeros(len(comp))
    if method == "rules":
        return 100.0 * comp["rule"].to_numpy(), zero, zero
    if method == "detectors":
        return zero, 100.0 * comp["anomaly"].to_numpy(), zero
    points = comb.points(comp, use_model=False)
    return points["rule"].to_numpy(), points["anomaly"].to_numpy(), points["pattern"].to_numpy()


def _normalise(matrix: np.ndarray) -> np.ndarray:
    total = matrix.sum(axis=1, keepdims=True)
    return np.divide(matrix, total, out=np.zeros_like(matrix), where=total > 0)


def top_factors(
    contributions: pd.DataFrame,
    values: pd.DataFrame,
    k: int = 5,
    rows: Iterable[object] | None = None,
    names: Mapping[str, tuple[str, str]] | None = None,
) -> pd.Series:
    """JSON lists of the ``k`` factors that raise each row's score most (or move it most, if none do)."""
    contrib = contributions.drop(columns=[BASE], errors="ignore")
    if rows is not None:
        contrib = contrib.loc[list(rows)]
    columns = np.asarray(contrib.columns)
    names_of = [(names or {}).get(c) or feature_name(c) for c in columns]
    matrix = contrib.to_numpy(float)
    vals = values.reindex(index=contrib.index, columns=columns).to_numpy(float)
    out: list[str] = []
    for i in range(len(matrix)):
        row = matrix[i]
        order = np.argsort(-row)
        picked = [j for j in order[:k] if row[j] > 0]
        if not picked:
            picked = [j for j in np.argsort(-np.abs(row))[:k] if row[j] != 0]
        out.append(
            json.dumps(
                [
                    {
                        "feature": str(columns[j]),
                        "feature_zh": names_of[j][0],
                        "feature_en": names_of[j][1],
                        "value": None if np.isnan(vals[i, j]) else round(float(vals[i, j]), 6),
                        "contribution": round(float(row[j]), 6),
                    }
                    for j in picked
                ],
                ensure_ascii=False,
            )
        )
    return pd.Series(out, index=contrib.index, dtype=object)


def explain_projects(
    model: RiskModel,
    frame: pd.DataFrame,
    rows: pd.Index,
    k: int = 5,
    batch_size: int = BATCH_SIZE,
    design: pd.DataFrame | None = None,
) -> pd.Series:
    """``top_factors`` for the given project ids (a subset of ``frame.index``); ``design`` as in RiskModel.score."""
    if len(rows) == 0:
        return pd.Series(dtype=object)
    sub = frame.loc[rows]
    design = model.design(sub) if design is None else design.loc[rows]
    if model.classifier_ is not None and model.combiner_.method_ in NEEDS_MODEL:
        contrib = shap_contributions(model.classifier_, design[model.classifier_columns], batch_size)
        return top_factors(contrib, design, k)
    parts = model.parts(sub, design)
    contrib = component_contributions(model, sub, parts)
    values = pd.concat([sub, design[[ANOMALY_SCORE]], parts[[PATTERN_SCORE]]], axis=1)
    return top_factors(contrib, values, k)
