"""Post risk: what the post's holders did over the years, weighted by the responsibility of what they decided.

A post (岗位) is where power sits; a person moves on, the post stays. In real counties a corrupt post is
one whose holders commit several official-side schemes over the years (approving their own requests,
favouring relatives, avoiding or splitting tenders, building before approval, approving inflated
settlements, payouts and appraisals), not only the schemes whose rules name a post. So a post's evidence
is read from the projects it approved, each weighted by the responsibility of the node it decided
(``NODE_WEIGHTS``): how many of them carry official-side rule hits, high model risk or a verified
outcome, and how many different schemes they show; beside that, the warnings naming the post and how
unusual its own features are.

Without post labels these combine into an evidence score (``evidence_points``): a noisy-OR whose
components are non-negative hazards, so each component's share of the score is exact. With enough post
labels (handed over, plus weak ones derived from confirmed projects, ``derive_post_labels``) a
classifier learns the weighting; every post is scored out of fold (``cross_fit``), never by a model that
saw its own label, and the two scores are averaged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold

from yunshao.contract.outputs import POST_SCORES
from yunshao.contract.schema import OFFICIAL_SCHEMES
from yunshao.domains.catalog import shipped_domains
from yunshao.settings import ModelSettings
from yunshao.training.anomaly import AnomalyScorer
from yunshao.training.classifier import RiskClassifier
from yunshao.training.dataset import canonical, has_table, numeric_features, sql
from yunshao.training.explain import shap_contributions, top_factors
from yunshao.training.labels import UNLABELLED, Targets, make_targets, read_outcomes

#: the level shares, the partial outcome's weight and the factors shown default to the settings' (one home each)
_DEFAULTS = ModelSettings()
NODE_WEIGHTS: dict[str, float] = dict.fromkeys(shipped_domains().decisive_nodes(), 1.0)
"""Responsibility of an approval node: the nodes the power-item declarations mark ``decisive``
(yunshao/domains/catalog/*.yaml); nodes not listed weigh ``ROUTINE_WEIGHT``.

The decisive nodes are where money or a winner is decided: initiation approval (C04), budget estimate
(C06), control price (C08), tender plan (C09), award (C13), change orders (C17), settlement (C20),
payout review and disbursement (I04/I05), land appraisal, collective decision and compensation
(L03/L04/L06), procurement approval, contract and payment (P02/P04/P05), subsidy review, approval and
disbursement (S02-S04), township review and approval of a homestead (H04/H05), the village assembly and
the lease of a collective asset (A02/A04), the beneficiary review, approval and payment of special funds
(F02/F04/F05), the head's approval and payment of an expense (E03/E04). Every official-side scheme
needs a signature at one of them; a routine node (a proposal received, a permit filed, a progress
payment) is where a post sees a project, not where it bends it, so it counts a quarter.
"""
ROUTINE_WEIGHT = 0.25
#: per project, one 0/1 column per official-side scheme its warnings show (in ``OFFICIAL_SCHEMES`` order)
SCHEME_FLAGS: list[str] = [f"scheme:{s}" for s in OFFICIAL_SCHEMES]


POST_AGGREGATES = {
    "projects_scored": ("经手项目数", "projects approved"),
    "projects_weighted": ("经手项目数(按节点权责加权)", "projects approved, weighted by node responsibility"),
    "projects_decisive": ("关键节点审批项目数", "projects approved at a decisive node"),
    "official_hit_projects": ("经手项目公职侧规则命中数(加权)", "projects with official-side rule hits (weighted)"),
    "official_hit_share": ("经手项目公职侧规则命中占比", "share of its projects with official-side rule hits"),
    "official_schemes": ("经手项目涉及的公职侧问题类型数", "distinct official-side schemes among its projects"),
    "official_schemes_expected": ("按经手量预期的问题类型数", "schemes expected by chance for its volume"),
    "high_risk_projects": ("经手高风险项目数(前10%,加权)", "its projects in the riskiest 10% (weighted)"),
    "high_risk_share": ("经手高风险项目占比", "share of its projects in the riskiest 10%"),
    "confirmed_projects": ("经手已查实项目数(加权)", "its projects with confirmed outcomes (weighted)"),
    "confirmed_share": ("经手已查实项目占比", "share of its projects with confirmed outcomes"),
    "years_active": ("审批活跃年数", "years with approvals"),
    "projects_top3_risk": ("经手项目风险(前三均值)", "risk of its riskiest projects (top-3 mean)"),
    "projects_max_risk": ("经手项目最高风险", "highest project risk"),
    "projects_red": ("经手红色项目数", "red projects approved"),
    "projects_yellow": ("经手黄色项目数", "yellow projects approved"),
    "projects_warnings": ("经手项目预警数", "warnings on its projects"),
    "warnings_direct": ("岗位直接预警数", "warnings naming the post"),
    "warnings_direct_red": ("岗位直接红色预警数", "red warnings naming the post"),
    "warnings_direct_evidence": ("岗位直接预警证据(按规则强度)", "warnings naming the post, by rule strength"),
    "post_anomaly": ("岗位异常分", "post anomaly score"),
}

EVIDENCE_WEIGHTS = {
    "warnings_direct_evidence": 2.0,
    "official_hit_share": 0.5,
    "official_schemes": 0.5,
    "confirmed_share": 0.5,
    "high_risk_share": 0.5,
    "projects_top3_risk": 0.5,
    "post_anomaly": 0.1,
}
"""Hazard per unit of each component of the no-label score (sensible defaults, not fitted to any county).

Attribution sets the order: a warning naming the post is a rule pinning the act on that post, so it
weighs most; what its projects show (official-side hits, verified outcomes, model risk) is shared with
every other post that signed a decisive node of them, so each weighs a quarter of that. Breadth counts
each doubling of the official-side schemes among its projects beyond what its volume would show by
chance (``expected_schemes``): several schemes over the years is what a corrupt post looks like. The
project-risk level and the anomaly only break ties.
"""
PRIOR_PROJECTS = 5.0
"""Shrinkage: a share is pulled toward the county's rate as if the post had approved five more projects
at that rate, so 1 flagged project of 1 is less certain than 6 of 10."""
HIGH_RISK_QUANTILE = 0.9
RED_HIT, YELLOW_HIT = 0.6, 0.3
DERIVED_WEIGHT = 0.5
"""Weight of a post label derived from a confirmed project (a handed-over post label weighs 1): the
post signed a decisive node of a project confirmed for an official-side scheme, which implicates the
post but does not prove its holder was the one who bent it."""
CONFIRMED_COLUMNS = ("confirmed_projects", "confirmed_share")
MONOTONE_PREFIXES = ("warnings_direct", "official_", "high_risk_", "projects_top3_risk", "projects_red")


@dataclass
class PostScores:
    frame: pd.DataFrame  # post_id index: risk_score, level, warning_count, top_factors
    used_model: bool


# --------------------------------------------------------------------------------------------- the frame


def post_frame(
    con: duckdb.DuckDBPyConnection,
    project_scores: pd.DataFrame,
    project_targets: Targets | None = None,
    links: pd.DataFrame | None = None,
    rule_strengths: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """One row per post: its own features, what its approved projects show, and direct warning counts.

    ``links`` are ``post_links(con)`` when the caller has them already; ``rule_strengths`` (rule id →
    strength in this county, as the project scores weigh it) weigh the warnings naming the post.
    """
    if not has_table(con, "posts"):
        return pd.DataFrame()
    # sorted: the frame's row order decides the folds, and DuckDB's physical order varies with memory
    posts = con.execute("SELECT post_id FROM posts ORDER BY post_id").df()["post_id"].astype(str)
    out = pd.DataFrame(index=pd.Index(posts.unique(), name="post_id"))
    if has_table(con, "features_post"):
        own = numeric_features(con, "features_post", "post_id")
        out = out.join(own.drop(columns=[c for c in own.columns if c in POST_AGGREGATES]))
    links = post_links(con) if links is None else links
    project_facts = _project_facts(con, project_scores, project_targets)
    pairs = post_project_pairs(links)
    out = out.join(holder_evidence(links, project_facts, pairs), how="left")
    out = out.join(_project_aggregates(pairs, project_scores, project_facts["warnings"]), how="left")
    if has_table(con, "warnings"):
        direct = con.execute(sql("post_warning_counts")).df()
        direct["post_id"] = direct["post_id"].astype(str)
        out = out.join(direct.set_index("post_id").astype(float), how="left")
        by_rule = con.execute(sql("post_warning_rules")).df()
        out["warnings_direct_evidence"] = direct_evidence(by_rule, rule_strengths).reindex(out.index)
    for col in POST_AGGREGATES:
        if col != "post_anomaly" and col not in out:
            out[col] = 0.0
    agg_cols = [c for c in POST_AGGREGATES if c in out]
    out[agg_cols] = out[agg_cols].fillna(0.0)
    # rounded once, own features and aggregates alike (the aggregates add in the engine's row order)
    return canonical(out.astype("float64"))


def post_links(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """(post_id, project_id, node, year) per approval, plus the node's responsibility ``weight``."""
    if not has_table(con, "approvals"):
        return pd.DataFrame(columns=["post_id", "project_id", "node", "year", "weight"])
    name = "post_project_nodes" if has_table(con, "assignments") else "post_project_nodes_direct"
    links = con.execute(sql(name)).df().astype({"post_id": str, "project_id": str, "node": str})
    links["weight"] = node_weight(links["node"])
    return links


def node_weight(nodes: pd.Series) -> pd.Series:
    """``NODE_WEIGHTS`` per node code, ``ROUTINE_WEIGHT`` for the others (a missing code too).

    Looked up once per distinct code: a city's 2.6M approvals have a few dozen codes, and mapping every
    row's string took 1.4 s."""
    codes, distinct = pd.factorize(nodes)
    weights = np.array([*(NODE_WEIGHTS.get(str(n), ROUTINE_WEIGHT) for n in distinct), ROUTINE_WEIGHT], dtype=float)
    return pd.Series(weights[codes], index=nodes.index, name=nodes.name)  # code -1 (missing) takes the last


def post_project_pairs(links: pd.DataFrame) -> pd.DataFrame:
    """Each (post, project) once, sorted by post and project, with the ``weight`` of the most responsible
    node the post decided on it; the links' rows without a post or a project are left out.

    Grouped on integer codes of the sorted ids rather than on the id strings: a city's 2.6M links took
    seconds to group by two string columns. The codes sort as the strings do, so the order is the same."""
    post_codes, post_ids = pd.factorize(links["post_id"], sort=True)
    project_codes, project_ids = pd.factorize(links["project_id"], sort=True)
    known = (post_codes >= 0) & (project_codes >= 0)
    n = max(len(project_ids), 1)
    key = post_codes[known].astype(np.int64) * n + project_codes[known]
    weight = pd.Series(links["weight"].to_numpy(dtype=float)[known]).groupby(key, sort=True).max()
    keys = weight.index.to_numpy()
    return pd.DataFrame(
        {
            "post_id": post_ids.take(keys // n).array,  # the links' own string type: joins stay fast
            "project_id": project_ids.take(keys % n).array,
            "weight": weight.to_numpy(),
        }
    )


def _project_facts(
    con: duckdb.DuckDBPyConnection, project_scores: pd.DataFrame, project_targets: Targets | None
) -> pd.DataFrame:
    """Per project: official-side hit, one 0/1 column per official-side scheme (``SCHEME_FLAGS``), high
    risk, confirmed outcome, warning count."""
    index = project_scores.index.astype(str)
    facts = pd.DataFrame(index=index)
    flags = _official_schemes_by_project(con).reindex(index, fill_value=0.0)
    facts[SCHEME_FLAGS] = flags.to_numpy()
    facts["official_hit"] = (flags.to_numpy().sum(axis=1) > 0).astype(float)
    risk = project_scores["risk_score"].astype(float).to_numpy()
    cut = np.quantile(risk, HIGH_RISK_QUANTILE) if len(risk) else 0.0
    facts["high_risk"] = ((risk >= cut) & (risk > 0)).astype(float)
    facts["confirmed"] = 0.0
    if project_targets is not None:
        facts["confirmed"] = (project_targets.y.reindex(index) == 1).astype(float).to_numpy()
    facts["warnings"] = _warning_counts(con).reindex(index).fillna(0.0)
    return facts


def _official_schemes_by_project(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per project with an official-side warning, 1.0 in the ``SCHEME_FLAGS`` column of each such scheme."""
    if not has_table(con, "warnings"):
        return pd.DataFrame(columns=SCHEME_FLAGS, dtype=float)
    rows = con.execute(sql("post_project_schemes")).df()
    rows = rows[rows["scheme"].isin(OFFICIAL_SCHEMES)]
    hits = pd.crosstab(rows["project_id"].astype(str), rows["scheme"]).gt(0).astype(float)
    return hits.reindex(columns=list(OFFICIAL_SCHEMES), fill_value=0.0).set_axis(SCHEME_FLAGS, axis=1)


def _warning_counts(con: duckdb.DuckDBPyConnection) -> pd.Series:
    if not has_table(con, "warnings"):
        return pd.Series(dtype=float)
    w = con.execute(
        "SELECT project_id, COUNT(*) AS n FROM warnings WHERE project_id IS NOT NULL GROUP BY project_id"
    ).df()
    return w.set_index(w["project_id"].astype(str))["n"].astype(float)


def direct_evidence(by_rule: pd.DataFrame, strengths: Mapping[str, float] | None) -> pd.Series:
    """Per post, the hazard (nats) of the warnings that name it: Σ over rules −log(1 − s) · log2(1 + n).

    ``s`` is the rule's strength in this county — the one the project scores use: its severity, scaled
    down when the rule fires on a large share of projects, moved by verified outcomes — so a rule that
    local practice makes fire everywhere (a date-only clock tripping a backdating rule on every post)
    weighs little. A rule counts once per post, its repeats only logarithmically: a busy post collects
    warnings of a noisy rule by volume, a corrupt one a few of a strong rule. Without strengths a red
    warning weighs ``RED_HIT`` and a yellow one ``YELLOW_HIT``.
    """
    if by_rule.empty:
        return pd.Series(dtype=float)
    default = np.where(by_rule["severity"] == "red", RED_HIT, YELLOW_HIT)
    known = by_rule["rule_id"].map(dict(strengths or {}))
    s = np.clip(known.fillna(pd.Series(default, index=by_rule.index)).to_numpy(float), 0.0, 0.999)
    per = by_rule.assign(hazard=-np.log(1 - s))
    per = per.groupby(["post_id", "rule_id"]).agg(hazard=("hazard", "max"), n=("n", "sum"))
    per["evidence"] = per["hazard"] * np.log2(1 + per["n"])
    out = per.groupby(level="post_id")["evidence"].sum()
    out.index = out.index.astype(str)
    return out


def holder_evidence(links: pd.DataFrame, facts: pd.DataFrame, pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per post: responsibility-weighted counts and shares of its projects' hits, risk and outcomes.

    A project counts once per post, with the weight of the most responsible node the post decided on it
    (signing its award and its settlement is one project, not two). Shares are weighted counts over the
    weighted project count; ``official_schemes`` counts distinct official-side schemes among them.
    ``pairs``: ``post_project_pairs(links)`` when the caller has them already.
    """
    if links.empty:
        return pd.DataFrame(index=pd.Index([], name="post_id"))
    per = post_project_pairs(links) if pairs is None else pairs
    per = per.join(facts[["official_hit", "high_risk", "confirmed", *SCHEME_FLAGS]], on="project_id", how="inner")
    g = per.assign(
        official_w=per["weight"] * per["official_hit"],
        high_w=per["weight"] * per["high_risk"],
        confirmed_w=per["weight"] * per["confirmed"],
        decisive=(per["weight"] >= 1.0).astype(float),
    ).groupby("post_id")
    out = pd.DataFrame(
        {
            "projects_weighted": g["weight"].sum(),
            "projects_decisive": g["decisive"].sum(),
            "official_hit_projects": g["official_w"].sum(),
            "high_risk_projects": g["high_w"].sum(),
            "confirmed_projects": g["confirmed_w"].sum(),
            "official_schemes": g[SCHEME_FLAGS].max().sum(axis=1),
        }
    )
    out["official_schemes_expected"] = expected_schemes(per, out["projects_weighted"])
    for count, share in (
        ("official_hit_projects", "official_hit_share"),
        ("high_risk_projects", "high_risk_share"),
        ("confirmed_projects", "confirmed_share"),
    ):
        out[share] = out[count] / out["projects_weighted"].where(out["projects_weighted"] > 0)
    out["years_active"] = links.dropna(subset=["year"]).groupby("post_id")["year"].nunique().astype(float)
    return out


def expected_schemes(pairs: pd.DataFrame, weighted: pd.Series) -> pd.Series:
    """Distinct official-side schemes a post of that many (weighted) projects would show by chance.

    A busy post sees every scheme sooner or later; breadth is evidence only beyond this. With the
    county's weighted rate ``p_s`` of each scheme among post-project pairs, a post with weighted count
    ``n`` shows scheme ``s`` with probability ``1 - (1 - p_s)^n``; the sum is the expected breadth.
    ``pairs``: ``weight`` and the ``SCHEME_FLAGS`` columns (0/1) of each post-project pair.
    """
    total = pairs["weight"].sum()
    if total <= 0:
        return pd.Series(0.0, index=weighted.index)
    weights = pairs["weight"].to_numpy(dtype=float)
    expected = pd.Series(0.0, index=weighted.index)
    for flag in SCHEME_FLAGS:
        shown = pd.Series(weights[pairs[flag].to_numpy() > 0]).sum()
        rate = float(shown / total)
        expected += 1.0 - (1.0 - rate) ** weighted
    return expected


def _project_aggregates(pairs: pd.DataFrame, project_scores: pd.DataFrame, warnings: pd.Series) -> pd.DataFrame:
    """Today's project aggregates: how risky the riskiest projects a post approved are, and their warnings.

    ``pairs``: each (post, project) once (``post_project_pairs``)."""
    scored = pairs[["post_id", "project_id"]].join(
        project_scores[["risk_score", "level"]], on="project_id", how="inner"
    )
    scored["warnings"] = scored["project_id"].map(warnings).fillna(0.0)
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


# ------------------------------------------------------------------------------ the no-label evidence score


def shrunk_lift(hits: pd.Series, total: pd.Series, prior: float = PRIOR_PROJECTS) -> pd.Series:
    """log(shrunk share / county rate), floored at 0: how many nats above the county the post's rate is.

    The county rate ``p0`` is the weighted share over all posts; the post's share is pulled toward it
    as if it had approved ``prior`` more projects at that rate. Zero when the county has no hits.
    """
    n = total.clip(lower=0.0)
    p0 = float(hits.sum() / n.sum()) if n.sum() > 0 else 0.0
    if p0 <= 0:
        return pd.Series(0.0, index=hits.index)
    shrunk = (hits + prior * p0) / (n + prior)
    return np.log(shrunk / p0).clip(lower=0.0)


def evidence_hazards(frame: pd.DataFrame) -> pd.DataFrame:
    """Each component's non-negative hazard (nats) times its ``EVIDENCE_WEIGHTS``."""
    n = frame["projects_weighted"]
    raw = pd.DataFrame(
        {
            "warnings_direct_evidence": frame["warnings_direct_evidence"],
            "official_hit_share": shrunk_lift(frame["official_hit_projects"], n),
            "official_schemes": np.log((frame["official_schemes"] + 1) / (frame["official_schemes_expected"] + 1)),
            "confirmed_share": shrunk_lift(frame["confirmed_projects"], n),
            "high_risk_share": shrunk_lift(frame["high_risk_projects"], n),
            "projects_top3_risk": frame["projects_top3_risk"].fillna(0.0) / 100.0,
            "post_anomaly": frame["post_anomaly"].fillna(0.0) ** 2,
        },
        index=frame.index,
    )
    return raw.mul(pd.Series(EVIDENCE_WEIGHTS)).fillna(0.0).clip(lower=0.0)


def evidence_points(frame: pd.DataFrame) -> pd.DataFrame:
    """The no-label post risk as exact per-component points: they sum to ``risk_score``.

    risk = 100 · (1 − exp(−Σ hazards)), the noisy-OR of independent pieces of evidence, each
    ``p_i = 1 − exp(−h_i)``. Each component gets its share h_i / Σ h of the risk, so the points add up
    to the score exactly, as the project scores' rule shares do.
    """
    hazards = evidence_hazards(frame)
    total = hazards.sum(axis=1)
    risk = 100.0 * (1.0 - np.exp(-total))
    share = hazards.div(total.where(total > 0), axis=0).fillna(0.0)
    return share.mul(risk, axis=0)


# ------------------------------------------------------------------------------------------- post labels


def derive_post_labels(links: pd.DataFrame, project_targets: Targets, *, weight: float = DERIVED_WEIGHT) -> pd.Series:
    """Weak post positives from projects confirmed for an official-side scheme: post → label weight.

    A post that approved such a project at a decisive node (``NODE_WEIGHTS``) gets ``weight`` times the
    project's own label weight (a partial outcome gives half again); the strongest such project counts.
    Routine nodes derive nothing: seeing a project pass is not deciding it. Project schemes come from
    ``Targets.scheme`` (the schemes investigated), so a project confirmed for one scheme and cleared of
    another official-side one still counts; inspectors rarely clear an official scheme on a project they
    confirm.
    """
    positive = project_targets.y == 1
    official = project_targets.scheme.map(lambda s: bool(set(str(s).split(",")) & set(OFFICIAL_SCHEMES)))
    strength = project_targets.weight[positive & official]
    decisive = links[links["node"].isin(list(NODE_WEIGHTS))]
    hit = decisive[decisive["project_id"].isin(strength.index)]
    if hit.empty:
        return pd.Series(dtype=float, name="weight")
    values = hit["project_id"].map(strength).astype(float) * weight
    return values.groupby(hit["post_id"]).max().rename("weight")


def combine_post_labels(index: pd.Index, targets: Targets | None, derived: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Targets (1 / 0 / -1) and weights per post: a handed-over post label stands, else a derived one."""
    y = pd.Series(UNLABELLED, index=index, dtype=int)
    w = pd.Series(0.0, index=index)
    found = derived.reindex(index).dropna()
    y[found.index] = 1
    w[found.index] = found
    if targets is not None:
        labelled = targets.labelled.reindex(index).fillna(False).astype(bool)
        y[labelled] = targets.y.reindex(index)[labelled].astype(int)
        w[labelled] = targets.weight.reindex(index)[labelled].astype(float)
    return y, w


# ------------------------------------------------------------------------------------ the post classifier


def cross_fit(
    design: pd.DataFrame,
    y: pd.Series,
    weight: pd.Series,
    make: Callable[[], RiskClassifier],
    *,
    n_splits: int = 5,
    random_state: int | None = 0,
) -> tuple[pd.Series, pd.DataFrame]:
    """Out-of-fold P(corrupt) and SHAP contributions for every post.

    Every post, labelled or not, falls in exactly one fold and is scored by the model trained on the
    other folds, so no post is scored by a model that saw its own label (or its weak-negative
    pseudo-label). Folds are stratified by target so each training part keeps positives; SHAP values
    come from the very model that scored the row, so they add up to its raw score.
    """
    n_pos = int((y == 1).sum())
    k = max(2, min(n_splits, n_pos))
    strata = y.where(y != 0, UNLABELLED) if (y == 0).sum() < k else y
    folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=random_state)
    prob = np.full(len(design), np.nan)
    parts = []
    for train, test in folds.split(design, strata):
        # unlabelled posts count once as weak negatives (their target weight is 0 by convention)
        w = weight.where(y != UNLABELLED, 1.0)
        clf = make().fit(design.iloc[train], y.iloc[train], w.iloc[train])
        prob[test] = clf.predict_proba(design.iloc[test])[:, 1]
        parts.append(shap_contributions(clf, design.iloc[test]))
    return pd.Series(prob, index=design.index), pd.concat(parts).reindex(design.index)


def classifier_earns_its_place(prob: pd.Series, evidence: pd.Series, y: pd.Series, weight: pd.Series) -> bool:
    """Whether the cross-fitted classifier ranks the county's own positive posts above the rest better
    than the evidence score does (weighted average precision, positives against all other posts).

    Both scores are out of sample for this (the evidence score never saw a label), so the comparison is
    fair; a classifier trained on a handful of labels that ranks them worse than the evidence would only
    add noise to the blend, and the evidence score stands alone.
    """
    positive = (y == 1).to_numpy()
    if positive.all() or not positive.any():
        return False
    sample = np.where(positive, weight.to_numpy(), 1.0)
    model_ap = average_precision_score(positive, prob.to_numpy(), sample_weight=sample)
    evidence_ap = average_precision_score(positive, evidence.to_numpy(), sample_weight=sample)
    return bool(model_ap > evidence_ap)


def _classifier_design(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without the columns that define derived labels (a label's own definition teaches nothing)."""
    return frame.drop(columns=[c for c in CONFIRMED_COLUMNS if c in frame])


# ----------------------------------------------------------------------------------------------- scoring


def score_posts(
    con: duckdb.DuckDBPyConnection,
    project_scores: pd.DataFrame,
    *,
    targets: Targets | None = None,
    project_targets: Targets | None = None,
    red_share: float = _DEFAULTS.red_share,
    yellow_share: float = _DEFAULTS.yellow_share,
    partial_weight: float = _DEFAULTS.partial_weight,
    top_k: int = _DEFAULTS.top_factors,
    min_positive: int = 10,
    n_splits: int = 5,
    derive_labels: bool = True,
    rule_strengths: Mapping[str, float] | None = None,
    random_state: int | None = 0,
) -> PostScores:
    """Risk, level, warning count and top factors per post (an empty frame when there are no posts).

    ``targets`` are post labels; ``project_targets`` the project outcomes (None: read from the store's
    ``labels`` and ``feedback``, as the run reads them). With at least ``min_positive`` handed-over
    positive post labels (labels derived from confirmed projects then add weight, but never count toward
    it), risk is the mean of the evidence score and 100 × the cross-fitted classifier probability, when
    the classifier ranks those labels better out of fold than the evidence score
    (``classifier_earns_its_place``): the classifier learns the weighting from the county's own labels,
    the evidence score keeps posts of schemes nobody labelled in view; top factors are then SHAP
    values. Otherwise the evidence score stands alone with its exact component shares.
    """
    project_targets = _project_targets(con, project_scores, project_targets, partial_weight)
    links = post_links(con)
    frame = post_frame(con, project_scores, project_targets, links, rule_strengths)
    if frame.empty:
        empty = pd.DataFrame(columns=list(POST_SCORES.column_names[1:]))  # indexed by post_id
        return PostScores(empty, used_model=False)
    own = [c for c in frame.columns if c not in POST_AGGREGATES]
    frame["post_anomaly"] = _post_anomaly(frame[own], random_state) if own else 0.0
    points = evidence_points(frame)
    risk = points.sum(axis=1)
    contrib: pd.DataFrame = points
    derived = pd.Series(dtype=float)
    if derive_labels and project_targets is not None:
        derived = derive_post_labels(links, project_targets)
    y, w = combine_post_labels(frame.index, targets, derived)
    # derived labels add weight to a classifier, never a reason to train one: a post that co-signed a
    # confirmed project is a noisy positive, and judging the classifier on those same labels let it in
    # where it ranked worse (a foreign profile at 0.1: post AP 0.90 → 0.66)
    handed_over = 0 if targets is None else int((targets.y.reindex(frame.index) == 1).sum())
    used_model = bool(handed_over >= max(min_positive, 2) and (y != 1).sum() >= n_splits)
    if used_model:

        def make() -> RiskClassifier:
            return RiskClassifier(
                treatment="negatives",
                random_state=random_state,
                min_child_samples=5,
                monotone_prefixes=MONOTONE_PREFIXES,
            )

        prob, shap = cross_fit(_classifier_design(frame), y, w, make, n_splits=n_splits, random_state=random_state)
        used_model = classifier_earns_its_place(prob, risk, y, w)
        if used_model:
            risk, contrib = (risk + 100.0 * prob) / 2.0, shap
    out = pd.DataFrame(index=frame.index)
    out["risk_score"] = risk.to_numpy()
    out["level"] = _levels(out["risk_score"].to_numpy(), frame, red_share, yellow_share)
    out["warning_count"] = (frame["warnings_direct"] + frame["projects_warnings"]).astype("int64")
    flagged = out.index[out["level"] != "green"]
    factors = top_factors(contrib, frame, top_k, rows=flagged, names=POST_AGGREGATES)
    out["top_factors"] = factors.reindex(out.index)
    return PostScores(out, used_model)


def _project_targets(
    con: duckdb.DuckDBPyConnection, project_scores: pd.DataFrame, given: Targets | None, partial_weight: float
) -> Targets | None:
    """The project outcomes given, else those in the store (labels, feedback), else None."""
    if given is not None:
        return given
    outcomes = read_outcomes(con)
    if outcomes.empty:
        return None
    return make_targets(outcomes, "project", project_scores.index.astype(str), partial_weight=partial_weight)


def _post_anomaly(features: pd.DataFrame, random_state: int | None) -> np.ndarray:
    usable = features.loc[:, features.notna().any()]
    if usable.shape[1] == 0 or len(usable) < 10:
        return np.zeros(len(features))
    scorer = AnomalyScorer(detectors=("iforest", "ecod"), n_estimators=100, random_state=random_state)
    return scorer.fit(usable).transform(usable)["anomaly_score"].to_numpy()


def _levels(risk: np.ndarray, frame: pd.DataFrame, red_share: float, yellow_share: float) -> np.ndarray[Any, Any]:
    """Red: top share with something to check (a direct warning, a red project, an official-side hit or
    a confirmed project); yellow: watch list."""
    n = len(risk)
    order = np.argsort(-risk, kind="stable")
    rank = np.empty(n, dtype=int)
    rank[order] = np.arange(n)
    evidence = (
        (frame["warnings_direct"] > 0)
        | (frame["projects_red"] > 0)
        | (frame["official_hit_projects"] > 0)
        | (frame["confirmed_projects"] > 0)
    ).to_numpy()
    red = (rank < max(1, int(red_share * n))) & evidence & (risk > 0)
    yellow = ~red & (rank < max(1, int(yellow_share * n))) & (risk > 0)
    return np.where(red, "red", np.where(yellow, "yellow", "green"))
