"""Tender splitting (化整为零): sibling projects of one unit and category, started within about 60 days,
each just under the tendering threshold and together above it. The plan forms the groups; this records
each member once its trail reached sourcing."""

from __future__ import annotations

import numpy as np

from yunshao.simulate import encode as enc
from yunshao.simulate.plan import Plan
from yunshao.simulate.schemes import record
from yunshao.simulate.state import State


def record_truth(plan: Plan, state: State) -> None:
    idx = np.flatnonzero(plan.has("tender_splitting"))
    for g in np.unique(plan.group[idx]):
        members = idx[plan.group[idx] == g]
        total = float(plan.budget[members].sum())
        detail = {
            "group": enc.id_text("project", int(g)),
            "members": [enc.id_text("project", int(plan.g[m])) for m in members],
            "total_over_threshold": round(total / float(plan.threshold[members[0]]), 4),
            "span_days": round(float(plan.t0[members].max() - plan.t0[members].min()), 1),
        }
        for m in members:
            record(state, plan, int(m), "tender_splitting", str(plan.strength[m]), detail)
