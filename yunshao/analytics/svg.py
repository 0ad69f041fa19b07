"""Bar charts of the report's views as geometry for an inline SVG (no script, no image, no network).

The live pages run under a Content-Security-Policy without inline scripts or styles, so a chart is drawn
by the template from the rectangles computed here, coloured by CSS classes (``static/style.css``), as the
SHAP waterfall of a project is (serving/plots.py). Labels are data (unit names, rule ids); the words
of the legend are the template's, by segment key.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from yunshao.analytics.index import COMPONENTS, weights
from yunshao.settings import ReportSettings

WIDTH = 720
LABEL_W = 190
VALUE_W = 70
ROW_H = 22
BAR_H = 15
PAD = 10
AXIS_H = 22
#: Case outcomes of a rule, in the order they are stacked.
CASE_SEGMENTS = ("confirmed", "unfounded", "awaiting")


@dataclass(frozen=True)
class Segment:
    key: str  # component or outcome: the legend word and the CSS class (``seg-<key>``)
    x: float
    width: float
    value: float  # what the segment stands for (points of the index, cases…)


@dataclass(frozen=True)
class Row:
    label: str
    y: float
    segments: list[Segment]
    value: str  # the figure written after the bar
    value_x: float
    band: str | None  # the band's colour at the start of the row (units), else None


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class BarChart:
    rows: list[Row]
    keys: list[str]  # the segment keys in the legend, in order
    ticks: list[Tick]
    width: int
    height: int
    plot_x: float


def _plot(n_rows: int) -> tuple[float, float, int]:
    """x where bars start, the width of the plot and the chart's height."""
    plot_x = LABEL_W + PAD
    return plot_x, WIDTH - plot_x - VALUE_W, PAD + n_rows * ROW_H + AXIS_H


def _ticks(plot_x: float, plot_w: float, top: float, step: float) -> list[Tick]:
    count = int(top // step)
    return [Tick(plot_x + plot_w * i * step / top, _fmt(i * step)) for i in range(count + 1)]


def _fmt(value: float) -> str:
    return f"{int(value)}" if float(value).is_integer() else f"{value:.1f}"


def _present(value: Any) -> bool:
    return value is not None and value is not pd.NA and not (isinstance(value, float) and math.isnan(value))


def index_chart(units: pd.DataFrame, settings: ReportSettings, most: int = 30) -> BarChart | None:
    """Each unit's index as a bar stacked by what each component adds (the lowest first).

    A component adds 100·wᵢ·sᵢ / Σ wⱼ over the components the unit has data for, so the segments sum to
    the index and show at a glance which component costs a unit its points.
    """
    shown = units[units["index"].notna()].sort_values(["index", "unit_id"]).head(most)
    if shown.empty:
        return None
    w = weights(settings)
    plot_x, plot_w, height = _plot(len(shown))
    rows = []
    for i, row in enumerate(shown.to_dict("records")):
        present = [c for c in COMPONENTS if _present(row[f"s_{c}"]) and w[c] > 0]
        total = sum(w[c] for c in present)
        x, segments = plot_x, []
        for c in present:
            points = 100.0 * w[c] * float(row[f"s_{c}"]) / total
            width = plot_w * points / 100.0
            segments.append(Segment(c, x, width, points))
            x += width
        y = PAD + i * ROW_H
        rows.append(Row(_label(row["name"]), y, segments, _fmt(round(float(row["index"]), 1)), x + 4, str(row["band"])))
    return BarChart(rows, list(COMPONENTS), _ticks(plot_x, plot_w, 100.0, 20.0), WIDTH, height, plot_x)


def case_chart(rules: pd.DataFrame, most: int = 20) -> BarChart | None:
    """Each rule's cases stacked as confirmed (partial weighted), unfounded and awaiting a verdict."""
    shown = rules[rules["cases"] > 0].sort_values(["cases", "rule_id"], ascending=[False, True]).head(most)
    if shown.empty:
        return None
    top = float(shown["cases"].max())
    step = _nice_step(top)
    top = step * math.ceil(top / step)
    plot_x, plot_w, height = _plot(len(shown))
    rows = []
    for i, row in enumerate(shown.to_dict("records")):
        parts = {
            "confirmed": float(row["case_confirmed"]),
            "unfounded": float(row["case_verdicts"]) - float(row["case_confirmed"]),
            "awaiting": float(row["cases"]) - float(row["case_verdicts"]),
        }
        x, segments = plot_x, []
        for key in CASE_SEGMENTS:
            width = plot_w * parts[key] / top
            if width > 0:
                segments.append(Segment(key, x, width, parts[key]))
            x += width
        rows.append(Row(_label(row["rule_id"]), PAD + i * ROW_H, segments, _fmt(float(row["cases"])), x + 4, None))
    return BarChart(rows, list(CASE_SEGMENTS), _ticks(plot_x, plot_w, top, step), WIDTH, height, plot_x)


def risk_chart(posts: pd.DataFrame, most: int = 15) -> BarChart | None:
    """The riskiest posts' risk (0–100), red for a 高风险岗位."""
    shown = posts[posts["risk"].notna()].head(most)
    if shown.empty:
        return None
    plot_x, plot_w, height = _plot(len(shown))
    rows = []
    for i, row in enumerate(shown.to_dict("records")):
        risk = max(0.0, min(100.0, float(row["risk"])))
        key = "high" if row["high_risk"] else "risk"
        title = row["title"] if isinstance(row["title"], str) else row["post_id"]
        width = plot_w * risk / 100.0
        segment = Segment(key, plot_x, width, risk)
        rows.append(Row(_label(title), PAD + i * ROW_H, [segment], _fmt(round(risk, 1)), plot_x + width + 4, None))
    return BarChart(rows, ["risk", "high"], _ticks(plot_x, plot_w, 100.0, 20.0), WIDTH, height, plot_x)


def _nice_step(top: float) -> float:
    """A tick step of 1, 2 or 5 × 10ⁿ giving at most about five ticks."""
    raw = max(top / 5.0, 1.0)
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _label(value: Any, most: int = 15) -> str:
    """A row label short enough for the label column (CJK characters are about 12 px wide)."""
    text = str(value)
    return text if len(text) <= most else text[: most - 1] + "…"
