"""Settlement inflation (结算虚高): the audited settlement exceeds the contract by more than 10 %, or change
orders pile up to more than 15 % of the contract (several thin, badly documented change orders)."""

from __future__ import annotations

import numpy as np

from yunshao.simulate.config import SIM_END
from yunshao.simulate.plan import Plan
from yunshao.simulate.schemes import record
from yunshao.simulate.state import State


def choose(rng: np.random.Generator, plan: Plan, dur: np.ndarray, k17: np.ndarray) -> None:
    """Audit variant where the audit will happen before SIM_END, else inflated change orders."""
    for i in np.flatnonzero(plan.has("settlement_inflation")):
        audit_ok = plan.t0[i] + 260 + dur[i] + 200 < SIM_END
        variant = "audit" if audit_ok and rng.random() < 0.6 else "changes"
        plan.set_variant(int(i), "settlement_inflation", variant)
        if variant == "changes":
            k17[i] = int(rng.integers(3, 6))


def _variant(plan: Plan, i: int) -> str:
    return plan.get_variant(int(i), "settlement_inflation") or "audit"


def change_fractions(rng: np.random.Generator, plan: Plan, proj: np.ndarray) -> np.ndarray:
    """Per C17 step: fraction of the contract for planted 'changes' projects, NaN elsewhere."""
    out = np.full(len(proj), np.nan)
    planted = plan.has("settlement_inflation") & np.array([_variant(plan, int(i)) == "changes" for i in range(plan.n)])
    m = planted[proj]
    if not m.any():
        return out
    total = rng.uniform(0.16, 0.35, plan.n)
    w = rng.uniform(0.5, 1.5, len(proj))
    sums = np.bincount(proj[m], weights=w[m], minlength=plan.n)
    out[m] = total[proj[m]] * w[m] / sums[proj[m]]
    return out


def audited(rng: np.random.Generator, plan: Plan, contract: np.ndarray, clean: np.ndarray) -> np.ndarray:
    out = clean.copy()
    for i in np.flatnonzero(plan.has("settlement_inflation")):
        if _variant(plan, int(i)) == "audit":
            ratio = rng.uniform(1.18, 1.45) if rng.random() < 0.6 else rng.uniform(1.11, 1.14)
            out[i] = contract[i] * ratio
    return out


def record_truth(
    plan: Plan, contract: np.ndarray, audited_amt: np.ndarray, changes: np.ndarray, settled: np.ndarray, state: State
) -> None:
    """Record the cases whose trace exists by SIM_END (a settlement, or change orders over 15 %)."""
    for i in np.flatnonzero(plan.has("settlement_inflation")):
        variant = _variant(plan, int(i))
        c = contract[i]
        if not np.isfinite(c) or c <= 0:
            continue
        ratio = audited_amt[i] / c
        change_share = changes[i] / c
        if variant == "audit" and settled[i] and ratio > 1.10:
            strength = "blatant" if ratio >= 1.18 else "subtle"
        elif variant == "changes" and change_share > 0.15:
            strength = "blatant" if change_share >= 0.25 else "moderate"
        else:
            continue
        detail = {
            "variant": variant,
            "audited_over_contract": round(float(ratio), 4) if settled[i] else None,
            "changes_over_contract": round(float(change_share), 4),
        }
        record(state, plan, int(i), "settlement_inflation", strength, detail)
