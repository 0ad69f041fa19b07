"""Rule review, post ranking and recurring problems on the hand-made dataset (values from handmade.py)."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.analytics.handmade import HAND_REPORT
from tests.analytics.helpers import measure, row
from yunshao.analytics import compute_tables
from yunshao.analytics.rules_review import trend_of


def test_rule_hits_confirmation_and_review(hand_con: duckdb.DuckDBPyConnection) -> None:
    rules = measure(hand_con, HAND_REPORT).rules
    r_a = row(rules, rule_id="R-A")
    assert (r_a["hits"], r_a["red_hits"], r_a["decided"]) == (4, 2, 3)
    assert r_a["confirmation_rate"] == pytest.approx(1 / 3)
    assert r_a["monthly_hits"] == [2, 1, 1]
    assert r_a["status"] == "ok"
    r_e = row(rules, rule_id="R-E")  # w9 w10 verified unfounded, w11 not verified
    assert (r_e["hits"], r_e["decided"], r_e["confirmed"], r_e["status"]) == (3, 2, 0.0, "review")
    assert row(rules, rule_id="R-D")["status"] == "awaiting"  # w8: one hit, no outcome
    assert row(rules, rule_id="R-C")["units_hit"] == 1  # the post's unit


def test_review_needs_enough_verified_hits(hand_con: duckdb.DuckDBPyConnection) -> None:
    rules = measure(hand_con, HAND_REPORT.model_copy(update={"review_min_decided": 3})).rules
    assert row(rules, rule_id="R-E")["status"] == "awaiting"


def test_catalog_rules_that_never_fired_are_listed(hand_con: duckdb.DuckDBPyConnection) -> None:
    catalog = {
        "R-A": {"name": "围标串标", "scheme": "bid_rigging", "severity": "red"},
        "R-Z": {"name": "从未命中", "scheme": "relative_favour", "severity": "yellow"},
    }
    tables = compute_tables(hand_con, HAND_REPORT, catalog=catalog)
    silent = row(tables.rules, rule_id="R-Z")
    assert (silent["hits"], silent["status"], silent["name"]) == (0, "no_hits", "从未命中")
    assert row(tables.rules, rule_id="R-A")["name"] == "围标串标"
    assert tables.rule_names == {"R-A": "围标串标", "R-Z": "从未命中"}


@pytest.mark.parametrize(
    ("hits", "projects", "trend", "recent", "previous"),
    [
        ([1, 1, 1, 2, 2, 2], [10] * 6, "rising", 20.0, 10.0),
        ([3, 3, 3, 1, 1, 1], [10] * 6, "falling", 10.0, 30.0),
        ([2, 2, 2, 4, 4, 4], [10, 10, 10, 20, 20, 20], "flat", 20.0, 20.0),  # twice the hits, twice the projects
        ([0, 0, 0, 1, 0, 0], [10] * 6, "rising", 1 / 30 * 100, 0.0),
        ([0, 0, 0, 0, 0, 0], [10] * 6, "flat", 0.0, 0.0),
        ([1, 2, 3, 4, 5], [10] * 5, "na", np.nan, np.nan),
    ],
)
def test_trend_compares_rates(hits: list[int], projects: list[int], trend: str, recent: float, previous: float) -> None:
    months = pd.DataFrame({"hits": hits, "projects": projects})
    r, p, t = trend_of(months, HAND_REPORT)
    assert t == trend
    assert r == pytest.approx(recent, nan_ok=True) and p == pytest.approx(previous, nan_ok=True)


def test_recurring_pairs(hand_con: duckdb.DuckDBPyConnection) -> None:
    recurring = measure(hand_con, HAND_REPORT).recurring
    assert set(zip(recurring["rule_id"], recurring["unit_id"], strict=True)) == {("R-A", "U1"), ("R-E", "U2")}
    r_a = row(recurring, rule_id="R-A")
    assert (r_a["months_with_hits"], r_a["longest_streak"], r_a["hits"], r_a["unit_name"]) == (3, 3, 4, "城南街道")
    r_e = row(recurring, rule_id="R-E")  # 2024-01 and 2024-03: two months, no two in a row
    assert (r_e["months_with_hits"], r_e["longest_streak"]) == (2, 1)
    three = measure(hand_con, HAND_REPORT.model_copy(update={"recurring_min_months": 3})).recurring
    assert three["rule_id"].tolist() == ["R-A"]


def test_posts_ranked_by_warned_share(hand_con: duckdb.DuckDBPyConnection) -> None:
    posts = measure(hand_con, HAND_REPORT).posts
    assert posts["post_id"].tolist() == ["P1", "P2", "P3"]  # P1, P2 tie at 4/4: by id
    p3 = row(posts, post_id="P3")
    assert (p3["handled_projects"], p3["warned_projects"], p3["post_warnings"]) == (4, 3, 1)
    assert p3["risk"] == pytest.approx(75.0) and p3["risk_source"] == "warned_share"
    assert p3["confirmed_projects"] == pytest.approx(2.0)  # p5 partial (weight 1) and p6
    assert bool(p3["high_risk"])
    assert p3["reasons"][0] == "经办项目 4 个，其中 3 个有预警（75%），2 个查实"
    assert "直接指向本岗位的预警 1 条" in p3["reasons"] and "一把手岗位" in p3["reasons"]
    assert row(posts, post_id="P1")["reasons"][1] == "常见预警：R-A ×4、R-B ×1、R-E ×1"


def test_run_post_scores_take_precedence(hand_con: duckdb.DuckDBPyConnection) -> None:
    factors = json.dumps([{"feature": "self_approval_share", "feature_zh": "自批比例", "value": 0.8}])
    hand_con.execute(
        "CREATE TABLE post_scores AS SELECT 'P3' AS post_id, 90.0 AS risk_score, 'red' AS level, "
        f"CAST(2 AS BIGINT) AS warning_count, '{factors}' AS top_factors"
    )
    posts = measure(hand_con, HAND_REPORT.model_copy(update={"high_risk_share": 0.9}), lang="zh").posts
    p3 = row(posts, post_id="P3")
    assert p3["rank"] == 1 and p3["risk"] == pytest.approx(90.0) and p3["risk_source"] == "run"
    assert "模型主要因素：自批比例" in p3["reasons"]
    assert bool(p3["high_risk"])  # level red, though 75% < high_risk_share 0.9
    p1 = row(posts, post_id="P1")  # not scored by the run: no risk on another scale, ranked after
    assert np.isnan(p1["risk"]) and p1["risk_source"] == "none" and p1["rank"] == 2
    en = measure(hand_con, HAND_REPORT, lang="en").posts
    assert "main model factors: self_approval_share" in row(en, post_id="P3")["reasons"]


def test_unusable_feedback_is_counted_not_dropped_silently(hand_con: duckdb.DuckDBPyConnection) -> None:
    hand_con.execute(
        "INSERT INTO feedback VALUES ('project', 'p7', 'escalated', NULL, TIMESTAMP '2024-04-01', '', 'x'), "
        "('company', 'c1', 'confirmed', NULL, TIMESTAMP '2024-04-01', '', 'x')"
    )
    tables = measure(hand_con, HAND_REPORT)
    assert tables.notes == [
        "feedback: 1 rows ignored, outcome not one of confirmed, unfounded, partial",
        "feedback: 1 rows ignored, entity_type not project, post, tender or warning",
    ]
    assert tables.counts["outcomes"] == 7  # 6 labels + the one usable feedback row
    assert row(tables.units, unit_id="U2")["index"] == pytest.approx(56.5)  # p7 untouched


def test_coarser_periods_sum_counts_and_recompute_rates(hand_con: duckdb.DuckDBPyConnection) -> None:
    from yunshao.analytics.index import quarter_of
    from yunshao.analytics.tables import overall_by, rules_by

    tables = measure(hand_con, HAND_REPORT)
    quarter = overall_by(tables.monthly, quarter_of)
    # all dated warnings (10, w7 has no month) over 8 projects; red w1 w4 → 2 of 10
    assert quarter["period"].tolist() == ["2024-Q1"]
    assert quarter.loc[0, "warnings_per_100"] == pytest.approx(125.0)
    assert quarter.loc[0, "red_share"] == pytest.approx(0.2)
    r_a = rules_by(tables.rule_months, quarter_of).set_index("rule_id").loc["R-A"]
    assert (r_a["hits"], r_a["projects"]) == (4, 8)


def test_the_runs_estimate_of_each_rule_sits_beside_the_raw_rate(hand_con: duckdb.DuckDBPyConnection) -> None:
    # a run's models stage keeps its Beta estimate per rule in the store's rule_confirmation table
    hand_con.execute(
        "CREATE TABLE rule_confirmation AS SELECT * FROM (VALUES "
        "('R-E', 0.21, 0.05, 0.45, TRUE), ('R-A', 0.55, 0.30, 0.78, FALSE)) "
        "AS t(rule_id, confirmation_rate, interval_low, interval_high, low_confirmation)"
    )
    rules = measure(hand_con, HAND_REPORT).rules
    r_e = row(rules, rule_id="R-E")
    assert (r_e["estimated_rate"], r_e["estimate_low"], r_e["estimate_high"]) == (0.21, 0.05, 0.45)
    assert bool(r_e["low_confirmation"]) is True
    assert r_e["confirmation_rate"] == 0.0  # the raw rate of this dataset's verdicts is unchanged
    assert bool(row(rules, rule_id="R-A")["low_confirmation"]) is False
    assert np.isnan(row(rules, rule_id="R-D")["estimated_rate"])  # no estimate: none shown, never low
    assert bool(row(rules, rule_id="R-D")["low_confirmation"]) is False
