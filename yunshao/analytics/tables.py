"""Assemble the report's tables (units, monthly, posts, rules, recurring) from the ``an_*`` measures.

These are the tables written as Parquet/CSV for the API and drawn in the HTML report, so both show the
same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from yunshao.analytics.index import (
    CASE_COUNTS,
    Caps,
    Rates,
    add_rates,
    quarter_of,
    roll_up,
    score_units,
    year_of,
)
from yunshao.analytics.posts import rank_posts
from yunshao.analytics.recurring import recurring_problems
from yunshao.analytics.rules_review import review_rules, rule_case_counts
from yunshao.analytics.text import rule_catalog
from yunshao.settings import ReportSettings

COUNT_COLUMNS = (
    "projects",
    "warnings",
    "red_warnings",
    "weighted_warnings",
    "warned_projects",
    "decided_warnings",
    "confirmed_warnings",
    "rect_observable",
    "rectified",
    "decided_items",
    "confirmed_problems",
    *CASE_COUNTS,
)

#: Order of unit kinds in tables: 桐庐 ranks townships first.
KIND_ORDER = ("township", "development_zone", "department", "soe", "village")
INTEGER_COLUMNS = frozenset(COUNT_COLUMNS) - {
    "weighted_warnings",
    "confirmed_warnings",
    "confirmed_problems",
    "case_confirmed",
}


@dataclass
class ReportTables:
    units: pd.DataFrame
    monthly: pd.DataFrame
    quarterly: pd.DataFrame  # 桐庐 scores each quarter and year: the index over the period's summed counts
    yearly: pd.DataFrame
    overall: pd.DataFrame  # all units together, per month
    posts: pd.DataFrame
    rules: pd.DataFrame
    rule_months: pd.DataFrame
    recurring: pd.DataFrame
    rule_names: dict[str, str]
    has_outcomes: bool
    rule_units: pd.DataFrame = field(default_factory=pd.DataFrame)  # per rule and unit: hits and cases
    rates: Rates = "proxy"  # "cases": the index uses the case store's real rates
    caps: Caps = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def build_tables(
    con: duckdb.DuckDBPyConnection, settings: ReportSettings, lang: str, catalog: dict | None = None
) -> ReportTables:
    """Read the ``an_*`` tables (see metrics.compute_measures) and derive every report table.

    The index uses the real rates when the connection holds at least one case (``in_cases``), else proxies.
    """
    has_outcomes = _count(con, "an_outcomes") > 0
    rates: Rates = "cases" if _count(con, "an_case_facts") > 0 else "proxy"
    info = con.sql("SELECT * FROM in_units").df().drop_duplicates("unit_id")
    kinds = {u: k for u, k in zip(info["unit_id"], info["kind"], strict=True) if isinstance(k, str)}
    measures = with_case_measures(con.sql("FROM an_unit_measures").df(), con.sql("FROM an_case_measures").df())
    scored, caps = score_units(measures, settings, has_outcomes=has_outcomes, kinds=kinds, rates=rates)
    units = _units(scored[scored["period"] == "all"], info)
    names = dict(zip(units["unit_id"], units["name"], strict=True))
    monthly = scored[scored["period"] != "all"].rename(columns={"period": "month"}).copy()
    monthly.insert(1, "name", [names.get(u, u) for u in monthly["unit_id"]])
    monthly = monthly.sort_values(["month", "unit_id"]).reset_index(drop=True)
    scoring = (settings, has_outcomes, kinds, caps, names, rates)
    quarterly = _rolled(monthly, quarter_of, "quarter", *scoring)
    yearly = _rolled(monthly, year_of, "year", *scoring)
    notes: list[str] = []
    if catalog is None:
        catalog, why = rule_catalog(lang)
        notes += [why] if why else []
    rule_months = con.sql("FROM an_rule_months").df()
    estimates = con.sql("FROM in_rule_confirmation").df()
    rule_units = con.sql("FROM an_rule_units").df()
    rules = review_rules(con.sql("FROM an_rules").df(), rule_months, settings, catalog, estimates)
    rules = rules.merge(rule_case_counts(rule_units), on="rule_id", how="left")
    for col in CASE_COUNTS:
        rules[col] = rules[col].fillna(0).astype(float if col == "case_confirmed" else "int64")
    rule_names = {r: n for r, n in zip(rules["rule_id"], rules["name"], strict=True) if n != r}
    last_month = monthly["month"].max() if len(monthly) else None
    recurring = recurring_problems(con.sql("FROM an_recurring").df(), names, rule_names, last_month)
    posts = rank_posts(
        con.sql("FROM an_posts").df(), con.sql("FROM an_post_rules").df(), settings, lang=lang, rule_names=rule_names
    )
    posts.insert(2, "unit_name", [names.get(u, u) if isinstance(u, str) else None for u in posts["unit_id"]])
    return ReportTables(
        units=units,
        monthly=monthly,
        quarterly=quarterly,
        yearly=yearly,
        overall=overall_by(monthly),
        posts=posts,
        rules=rules,
        rule_months=rule_months,
        recurring=recurring,
        rule_names=rule_names,
        has_outcomes=has_outcomes,
        rule_units=rule_units,
        rates=rates,
        caps=caps,
        notes=notes,
        counts={
            "units": len(units),
            "projects": _count(con, "an_project_month"),
            "warnings": _count(con, "an_warnings"),
            "outcomes": _count(con, "an_outcomes"),
            "cases": _count(con, "an_case_facts"),
        },
    )


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()
    return int(rows[0][0])


def with_case_measures(measures: pd.DataFrame, case_measures: pd.DataFrame) -> pd.DataFrame:
    """``an_unit_measures`` with the case counts of ``an_case_measures`` beside them (0 without cases).

    A unit and period with cases but no project or warning (its warnings stopped firing) keeps its row.
    """
    merged = measures.merge(case_measures, on=["unit_id", "period"], how="outer")
    for col in COUNT_COLUMNS:
        merged[col] = merged[col].fillna(0)
    return merged.sort_values(["unit_id", "period"]).reset_index(drop=True)


def _units(all_period: pd.DataFrame, info: pd.DataFrame) -> pd.DataFrame:
    """Every unit named in the units table or holding projects, with its whole-period index."""
    scored = all_period.drop(columns="period")
    units = info.merge(scored, on="unit_id", how="outer")
    units["name"] = units["name"].where(units["name"].notna(), units["unit_id"])
    parents = dict(zip(units["unit_id"], units["name"], strict=True))
    units["parent_name"] = [parents.get(p) if isinstance(p, str) else None for p in units["parent_unit_id"]]
    for col in COUNT_COLUMNS:
        units[col] = units[col].fillna(0)
        if col in INTEGER_COLUMNS:
            units[col] = units[col].astype("int64")
    units["band"] = units["band"].fillna("none")
    units["_order"] = units["rank"].fillna(10**9)
    units["_kind"] = units["kind"].map(lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else len(KIND_ORDER))
    units = units.sort_values(["_kind", "_order", "unit_id"]).drop(columns=["_order", "_kind"])
    units = units.reset_index(drop=True)
    lead = ["unit_id", "name", "kind", "parent_unit_id", "parent_name", "region", "rank", "index", "band"]
    return units[lead + [c for c in units.columns if c not in lead]]


def _rolled(
    monthly: pd.DataFrame,
    period_of: Callable[[str], str],
    column: str,
    settings: ReportSettings,
    has_outcomes: bool,
    kinds: dict[str, str],
    caps: Caps,
    names: dict[str, str],
    rates: Rates,
) -> pd.DataFrame:
    """Each unit's index per quarter or year, scored against the whole period's caps."""
    if monthly.empty:
        return pd.DataFrame(columns=["unit_id", "name", column, "index", "band", "rank"])
    sums = roll_up(monthly, COUNT_COLUMNS, period_of)
    scored, _ = score_units(sums, settings, has_outcomes=has_outcomes, kinds=kinds, caps=caps, rates=rates)
    scored = scored.rename(columns={"period": column})
    scored.insert(1, "name", [names.get(u, u) for u in scored["unit_id"]])
    return scored.sort_values([column, "unit_id"]).reset_index(drop=True)


def overall_by(monthly: pd.DataFrame, period_of: Callable[[str], str] | None = None) -> pd.DataFrame:
    """All units together per month (or per ``period_of(month)``): counts summed, rates recomputed."""
    if monthly.empty:
        return pd.DataFrame(columns=["period", *COUNT_COLUMNS])
    frame = monthly.assign(period=monthly["month"].map(period_of) if period_of else monthly["month"])
    sums = frame.groupby("period", as_index=False)[list(COUNT_COLUMNS)].sum()
    return add_rates(sums)


def rules_by(rule_months: pd.DataFrame, period_of: Callable[[str], str] | None = None) -> pd.DataFrame:
    """Rule hits and projects per month (or per ``period_of(month)``), column ``period``."""
    frame = rule_months.assign(period=rule_months["month"].map(period_of) if period_of else rule_months["month"])
    return frame.groupby(["rule_id", "period"], as_index=False)[["hits", "projects"]].sum()
