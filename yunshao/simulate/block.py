"""One block of projects from plan to tables: the pipeline every chunk runs, in one place."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from yunshao.contract.schema import ACTIONS, ALL_NODES, CHANNELS, DOMAINS, PROJECT_STATUSES
from yunshao.simulate import badrows, corrupt, money, practices, timing
from yunshao.simulate import encode as enc
from yunshao.simulate.bidding import Award, run_tenders
from yunshao.simulate.companies import Companies
from yunshao.simulate.config import BLOCK
from yunshao.simulate.county import County
from yunshao.simulate.plan import CATEGORY_WORDS, CONSTRUCTION, PLAN_DOMAINS, Plan, plan_block, project_names
from yunshao.simulate.schemes import (
    build_before_approval,
    lookalikes,
    payout_unmet_promise,
    relative_favour,
    self_approval,
    settlement_inflation,
    tender_avoidance,
    tender_splitting,
)
from yunshao.simulate.state import State
from yunshao.simulate.trails import (
    NODE,
    NOTES,
    REJECT,
    WITHDRAW,
    Events,
    Steps,
    build_steps,
    construction_shape,
    expand,
)
from yunshao.simulate.world import World

FINAL = {"construction": "C20", "investment": "I05", "land": "L07", "procurement": "P05", "subsidy": "S04"}
APPROVED_AT = {"construction": "C04", "investment": "I01", "land": "L04", "procurement": "P02", "subsidy": "S03"}


@dataclass
class Context:
    world: World
    companies: Companies
    state: State
    villagers: np.ndarray
    region_factor: np.ndarray
    n_total: int
    bad_row_frac: float
    county: County
    seed: int


def make_block(rng: np.random.Generator, ctx: Context, p0: int, n: int) -> dict[str, pa.Table]:
    world, co, state = ctx.world, ctx.companies, ctx.state
    looks_before = len(state.lookalikes)
    profile = ctx.county.profile
    plan = plan_block(rng, world, p0, n, ctx.n_total, profile)
    # foreign profiles draw from their own stream, so the default county's streams stay as they were
    prng = None if profile.is_default else np.random.default_rng([ctx.seed, 20, p0 // BLOCK])
    if prng is not None:
        moved = corrupt.assign(prng, plan, ctx.county, world.post_unit, state)
        if practices.apply(prng, plan, profile, state) or moved:
            plan.name = project_names(plan, world)
    k17, k18, dur = construction_shape(rng, plan)
    settlement_inflation.choose(rng, plan, dur, k17)
    payout_unmet_promise.choose(rng, plan)
    plan.cancel_at[plan.is_look("payout_withheld")] = 3
    steps = build_steps(rng, plan, k17, k18, dur, profile)
    bba = build_before_approval.shift(rng, plan, steps)
    payout_unmet_promise.shift(rng, plan, steps)
    award = run_tenders(rng, plan, steps, co, state, dur)
    reductions = np.random.default_rng([ctx.seed, 23, p0 // BLOCK])  # its own stream: see money.decide
    deals = money.decide(rng, plan, steps, award, co, ctx.region_factor, reductions)
    handler = world.clerks[plan.unit, rng.integers(0, 1 << 30, n) % world.n_clerks[plan.unit]]
    events = expand(rng, world, plan, steps, handler, ctx.county, prng)
    if prng is not None:
        timing.apply(prng, events, profile)
    self_approval.apply(rng, plan, events, state)
    relative_favour.apply(rng, plan, events, award.company, co, state)
    related = lookalikes.relate_employees(rng, plan, events, award.company, co, state)
    out = money.tables(rng, plan, steps, events, award, deals, co, state, bba, ctx.villagers)
    _record_truth(plan, steps, events, deals, award, bba, related, state)
    out["tenders"] = award.tenders
    out["bids"] = award.bids
    out["projects"] = _projects(plan, steps, events, dur)
    out["approvals"] = _approvals(plan, events, state)
    _sample_clean(rng, plan, state)
    special = np.flatnonzero((plan.scheme >= 0) | (plan.lookalike >= 0))
    protected = {enc.id_text("project", int(plan.g[i])) for i in special}
    protected |= {p for p, _ in state.lookalikes[looks_before:]}
    for name in ("approvals", "payments"):
        out[name] = badrows.corrupt(rng, name, out[name], protected, ctx.bad_row_frac, state)
    out["bids"] = badrows.corrupt(
        rng, "bids", out["bids"], badrows.protected_tenders(award.tenders, protected), ctx.bad_row_frac, state
    )
    return out


def _approve_ts(events: Events, steps: Steps, n: int, node: str) -> np.ndarray:
    s = steps.first(n, node)
    ev = np.where(s >= 0, events.approve_of_step[np.maximum(s, 0)], -1)
    return np.where(ev >= 0, events.ts[np.maximum(ev, 0)], -1)


def _record_truth(
    plan: Plan,
    steps: Steps,
    events: Events,
    deals: money.Deals,
    award: Award,
    bba: dict[str, np.ndarray],
    related: np.ndarray,
    state: State,
) -> None:
    n = plan.n
    ts = {node: _approve_ts(events, steps, n, node) for node in ("C04", "C14", "C15", "C20", "P04", "I03")}
    has_contract = ((ts["C14"] > 0) | (ts["P04"] > 0)) & (deals.company >= 0)
    tender_avoidance.record_truth(plan, has_contract, state)
    tender_splitting.record_truth(plan, state)
    c17 = steps.of("C17")
    c17_ok = events.approve_of_step[c17] >= 0
    changes = np.bincount(steps.proj[c17[c17_ok]], weights=steps.amount[c17[c17_ok]], minlength=n)
    settlement_inflation.record_truth(plan, deals.contract, deals.audited, changes, ts["C20"] > 0, state)
    first16 = np.full(n, np.iinfo(np.int64).max)
    m16 = events.node == NODE["C16"]
    np.minimum.at(first16, events.proj[m16], events.ts[m16])
    ok = {
        "commence_before_permit": (ts["C15"] > 0) & (first16 < ts["C15"]),
        "contract_before_initiation": (ts["C14"] > 0) & (ts["C04"] > 0) & (deals.company >= 0),
        "payment_before_permit": ts["C15"] > 0,
    }
    build_before_approval.record_truth(plan, ok, state)
    n_c17 = np.bincount(steps.proj[c17[c17_ok]], minlength=n)
    exists = {
        "emergency_no_tender": has_contract,
        "honest_change_orders": n_c17 > 0,
        "cheap_single_bidder": award.tender >= 0,
        "relative_of_employee": related,
        "payout_withheld": ts["I03"] > 0,
        "prime_parcel": np.ones(n, dtype=bool),
        "phased_project": np.ones(n, dtype=bool),
    }
    lookalikes.record(plan, exists, state)


def _projects(plan: Plan, steps: Steps, events: Events, dur: np.ndarray) -> pa.Table:
    n = plan.n
    approved = np.full(n, -1)
    completed = np.zeros(n, dtype=bool)
    for d, dname in enumerate(PLAN_DOMAINS):
        m = plan.domain == d
        approved[m] = _approve_ts(events, steps, n, APPROVED_AT[dname])[m]
        completed[m] = (_approve_ts(events, steps, n, FINAL[dname]) > 0)[m]
    stopped = np.zeros(n, dtype=bool)
    stop_ev = np.isin(events.action, (REJECT, WITHDRAW))
    terminal = stop_ev & (np.r_[events.proj[1:], -1] != events.proj)  # last event of its project
    stopped[events.proj[terminal]] = True
    status = np.where(stopped, 2, np.where(completed, 1, 0))
    lead = np.where(plan.domain == CONSTRUCTION, 240, 30)
    start = np.floor(plan.t0 + lead).astype(np.int64)
    end = start + np.where(plan.domain == CONSTRUCTION, dur, 365).astype(np.int64)
    parent = plan.parent
    return enc.table(
        "projects",
        n,
        {
            "project_id": enc.ids("project", plan.g),
            "domain": enc.vocab(plan.domain, DOMAINS),
            "unit_id": enc.ids("unit", plan.unit),
            "name": plan.name,
            "category": enc.vocab(plan.category, CATEGORY_WORDS),
            "budget_amount": enc.money(np.round(plan.budget, -2)),
            "approved_at": enc.timestamps(approved),
            "planned_start": enc.dates(start),
            "planned_end": enc.dates(end),
            "parent_project_id": enc.ids("project", parent),
            "status": enc.vocab(status, PROJECT_STATUSES),
        },
    )


def _approvals(plan: Plan, events: Events, state: State) -> pa.Table:
    k = len(events)
    first = state.take("event", k)
    return enc.table(
        "approvals",
        k,
        {
            "event_id": enc.ids("event", first + np.arange(k)),
            "project_id": enc.ids("project", plan.g[events.proj]),
            "node": enc.vocab(events.node, tuple(ALL_NODES)),
            "action": enc.vocab(events.action, ACTIONS),
            "person_id": enc.ids("person", events.person),
            "post_id": enc.ids("post", events.post),
            "unit_id": enc.ids("unit", events.unit),
            "occurred_at": enc.timestamps(events.ts),
            "amount": enc.money(events.amount),
            "channel": enc.vocab(events.channel, CHANNELS),
            "note": enc.vocab(events.note, NOTES),
        },
    )


def _sample_clean(rng: np.random.Generator, plan: Plan, state: State) -> None:
    pick = np.flatnonzero((plan.scheme < 0) & (plan.lookalike < 0) & (rng.random(plan.n) < 0.03))
    state.clean_sample.extend(
        (enc.id_text("project", int(plan.g[i])), int(plan.domain[i]), float(plan.t0[i])) for i in pick
    )
