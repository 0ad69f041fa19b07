import math
import random

import numpy as np
import pytest

from yunshao.ocds.indicators.stats import divide, fma, lower_fence, quantile, round_meta, upper_fence


def test_quantile_by_hand_type8():
    # n=4, p=0.25: h = (4 + 1/3)/4 + 1/3 = 1.41666…, k=1 → x1 + 0.41666…·(x2 − x1)
    assert quantile([4.0, 1.0, 3.0, 2.0], 0.25) == pytest.approx(1.0 + 0.4166666666666667)
    # p=0.75: h = 3.5833…, k=3 → 3 + 0.5833…·1
    assert quantile([4.0, 1.0, 3.0, 2.0], 0.75) == pytest.approx(3.5833333333333335)


def test_quantile_edges():
    assert math.isnan(quantile([], 0.5))
    assert quantile([5.0], 0.25) == 5.0
    assert quantile([1.0, 2.0], 0.0) == 1.0
    assert quantile([1.0, 2.0], 1.0) == 2.0
    assert quantile([1.0, 2.0, 3.0], 0.01) == 1.0  # k ≤ 0
    assert quantile([1.0, 2.0, 3.0], 0.99) == 3.0  # k ≥ n


def test_quantile_matches_numpy_median_unbiased():
    rng = random.Random(7)
    for _ in range(300):
        values = [rng.random() * 10 for _ in range(rng.randint(1, 40))]
        for p in (0.25, 0.75, 0.5, 0.1, 0.9):
            expected = float(np.quantile(values, p, method="median_unbiased"))
            # Same definition; numpy forms h and the interpolation differently, so the last bits differ.
            assert quantile(values, p) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_fma_rounds_once():
    # 0.1·10 − 1 is 0 with two roundings but 2⁻⁵⁴·… with one (0.1 is not exactly representable).
    assert 0.1 * 10.0 - 1.0 == 0.0
    assert fma(0.1, 10.0, -1.0) == 5.551115123125783e-17
    assert lower_fence(1.0, 3.0) == -2.0
    assert upper_fence(1.0, 3.0) == 6.0


def test_round_meta_half_away_from_zero():
    assert round_meta(0.00005) == 0.0001  # 0.00005·10⁴ = 0.5 → 1
    assert 0.00025 * 10000.0 == 2.5
    assert round_meta(0.00025) == 0.0003  # banker's rounding (Python's round) would give 0.0002
    assert round(2.5) == 2
    assert round_meta(-0.00025) == -0.0003
    # v·10⁴ is formed in float first: 0.00015·10⁴ = 1.4999999999999998, so it rounds down.
    assert round_meta(0.00015) == 0.0001
    assert round_meta(1 / 3) == 0.3333
    assert round_meta(float("nan")) is None
    assert round_meta(float("inf")) is None


def test_divide_ieee():
    assert divide(1.0, 0.0) == math.inf
    assert math.isnan(divide(0.0, 0.0))
    assert divide(3.0, 2.0) == 1.5
