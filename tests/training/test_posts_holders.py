"""Post scores from what their holders approved: hand-made stores whose figures are computed by hand."""

from __future__ import annotations

import json
from typing import ClassVar

import duckdb
import numpy as np
import pandas as pd
import pytest

from yunshao.training import posts
from yunshao.training.classifier import RiskClassifier
from yunshao.training.labels import Targets, make_targets
from yunshao.training.posts import (
    combine_post_labels,
    cross_fit,
    derive_post_labels,
    direct_evidence,
    evidence_points,
    post_frame,
    post_links,
    score_posts,
)

# (post, project, node): A decides P1 (C04) and P3 (C13, and a routine C18), and only receives P2 (C01)
APPROVALS = [
    ("A", "P1", "C04"),
    ("A", "P2", "C01"),
    ("A", "P3", "C13"),
    ("A", "P3", "C18"),
    ("B", "P4", "C20"),
    ("B", "P5", "C09"),
    ("C", "P6", "C20"),
    ("C", "P7", "C09"),
    ("E", "P4", "C19"),
]
# (project, scheme, post named by the rule)
WARNINGS = [
    ("P1", "tender_splitting", None),
    ("P2", "bid_rigging", None),  # company-side: not an official-side hit
    ("P4", "settlement_inflation", None),
    ("P5", "build_before_approval", None),
    ("P6", "settlement_inflation", None),
    ("P7", "settlement_inflation", None),
]


def _store() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE posts (post_id VARCHAR, unit_id VARCHAR)")
    con.executemany("INSERT INTO posts VALUES (?, 'U1')", [[p] for p in "ABCDE"])
    con.execute(
        "CREATE TABLE approvals (event_id VARCHAR, project_id VARCHAR, node VARCHAR, action VARCHAR,"
        " person_id VARCHAR, post_id VARCHAR, occurred_at TIMESTAMP)"
    )
    con.executemany(
        "INSERT INTO approvals VALUES (?, ?, ?, 'approve', NULL, ?, TIMESTAMP '2021-03-01 10:00:00')",
        [[f"E{i}", proj, node, post] for i, (post, proj, node) in enumerate(APPROVALS)],
    )
    # D's approval records only the person, who held D that day: it counts for D through assignments
    con.execute("INSERT INTO approvals VALUES ('E99', 'P8', 'C06', 'approve', 'X', NULL, TIMESTAMP '2022-05-01')")
    con.execute("CREATE TABLE assignments (person_id VARCHAR, post_id VARCHAR, start_date DATE, end_date DATE)")
    con.execute("INSERT INTO assignments VALUES ('X', 'D', DATE '2020-01-01', NULL)")
    con.execute(
        "CREATE TABLE warnings (warning_id VARCHAR, rule_id VARCHAR, severity VARCHAR, project_id VARCHAR,"
        " scheme VARCHAR, post_id VARCHAR)"
    )
    con.executemany(
        "INSERT INTO warnings VALUES (?, 'R', 'yellow', ?, ?, ?)",
        [[f"W{i}", proj, scheme, post] for i, (proj, scheme, post) in enumerate(WARNINGS)],
    )
    return con


def _project_scores() -> pd.DataFrame:
    ids = [f"P{i}" for i in range(1, 9)]
    return pd.DataFrame({"risk_score": 50.0, "level": "green"}, index=pd.Index(ids, name="project_id"))


def _project_targets(rows: list[tuple[str, str, str]]) -> Targets:
    outcomes = pd.DataFrame(
        [("project", pid, outcome, scheme, pd.Timestamp("2023-01-01"), "labels") for pid, outcome, scheme in rows],
        columns=["entity_type", "entity_id", "outcome", "scheme", "decided_at", "source"],
    )
    return make_targets(outcomes, "project", _project_scores().index, partial_weight=0.5)


def test_projects_are_weighted_by_the_responsibility_of_the_node_decided():
    frame = post_frame(_store(), _project_scores())
    a = frame.loc["A"]
    # P1 at C04 (decisive, 1) + P2 at C01 (routine, 0.25) + P3 at C13 (1; its routine C18 adds nothing)
    assert a["projects_scored"] == 3
    assert a["projects_weighted"] == pytest.approx(2.25)
    assert a["projects_decisive"] == 2
    # only P1 has an official-side hit (P2's bid rigging is company-side): 1 of 2.25
    assert a["official_hit_projects"] == pytest.approx(1.0)
    assert a["official_hit_share"] == pytest.approx(1.0 / 2.25)
    assert a["official_schemes"] == 1
    # the approval without a post counts for the post its approver held that day
    assert frame.loc["D", "projects_weighted"] == pytest.approx(1.0)
    assert frame.loc["D", "years_active"] == 1


def test_a_post_with_hits_on_several_schemes_outranks_one_with_a_single_scheme():
    frame = post_frame(_store(), _project_scores())
    b, c = frame.loc["B"], frame.loc["C"]
    # same volume, same hit share; B's hits are two schemes, C's one
    assert b["projects_weighted"] == c["projects_weighted"] == 2
    assert b["official_hit_share"] == c["official_hit_share"] == 1.0
    assert (b["official_schemes"], c["official_schemes"]) == (2, 1)
    risk = score_posts(_store(), _project_scores(), project_targets=None).frame["risk_score"]
    assert risk["B"] > risk["C"]


def test_a_confirmed_official_project_makes_its_decisive_signers_weak_positives():
    targets = _project_targets([("P4", "confirmed", "settlement_inflation"), ("P2", "confirmed", "bid_rigging")])
    derived = derive_post_labels(post_links(_store()), targets)
    # B signed P4's settlement (C20, decisive); E only its completion acceptance (C19, routine);
    # P2 was confirmed for a company-side scheme, so A derives nothing from it
    assert derived.to_dict() == {"B": 0.5}
    partial = derive_post_labels(post_links(_store()), _project_targets([("P4", "partial", "settlement_inflation")]))
    assert partial.to_dict() == {"B": 0.25}
    # a handed-over post label stands over a derived one
    index = pd.Index(list("ABCDE"))
    post_targets = Targets(
        y=pd.Series([-1, 0, -1, -1, -1], index=index),
        weight=pd.Series([0.0, 1.0, 0.0, 0.0, 0.0], index=index),
        decided_at=pd.Series(pd.NaT, index=index),
        scheme=pd.Series("", index=index),
    )
    y, w = combine_post_labels(index, post_targets, pd.Series({"B": 0.5, "C": 0.5}))
    assert y.to_dict() == {"A": -1, "B": 0, "C": 1, "D": -1, "E": -1}
    assert w["C"] == 0.5 and w["B"] == 1.0


def test_the_no_label_top_factors_add_up_to_the_risk_score():
    con = _store()
    scores = score_posts(con, _project_scores(), top_k=10, red_share=0.5, yellow_share=1.0).frame
    flagged = scores[scores["top_factors"].notna()]
    assert len(flagged) >= 3
    for _, row in flagged.iterrows():
        total = sum(f["contribution"] for f in json.loads(row["top_factors"]))
        assert total == pytest.approx(row["risk_score"], abs=1e-4)
    points = evidence_points(post_frame(con, _project_scores()).assign(post_anomaly=0.0))
    assert np.all(points.to_numpy() >= 0)


class _Spy(RiskClassifier):
    """A RiskClassifier that records which rows it trained on and which it scored."""

    log: ClassVar[list[tuple[str, set[str]]]] = []

    def fit(self, X, y, sample_weight=None):
        _Spy.log.append(("fit", set(X.index)))
        return super().fit(X, y, sample_weight)

    def predict_proba(self, X):
        _Spy.log.append(("score", set(X.index)))
        return super().predict_proba(X)


def test_cross_fitted_scores_never_come_from_a_model_that_saw_the_label():
    rng = np.random.default_rng(0)
    n = 200
    index = pd.Index([f"Q{i}" for i in range(n)])
    signal = rng.normal(size=n)
    design = pd.DataFrame({"x": signal + rng.normal(scale=0.5, size=n), "z": rng.normal(size=n)}, index=index)
    y = pd.Series(-1, index=index)
    y[signal > 1.0] = 1
    y[(signal < 0) & (rng.random(n) < 0.2)] = 0
    weight = pd.Series(np.where(y >= 0, 1.0, 0.0), index=index)
    _Spy.log = []
    prob, contrib = cross_fit(design, y, weight, lambda: _Spy(random_state=0, n_estimators=50), n_splits=5)
    fits, scored = _Spy.log[0::2], _Spy.log[1::2]
    assert len(fits) == 5
    for (_, train), (_, test) in zip(fits, scored, strict=True):
        assert not train & test
    assert set().union(*(t for _, t in scored)) == set(index)
    # SHAP from the scoring model: contributions add up to its raw score, a row each
    assert contrib.notna().all().all()
    labelled = y[y >= 0].index
    in_sample = RiskClassifier(random_state=0, n_estimators=50).fit(design, y, weight).predict_proba(design)[:, 1]
    in_sample_s = pd.Series(in_sample, index=index)
    assert not np.allclose(prob[labelled], in_sample_s[labelled], atol=1e-3)
    # in-sample, the model remembers its positives; out of fold it must earn them
    positives = y[y == 1].index
    assert in_sample_s[positives].mean() > prob[positives].mean()


def test_warnings_naming_a_post_weigh_by_their_rules_strength_once_per_rule():
    by_rule = pd.DataFrame(
        {
            "post_id": ["A", "A", "A", "B"],
            "rule_id": ["STRONG", "NOISE", "NOISE", "UNKNOWN"],
            "severity": ["red", "red", "yellow", "yellow"],
            "n": [1, 30, 3, 3],
        }
    )
    got = direct_evidence(by_rule, {"STRONG": 0.8, "NOISE": 0.05})
    # A: STRONG once: -ln(0.2) · log2(2) = 1.609438; NOISE 33 warnings: -ln(0.95) · log2(34) = 0.051293 · 5.087463
    assert got["A"] == pytest.approx(1.6094379 + 0.0512933 * 5.0874628, rel=1e-6)
    # B: a rule without a learned strength weighs by severity (yellow 0.3): -ln(0.7) · log2(4) = 0.356675 · 2
    assert got["B"] == pytest.approx(0.3566749 * 2, rel=1e-6)


def test_labels_derived_from_projects_never_switch_the_post_classifier_on(monkeypatch):
    # P4 (settlement, signed by B at C20) and P7 (tender plan, C at C09) confirmed: B and C derive positives
    targets = _project_targets([("P4", "confirmed", "settlement_inflation"), ("P7", "confirmed", "tender_avoidance")])
    assert set(derive_post_labels(post_links(_store()), targets).index) == {"B", "C"}
    fitted: list[int] = []
    monkeypatch.setattr(posts, "cross_fit", lambda *a, **k: fitted.append(1) or cross_fit(*a, **k))
    result = score_posts(_store(), _project_scores(), project_targets=targets, min_positive=1, n_splits=2)
    assert not result.used_model and fitted == []  # no classifier was even trained


def test_expected_schemes_by_hand():
    """Rates by weight: scheme a on pairs of weight 1 and 0.5 of a total of 3 → 0.5; b on 0.5 + 0.5 → 1/3.
    A post of weighted count n expects (1 − 0.5ⁿ) + (1 − (2/3)ⁿ) schemes; the other schemes never occur."""
    from yunshao.contract.schema import OFFICIAL_SCHEMES

    a, b = sorted(OFFICIAL_SCHEMES)[:2]
    shown = [{a}, {a, b}, set(), {b}]
    flags = {f"scheme:{s}": [float(s in row) for row in shown] for s in OFFICIAL_SCHEMES}
    pairs = pd.DataFrame({"weight": [1.0, 0.5, 1.0, 0.5]} | flags)
    got = posts.expected_schemes(pairs, pd.Series([2.0, 1.0], index=["P1", "P2"]))
    assert got["P1"] == pytest.approx((1 - 0.5**2) + (1 - (2 / 3) ** 2), abs=1e-12)
    assert got["P2"] == pytest.approx(0.5 + 1 / 3, abs=1e-12)


def test_node_weight_by_hand():
    from yunshao.training.posts import NODE_WEIGHTS, ROUTINE_WEIGHT, node_weight

    assert NODE_WEIGHTS["C13"] == 1.0 and ROUTINE_WEIGHT == 0.25  # the award decides; a routine node a quarter
    nodes = pd.Series(["C13", "C01", None, "C13", "XX9"], index=[10, 11, 12, 13, 14], dtype="str")
    got = node_weight(nodes)
    assert got.tolist() == [1.0, 0.25, 0.25, 1.0, 0.25]  # C01 (a proposal received) is routine; unknown and missing too
    assert list(got.index) == [10, 11, 12, 13, 14]


def test_post_project_pairs_by_hand():
    """Each (post, project) once with its largest weight, sorted as the id strings sort, rows missing an id
    left out (as a group-by on the strings would)."""
    links = pd.DataFrame(
        {
            "post_id": pd.Series(["B", "A10", "A10", "A9", None, "A9"], dtype="str"),
            "project_id": pd.Series(["P2", "P3", "P3", "P1", "P1", None], dtype="str"),
            "weight": [0.25, 0.25, 1.0, 0.25, 1.0, 1.0],
        }
    )
    pairs = posts.post_project_pairs(links)
    assert list(pairs.itertuples(index=False, name=None)) == [("A10", "P3", 1.0), ("A9", "P1", 0.25), ("B", "P2", 0.25)]
    grouped = links.groupby(["post_id", "project_id"], as_index=False).agg(weight=("weight", "max"))
    pd.testing.assert_frame_equal(pairs, grouped, check_dtype=False)
