"""Fence selection shared by the quartile-based indicators: a fixed ``threshold`` or the data's fence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from yunshao.ocds.indicators.base import Meta
from yunshao.ocds.indicators.stats import lower_fence, quartiles, round_meta, upper_fence


@dataclass(frozen=True)
class Fence:
    value: float
    q1: float | None = None
    q3: float | None = None

    def meta(self, fence_key: str, prefix: str = "") -> Meta:
        out: Meta = {}
        if self.q1 is not None and self.q3 is not None:
            out[f"{prefix}q1"] = round_meta(self.q1)
            out[f"{prefix}q3"] = round_meta(self.q3)
        out[f"{prefix}{fence_key}"] = round_meta(self.value)
        return out


def choose_lower(values: Sequence[float], threshold: float | None) -> Fence:
    if threshold is not None:
        return Fence(threshold)
    q1, q3 = quartiles(values)
    return Fence(lower_fence(q1, q3), q1, q3)


def choose_upper(values: Sequence[float], threshold: float | None) -> Fence:
    if threshold is not None:
        return Fence(threshold)
    q1, q3 = quartiles(values)
    return Fence(upper_fence(q1, q3), q1, q3)


def lower_guard(fence: Fence) -> bool:
    """R024/R025: Q1 > 0 and lower > 0; with a fixed threshold only the threshold is checked."""
    if fence.q1 is not None and not fence.q1 > 0:
        return False
    return fence.value > 0
