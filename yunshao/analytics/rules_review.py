"""Rule review: how often each rule fires, how often its hits are confirmed, and which way it trends.

A rule whose hits have been verified many times and never confirmed is listed for review: that is how the
catalog (预警模型库) improves. The trend compares the rule's hits per 100 projects in the last
``trend_months`` months with the ``trend_months`` before, so a month with more projects is no false rise.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from yunshao.analytics.index import CASE_COUNTS, case_rates
from yunshao.settings import ReportSettings

RULE_COLUMNS = (
    "rule_id",
    "name",
    "scheme",
    "entity_type",
    "hits",
    "red_hits",
    "units_hit",
    "projects_hit",
    "months_with_hits",
    "first_month",
    "last_month",
    "decided",
    "confirmed",
    "confirmation_rate",
    "median_days_to_outcome",
    "recent_rate",
    "previous_rate",
    "trend",
    "monthly_hits",
    "status",
    "estimated_rate",
    "estimate_low",
    "estimate_high",
    "low_confirmation",
)
#: The counts of ``an_rule_units`` summed per rule for a caller's units.
RULE_UNIT_COUNTS = ("hits", "red_hits", "decided", "confirmed", *CASE_COUNTS)
CASE_RATES = ("case_confirmation_rate", "case_rectification_rate", "case_on_time_rate", "case_disposal_rate")


def trend_of(months: pd.DataFrame, settings: ReportSettings) -> tuple[float, float, str]:
    """(recent rate, previous rate, trend) of one rule's monthly hits and projects, oldest month first."""
    k = settings.trend_months
    if len(months) < 2 * k:
        return np.nan, np.nan, "na"
    recent, previous = months.iloc[-k:], months.iloc[-2 * k : -k]
    r = 100.0 * recent["hits"].sum() / max(int(recent["projects"].sum()), 1)
    p = 100.0 * previous["hits"].sum() / max(int(previous["projects"].sum()), 1)
    if p == 0:
        return r, p, "rising" if r > 0 else "flat"
    ratio = r / p
    trend = "rising" if ratio > settings.trend_ratio else "falling" if ratio < 1 / settings.trend_ratio else "flat"
    return r, p, trend


def review_rules(
    rules: pd.DataFrame,
    rule_months: pd.DataFrame,
    settings: ReportSettings,
    catalog: dict[str, dict[str, str]] | None = None,
    estimates: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``an_rules`` with name, confirmation rate, trend, monthly hits and review status.

    Catalog rules that never fired are added with zero hits (status ``no_hits``), so a rule that is
    silent on a dataset is visible too.
    """
    catalog = catalog or {}
    out = rules.copy()
    silent = sorted(set(catalog) - set(out["rule_id"]))
    if silent:
        zero = pd.DataFrame({"rule_id": silent, "scheme": [catalog[r].get("scheme") for r in silent]})
        out = pd.concat([out, zero], ignore_index=True)
    for col in ("hits", "red_hits", "units_hit", "projects_hit", "months_with_hits", "decided"):
        out[col] = out[col].fillna(0).astype("int64")
    out["confirmed"] = out["confirmed"].fillna(0.0).astype(float)
    out["name"] = [catalog.get(r, {}).get("name", r) for r in out["rule_id"]]
    out["confirmation_rate"] = (out["confirmed"] / out["decided"].where(out["decided"] > 0)).astype(float)
    trends = {}
    monthly = {}
    for rule_id, group in rule_months.sort_values(["rule_id", "month"]).groupby("rule_id"):
        trends[rule_id] = trend_of(group, settings)
        monthly[rule_id] = [int(h) for h in group["hits"]]
    out["recent_rate"] = [trends.get(r, (np.nan, np.nan, "na"))[0] for r in out["rule_id"]]
    out["previous_rate"] = [trends.get(r, (np.nan, np.nan, "na"))[1] for r in out["rule_id"]]
    out["trend"] = [trends.get(r, (np.nan, np.nan, "na"))[2] for r in out["rule_id"]]
    out["monthly_hits"] = [monthly.get(r, []) for r in out["rule_id"]]
    out["status"] = [
        rule_status(h, d, c, settings) for h, d, c in zip(out["hits"], out["decided"], out["confirmed"], strict=True)
    ]
    out = _with_estimates(out, estimates)
    out = out.sort_values(["hits", "rule_id"], ascending=[False, True]).reset_index(drop=True)
    return out[list(RULE_COLUMNS)]


def _with_estimates(out: pd.DataFrame, estimates: pd.DataFrame | None) -> pd.DataFrame:
    """The run's shrunk estimate of each rule's confirmation rate (Beta posterior) and its 90 % interval.

    The raw rate above counts this dataset's verdicts only; the estimate starts from the rule's severity
    and moves with each checked hit, and ``low_confirmation`` marks a rule the run no longer lets drive red.
    """
    est = estimates if estimates is not None else pd.DataFrame(columns=["rule_id"])
    est = est.rename(
        columns={
            "confirmation_rate": "estimated_rate",
            "interval_low": "estimate_low",
            "interval_high": "estimate_high",
        }
    )
    keep = ["rule_id", "estimated_rate", "estimate_low", "estimate_high", "low_confirmation"]
    merged = out.merge(est.reindex(columns=keep).drop_duplicates("rule_id"), on="rule_id", how="left")
    merged["low_confirmation"] = merged["low_confirmation"].astype("boolean").fillna(False).astype(bool)
    return merged


def rule_status(hits: int, decided: int, confirmed: float, settings: ReportSettings) -> str:
    """``no_hits``, ``ok`` (confirmed at least once), ``review`` (enough verified, none confirmed), ``awaiting``."""
    if hits == 0:
        return "no_hits"
    if confirmed > 0:
        return "ok"
    if decided >= settings.review_min_decided:
        return "review"
    return "awaiting"


def rules_in_scope(rule_units: pd.DataFrame, units: Collection[str] | None = None) -> pd.DataFrame:
    """Per rule: hits and case counts of ``an_rule_units`` summed over ``units``, with the real case rates.

    ``units`` None sums every row (also hits and cases with no unit); otherwise only the rows of those units,
    so a caller scoped to some units sees the rule review of its units and nothing of the others.
    """
    columns = ["rule_id", *RULE_UNIT_COUNTS]
    rows = rule_units if units is None else rule_units[rule_units["unit_id"].isin(list(units))]
    if rows.empty:
        return case_rates(pd.DataFrame({c: pd.Series(dtype="float64") for c in columns}).astype({"rule_id": object}))
    summed = rows.groupby("rule_id", as_index=False)[list(RULE_UNIT_COUNTS)].sum()
    return case_rates(summed)


def rule_case_counts(rule_units: pd.DataFrame) -> pd.DataFrame:
    """Per rule over all units: the case counts and real rates that the rules table carries beside its hits."""
    return rules_in_scope(rule_units)[["rule_id", *CASE_COUNTS, *CASE_RATES]]
