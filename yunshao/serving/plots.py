"""The SHAP waterfall of a project's score, as geometry for an inline SVG (no script, no network).

Bars start at 0 and each adds its factor's contribution, largest first, so the last bar ends at the
sum of the shown contributions (the model's raw margin above its base value with a classifier, risk
points without one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WIDTH = 640
LABEL_W = 230
ROW_H = 26
PAD = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    contribution: float
    x: float
    width: float
    y: float
    positive: bool


@dataclass(frozen=True)
class Waterfall:
    bars: list[Bar]
    width: int
    height: int
    zero_x: float
    total: float
    total_x: float


def waterfall(factors: list[dict[str, Any]], lang: str) -> Waterfall | None:
    """Geometry of the waterfall of ``factors`` (``top_factors`` of a project), or None without any."""
    items = [f for f in factors or [] if isinstance(f, dict) and f.get("contribution") is not None]
    if not items:
        return None
    steps = [float(f["contribution"]) for f in items]
    ends, cum = [], 0.0
    for c in steps:
        ends.append((cum, cum + c))
        cum += c
    lo = min(0.0, *(min(a, b) for a, b in ends))
    hi = max(0.0, *(max(a, b) for a, b in ends))
    span = (hi - lo) or 1.0
    plot_w = WIDTH - LABEL_W - 2 * PAD - 60
    scale = plot_w / span

    def x_of(v: float) -> float:
        return LABEL_W + PAD + (v - lo) * scale

    bars = []
    for i, (f, (a, b)) in enumerate(zip(items, ends, strict=True)):
        name = f.get("feature_zh" if lang == "zh" else "feature_en") or f.get("feature") or "?"
        value = f.get("value")
        shown = "" if value is None else (f"{value:.4g}" if isinstance(value, float) else str(value))
        bars.append(
            Bar(
                label=str(name)[:28],
                value=shown,
                contribution=steps[i],
                x=x_of(min(a, b)),
                width=max(abs(b - a) * scale, 1.0),
                y=PAD + i * ROW_H,
                positive=steps[i] >= 0,
            )
        )
    height = PAD * 2 + (len(bars) + 1) * ROW_H
    return Waterfall(bars, WIDTH, height, x_of(0.0), cum, x_of(cum))
