"""Payout on an unmet promise (政策兑现不符条件): an investment payout (I04/I05) approved while the firm's
yearly performance is below its agreement, or disbursed before the performance check (I03).

Performance rows are yearly flows: actual_investment (yuan invested that year), actual_tax (tax paid
that year) and actual_jobs (headcount at year end). A clean firm has, by the year before its
performance check, invested at least the promise in total, paid at least the promised annual tax and
reached the promised headcount, and stays there afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from yunshao.simulate import encode as enc
from yunshao.simulate.config import DAY
from yunshao.simulate.plan import INVESTMENT, Plan
from yunshao.simulate.practices import STAGED
from yunshao.simulate.schemes import record
from yunshao.simulate.state import State
from yunshao.simulate.trails import Steps

if TYPE_CHECKING:
    from yunshao.simulate.money import Deals

LAST_YEAR = 2025


def choose(rng: np.random.Generator, plan: Plan) -> None:
    for i in np.flatnonzero(plan.has("payout_unmet_promise")):
        if rng.random() < 0.65:
            q = rng.uniform(0.3, 0.7) if rng.random() < 0.5 else rng.uniform(0.8, 0.93)
            plan.set_variant(int(i), "payout_unmet_promise", f"unmet:{q:.3f}")
        else:
            plan.set_variant(int(i), "payout_unmet_promise", "before_check:1")


def shift(rng: np.random.Generator, plan: Plan, steps: Steps) -> None:
    """Move I03 after I05 for the 'before_check' variant."""
    n = plan.n
    i03, i05 = steps.first(n, "I03"), steps.first(n, "I05")
    moved = False
    for i in np.flatnonzero(plan.has("payout_unmet_promise")):
        if (
            str(plan.get_variant(int(i), "payout_unmet_promise")).startswith("before_check")
            and i03[i] >= 0
            and i05[i] >= 0
        ):
            steps.start[i03[i]] = steps.end[i05[i]] + rng.uniform(10, 60)
            moved = True
    if moved:
        order = np.lexsort((steps.node, steps.start, steps.proj))
        for name in ("proj", "node", "pattern", "start", "delays", "approver"):
            setattr(steps, name, getattr(steps, name)[order])


def _year(ts: np.ndarray) -> np.ndarray:
    return (np.asarray(ts // DAY, dtype="datetime64[D]").astype("datetime64[Y]").astype(int) + 1970).astype(np.int64)


def agreements(
    rng: np.random.Generator, plan: Plan, deals: Deals, ts: dict[str, np.ndarray], state: State
) -> dict[str, pa.Table]:
    idx = np.flatnonzero((plan.domain == INVESTMENT) & (ts["I02"] > 0))
    k = len(idx)
    first = state.take("agreement", k)
    ag_id = first + np.arange(k)
    signed = ts["I02"][idx]
    sign_year = _year(signed)
    promised = deals.promised[idx]
    tax = promised * rng.uniform(0.02, 0.05, k)
    jobs = np.round(promised / 1e6 * rng.uniform(1, 3, k)).astype(np.int64) + 10
    deadline = signed // DAY + rng.integers(700, 1100, k)
    check_year = np.where(ts["I03"][idx] > 0, _year(np.maximum(ts["I03"][idx], 0)) - 1, sign_year + 2)
    check_year = np.maximum(check_year, sign_year)
    q = np.ones(k)
    withheld = plan.is_look("payout_withheld")[idx]
    q[withheld] = rng.uniform(0.4, 0.8, int(withheld.sum()))
    staged = plan.practice[idx] == STAGED  # lawful: paid in stages against partial targets (profiles only)
    if staged.any():
        q[staged] = rng.uniform(0.55, 0.9, int(staged.sum()))
    for j, i in enumerate(idx):
        v = plan.get_variant(int(i), "payout_unmet_promise")
        if v and v.startswith("unmet"):
            q[j] = float(v.split(":")[1])
    rows: list[tuple[int, int, float, float, int]] = []
    for j in range(k):
        years = np.arange(sign_year[j], LAST_YEAR + 1)
        if not len(years):
            continue
        f = np.minimum(1.0, (years - sign_year[j] + 1) / (check_year[j] - sign_year[j] + 1))
        over = rng.uniform(1.0, 1.15, len(years))
        level = np.where(years >= check_year[j], q[j], 1.0)
        cum = promised[j] * f * over * level
        cum = np.maximum.accumulate(cum)
        inv = np.diff(np.concatenate([[0.0], cum]))
        subtle = q[j] >= 0.8
        tax_level = np.where((years >= check_year[j]) & ~subtle, q[j], 1.0)
        t = tax[j] * f * rng.uniform(1.0, 1.2, len(years)) * tax_level
        jb = np.ceil(jobs[j] * f * rng.uniform(1.0, 1.15, len(years)) * tax_level)
        rows.extend(
            (int(ag_id[j]), int(y), float(a), float(b), int(c)) for y, a, b, c in zip(years, inv, t, jb, strict=True)
        )
    perf = np.array(rows, dtype=np.float64).reshape(-1, 5)
    for j, i in enumerate(idx):
        v = plan.get_variant(int(i), "payout_unmet_promise")
        if not v:
            continue
        paid = ts["I05"][i] > 0 if v.startswith("before_check") else ts["I04"][i] > 0
        late_check = ts["I03"][i] <= 0 or ts["I03"][i] > ts["I05"][i]
        if not paid or (v.startswith("before_check") and not late_check):
            continue
        strength = "moderate" if v.startswith("before_check") else ("blatant" if q[j] < 0.8 else "subtle")
        detail = {
            "variant": v.split(":")[0],
            "performance_level": round(float(q[j]), 3),
            "check_year": int(check_year[j]),
            "agreement": enc.id_text("agreement", int(ag_id[j])),
        }
        record(state, plan, int(i), "payout_unmet_promise", strength, detail)
    return {
        "agreements": enc.table(
            "agreements",
            k,
            {
                "agreement_id": enc.ids("agreement", ag_id),
                "project_id": enc.ids("project", plan.g[idx]),
                "company_id": enc.ids("company", deals.company[idx]),
                "signed_at": enc.timestamps(signed),
                "promised_investment": enc.money(promised),
                "promised_tax_annual": enc.money(tax),
                "promised_jobs": jobs,
                "deadline": enc.dates(deadline),
            },
        ),
        "performance": enc.table(
            "performance",
            len(perf),
            {
                "agreement_id": enc.ids("agreement", perf[:, 0].astype(np.int64)),
                "year": perf[:, 1].astype(np.int64),
                "actual_investment": enc.money(perf[:, 2]),
                "actual_tax": enc.money(perf[:, 3]),
                "actual_jobs": perf[:, 4].astype(np.int64),
            },
        ),
    }
