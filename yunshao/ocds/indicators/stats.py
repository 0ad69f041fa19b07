"""The few numeric primitives the indicators share, written to match Cardinal bit for bit.

Quartiles (Hyndman–Fan type 8), fences with a single rounding (fused multiply-add), and the
half-away-from-zero rounding used for Meta values. Python's defaults differ on each point, which is
why they are spelled out here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

NAN = float("nan")
_THIRD = 1.0 / 3.0


def _nan_last(value: float) -> tuple[bool, float]:
    return (math.isnan(value), value)


def quantile(values: Sequence[float], p: float) -> float:
    """Hyndman–Fan type 8 quantile (numpy's ``median_unbiased``), following the spec's formula."""
    n = len(values)
    if n == 0 or math.isnan(p):
        return NAN
    xs = sorted(values, key=_nan_last)
    if p == 0.0:
        return xs[0]
    if p == 1.0:
        return xs[-1]
    h = (n + _THIRD) * p + _THIRD
    k = math.floor(h)
    if k <= 0:
        return xs[0]
    if k >= n:
        return xs[-1]
    return xs[k - 1] + (h - k) * (xs[k] - xs[k - 1])


def quartiles(values: Sequence[float]) -> tuple[float, float]:
    return quantile(values, 0.25), quantile(values, 0.75)


def fma(a: float, b: float, c: float) -> float:
    """a·b + c with one rounding, as Rust's ``mul_add``; ``math.fma`` only exists from Python 3.13."""
    native = getattr(math, "fma", None)
    if native is not None:
        return float(native(a, b, c))
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
        return a * b + c
    try:
        return float(Fraction(a) * Fraction(b) + Fraction(c))
    except OverflowError:
        return a * b + c


def lower_fence(q1: float, q3: float) -> float:
    return fma(-1.5, q3 - q1, q1)


def upper_fence(q1: float, q3: float) -> float:
    return fma(1.5, q3 - q1, q3)


def round_meta(value: float) -> float | None:
    """round(v·10⁴)/10⁴ with ties away from zero; non-finite values become JSON null."""
    if not math.isfinite(value):
        return None
    scaled = value * 10000.0
    if not math.isfinite(scaled):
        return None
    rounded = float(Decimal(scaled).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return rounded / 10000.0


def divide(numerator: float, denominator: float) -> float:
    """IEEE division (x/0 gives ±inf or NaN) instead of Python's ZeroDivisionError."""
    if denominator != 0.0:
        return numerator / denominator
    if numerator == 0.0 or math.isnan(numerator):
        return NAN
    sign = math.copysign(1.0, numerator) * math.copysign(1.0, denominator)
    return math.copysign(math.inf, sign)
