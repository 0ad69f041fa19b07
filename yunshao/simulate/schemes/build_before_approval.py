"""Build before approval (未批先建): commencement before the construction permit (C16 before C15), a
contract signed before the initiation approval (C04), or an advance paid before the permit."""

from __future__ import annotations

import numpy as np

from yunshao.simulate.config import DAY
from yunshao.simulate.plan import Plan
from yunshao.simulate.schemes import record
from yunshao.simulate.state import State
from yunshao.simulate.trails import Steps

VARIANTS = ("commence_before_permit", "contract_before_initiation", "payment_before_permit")


def shift(rng: np.random.Generator, plan: Plan, steps: Steps) -> dict[str, np.ndarray]:
    """Move C16 before C15 for the commencement variant; return seconds to backdate contracts/payments."""
    n = plan.n
    out = {"contract": np.zeros(n, dtype=np.int64), "payment": np.zeros(n, dtype=np.int64)}
    c15, c16 = steps.first(n, "C15"), steps.first(n, "C16")
    for i in np.flatnonzero(plan.has("build_before_approval")):
        v = VARIANTS[int(rng.integers(0, 3))]
        days = float(rng.uniform(20, 60) if rng.random() < 0.5 else rng.uniform(3, 12))
        if v == "commence_before_permit" and c15[i] >= 0 and c16[i] >= 0:
            steps.start[c16[i]] = steps.start[c15[i]] - days
        elif v == "contract_before_initiation":
            out["contract"][i] = int(days * DAY)
        else:
            v = "payment_before_permit"
            days = float(rng.uniform(2, 10))
            out["payment"][i] = int(days * DAY)
        _set(plan, int(i), v, days)
    order = np.lexsort((steps.node, steps.start, steps.proj))
    for name in ("proj", "node", "pattern", "start", "delays", "approver"):
        setattr(steps, name, getattr(steps, name)[order])
    return out


def _set(plan: Plan, i: int, variant: str, days: float) -> None:
    plan.set_variant(int(i), "build_before_approval", f"{variant}:{days:.1f}")


def record_truth(plan: Plan, ok: dict[str, np.ndarray], state: State) -> None:
    """ok[variant][i]: the trace exists in the written data."""
    for i in np.flatnonzero(plan.has("build_before_approval")):
        variant, days = str(plan.get_variant(int(i), "build_before_approval")).split(":")
        if not ok[variant][i]:
            continue
        strength = "blatant" if float(days) >= 20 else "subtle"
        record(state, plan, int(i), "build_before_approval", strength, {"variant": variant, "days_early": float(days)})
