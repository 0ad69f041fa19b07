"""Tender avoidance (应招未招/规避招标): a project above the tendering threshold, not emergency work, with
no tender at all or a single-source / direct award. The plan sets the budget and method; this records it."""

from __future__ import annotations

import numpy as np

from yunshao.simulate.plan import Plan
from yunshao.simulate.schemes import record
from yunshao.simulate.state import State


def record_truth(plan: Plan, has_contract: np.ndarray, state: State) -> None:
    for i in np.flatnonzero(plan.has("tender_avoidance") & has_contract):
        detail = {
            "variant": plan.get_variant(int(i), "tender_avoidance"),
            "budget_over_threshold": round(float(plan.budget[i] / plan.threshold[i]), 4),
        }
        record(state, plan, int(i), "tender_avoidance", str(plan.strength[i]), detail)
