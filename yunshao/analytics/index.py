"""The unit integrity index (廉情指数), after 桐庐's 乡镇(街道)廉情指数.

桐庐 scores every township out of 100 from its warning rate (预警率), confirmation rate (查实率),
rectification rate (整改率) and personnel disposition rate (人员处置率), and shows the result as a red,
yellow and green map. With a case store (yunshao/cases) the last three are the real rates counted from the
cases (``rates = "cases"``); without one, two of them are proxies (``rates = "proxy"``), named as such
wherever they are shown (docs/analytics.md):

* s_warning   = clip(1 − W / warning_rate_cap), W = (yellow + red_weight·red warnings) per 100 projects
  (a cap left unset is auto_cap_multiple × the rate of all units together, so a unit at the overall rate
  scores 0.5: the index then compares units with their peers, as 桐庐's ranking does)

with cases (:func:`case_rates`, one definition for the report and the live pages):

* s_confirmed = 1 − 查实率, 查实率 = (confirmed + partial_confirmed_weight·partial verdicts) ÷ verdicts
* s_rectified = 整改率 = confirmed or partial cases closed after rectification ÷ confirmed or partial cases
* s_disposed  = 处置率 = cases with a verdict ÷ cases

without cases:

* s_confirmed = clip(1 − C / confirmed_rate_cap), C = confirmed problems (查实问题) per 100 projects
* s_rectified = confirmed warnings whose rule did not recur in the unit after the decision month
                ÷ confirmed warnings whose unit has data after the decision month      (proxy)
* s_disposed  = warnings with a verified outcome ÷ warnings                             (proxy)

index = 100 · Σ wᵢ·sᵢ / Σ wᵢ over the components the unit has data for (a component is left out, and the
weights renormalised, when its denominator is zero or, without cases, the data hold no outcomes at all).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

import numpy as np
import pandas as pd

from yunshao.settings import ReportSettings

Caps = dict[str, float | None]

COMPONENTS = ("warning", "confirmed", "rectified", "disposed")
#: Where the confirmation, rectification and disposal components come from.
Rates = Literal["cases", "proxy"]
#: The case counts per unit and period (sql/14_case_measures.sql) the real rates divide.
CASE_COUNTS = (
    "cases",
    "case_verdicts",
    "case_confirmed",
    "case_to_rectify",
    "case_rectified",
    "case_rectified_on_time",
)
BANDS = ("green", "yellow", "red")


def weights(settings: ReportSettings) -> dict[str, float]:
    """Component → weight, as set in ReportSettings."""
    return {
        "warning": settings.weight_warning,
        "confirmed": settings.weight_confirmed,
        "rectified": settings.weight_rectified,
        "disposed": settings.weight_disposed,
    }


def add_rates(measures: pd.DataFrame) -> pd.DataFrame:
    """The readable rates of the counts in ``an_unit_measures`` (NaN where the denominator is zero)."""
    out = measures.copy()
    projects = out["projects"].where(out["projects"] > 0)
    warnings = out["warnings"].where(out["warnings"] > 0)
    decided = out["decided_warnings"].where(out["decided_warnings"] > 0)
    out["warnings_per_100"] = 100.0 * out["warnings"] / projects
    out["weighted_per_100"] = 100.0 * out["weighted_warnings"] / projects
    out["red_share"] = out["red_warnings"] / warnings
    out["confirmed_rate"] = out["confirmed_warnings"] / decided
    out["confirmed_per_100"] = 100.0 * out["confirmed_problems"] / projects
    out["disposed_rate"] = out["decided_warnings"] / warnings
    out["rectified_rate"] = out["rectified"] / out["rect_observable"].where(out["rect_observable"] > 0)
    return case_rates(out) if set(CASE_COUNTS) <= set(out.columns) else out


def case_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """The real rates of the case counts (NaN where the denominator is zero); the one definition of each.

    * ``case_confirmation_rate`` 查实率 = confirmed verdicts (partial weighted) ÷ verdicts
    * ``case_rectification_rate`` 整改率 = closed after rectification ÷ confirmed or partial cases
    * ``case_on_time_rate`` 按期整改率 = closed by the rectification deadline ÷ closed after rectification
    * ``case_disposal_rate`` 处置率 = cases with a verdict ÷ cases

    Used for units, months, quarters and rules alike (the rule review sums the counts of the units a
    caller sees, then calls this), so a rate reads the same on every page and in every file.
    """
    out = counts.copy()
    verdicts = out["case_verdicts"].where(out["case_verdicts"] > 0)
    out["case_confirmation_rate"] = (out["case_confirmed"] / verdicts).astype(float)
    out["case_rectification_rate"] = (
        out["case_rectified"] / out["case_to_rectify"].where(out["case_to_rectify"] > 0)
    ).astype(float)
    out["case_on_time_rate"] = (
        out["case_rectified_on_time"] / out["case_rectified"].where(out["case_rectified"] > 0)
    ).astype(float)
    out["case_disposal_rate"] = (out["case_verdicts"] / out["cases"].where(out["cases"] > 0)).astype(float)
    return out


def resolve_caps(whole_period: pd.DataFrame, settings: ReportSettings) -> Caps:
    """The rate caps: as set, or auto_cap_multiple × the pooled rate of all units (None when that is 0).

    ``whole_period`` holds one row per unit over the whole data (period 'all'), so every monthly index is
    scored against the same caps and months stay comparable.
    """
    projects = float(whole_period["projects"].sum())
    caps: Caps = {}
    for name, column, cap in (
        ("warning", "weighted_warnings", settings.warning_rate_cap),
        ("confirmed", "confirmed_problems", settings.confirmed_rate_cap),
    ):
        if cap is not None:
            caps[name] = float(cap)
            continue
        pooled = 100.0 * float(whole_period[column].sum()) / projects if projects else 0.0
        caps[name] = settings.auto_cap_multiple * pooled if pooled > 0 else None
    return caps


def _score(rate: pd.Series, cap: float | None) -> pd.Series:
    """1 − rate/cap clipped to [0, 1]; with no cap (nobody has any) every unit with a rate scores 1."""
    if cap is None:
        return rate.where(rate.isna(), 1.0)
    return (1.0 - rate / cap).clip(0.0, 1.0)


def components(rated: pd.DataFrame, caps: Caps, *, has_outcomes: bool, rates: Rates = "proxy") -> pd.DataFrame:
    """Component scores s_* in [0, 1] (NaN when the unit has no data for that component).

    With ``rates="cases"`` the confirmation, rectification and disposal scores are the real rates of the
    case store (see :func:`case_rates`); otherwise the outcome-based confirmation score and two proxies.
    """
    out = pd.DataFrame(index=rated.index)
    out["s_warning"] = _score(rated["weighted_per_100"], caps["warning"])
    if rates == "cases":
        out["s_confirmed"] = 1.0 - rated["case_confirmation_rate"]
        out["s_rectified"] = rated["case_rectification_rate"]
        out["s_disposed"] = rated["case_disposal_rate"]
        return out.astype(float)
    out["s_confirmed"] = _score(rated["confirmed_per_100"], caps["confirmed"]) if has_outcomes else np.nan
    out["s_rectified"] = rated["rectified_rate"]
    out["s_disposed"] = rated["disposed_rate"] if has_outcomes else np.nan
    return out.astype(float)


def integrity_index(scores: pd.DataFrame, settings: ReportSettings) -> pd.Series:
    """100 · Σ wᵢ·sᵢ / Σ wᵢ over the components present in each row (NaN when none is)."""
    w = pd.Series({f"s_{k}": v for k, v in weights(settings).items()})
    values = scores[w.index]
    present = values.notna() & (w > 0)
    num = (values.fillna(0.0) * w).where(present, 0.0).sum(axis=1)
    den = present.mul(w).sum(axis=1)
    return (100.0 * num / den.where(den > 0)).astype(float)


def score_bands(index: pd.Series, settings: ReportSettings) -> pd.Series:
    """green ≥ green_min > yellow ≥ yellow_min > red; 'none' when a unit has no index."""
    bands = np.select(
        [index.isna(), index >= settings.green_min, index >= settings.yellow_min],
        ["none", "green", "yellow"],
        default="red",
    )
    return pd.Series(bands, index=index.index, dtype=object)


def rank_bands(index: pd.Series, keys: pd.Series, settings: ReportSettings) -> pd.Series:
    """桐庐 practice: the lowest-ranked rank_red_share of units red, the next rank_yellow_share yellow.

    Equal indexes get equal bands: a tie that straddles a boundary takes the worse band (so the map may
    show a few more red units than the share, but never colours one of two equal units green). ``keys``
    is kept for a stable signature.
    """
    values = index.dropna()
    n = len(values)
    n_red = math.floor(settings.rank_red_share * n + 0.5)
    n_yellow = math.floor(settings.rank_yellow_share * n + 0.5)
    position = values.rank(method="min", ascending=True)  # 1 + units with a lower index
    placed = np.select([position <= n_red, position <= n_red + n_yellow], ["red", "yellow"], default="green")
    bands = pd.Series("none", index=index.index, dtype=object)
    bands.loc[values.index] = placed
    return bands


def rank(index: pd.Series, keys: pd.Series) -> pd.Series:
    """1 = cleanest; tied units share the better rank (1, 2, 2, 4). NaN index → no rank."""
    ranks = pd.Series(pd.NA, index=index.index, dtype="Int64")
    values = index.dropna()
    ranks[values.index] = values.rank(method="min", ascending=False).astype("int64")
    return ranks


def score_units(
    measures: pd.DataFrame,
    settings: ReportSettings,
    *,
    has_outcomes: bool,
    kinds: dict[str, str] | None = None,
    caps: Caps | None = None,
    rates: Rates = "proxy",
) -> tuple[pd.DataFrame, Caps]:
    """Rates, components, index, rank and band for each row of ``an_unit_measures``, and the caps used.

    Ranks and bands are taken within each period and, with ``rank_within='kind'``, among units of the same
    kind (``kinds``: unit id → kind), so a township is ranked with townships in the same month. A unit
    with fewer than ``min_projects`` projects in the period keeps its index but gets no rank and band
    'none': one project is no ground for a red map tile. ``caps`` defaults to those of the 'all' rows.
    ``rates`` says where the confirmation, rectification and disposal components come from.
    """
    rated = add_rates(measures)
    if caps is None:
        caps = resolve_caps(rated[rated["period"] == "all"], settings)
    scored = pd.concat([rated, components(rated, caps, has_outcomes=has_outcomes, rates=rates)], axis=1)
    scored["index"] = integrity_index(scored, settings)
    kinds = kinds or {}
    by_kind = settings.rank_within == "kind"
    scored["rank_group"] = [(kinds.get(u) or "") if by_kind else "" for u in scored["unit_id"]]
    rankable = scored["index"].where(scored["projects"] >= settings.min_projects)
    scored["rank"] = pd.Series(pd.NA, index=scored.index, dtype="Int64")
    scored["band"] = score_bands(rankable, settings)
    for _, group in scored.groupby(["period", "rank_group"], sort=False):
        scored.loc[group.index, "rank"] = rank(rankable[group.index], group["unit_id"])
        if settings.band_mode == "rank":
            scored.loc[group.index, "band"] = rank_bands(rankable[group.index], group["unit_id"], settings)
    return scored, caps


def quarter_of(month: str) -> str:
    """'2024-05' → '2024-Q2'."""
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def year_of(month: str) -> str:
    """'2024-05' → '2024'."""
    return month[:4]


def roll_up(monthly: pd.DataFrame, counts: tuple[str, ...], period_of: Callable[[str], str]) -> pd.DataFrame:
    """Monthly counts summed per unit and coarser period (``period_of(month)``), ready for ``score_units``.

    桐庐 scores its townships each quarter and each year; every index component is a ratio of counts, so
    summing the months and recomputing gives the period's index exactly (median days are not carried).
    """
    frame = monthly.assign(period=monthly["month"].map(period_of))
    return frame.groupby(["unit_id", "period"], as_index=False)[list(counts)].sum()
