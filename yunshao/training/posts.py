"""Post risk: from the projects a post's holders approved while holding it, the warnings that name the
post, and the post's own features.

A post (岗位) is where power sits; a person moves on, the post stays. Its evidence is (1) the risk of the
projects approved from it (the mean of its three riskiest, so one bad project counts but a busy post is
not punished for volume), (2) warnings naming the post, and (3) how unusual its own features are. With
post labels a classifier learns the weighting; without, the three are combined as documented weights,
and top factors give each component's exact share of the score in risk points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from yunshao.training.anomaly import AnomalyScorer
from yunshao.training.classifier import RiskClassifier
from yunshao.training.dataset import has_table, numeric_features, sql
from yunshao.training.explain import shap_contributions, top_factors
from yunshao.training.labels import Targets

POST_AGGREGATES = {
    "projects_scored": ("经手项目数", "projects approved"),
    "projects_top3_risk": ("经手项目风险(前三均值)", "risk of its riskiest projects (top-3 mean)"),
    "projects_max_risk": ("经手项目最高风险", "highest project risk"),
    "projects_red": ("经手红色项目数", "red projects approved"),
    "projects_yellow": ("经手黄色项目数", "yellow projects approved"),
    "projects_warnings": ("经手项目预警数", "warnings on its projects"),
    "warnings_direct": ("岗位直接预警数", "warnings naming the post"),
    "warnings_direct_red": ("岗位直接红色预警数", "red warnings naming the post"),
    "post_anomaly": ("岗位异常分", "post anomaly score"),
}
#: measured on simulated counties (benchmarks/model_eval.py): warnings naming the post carry most of the
#: evidence; its projects' risk and its own anomaly break ties among posts without one
WEIGHTS = {"projects": 0.5, "direct": 3.0, "anomaly": 0.1}
RED_HIT, YELLOW_HIT = 0.6, 0.3


@dataclass
class PostScores:
    frame: pd.DataFrame  # post_id index: risk_score, level, warning_count, top_factors
    used_model: bool


def post_frame(con: duckdb.DuckDBPyConnection, project_scores: pd.DataFrame) -> pd.DataFrame:
    """One row per post: its own features, project aggregates and direct warning counts."""
    if not has_table(con, "posts"):
        return pd.DataFrame()
    posts = con.execute("SELECT post_id FROM posts").df()["post_id"].astype(str)
    index = pd.Index(posts.unique(), name="post_id")
    out = pd.DataFrame(index=index)
    if has_table(con, "features_post"):
        own = numeric_features(con, "features_post", "post_id")
        out = out.join(own.drop(columns=[c for c in own.columns if c in POST_AGGREGATES]))
    links = _post_projects(con)
    out = out.join(_project_aggregates(links, project_scores, con), how="left")
    if has_table(con, "warnings"):
        direct = con.execute(sql("post_warning_counts")).df()
        direct["post_id"] = direct["post_id"].astype(str)
        out = out.join(direct.set_index("post_id").astype(float), how="left")
    for col in POST_AGGREGATES:
        if col != "post_anomaly" and col not in out:
            out[col] = 0.0
    agg_cols = [c for c in POST_AGGREGATES if c in out]
    out[agg_cols] = out[agg_cols].fillna(0.0)
    return out.astype("float64")


def _post_projects(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    name = "post_projects_by_assignment" if has_table(con, "assignments") else "post_projects_direct"
    links = con.execute(sql(name)).df()
    return links.astype({"post_id": str, "project_id": str})


def _project_aggregates(
    links: pd.DataFrame, project_scores: pd.DataFrame, con: duckdb.DuckDBPyConnection
) -> pd.DataFrame:
    scored = links.join(project_scores[["risk_score", "level"]], on="project_id", how="inner")
    warn_counts = pd.Series(dtype=float)
    if has_table(con, "warnings"):
        w = con.execute(
            "SELECT project_id, COUNT(*) AS n FROM warnings WHERE project_id IS NOT NULL GROUP BY project_id"
        ).df()
        warn_counts = w.set_index(w["project_id"].astype(str))["n"].astype(float)
    scored["warnings"] = scored["project_id"].map(warn_counts).fillna(0.0)
    grouped = scored.groupby("post_id")
    return pd.DataFrame(
        {
            "projects_scored": grouped.size().astype(float),
            "projects_top3_risk": grouped["risk_score"].apply(lambda s: s.nlargest(3).mean()),
            "projects_max_risk": grouped["risk_score"].max(),
            "projects_red": grouped["level"].apply(lambda s: float((s == "red").sum())),
            "projects_yellow": grouped["level"].apply(lambda s: float((s == "yellow").sum())),
            "projects_warnings": grouped["warnings"].sum(),
        }
    )


def _component_points(frame: pd.DataFrame) -> pd.DataFrame:
    """The no-label post risk as exact per-component points (they sum to ``risk_score``)."""
    total = sum(WEIGHTS.values())
    projects = frame["projects_top3_risk"].fillna(0.0) / 100.0
    direct = 1 - (1 - RED_HIT) ** frame["warnings_direct_red"] * (1 - YELLOW_HIT) ** (
        frame["warnings_direct"] - frame["warnings_direct_red"]
    )
    anomaly = frame["post_anomaly"].fillna(0.0) ** 2
    return pd.DataFrame(
        {
            "projects_top3_risk": 100 * WEIGHTS["projects"] * projects / total,
            "warnings_direct": 100 * WEIGHTS["direct"] * direct / total,
            "post_anomaly": 100 * WEIGHTS["anomaly"] * anomaly / total,
        },
        index=frame.index,
    )


def score_posts(
    con: duckdb.DuckDBPyConnection,
    project_scores: pd.DataFrame,
    *,
    targets: Targets | None = None,
    red_share: float = 0.02,
    yellow_share: float = 0.10,
    top_k: int = 5,
    min_positive: int = 10,
    random_state: int | None = 0,
) -> PostScores:
    """Risk, level, warning count and top factors per post (an empty frame when there are no posts)."""
    frame = post_frame(con, project_scores)
    if frame.empty:
        empty = pd.DataFrame(columns=["risk_score", "level", "warning_count", "top_factors"])
        return PostScores(empty, used_model=False)
    own = [c for c in frame.columns if c not in POST_AGGREGATES]
    frame["post_anomaly"] = _post_anomaly(frame[own], random_state) if own else 0.0
    points = _component_points(frame)
    risk = points.sum(axis=1).to_numpy()
    used_model = False
    contrib: pd.DataFrame = points
    if targets is not None and targets.n_positive >= min_positive and targets.n_negative + (~targets.labelled).sum():
        clf = RiskClassifier(treatment="negatives", random_state=random_state, min_child_samples=5)
        design = frame.assign(post_rule_points=points["warnings_direct"])
        clf.fit(design, targets.y.reindex(frame.index).fillna(-1).astype(int), targets.weight.reindex(frame.index))
        prob = clf.predict_proba(design)[:, 1]
        risk = (risk + 100 * prob) / 2.0
        contrib = shap_contributions(clf, design)
        used_model = True
    out = pd.DataFrame(index=frame.index)
    out["risk_score"] = risk
    out["level"] = _levels(risk, frame, red_share, yellow_share)
    out["warning_count"] = (frame["warnings_direct"] + frame["projects_warnings"]).astype("int64")
    flagged = out.index[out["level"] != "green"]
    factors = top_factors(contrib, frame, top_k, rows=flagged, names=POST_AGGREGATES)
    out["top_factors"] = factors.reindex(out.index)
    return PostScores(out, used_model)


def _post_anomaly(features: pd.DataFrame, random_state: int | None) -> np.ndarray:
    usable = features.loc[:, features.notna().any()]
    if usable.shape[1] == 0 or len(usable) < 10:
        return np.zeros(len(features))
    scorer = AnomalyScorer(detectors=("iforest", "ecod"), n_estimators=100, random_state=random_state)
    return scorer.fit(usable).transform(usable)["anomaly_score"].to_numpy()


def _levels(risk: np.ndarray, frame: pd.DataFrame, red_share: float, yellow_share: float) -> np.ndarray[Any, Any]:
    """Red: top share with something to check (a direct warning or a red project); yellow: watch list."""
    n = len(risk)
    order = np.argsort(-risk, kind="stable")
    rank = np.empty(n, dtype=int)
    rank[order] = np.arange(n)
    evidence = ((frame["warnings_direct"] > 0) | (frame["projects_red"] > 0)).to_numpy()
    red = (rank < max(1, int(red_share * n))) & evidence & (risk > 0)
    yellow = ~red & (rank < max(1, int(yellow_share * n))) & (risk > 0)
    return np.where(red, "red", np.where(yellow, "yellow", "green"))
