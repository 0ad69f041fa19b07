"""The integrity index on the hand-made dataset, every value worked out by hand below.

Settings (HAND_REPORT): warning_rate_cap 350, confirmed_rate_cap 100, red_weight 2, partial_confirmed_weight 1,
weights 35/30/20/15, green ≥ 80, yellow ≥ 50.

Outcome of each warning (w: rule, unit, month):
  w1 R-A U1 01 red     label p1 confirmed bid_rigging (same entity, same scheme) → confirmed, 36 days
                       (last event of p1 before 2024-02-20 is C04 on 2024-01-15)
  w2 R-B U1 01 yellow  label p1 is bid_rigging, w2 is tender_splitting → undecided
  w3 R-A U1 01 yellow  feedback on the warning itself: unfounded 2024-02-15 → decided, 0, 21 days
  w4 R-A U1 02 red     label p3 unfounded, no scheme → decided, 0, 22 days
  w5 R-A U1 03 yellow  nothing → undecided
  w6 R-B U2 01 yellow  tender t5 of p5; label p5 partial tender_splitting → confirmed (weight 1), 14 days
  w7 R-C U2 –  red     post P3 label confirmed → confirmed; no project, so no month and no days
  w8 R-D U2 03 yellow  nothing
  w9 R-E U1 02 yellow  label p3 unfounded (no scheme) → decided, 0, 22 days
  w10 R-E U2 03 yellow label p8 unfounded (no scheme) → decided, 0, 10 days
  w11 R-E U2 01 yellow label p5 is tender_splitting, w11 settlement_inflation → undecided
Rectification: w1 (decided 2024-02) — U1 has data in 2024-03 and R-A fires there again (w5) → observable,
not rectified. w6 (decided 2024-02) — R-B never fires in U2 after 2024-01 → rectified. w7 (decided
2024-04) — U2's last month is 2024-03 → not observable.
Confirmed problems (deduplicated outcomes): U1: p1 1, p3 0, p2 (feedback on w3) 0 → 1.
U2: p5 1, P3 1, p6 1, p8 0 → 3.

U1 whole period: 4 projects, 6 warnings (2 red) → weighted 8 → 200 per 100 → s_warning = 1 − 200/350 = 3/7
  confirmed 1 per 4 projects = 25 per 100 → s_confirmed = 0.75; s_rectified = 0/1; s_disposed = 4/6
  index = 35·3/7 + 30·0.75 + 20·0 + 15·2/3 = 15 + 22.5 + 0 + 10 = 47.5 → red
U2 whole period: 4 projects, 5 warnings (1 red) → weighted 6 → 150 per 100 → s_warning = 4/7
  confirmed 3 per 4 = 75 per 100 → s_confirmed = 0.25; s_rectified = 1/1; s_disposed = 3/5
  index = 20 + 7.5 + 20 + 9 = 56.5 → yellow
U1 2024-01: 2 projects, w1 w2 w3 → weighted 4 → 200 → 3/7; problems p1 1 (p2 0) → 50 per 100 → 0.5;
  rectified 0/1; disposed 2/3 → 15 + 15 + 0 + 10 = 40.0
U1 2024-02: 1 project, w4 w9 → weighted 3 → 300 → 1/7; problems 0 → 1; no rectification; disposed 2/2
  → (5 + 30 + 15) / 80 = 62.5
U2 2024-01: 1 project, w6 w11 → weighted 2 → 200 → 3/7; problems p5 1 → 100 per 100 → 0; rectified 1/1;
  disposed 1/2 → 15 + 0 + 20 + 7.5 = 42.5
U2 2024-03: 2 projects, w8 w10 → 100 per 100 → 5/7; problems 0 → 1; no rectification; disposed 1/2
  → (25 + 30 + 7.5) / 80 = 78.125
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.analytics.handmade import HAND_REPORT
from tests.analytics.helpers import measure, row
from yunshao.analytics.index import integrity_index, rank_bands, score_bands


def test_unit_index_over_the_whole_period(hand_con: duckdb.DuckDBPyConnection) -> None:
    units = measure(hand_con, HAND_REPORT).units
    u1, u2 = row(units, unit_id="U1"), row(units, unit_id="U2")
    assert u1["index"] == pytest.approx(47.5)
    assert u2["index"] == pytest.approx(56.5)
    assert (u1["band"], u2["band"]) == ("red", "yellow")
    assert (u1["rank"], u2["rank"]) == (2, 1)
    assert u1[["s_warning", "s_confirmed", "s_rectified", "s_disposed"]].tolist() == pytest.approx(
        [3 / 7, 0.75, 0.0, 4 / 6]
    )
    assert u2[["s_warning", "s_confirmed", "s_rectified", "s_disposed"]].tolist() == pytest.approx(
        [4 / 7, 0.25, 1.0, 3 / 5]
    )


def test_units_without_projects_are_listed_without_an_index(hand_con: duckdb.DuckDBPyConnection) -> None:
    units = measure(hand_con, HAND_REPORT).units
    assert set(units["unit_id"]) == {"Z", "U1", "U2", "U3"}
    for unit_id in ("Z", "U3"):
        r = row(units, unit_id=unit_id)
        assert np.isnan(r["index"]) and r["band"] == "none" and r["projects"] == 0
    assert row(units, unit_id="U3")["parent_name"] == "桐庐县"


def test_unit_rates(hand_con: duckdb.DuckDBPyConnection) -> None:
    units = measure(hand_con, HAND_REPORT).units
    u1, u2 = row(units, unit_id="U1"), row(units, unit_id="U2")
    assert u1["warnings_per_100"] == pytest.approx(150.0)
    assert u1["red_share"] == pytest.approx(2 / 6)
    assert u1["confirmed_rate"] == pytest.approx(1 / 4)  # w1 of w1 w3 w4 w9
    assert u1["median_days_to_outcome"] == pytest.approx(22.0)  # 36, 21, 22, 22
    assert u2["confirmed_rate"] == pytest.approx(2 / 3)  # w6 w7 of w6 w7 w10
    assert u2["median_days_to_outcome"] == pytest.approx(12.0)  # 14, 10 (w7 has no project)
    assert (u1["decided_items"], u2["decided_items"]) == (3, 4)


@pytest.mark.parametrize(
    ("unit_id", "month", "expected"),
    [("U1", "2024-01", 40.0), ("U1", "2024-02", 62.5), ("U2", "2024-01", 42.5), ("U2", "2024-03", 78.125)],
)
def test_monthly_index(hand_con: duckdb.DuckDBPyConnection, unit_id: str, month: str, expected: float) -> None:
    monthly = measure(hand_con, HAND_REPORT).monthly
    assert row(monthly, unit_id=unit_id, month=month)["index"] == pytest.approx(expected)


def test_warning_outcomes_follow_entity_project_scheme_and_feedback(hand_con: duckdb.DuckDBPyConnection) -> None:
    measure(hand_con, HAND_REPORT)
    facts = hand_con.sql(
        "SELECT warning_id, decided, confirmed_weight, days_to_outcome, rect_observable, rectified, unit_id, month "
        "FROM an_warning_facts"
    ).df()
    expected = {
        "w1": (True, 1.0, 36, 1, 0),
        "w2": (False, 0.0, None, 0, 0),
        "w3": (True, 0.0, 21, 0, 0),
        "w4": (True, 0.0, 22, 0, 0),
        "w6": (True, 1.0, 14, 1, 1),
        "w7": (True, 1.0, None, 0, 0),
        "w11": (False, 0.0, None, 0, 0),
    }
    for warning_id, (decided, weight, days, observable, rectified) in expected.items():
        r = row(facts, warning_id=warning_id)
        assert bool(r["decided"]) is decided, warning_id
        assert r["confirmed_weight"] == weight, warning_id
        assert pd.isna(r["days_to_outcome"]) if days is None else r["days_to_outcome"] == days, warning_id
        assert (r["rect_observable"], r["rectified"]) == (observable, rectified), warning_id
    w7 = row(facts, warning_id="w7")
    assert w7["unit_id"] == "U2" and pd.isna(w7["month"])


def test_partial_weight_changes_confirmed_problems(hand_con: duckdb.DuckDBPyConnection) -> None:
    settings = HAND_REPORT.model_copy(update={"partial_confirmed_weight": 0.5})
    units = measure(hand_con, settings).units
    u2 = row(units, unit_id="U2")
    assert u2["confirmed_problems"] == pytest.approx(2.5)  # p5 partial counts half
    # s_confirmed = 1 − 62.5/100 = 0.375; w6 still counts as confirmed for rectification
    assert u2["index"] == pytest.approx(20 + 30 * 0.375 + 20 + 9)


def test_without_outcomes_only_the_warning_component_counts(hand_con: duckdb.DuckDBPyConnection) -> None:
    hand_con.execute("DROP TABLE labels")
    hand_con.execute("DROP TABLE feedback")
    units = measure(hand_con, HAND_REPORT).units
    u1 = row(units, unit_id="U1")
    assert np.isnan(u1["s_confirmed"]) and np.isnan(u1["s_disposed"]) and np.isnan(u1["s_rectified"])
    assert u1["index"] == pytest.approx(100 * 3 / 7)


def test_rank_mode_bands_the_lowest_units(hand_con: duckdb.DuckDBPyConnection) -> None:
    settings = HAND_REPORT.model_copy(update={"band_mode": "rank", "rank_red_share": 0.5, "rank_yellow_share": 0.0})
    units = measure(hand_con, settings).units
    assert row(units, unit_id="U1")["band"] == "red"
    assert row(units, unit_id="U2")["band"] == "green"
    assert row(units, unit_id="U3")["band"] == "none"


def test_tonglu_rank_bands_for_fourteen_townships() -> None:
    # 桐庐: 14 townships, ranks 1-10 green, 11-12 yellow, 13-14 red (the default shares are 1/7 each)
    index = pd.Series([float(100 - i) for i in range(14)])
    keys = pd.Series([f"T{i:02d}" for i in range(14)])
    bands = rank_bands(
        index, keys, HAND_REPORT.model_copy(update={"rank_red_share": 1 / 7, "rank_yellow_share": 1 / 7})
    )
    assert bands.tolist() == ["green"] * 10 + ["yellow"] * 2 + ["red"] * 2


def test_score_band_boundaries() -> None:
    bands = score_bands(pd.Series([80.0, 79.99, 50.0, 49.99, np.nan]), HAND_REPORT)
    assert bands.tolist() == ["green", "yellow", "yellow", "red", "none"]


def test_weights_renormalise_over_present_components() -> None:
    scores = pd.DataFrame(
        {"s_warning": [0.5, 1.0], "s_confirmed": [np.nan, 0.0], "s_rectified": [np.nan, 1.0], "s_disposed": [1.0, 0.5]}
    )
    # row 0: (35·0.5 + 15·1) / 50 = 0.65; row 1: (35 + 0 + 20 + 7.5) / 100 = 0.625
    assert integrity_index(scores, HAND_REPORT).tolist() == pytest.approx([65.0, 62.5])


def test_settings_refuse_incoherent_bands() -> None:
    from pydantic import ValidationError

    from yunshao.settings import ReportSettings

    with pytest.raises(ValidationError, match="yellow_min"):
        ReportSettings(green_min=50, yellow_min=60)


def test_auto_caps_are_twice_the_pooled_rate(hand_con: duckdb.DuckDBPyConnection) -> None:
    # All units: 14 weighted warnings and 4 confirmed problems over 8 projects → 175 and 50 per 100;
    # twice those are exactly the caps HAND_REPORT sets (350, 100), so the index is unchanged.
    auto = HAND_REPORT.model_copy(update={"warning_rate_cap": None, "confirmed_rate_cap": None})
    tables = measure(hand_con, auto)
    assert tables.caps == pytest.approx({"warning": 350.0, "confirmed": 100.0})
    assert row(tables.units, unit_id="U1")["index"] == pytest.approx(47.5)
    assert row(tables.monthly, unit_id="U2", month="2024-03")["index"] == pytest.approx(78.125)


def test_quarterly_and_yearly_index_sum_the_months(hand_con: duckdb.DuckDBPyConnection) -> None:
    # 2024-Q1 holds every dated item; U2 loses w7 and the post label P3, which have no month:
    # 4 yellow → 100 per 100 → 5/7; problems p5 1, p6 1, p8 0 → 50 per 100 → 0.5; rectified 1/1;
    # disposed w6 w10 of 4 → 0.5; index = 25 + 15 + 20 + 7.5 = 67.5. U1 is unchanged (47.5).
    quarterly = measure(hand_con, HAND_REPORT).quarterly
    assert row(quarterly, unit_id="U1", quarter="2024-Q1")["index"] == pytest.approx(47.5)
    assert row(quarterly, unit_id="U2", quarter="2024-Q1")["index"] == pytest.approx(67.5)
    yearly = measure(hand_con, HAND_REPORT).yearly  # one year, the same quarter
    assert row(yearly, unit_id="U2", year="2024")["index"] == pytest.approx(67.5)


def test_units_with_too_few_projects_are_not_ranked(hand_con: duckdb.DuckDBPyConnection) -> None:
    tables = measure(hand_con, HAND_REPORT.model_copy(update={"min_projects": 5}))
    u1 = row(tables.units, unit_id="U1")
    assert u1["index"] == pytest.approx(47.5) and pd.isna(u1["rank"]) and u1["band"] == "none"


def test_ranks_are_taken_among_units_of_the_same_kind() -> None:
    from yunshao.analytics.index import score_units

    counts = dict.fromkeys(
        ("red_warnings", "warned_projects", "decided_warnings", "rect_observable", "rectified", "decided_items"), 0
    )
    measures = pd.DataFrame(
        {
            "unit_id": ["T1", "T2", "D1"],
            "period": ["all"] * 3,
            "projects": [10, 10, 10],
            "warnings": [1, 3, 5],
            "weighted_warnings": [1.0, 3.0, 5.0],
            "confirmed_warnings": [0.0] * 3,
            "confirmed_problems": [0.0] * 3,
            **{k: [v] * 3 for k, v in counts.items()},
        }
    )
    kinds = {"T1": "township", "T2": "township", "D1": "department"}
    by_kind, caps = score_units(measures, HAND_REPORT, has_outcomes=False, kinds=kinds)
    # pooled: 9 weighted per 30 projects = 30 per 100 → cap 60 when auto; HAND_REPORT sets 350
    assert caps["warning"] == 350.0
    assert by_kind["rank"].tolist() == [1, 2, 1]
    together, _ = score_units(
        measures, HAND_REPORT.model_copy(update={"rank_within": "all"}), has_outcomes=False, kinds=kinds
    )
    assert together["rank"].tolist() == [1, 2, 3]


def test_ties_share_rank_and_band() -> None:
    from yunshao.analytics.index import rank

    index = pd.Series([90.0, 37.5, 37.5, 37.5, 60.0, 70.0, 80.0])
    keys = pd.Series([f"V{i}" for i in range(7)])
    assert rank(index, keys).tolist() == [1, 5, 5, 5, 4, 3, 2]
    # 7 units, one red place and one yellow place: the three tied at the bottom straddle it and are all red;
    # 60.0 comes fourth from the bottom, past the two places, so it is green
    bands = rank_bands(
        index, keys, HAND_REPORT.model_copy(update={"rank_red_share": 1 / 7, "rank_yellow_share": 1 / 7})
    )
    assert bands.tolist() == ["green", "red", "red", "red", "green", "green", "green"]
    # with three red places they all fit
    bands = rank_bands(
        index, keys, HAND_REPORT.model_copy(update={"rank_red_share": 3 / 7, "rank_yellow_share": 1 / 7})
    )
    assert bands.tolist() == ["green", "red", "red", "red", "yellow", "green", "green"]
