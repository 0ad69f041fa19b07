"""Tenders and bids (招投标), and who gets each project's contract.

Clean tenders draw bidders from the clean company pools, prices spread around the ceiling with a
coefficient of variation of 5-15 %, and the winner's project manager is someone free for the whole
construction period. Planted schemes (rings, borrowed qualifications, cronies) are delegated to
`schemes/`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from yunshao.contract.schema import BID_STATUSES, TENDER_METHODS
from yunshao.simulate import encode as enc
from yunshao.simulate import schemes
from yunshao.simulate.companies import GOODS, SERVICES, WORKS, Companies
from yunshao.simulate.config import DAY, SIM_END
from yunshao.simulate.plan import CONSTRUCTION, GOODS_CAT, METHOD, NO_TENDER, PROCUREMENT, Plan
from yunshao.simulate.schemes import bid_rigging, lookalikes, qualification_borrowing, relative_favour
from yunshao.simulate.state import State
from yunshao.simulate.trails import Steps

BIDDERS = {  # method -> (low, high) number of bidders
    "open": (3, 12),
    "invited": (3, 6),
    "competitive_negotiation": (2, 4),
    "competitive_consultation": (2, 4),
    "inquiry": (3, 4),
    "single_source": (1, 1),
    "direct_award": (1, 1),
}


@dataclass
class Award:
    company: np.ndarray  # contractor per project, -1 if none
    price: np.ndarray  # contract base amount
    ceiling: np.ndarray
    tender: np.ndarray  # global tender index, -1 if none
    pm: np.ndarray
    tenders: pa.Table
    bids: pa.Table


@dataclass
class Flags:
    """Per-project scheme and look-alike masks, computed once per block."""

    rigging: np.ndarray
    relative: np.ndarray
    qualification: np.ndarray
    single: np.ndarray
    park: np.ndarray

    @classmethod
    def of(cls, plan: Plan) -> Flags:
        return cls(
            plan.has("bid_rigging"),
            plan.has("relative_favour"),
            plan.has("qualification_borrowing"),
            plan.is_look("cheap_single_bidder"),
            plan.is_look("park_shared_ip"),
        )


@dataclass
class Bid:
    company: int
    price: float
    submitted: int
    ip: str
    mac: str
    device: str
    author: str
    doc_hash: str
    deposit: str
    pm: int = -1
    tech: int = -1
    safety: int = -1
    status: int = 0


def company_kind(plan: Plan, i: int) -> int:
    if plan.domain[i] == CONSTRUCTION:
        return WORKS
    return GOODS if plan.category[i] == GOODS_CAT else SERVICES


def honest_bid(co: Companies, c: int, price: float, u: list[float], when: Callable[[float, float], int]) -> Bid:
    """A clean bid of company c; `u` holds 12 uniforms drawn for it (one generator call per tender)."""
    elsewhere = f"{36 + int(u[1] * 187)}.{int(u[2] * 255)}.{int(u[3] * 255)}.{2 + int(u[4] * 248)}"
    ip = co.ip[c] if u[0] < 0.9 else elsewhere
    doc_hash = f"{int(u[5] * 2**52):013x}{int(u[6] * 2**52):013x}{int(u[9] * 2**24):06x}"
    bid = Bid(c, price, when(u[10], u[11]), ip, co.mac[c], co.device[c], co.doc_author[c], doc_hash, co.account[c])
    if co.is_works[c]:
        bid.pm = int(co.pms[c][int(u[7] * len(co.pms[c]))])
        bid.tech = int(co.techs[c][int(u[8] * len(co.techs[c]))])
        bid.safety = int(co.safeties[c][int(u[9] * len(co.safeties[c]))])
    return bid


def make_bids(
    rng: np.random.Generator,
    co: Companies,
    companies: np.ndarray,
    prices: np.ndarray,
    when: Callable[[float, float], int],
) -> list[Bid]:
    """Clean bids of several companies with one draw of uniforms."""
    u = rng.random((len(companies), 12)).tolist()
    pairs = zip(np.asarray(companies).tolist(), np.asarray(prices, dtype=float).tolist(), strict=True)
    return [honest_bid(co, c, p, u[j], when) for j, (c, p) in enumerate(pairs)]


def pick_distinct(rng: np.random.Generator, pool: np.ndarray, k: int) -> np.ndarray:
    """k distinct members of pool without a shuffle: a random start and a stride short enough."""
    k = min(k, len(pool))
    step = int(rng.integers(1, max(2, len(pool) // max(k, 1))))
    start = int(rng.integers(0, len(pool)))
    return pool[(start + step * np.arange(k)) % len(pool)]


def free_pm(
    state: State, co: Companies, c: int, start: float, end: float, rng: np.random.Generator, project: int
) -> int:
    """A project manager of company c with no overlapping project, booked for [start, end]."""
    pms = co.pms[c]
    offset = int(rng.integers(0, len(pms)))
    for j in range(len(pms)):
        p = int(pms[(offset + j) % len(pms)])
        if all(e < start or s > end for s, e, _ in state.pm_busy.get(p, ())):
            state.pm_busy.setdefault(p, []).append((start, end, project))
            return p
    p = co.hire_pm(c)
    state.pm_busy[p] = [(start, end, project)]
    return p


def run_tenders(
    rng: np.random.Generator, plan: Plan, steps: Steps, co: Companies, state: State, dur: np.ndarray
) -> Award:
    n = plan.n
    company = np.full(n, -1)
    price = np.full(n, np.nan)
    ceiling = np.full(n, np.nan)
    tender = np.full(n, -1)
    pm_of = np.full(n, -1)
    start, end = steps.start, steps.end
    first = {node: steps.first(n, node) for node in ("C09", "C10", "C11", "C13", "P03")}
    flags = Flags.of(plan)
    t_rows: list[dict[str, Any]] = []
    bid_rows: list[tuple[int, Bid]] = []
    agencies = co.clean[3]
    for i in range(n):
        d = plan.domain[i]
        if d not in (CONSTRUCTION, PROCUREMENT):
            continue
        kd = company_kind(plan, i)
        ceil = float(plan.budget[i] * rng.uniform(0.9, 1.0))
        ceiling[i] = ceil
        method = int(plan.method[i])
        if method == NO_TENDER:
            company[i] = int(co.clean[kd][int(rng.integers(0, len(co.clean[kd])))])
            price[i] = ceil * rng.uniform(0.93, 0.99)
            continue
        if d == CONSTRUCTION:
            s9 = first["C09"][i]
            if s9 < 0:
                continue
            announced = start[first["C10"][i]] if first["C10"][i] >= 0 else end[s9] + 1
            opened = start[first["C11"][i]] if first["C11"][i] >= 0 else announced + 3
            awarded = end[first["C13"][i]] if first["C13"][i] >= 0 else np.inf
        else:
            s3 = first["P03"][i]
            if s3 < 0:
                continue
            announced = end[s3] + 1
            opened = announced + (20 if method in (METHOD["open"], METHOD["invited"]) else 5)
            awarded = opened + 3
        if announced > SIM_END:
            continue
        t_idx = state.take("tender", 1)
        tender[i] = t_idx
        a_day, o_day = int(announced), int(opened)
        row: dict[str, Any] = {
            "tender": t_idx,
            "project": int(plan.g[i]),
            "method": method,
            "announced": a_day * DAY + 10 * 3600,
            "deadline": o_day * DAY + 9 * 3600 + 1800,
            "opened": o_day * DAY + 9 * 3600 + 1800 if o_day <= SIM_END else -1,
            "awarded": int(awarded) * DAY + 15 * 3600 if awarded <= SIM_END else -1,
            "ceiling": ceil,
            "winner": -1,
            "award": np.nan,
            "agency": int(agencies[int(rng.integers(0, len(agencies)))]) if method <= 1 and rng.random() < 0.7 else -1,
        }
        t_rows.append(row)
        if o_day > SIM_END:
            continue
        lo_s = max(a_day + 1, o_day - 10)

        def when(a: float, b: float, lo_s: int = lo_s, o_day: int = o_day) -> int:
            """A submission time between the announcement and the opening."""
            t = (lo_s + int(a * (o_day + 1 - lo_s))) * DAY + 8 * 3600 + int(b * 12 * 3600)
            return min(t, o_day * DAY + 9 * 3600)

        period = (awarded, max(awarded + 90, plan.t0[i] + 240) + float(dur[i]) + 120)
        bids, winner, info = _bids_for(rng, plan, flags, i, kd, ceil, method, co, state, when, period)
        if plan.scheme[i] < 0 and lookalikes.park_pairs(co, [(b.company, b.ip) for b in bids]):
            pid = enc.id_text("project", int(plan.g[i]))
            state.lookalikes.append((pid, "park_shared_ip"))
            state.project_t0[pid] = float(plan.t0[i])
        if row["awarded"] >= 0:
            row["winner"] = winner.company
            row["award"] = winner.price
            company[i] = winner.company
            price[i] = winner.price
            pm_of[i] = winner.pm
        elif info.get("scheme") == "bid_rigging":
            info["winner"] = None  # the ring's bids are in, the award is still to come
        if info and (row["awarded"] >= 0 or info["scheme"] == "bid_rigging"):
            schemes.record_bidding(state, plan, i, t_idx, info)
        bid_rows.extend((t_idx, b) for b in bids)
    return Award(company, price, ceiling, tender, pm_of, _tender_table(t_rows), _bid_table(bid_rows, state))


def _bids_for(
    rng: np.random.Generator,
    plan: Plan,
    flags: Flags,
    i: int,
    kd: int,
    ceil: float,
    method: int,
    co: Companies,
    state: State,
    when: Any,
    period: tuple[float, float],
) -> tuple[list[Bid], Bid, dict[str, Any]]:
    """Bids of one tender, its winner, and what a planted scheme left (empty when clean)."""
    info: dict[str, Any] = {}
    if flags.rigging[i]:
        bids, winner, info = bid_rigging.ring_bids(rng, kd, ceil, co, state, when)
    else:
        bids, winner = _honest_bids(rng, plan, flags, i, kd, ceil, method, co, when)
    if co.kind[winner.company] == WORKS:
        if flags.qualification[i]:
            info = qualification_borrowing.apply(rng, plan, i, winner, co, state, period)
        else:
            pm = free_pm(state, co, winner.company, *period, rng, int(plan.g[i]))
            winner.pm = pm if pm >= 0 else winner.pm
    order = rng.permutation(len(bids))
    return [bids[j] for j in order], winner, info


def _honest_bids(
    rng: np.random.Generator,
    plan: Plan,
    flags: Flags,
    i: int,
    kd: int,
    ceil: float,
    method: int,
    co: Companies,
    when: Any,
) -> tuple[list[Bid], Bid]:
    lo, hi = BIDDERS[TENDER_METHODS[method]]
    nb = 1 if flags.single[i] else int(min(hi, lo + rng.poisson((hi - lo) / 2)))
    bidders = pick_distinct(rng, co.clean[kd], nb)
    winner_co = -1
    if flags.relative[i]:
        winner_co = relative_favour.crony(rng, co, kd)
    elif flags.qualification[i]:
        winner_co = qualification_borrowing.choose_variant(rng, plan, i, co)
    if flags.park[i]:
        bidders = _with_park_firms(rng, co, kd, bidders)
    if winner_co >= 0:
        bidders = np.concatenate([[winner_co], bidders[bidders != winner_co]])[: max(nb, 1)]
        if len(bidders) < 3 and method <= 1:
            more = pick_distinct(rng, co.clean[kd], 4)
            bidders = np.array(list(dict.fromkeys(int(b) for b in np.concatenate([bidders, more]))))
    mu = rng.uniform(0.80, 0.90)
    cv = rng.uniform(0.06, 0.16)
    prices = np.clip(ceil * mu * (1 + cv * rng.standard_normal(len(bidders))), ceil * 0.55, ceil * 0.985)
    if len(bidders) == 1:
        prices[:] = ceil * rng.uniform(0.9, 0.985)
    bids = make_bids(rng, co, bidders, prices, when)
    if len(bids) > 2:
        for b, r in zip(bids, rng.random(len(bids)), strict=True):
            b.status = 1 if r < 0.05 else (2 if r < 0.07 else 0)
    if winner_co >= 0:
        bids[0].status = 0
        valid = [b.price for b in bids[1:] if b.status == 0]
        if valid:
            bids[0].price = min(bids[0].price, min(valid) * rng.uniform(0.97, 0.995))
        return bids, bids[0]
    valid_bids = sorted((b for b in bids if b.status == 0), key=lambda b: b.price)
    if not valid_bids:
        bids[0].status = 0
        valid_bids = [bids[0]]
    return bids, valid_bids[0 if rng.random() < 0.75 or len(valid_bids) == 1 else 1]


def _with_park_firms(rng: np.random.Generator, co: Companies, kd: int, bidders: np.ndarray) -> np.ndarray:
    park = co.parks[int(rng.integers(0, len(co.parks)))]
    same = park[co.kind[park] == kd]
    firms = same if len(same) >= 2 else park
    chosen = firms[rng.choice(len(firms), size=min(len(firms), int(rng.integers(2, 4))), replace=False)]
    rest = bidders[~np.isin(bidders, chosen)]
    return np.concatenate([chosen, rest])[: max(len(bidders), len(chosen) + 1)]


def _tender_table(rows: list[dict[str, Any]]) -> pa.Table:
    n = len(rows)

    def col(k: str) -> np.ndarray:
        return np.array([r[k] for r in rows]) if rows else np.zeros(0, dtype=np.int64)

    return enc.table(
        "tenders",
        n,
        {
            "tender_id": enc.ids("tender", col("tender")),
            "project_id": enc.ids("project", col("project")),
            "method": enc.vocab(col("method"), TENDER_METHODS),
            "announced_at": enc.timestamps(col("announced")),
            "bid_deadline": enc.timestamps(col("deadline")),
            "opened_at": enc.timestamps(col("opened")),
            "awarded_at": enc.timestamps(col("awarded")),
            "ceiling_price": enc.money(col("ceiling").astype(float)),
            "winner_company_id": enc.ids("company", col("winner")),
            "award_price": enc.money(col("award").astype(float)),
            "agency_company_id": enc.ids("company", col("agency")),
        },
    )


def _bid_table(rows: list[tuple[int, Bid]], state: State) -> pa.Table:
    n = len(rows)
    first = state.take("bid", n)
    b = [r[1] for r in rows]
    return enc.table(
        "bids",
        n,
        {
            "bid_id": enc.ids("bid", np.arange(first, first + n)),
            "tender_id": enc.ids("tender", np.array([r[0] for r in rows], dtype=np.int64)),
            "company_id": enc.ids("company", np.array([x.company for x in b], dtype=np.int64)),
            "price": enc.money(np.array([x.price for x in b], dtype=float)),
            "submitted_at": enc.timestamps(np.array([x.submitted for x in b], dtype=np.int64)),
            "ip_address": [x.ip for x in b],
            "mac_address": [x.mac for x in b],
            "device_id": [x.device for x in b],
            "doc_author": [x.author for x in b],
            "doc_hash": [x.doc_hash for x in b],
            "deposit_account": [x.deposit for x in b],
            "project_manager_id": enc.ids("person", np.array([x.pm for x in b], dtype=np.int64)),
            "tech_lead_id": enc.ids("person", np.array([x.tech for x in b], dtype=np.int64)),
            "safety_lead_id": enc.ids("person", np.array([x.safety for x in b], dtype=np.int64)),
            "status": enc.vocab(np.array([x.status for x in b], dtype=np.int64), BID_STATUSES),
        },
    )
