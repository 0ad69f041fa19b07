"""The models' input is rounded to 32 mantissa bits, so engine noise below that cannot move a score."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from yunshao.training.dataset import canonical


def _one(x: float) -> float:
    return float(canonical(pd.DataFrame({"x": [x]}))["x"].iloc[0])


def test_values_an_ulp_apart_become_one_value() -> None:
    assert 0.1 + 0.2 != 0.3
    assert _one(0.1 + 0.2) == _one(0.3)
    assert _one(1.0 + 2.0**-40) == 1.0 and _one(-(1.0 + 2.0**-40)) == -1.0


def test_rounding_is_to_the_nearest_32_bit_mantissa() -> None:
    # the last mantissa bit kept is worth 2**-32 at 1.0: it survives, half of it rounds up, less goes
    assert _one(1.0 + 2.0**-32) == 1.0 + 2.0**-32
    assert _one(1.0 + 2.0**-33) == 1.0 + 2.0**-32
    assert _one(1.0 + 2.0**-34) == 1.0
    assert _one(3.0 * 2.0**40) == 3.0 * 2.0**40  # few mantissa bits: unchanged at any magnitude


def test_missing_infinite_and_zero_pass_unchanged() -> None:
    out = canonical(pd.DataFrame({"a": [np.nan, np.inf, -np.inf, 0.0, -0.0]}))["a"]
    assert math.isnan(out.iloc[0]) and out.iloc[1] == np.inf and out.iloc[2] == -np.inf
    assert out.iloc[3] == 0.0 and out.iloc[4] == 0.0


def test_relative_change_is_at_most_half_the_last_bit_kept() -> None:
    x = np.random.default_rng(0).lognormal(0, 8, size=10_000) * np.where(np.arange(10_000) % 2, 1, -1)
    frame = pd.DataFrame({"x": x}, index=[f"p{i}" for i in range(len(x))])
    out = canonical(frame)
    assert list(out.index) == list(frame.index)
    assert np.all(np.abs(out["x"].to_numpy() - x) <= np.abs(x) * 2.0**-33)
