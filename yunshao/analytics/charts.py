"""The report's charts, drawn with matplotlib (Agg) as PNG bytes.

Chinese labels need a CJK font; Debian's fonts-noto-cjk provides one. Without it the charts fall back to
English words and unit ids rather than draw empty boxes.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure

from yunshao.analytics.text import strings

BAND_COLOURS = {"green": "#2e9e5b", "yellow": "#e0b000", "red": "#d0342c", "none": "#b8b8b8"}
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "SimHei")
LINE_COLOURS = ("#1f5fa8", "#d0342c", "#2e9e5b", "#8e44ad", "#e67e22", "#16a085", "#7f8c8d", "#c0392b")


CJK_FILE_HINTS = ("cjk", "wqy", "simhei", "notosanssc", "sourcehansans")


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first CJK font family matplotlib can find, or None.

    matplotlib caches its font list; fonts installed after the cache was built are added here from the
    system font folders rather than by rebuilding the cache.
    """
    manager = font_manager.fontManager
    if not any(f.name in CJK_FAMILIES for f in manager.ttflist):
        for path in font_manager.findSystemFonts():
            if any(h in Path(path).name.lower() for h in CJK_FILE_HINTS):
                try:
                    manager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
    available = {f.name for f in manager.ttflist}
    return next((f for f in CJK_FAMILIES if f in available), None)


def chart_lang(lang: str) -> str:
    """The language the charts can be drawn in: zh only when a CJK font exists."""
    return lang if lang == "en" or cjk_font() else "en"


def _figure(width: float, height: float) -> Figure:
    font = cjk_font()
    families = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    plt.rcParams.update({"font.family": families, "axes.unicode_minus": False})
    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    return fig


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def index_bars(units: pd.DataFrame, lang: str, lines: tuple[float, ...] = (), most: int = 30) -> bytes:
    """Horizontal bars of the ``most`` lowest indexes, the lowest at the top, coloured by band."""
    lang = chart_lang(lang)
    s = strings(lang)
    data = units[units["rank"].notna()].sort_values("index").head(most).iloc[::-1]
    labels = data["name"] if cjk_font() else data["unit_id"]
    fig = _figure(8.0, max(2.5, 0.28 * len(data) + 1.2))
    ax = fig.add_subplot()
    ax.barh(list(labels), data["index"], color=[BAND_COLOURS.get(b, "#999") for b in data["band"]])
    for value in lines:
        ax.axvline(value, color="#555", linewidth=0.8, linestyle="--")
    ax.set_xlim(0, 100)
    ax.set_xlabel(s["index"])
    ax.set_title(s["chart_index"])
    ax.tick_params(axis="y", labelsize=8)
    return _png(fig)


def overall_trend(overall: pd.DataFrame, lang: str, step: str = "month") -> bytes:
    """All units per period: warnings per 100 projects (left) and red share / confirmed rate (right)."""
    lang = chart_lang(lang)
    s = strings(lang)
    fig = _figure(8.0, 3.6)
    ax = fig.add_subplot()
    months = list(overall["period"])
    ax.plot(months, overall["warnings_per_100"], color=LINE_COLOURS[0], marker="o", label=s["warnings_per_100"])
    ax.set_ylabel(s["warnings_per_100"])
    ax.set_ylim(bottom=0)
    right = ax.twinx()
    right.plot(months, 100 * overall["red_share"], color=LINE_COLOURS[1], linestyle="--", label=s["red_share"])
    right.plot(
        months,
        100 * overall["confirmed_rate"],
        color=LINE_COLOURS[2],
        linestyle="none",
        marker=".",
        label=s["confirmed_rate"],
    )
    right.set_ylabel("%")
    right.set_ylim(0, 105)
    handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="upper left", fontsize=8)
    ax.set_title(s["chart_monthly"].format(by=s[f"by_{step}"]))
    _thin_ticks(ax, months)
    return _png(fig)


def rule_trends(
    rule_periods: pd.DataFrame, names: dict[str, str], lang: str, step: str = "month", top: int = 6
) -> bytes:
    """Hits per 100 projects per period (column ``period``) of the ``top`` most frequent rules."""
    if chart_lang(lang) != lang:
        names = {}
    lang = chart_lang(lang)
    s = strings(lang)
    totals = rule_periods.groupby("rule_id")["hits"].sum().sort_values(ascending=False)
    chosen = [r for r in totals.index[:top] if totals[r] > 0]
    fig = _figure(8.0, 3.6)
    ax = fig.add_subplot()
    months: list[str] = []
    for i, rule_id in enumerate(chosen):
        g = rule_periods[rule_periods["rule_id"] == rule_id].sort_values("period")
        months = list(g["period"])
        rate = 100.0 * g["hits"] / g["projects"].where(g["projects"] > 0)
        label = f"{rule_id} {names.get(rule_id, '')}".strip()[:40]
        ax.plot(months, rate, color=LINE_COLOURS[i % len(LINE_COLOURS)], marker=".", label=label)
    ax.set_ylabel(s["warnings_per_100"])
    ax.set_ylim(bottom=0)
    if chosen:
        ax.legend(fontsize=7, loc="upper left")
    ax.set_title(s["chart_rules"].format(by=s[f"by_{step}"]))
    _thin_ticks(ax, months)
    return _png(fig)


def unit_index_trend(
    periods: pd.DataFrame, units: pd.DataFrame, lang: str, min_projects: int = 1, step: str = "quarter", n: int = 5
) -> bytes:
    """Index per period (column ``period``) of the ``n`` ranked units with the lowest whole-period index.

    A period in which the unit had fewer than ``min_projects`` projects is left blank, as on the map.
    """
    lang = chart_lang(lang)
    s = strings(lang)
    lowest = units[units["rank"].notna()].sort_values("index").head(n)
    fig = _figure(8.0, 3.4)
    ax = fig.add_subplot()
    labels = sorted(periods["period"].unique())
    for i, row in enumerate(lowest.itertuples()):
        g = periods[periods["unit_id"] == row.unit_id].set_index("period").reindex(labels)
        name = row.name if cjk_font() else row.unit_id
        values = g["index"].where(g["projects"] >= min_projects)
        ax.plot(labels, values, color=LINE_COLOURS[i % len(LINE_COLOURS)], marker="o", label=str(name))
    ax.set_ylim(0, 100)
    ax.set_ylabel(s["index"])
    if len(lowest):
        ax.legend(fontsize=7, loc="lower left")
    ax.set_title(s["chart_unit_trend"].format(by=s[f"by_{step}"]))
    _thin_ticks(ax, labels)
    return _png(fig)


def _thin_ticks(ax: object, months: list[str], most: int = 12) -> None:
    """Show at most ``most`` month labels so they stay legible."""
    if not months:
        return
    step = max(1, -(-len(months) // most))
    ax.set_xticks(range(0, len(months), step))  # type: ignore[attr-defined]
    ax.set_xticklabels(months[::step], rotation=45, ha="right", fontsize=8)  # type: ignore[attr-defined]
