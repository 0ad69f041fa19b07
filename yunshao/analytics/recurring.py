"""Recurring problems (高频问题): rule × unit pairs that keep coming back month after month.

海盐 sets a matter that often draws warnings as a 高频问题 and answers it with warning education and
rule-making rather than case by case; the pairs come from ``sql/10_recurring.sql``.
"""

from __future__ import annotations

import pandas as pd


def recurring_problems(
    pairs: pd.DataFrame, unit_names: dict[str, str], rule_names: dict[str, str], last_month: str | None
) -> pd.DataFrame:
    """``an_recurring`` with unit and rule names and whether the pair is still active in the last month."""
    out = pairs.copy()
    out["unit_name"] = [unit_names.get(u, u) for u in out["unit_id"]]
    out["rule_name"] = [rule_names.get(r, r) for r in out["rule_id"]]
    out["active"] = out["last_month"] == last_month if last_month else False
    out["confirmed"] = out["confirmed"].astype(float)
    return out.reset_index(drop=True)
