"""The geometry of the report pages' SVG charts, checked against values worked out by hand.

Weights 35/30/20/15. A unit with scores (3/7, 1/3, 1/2, 3/4) adds 15, 10, 10 and 11.25 points: index 46.25.
A unit with only the warning (5/7) and disposal (0) components renormalises over 35 + 15 = 50:
100 × 35 × 5/7 / 50 = 50 points, and 0.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from yunshao.analytics.svg import LABEL_W, PAD, VALUE_W, WIDTH, case_chart, index_chart
from yunshao.settings import ReportSettings

PLOT_W = WIDTH - (LABEL_W + PAD) - VALUE_W


def test_index_bars_split_into_the_points_of_each_component() -> None:
    units = pd.DataFrame(
        {
            "unit_id": ["A", "B", "C"],
            "name": ["城南街道", "江南镇", "分水镇"],
            "index": [46.25, 50.0, math.nan],
            "band": ["red", "green", "none"],
            "s_warning": [3 / 7, 5 / 7, math.nan],
            "s_confirmed": [1 / 3, math.nan, math.nan],
            "s_rectified": [0.5, math.nan, math.nan],
            "s_disposed": [0.75, 0.0, math.nan],
        }
    )
    chart = index_chart(units, ReportSettings())
    assert chart is not None and [r.label for r in chart.rows] == ["城南街道", "江南镇"]  # lowest first, no NaN
    a, b = chart.rows
    assert [s.key for s in a.segments] == ["warning", "confirmed", "rectified", "disposed"]
    assert [s.value for s in a.segments] == pytest.approx([15.0, 10.0, 10.0, 11.25])
    assert sum(s.width for s in a.segments) == pytest.approx(PLOT_W * 0.4625)
    assert a.segments[1].x == pytest.approx(a.segments[0].x + a.segments[0].width)  # stacked end to end
    assert (a.value, a.band) == ("46.2", "red")
    assert [(s.key, s.value) for s in b.segments] == [("warning", pytest.approx(50.0)), ("disposed", 0.0)]


def test_case_bars_stack_confirmed_unfounded_and_awaiting() -> None:
    rules = pd.DataFrame(
        {
            "rule_id": ["R-A", "R-B", "R-Z"],
            "cases": [4, 1, 0],
            "case_verdicts": [3, 1, 0],
            "case_confirmed": [2.0, 1.0, 0.0],
        }
    )
    chart = case_chart(rules)
    assert chart is not None and [r.label for r in chart.rows] == ["R-A", "R-B"]  # no case, no bar
    assert [(s.key, s.value) for s in chart.rows[0].segments] == [("confirmed", 2), ("unfounded", 1), ("awaiting", 1)]
    assert [t.label for t in chart.ticks] == ["0", "1", "2", "3", "4"]  # step 1 up to 4 cases
    assert case_chart(rules[rules["cases"] == 0]) is None
