"""Lawful local practice that breaks some rules' default parameters: clean projects, never in the truth.

- sibling_under_threshold: a clean tendered project comes with 1-2 siblings of the same unit and category,
  started within 45 days, each just under the tendering threshold (separately funded works, e.g. one road
  per village) and tendered by inquiry or negotiation;
- staged_agreement: an investment agreement paid in stages against partial targets, so the payout follows
  a year at 55-90 % of the full promise (payout_unmet_promise.agreements reads the flag).

Each case is listed in TRUTH/practices.parquet (entity_type, entity_id, practice) so that an evaluation
can tell a rule misfiring on local practice from one misfiring at random.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from yunshao.simulate import encode as enc
from yunshao.simulate.plan import CONSTRUCTION, EMERGENCY, INVESTMENT, METHOD, PROCUREMENT, Plan, thresholds
from yunshao.simulate.profiles import Profile
from yunshao.simulate.state import State

PRACTICES = ("sibling_under_threshold", "staged_agreement")
SIBLING, STAGED = range(len(PRACTICES))
BELOW = np.array([METHOD["inquiry"], METHOD["competitive_negotiation"], METHOD["competitive_consultation"]])


def _free(plan: Plan) -> np.ndarray:
    parents = np.isin(plan.g, plan.parent[plan.parent >= 0])
    return (plan.scheme < 0) & (plan.lookalike < 0) & (plan.parent < 0) & ~parents & (plan.practice < 0)


def apply(rng: np.random.Generator, plan: Plan, profile: Profile, state: State) -> bool:
    """Mark and shape the block's practice projects; True when units, categories or budgets changed."""
    changed = False
    if profile.sibling_p > 0:
        changed = _siblings(rng, plan, profile.sibling_p, state)
    if profile.staged_agreement_p > 0:
        staged = _free(plan) & (plan.domain == INVESTMENT) & (rng.random(plan.n) < profile.staged_agreement_p)
        plan.practice[staged] = STAGED
        _record(plan, np.flatnonzero(staged), "staged_agreement", state)
    return changed


def _siblings(rng: np.random.Generator, plan: Plan, p: float, state: State) -> bool:
    tendered = (plan.domain == CONSTRUCTION) | (plan.domain == PROCUREMENT)
    free = _free(plan) & tendered & (plan.category != EMERGENCY) & (plan.cancel_at < 0)
    anchors = np.flatnonzero(free & (rng.random(plan.n) < p))
    changed = False
    for a in anchors:
        if not free[a]:
            continue
        later = np.flatnonzero(free & (plan.domain == plan.domain[a]) & (np.arange(plan.n) > a))
        take = later[: int(rng.integers(1, 3))]
        if not len(take):
            continue
        members = np.concatenate([[a], take])
        free[members] = False
        plan.unit[take], plan.category[take] = plan.unit[a], plan.category[a]
        plan.t0[take] = plan.t0[a] + np.sort(rng.uniform(0, 45, len(take)))
        plan.threshold[members] = thresholds(plan.domain[members], plan.category[members])
        plan.budget[members] = plan.threshold[members] * rng.uniform(0.80, 0.98, len(members))
        plan.method[members] = BELOW[rng.integers(0, len(BELOW), len(members))]
        plan.practice[members] = SIBLING
        _record(plan, members, "sibling_under_threshold", state)
        changed = True
    return changed


def _record(plan: Plan, idx: np.ndarray, practice: str, state: State) -> None:
    state.practices.extend(("project", enc.id_text("project", int(plan.g[i])), practice) for i in idx)


def table(state: State) -> pa.Table:
    rows = sorted(set(state.practices))
    return pa.table(
        {
            "entity_type": [r[0] for r in rows],
            "entity_id": [r[1] for r in rows],
            "practice": [r[2] for r in rows],
        },
        schema=pa.schema([("entity_type", pa.string()), ("entity_id", pa.string()), ("practice", pa.string())]),
    )
