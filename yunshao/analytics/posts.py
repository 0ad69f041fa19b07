"""Post ranking (岗位廉政风险排名) and the reasons given beside each rank.

海盐 marks a post as high-risk (高风险岗位) when the projects it handles often draw warnings, and uses the
ranking for warning education before anyone errs. The risk shown is the run's post score when the run
scored posts (posts it did not score then get none, rather than a number on another scale); otherwise
the share of the post's handled projects that drew a warning, × 100.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from yunshao.analytics.text import strings
from yunshao.settings import ReportSettings

TOP_RULES = 3
TOP_FACTORS = 3


def rank_posts(
    posts: pd.DataFrame,
    post_rules: pd.DataFrame,
    settings: ReportSettings,
    *,
    lang: str = "zh",
    rule_names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """``an_posts`` with risk, risk_source, high_risk, rank and reasons (a list) / reasons_text."""
    out = posts.copy()
    share = out["warned_projects"] / out["handled_projects"].where(out["handled_projects"] > 0)
    out["warned_share"] = share.astype(float)
    if out["run_risk_score"].notna().any():  # one scale only: posts the run did not score get no risk
        out["risk"] = out["run_risk_score"].astype(float)
        out["risk_source"] = np.where(out["risk"].notna(), "run", "none")
    else:
        out["risk"] = (100.0 * out["warned_share"]).astype(float)
        out["risk_source"] = np.where(out["risk"].notna(), "warned_share", "none")
    often = (out["handled_projects"] >= settings.high_risk_min_projects) & (
        out["warned_share"].fillna(0.0) >= settings.high_risk_share
    )
    out["high_risk"] = often | (out["run_level"] == "red").fillna(False).astype(bool)
    out["_risk_sort"] = out["risk"].fillna(-1.0)
    out = out.sort_values(
        ["_risk_sort", "warned_projects", "post_warnings", "post_id"], ascending=[False, False, False, True]
    ).drop(columns="_risk_sort")
    out["rank"] = np.arange(1, len(out) + 1)
    top = _top_rules(post_rules, rule_names or {})
    out["reasons"] = [_reasons(row, top.get(str(row.post_id), []), lang) for row in out.itertuples()]
    sep = strings(lang)["sep"]
    out["reasons_text"] = [sep.join(r) for r in out["reasons"]]
    return out.reset_index(drop=True)


def _top_rules(post_rules: pd.DataFrame, names: dict[str, str]) -> dict[str, list[tuple[str, int]]]:
    top: dict[str, list[tuple[str, int]]] = {}
    ordered = post_rules.sort_values(["post_id", "hits", "rule_id"], ascending=[True, False, True])
    for post_id, group in ordered.groupby("post_id", sort=False):
        top[str(post_id)] = [(names.get(r, r), int(h)) for r, h in zip(group["rule_id"], group["hits"], strict=True)][
            :TOP_RULES
        ]
    return top


def _reasons(row: object, rules: list[tuple[str, int]], lang: str) -> list[str]:
    s = strings(lang)
    out: list[str] = []
    handled = int(getattr(row, "handled_projects", 0))
    if handled:
        share = getattr(row, "warned_share", np.nan)
        out.append(
            s["reason_handled"].format(
                handled=handled,
                warned=int(getattr(row, "warned_projects", 0)),
                share=f"{share:.0%}",
                confirmed=_count(getattr(row, "confirmed_projects", 0.0)),
            )
        )
    if rules:
        out.append(s["reason_rules"].format(rules=s["list_sep"].join(f"{n} ×{h}" for n, h in rules)))
    direct = int(getattr(row, "post_warnings", 0))
    if direct:
        out.append(s["reason_direct"].format(n=direct))
    factors = factor_names(getattr(row, "run_top_factors", None), lang)
    if factors:
        out.append(s["reason_factors"].format(factors=s["list_sep"].join(factors[:TOP_FACTORS])))
    if getattr(row, "is_head", None) is True:
        out.append(s["reason_head"])
    return out


def _count(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def factor_names(top_factors: object, lang: str) -> list[str]:
    """Feature names of a top_factors JSON list, in ``lang`` when the run wrote them (else the code)."""
    if not isinstance(top_factors, str) or not top_factors.strip():
        return []
    try:
        items = json.loads(top_factors)
    except json.JSONDecodeError:
        return []
    names: list[str] = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("feature"):
            names.append(str(item.get(f"feature_{lang}") or item["feature"]))
    return names
