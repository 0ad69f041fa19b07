"""RuleConfirmation: priors, Beta posteriors and low-confirmation flags, checked against hand arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import beta

from yunshao.training.rule_weights import RuleConfirmation, rarity_scale

RED, YELLOW, S, REF = 0.7, 0.35, 6.0, 0.1


def _frame() -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """10 projects. Rows 0-2 confirmed (row 2 partial, weight 0.5), 3-6 unfounded, 7-9 unlabelled.

    rule__A: red on 3, 4, 5                 (all checked hits unfounded)      rate 0.3
    rule__B: yellow on 4, 6 and 8           (2 unfounded + 1 unlabelled hit)  rate 0.3
    rule__C: red on 0, 1, 2                 (all confirmed, one partial)      rate 0.3
    rule__D: yellow on 9                    (only an unlabelled hit)          rate 0.1
    rule__E: red on 6, yellow on 3          (tie red/yellow counts → red)     rate 0.2
    """
    cols = {c: np.zeros(10) for c in ("rule__A", "rule__B", "rule__C", "rule__D", "rule__E")}
    cols["rule__A"][[3, 4, 5]] = 2
    cols["rule__B"][[4, 6, 8]] = 1
    cols["rule__C"][[0, 1, 2]] = 2
    cols["rule__D"][9] = 1
    cols["rule__E"][6] = 2
    cols["rule__E"][3] = 1
    frame = pd.DataFrame(cols, index=[f"P{i}" for i in range(10)])
    y = np.array([1, 1, 1, 0, 0, 0, 0, -1, -1, -1])
    w = np.array([1, 1, 0.5, 1, 1, 1, 1, 0, 0, 0])
    return frame, y, w


def _fit(**kw) -> RuleConfirmation:
    frame, y, w = _frame()
    params = {"red_hit": RED, "yellow_hit": YELLOW, "rarity_ref": REF, "prior_strength": S, "min_checked": 3}
    return RuleConfirmation(**{**params, **kw}).fit(frame, y, w)


# hand values: scale(rate) = log(1/rate) / log(1/0.1)
SCALE_03 = math.log(1 / 0.3) / math.log(10)  # 0.522879
SCALE_02 = math.log(1 / 0.2) / math.log(10)  # 0.698970
PRIOR = {
    "rule__A": RED * SCALE_03,  # 0.366015
    "rule__B": YELLOW * SCALE_03,  # 0.183008
    "rule__C": RED * SCALE_03,
    "rule__D": YELLOW * 1.0,  # rate 0.1 = rarity_ref: full severity
    "rule__E": RED * SCALE_02,  # 0.489279
}
CHECKED = {"rule__A": 3, "rule__B": 2, "rule__C": 3, "rule__D": 0, "rule__E": 2}
CONFIRMED = {"rule__A": 0.0, "rule__B": 0.0, "rule__C": 2.5, "rule__D": 0.0, "rule__E": 0.0}
BASE_RATE = 2.5 / 7  # weighted confirmed (1 + 1 + 0.5) over 7 labelled projects


def _ab(col: str) -> tuple[float, float]:
    """Beta posterior of the confirmation rate: prior mean = the base rate, worth S checked hits."""
    return BASE_RATE * S + CONFIRMED[col], (1 - BASE_RATE) * S + CHECKED[col] - CONFIRMED[col]


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _strength(col: str) -> float:
    """sigmoid(logit(prior) + logit(θ) - logit(base rate))."""
    a, b = _ab(col)
    z = _logit(PRIOR[col]) + _logit(a / (a + b)) - _logit(BASE_RATE)
    return 1 / (1 + math.exp(-z))


def test_rarity_scale_by_hand():
    got = rarity_scale(np.array([0.0, 0.001, 0.02, 0.5, 1.0]), 0.02)
    expected = [1.0, 1.0, 1.0, math.log(2) / math.log(50), 0.0]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    assert math.isclose(expected[3], 0.177184, rel_tol=1e-5)
    np.testing.assert_array_equal(rarity_scale(np.array([0.3, 0.9]), None), [1.0, 1.0])


def test_hit_rates_priors_and_severity():
    rc = _fit()
    assert rc.columns_ == ["rule__A", "rule__B", "rule__C", "rule__D", "rule__E"]
    np.testing.assert_allclose(rc.rates_, [0.3, 0.3, 0.3, 0.1, 0.2])
    np.testing.assert_array_equal(rc.red_, [True, False, True, False, True])
    np.testing.assert_allclose(rc.prior_, [PRIOR[c] for c in rc.columns_], rtol=1e-12)
    # spot-check the hand numbers themselves
    assert math.isclose(rc.prior_[0], 0.366015, rel_tol=1e-5)
    assert math.isclose(rc.prior_[1], 0.183008, rel_tol=1e-5)
    assert math.isclose(rc.prior_[4], 0.489279, rel_tol=1e-5)


def test_counts_base_rate_and_posterior():
    rc = _fit()
    assert math.isclose(rc.base_rate_, 0.357142857, rel_tol=1e-8)
    np.testing.assert_allclose(rc.checked_, [CHECKED[c] for c in rc.columns_])
    np.testing.assert_allclose(rc.confirmed_, [CONFIRMED[c] for c in rc.columns_])
    for j, col in enumerate(rc.columns_):
        a, b = _ab(col)
        assert rc.rate_[j] == pytest.approx(a / (a + b), rel=1e-12), col
        assert rc.lower_[j] == pytest.approx(beta.ppf(0.05, a, b), rel=1e-9), col
        assert rc.upper_[j] == pytest.approx(beta.ppf(0.95, a, b), rel=1e-9), col
        assert rc.lower_[j] < rc.rate_[j] < rc.upper_[j]
        assert rc.strength_[j] == pytest.approx(_strength(col), rel=1e-9), col
    # by hand: 6·b = 2.142857; A θ = 2.142857/9 = 0.238095, C θ = (2.142857 + 2.5)/9 = 0.515873
    assert rc.rate_[0] == pytest.approx(0.238095, abs=1e-6)
    assert rc.rate_[2] == pytest.approx(0.515873, abs=1e-6)
    # strength A = sigmoid(logit .366015 + logit .238095 - logit .357143) = sigmoid(-1.124714)
    assert rc.strength_[0] == pytest.approx(0.245138, abs=1e-6)
    # strength C = sigmoid(-0.549350 + 0.063513 + 0.587787) = sigmoid(0.101950)
    assert rc.strength_[2] == pytest.approx(0.525465, abs=1e-6)
    # D unchecked: θ is the base rate, so its strength is its prior
    assert rc.rate_[3] == pytest.approx(BASE_RATE, rel=1e-12)
    assert rc.strength_[3] == pytest.approx(0.35, abs=1e-12)


def test_a_rule_as_often_confirmed_as_any_checked_project_gains_nothing():
    # half the checked projects are confirmed; a rule hitting every project is confirmed half the time:
    # its raw rate (0.5) would look strong, its likelihood ratio against the base rate is 1
    frame = pd.DataFrame({"rule__ALL": [2.0] * 8, "rule__SOME": [2.0, 2.0, 2.0, 0, 0, 0, 0, 0]})
    y = np.array([1, 0, 1, 0, 1, 0, 1, 0])
    rc = RuleConfirmation(prior_strength=S, rarity_ref=0.02).fit(frame, y, np.ones(8))
    assert rc.base_rate_ == 0.5
    assert rc.rate_[0] == pytest.approx(0.5) and rc.strength_[0] == pytest.approx(rc.prior_[0])
    assert rc.low_confirmation_[0]  # 0.5 <= 0.5: no better than any checked project
    # SOME: 2 of 3 confirmed → θ = (3 + 2)/9 = 0.5556 > 0.5: raised above its prior, not low
    assert rc.rate_[1] == pytest.approx(5 / 9)
    assert rc.strength_[1] > rc.prior_[1] and not rc.low_confirmation_[1]


def test_low_confirmation_flags():
    rc = _fit()
    low = dict(zip(rc.columns_, rc.low_confirmation_, strict=True))
    # A: 3 unfounded checked hits, θ 0.238 <= 0.357 → low
    assert low["rule__A"]
    # B: θ = 2.142857/8 = 0.268 is below the base rate, but only 2 checked hits (< 3)
    assert rc.rate_[1] == pytest.approx(BASE_RATE * S / 8, rel=1e-12)
    assert rc.rate_[1] < BASE_RATE and not low["rule__B"]
    # C: all confirmed → 0.516 > 0.357
    assert not low["rule__C"]
    # D: nothing checked; E: 2 checked
    assert not low["rule__D"] and not low["rule__E"]
    assert rc.low_confirmation_columns() == ["rule__A"]
    # with min_checked=2, B's and E's two unfounded checks suffice (θ = 0.268 <= 0.357)
    rc2 = _fit(min_checked=2)
    low2 = dict(zip(rc2.columns_, rc2.low_confirmation_, strict=True))
    assert low2["rule__B"] and low2["rule__E"]
    assert rc2.rate_[4] == pytest.approx(BASE_RATE * S / 8, rel=1e-12)


def test_low_confirmation_boundary_is_inclusive():
    # prior_strength 0: θ = confirmed / checked = 1/2; base rate = 2/4 = 1/2 → low (<=)
    frame = pd.DataFrame({"rule__X": [2.0, 2.0, 0.0, 0.0]})
    rc = RuleConfirmation(prior_strength=0.0, min_checked=2).fit(frame, np.array([1, 0, 1, 0]), np.ones(4))
    assert rc.base_rate_ == 0.5 and rc.rate_[0] == 0.5
    assert rc.low_confirmation_.tolist() == [True]
    rc3 = RuleConfirmation(prior_strength=0.0, min_checked=3).fit(frame, np.array([1, 0, 1, 0]), np.ones(4))
    assert rc3.low_confirmation_.tolist() == [False]


@pytest.mark.parametrize("labels", ["none", "all_unlabelled"])
def test_without_labels_nothing_is_low_and_strength_is_prior(labels):
    frame, _, _ = _frame()
    rc = RuleConfirmation(rarity_ref=REF, prior_strength=S)
    if labels == "none":
        rc.fit(frame)
    else:
        rc.fit(frame, np.full(10, -1), np.zeros(10))
    assert not rc.low_confirmation_.any()
    assert np.isnan(rc.rate_).all()  # no checked hit anywhere: no rate to report
    assert math.isnan(rc.base_rate_)
    np.testing.assert_allclose(rc.checked_, 0.0)
    np.testing.assert_allclose(rc.strength_, [PRIOR[c] for c in rc.columns_], rtol=1e-12)


def test_strengths_on_hit_rows_and_unseen_rules():
    rc = _fit()
    s = dict(zip(rc.columns_, rc.strength_, strict=True))
    parts = pd.DataFrame(
        {
            "rule__A": [2.0, 0.0, 0.0, 1.0],
            "rule__C": [0.0, 2.0, np.nan, 0.0],
            "rule__Z": [2.0, 1.0, 0.0, 0.0],  # never seen in fit
            "other": [9.0, 9.0, 9.0, 9.0],
        },
        index=["x", "y", "z", "w"],
    )
    got = rc.strengths(parts)
    assert list(got.columns) == ["rule__A", "rule__C", "rule__Z"]
    assert list(got.index) == ["x", "y", "z", "w"]
    expected = pd.DataFrame(
        {
            "rule__A": [s["rule__A"], 0.0, 0.0, s["rule__A"]],
            "rule__C": [0.0, s["rule__C"], 0.0, 0.0],
            "rule__Z": [RED, YELLOW, 0.0, 0.0],
        },
        index=["x", "y", "z", "w"],
    )
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12)


def test_trusted_red_ignores_low_confirmation_rules():
    rc = _fit()
    parts = pd.DataFrame(
        {
            "rule__A": [2.0, 2.0, 0.0, 0.0, 0.0, 0.0],
            "rule__C": [0.0, 2.0, 1.0, 0.0, 0.0, 0.0],
            "rule__E": [0.0, 0.0, 0.0, 2.0, 0.0, 0.0],
            "rule__Z": [0.0, 0.0, 0.0, 0.0, 2.0, 0.0],
        }
    )
    # A red only (A is low) → untrusted; A+C red → trusted by C; C yellow → no red; E red; unseen Z red
    assert rc.trusted_red(parts).tolist() == [False, True, False, True, True, False]
    only_low = pd.DataFrame({"rule__A": [2.0, 0.0]})
    assert rc.trusted_red(only_low).tolist() == [False, False]
    # without outcomes A is trusted again
    frame, _, _ = _frame()
    assert RuleConfirmation(rarity_ref=REF).fit(frame).trusted_red(only_low).tolist() == [True, False]


def test_table_maps_columns_back_to_rule_ids():
    rc = _fit()
    rows = rc.table({"rule__A": "A-1.x", "rule__C": "C/2"})
    by_id = {r["rule_id"]: r for r in rows}
    assert list(by_id) == ["A-1.x", "B", "C/2", "D", "E"]
    a = by_id["A-1.x"]
    aa, ab = _ab("rule__A")
    assert a["hit_share"] == 0.3 and a["checked"] == 3 and a["confirmed"] == 0.0
    assert a["prior"] == round(PRIOR["rule__A"], 4) == 0.366
    assert a["confirmation_rate"] == round(aa / (aa + ab), 4) == 0.2381
    assert a["strength"] == round(_strength("rule__A"), 4) == 0.2451
    assert a["interval"] == [round(beta.ppf(0.05, aa, ab), 4), round(beta.ppf(0.95, aa, ab), 4)]
    assert a["low_confirmation"] is True
    c = by_id["C/2"]
    assert c["confirmed"] == 2.5 and c["checked"] == 3 and c["low_confirmation"] is False
    assert by_id["B"]["low_confirmation"] is False
    # without a mapping the id is the column minus its prefix
    assert [r["rule_id"] for r in rc.table()] == ["A", "B", "C", "D", "E"]
