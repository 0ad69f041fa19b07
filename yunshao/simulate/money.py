"""Money along the trail: amounts on approval nodes, contracts and supplements, payments, settlements,
investment agreements with yearly performance, and land parcels.

Clean money never carries a scheme's trace: audited settlements stay within 10 % of the contract, change
orders total at most 10 %, contracts are signed at C14 and payments follow the construction permit. A few
clean change orders reduce the works (核减): a negative amount, as the contract allows on a change node,
with no supplement contract, and the settlement follows the reduced total.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from yunshao.contract.schema import CONTRACT_KINDS, PAYMENT_KINDS
from yunshao.simulate import encode as enc
from yunshao.simulate.bidding import Award
from yunshao.simulate.companies import GOODS, INVESTOR, SERVICES, Companies
from yunshao.simulate.config import DAY, SIM_END
from yunshao.simulate.plan import CATEGORY_WORDS, CONSTRUCTION, INVESTMENT, LAND, PROCUREMENT, SUBSIDY, Plan
from yunshao.simulate.schemes import land_appraisal_inflation, payout_unmet_promise, settlement_inflation
from yunshao.simulate.state import State
from yunshao.simulate.trails import REDUCTION_NOTE, Events, Steps

ADVANCE, PROGRESS, SETTLEMENT, COMPENSATION, SUBSIDY_PAY, OTHER = range(len(PAYMENT_KINDS))
LAND_PRICE = {"industrial": 450.0, "residential": 2200.0, "public": 700.0}
#: Share of the clean change orders without a supplement contract that reduce the works instead (核减).
REDUCTION_SHARE = 0.25


@dataclass
class Deals:
    """Per project: who is paid and how much, decided before the events are written."""

    company: np.ndarray  # contractor / recipient / investor
    contract: np.ndarray
    audited: np.ndarray
    submitted: np.ndarray
    supplement: np.ndarray  # per step: C17 step with a supplement contract
    area: np.ndarray
    appraised: np.ndarray
    agreed: np.ndarray
    appraiser: np.ndarray
    seller: np.ndarray  # person or company index
    seller_is_company: np.ndarray
    promised: np.ndarray
    payout: np.ndarray


def decide(
    rng: np.random.Generator,
    plan: Plan,
    steps: Steps,
    award: Award,
    co: Companies,
    region_factor: np.ndarray,
    reductions: np.random.Generator,
) -> Deals:
    """Amounts per step (steps.amount, steps.note) and per project.

    ``reductions`` draws the honest reductions apart from ``rng``, so every other value of a county stays
    what it was before reductions were planted.
    """
    n = plan.n
    company = award.company.copy()
    contract = award.price.copy()
    recipients = np.concatenate([co.clean[GOODS], co.clean[SERVICES], co.clean[INVESTOR]])
    sub = plan.domain == SUBSIDY
    company[sub] = recipients[rng.integers(0, len(recipients), n)][sub]
    inv = plan.domain == INVESTMENT
    company[inv] = co.clean[INVESTOR][rng.integers(0, len(co.clean[INVESTOR]), n)][inv]
    amount = np.full(len(steps.proj), np.nan)
    note = np.full(len(steps.proj), -1)
    budget = plan.budget
    p = steps.proj

    def put(node: str, values: np.ndarray) -> None:
        idx = steps.of(node)
        amount[idx] = values[p[idx]]

    ceiling = np.where(np.isnan(award.ceiling), budget, award.ceiling)
    for node in ("C04", "C06", "P02"):
        put(node, budget)
    put("C08", ceiling)
    put("C13", contract)
    put("C14", contract)
    put("P04", contract)
    # change orders: clean ones small; honest look-alikes up to 5 % each, well documented
    c17 = steps.of("C17")
    frac = rng.uniform(0.005, 0.035, len(c17))
    honest = plan.is_look("honest_change_orders")[p[c17]]
    frac[honest] = rng.uniform(0.03, 0.05, int(honest.sum()))
    planted_frac = settlement_inflation.change_fractions(rng, plan, p[c17])
    frac = np.where(np.isnan(planted_frac), frac, planted_frac)
    total = np.bincount(p[c17], weights=frac, minlength=n)
    cap = np.where(
        np.isnan(planted_frac), np.minimum(1.0, np.where(honest, 0.10, 0.08) / np.maximum(total[p[c17]], 1e-9)), 1.0
    )
    frac = frac * cap
    amount[c17] = frac * contract[p[c17]]
    note[c17] = np.where(honest, 5, np.where(np.isnan(planted_frac), rng.choice([4, 5, -1], len(c17)), 6))
    supplement = np.zeros(len(steps.proj), dtype=bool)
    supplement[c17] = (rng.random(len(c17)) < 0.7) | honest | ~np.isnan(planted_frac)
    plain = c17[np.isnan(planted_frac) & ~honest & ~supplement[c17] & np.isfinite(contract[p[c17]])]
    reduce_works(reductions, plain, contract[p[plain]], amount, note)
    changes = np.bincount(p[c17], weights=amount[c17], minlength=n)
    c18 = steps.of("C18")
    w = rng.uniform(0.5, 1.5, len(c18))
    share = w / np.bincount(p[c18], weights=w, minlength=n)[p[c18]]
    amount[c18] = share * rng.uniform(0.6, 0.8, n)[p[c18]] * (contract + changes)[p[c18]]
    audited = (contract + changes) * rng.uniform(0.94, 1.01, n)
    audited = np.minimum(audited, contract * 1.09)
    audited = settlement_inflation.audited(rng, plan, contract, audited)
    submitted = audited * rng.uniform(1.0, 1.08, n)
    put("C20", audited)

    # investment, land, subsidy, procurement payments
    promised = budget.copy()
    payout = budget * rng.uniform(0.02, 0.05, n)
    put("I02", promised)
    put("I04", payout)
    put("I05", payout)
    area = np.exp(rng.normal(np.log(15_000), 0.7, n))
    area = np.where(plan.is_look("prime_parcel"), area * rng.uniform(4, 8, n), area)
    words = np.array(CATEGORY_WORDS, dtype=object)[plan.category]
    base = np.array([LAND_PRICE.get(w, 0.0) for w in words])
    unit_price = base * region_factor[plan.unit] * rng.lognormal(0, 0.08, n)
    unit_price = land_appraisal_inflation.inflate(rng, plan, unit_price)
    appraised = area * unit_price
    agreed = appraised * rng.uniform(0.97, 1.0, n)
    land = plan.domain == LAND
    plan.budget[land] = (area * base * region_factor[plan.unit] * rng.uniform(0.95, 1.1, n))[land]
    put("L03", appraised)
    put("L05", agreed)
    put("L06", agreed)
    put("S03", budget)
    put("S04", budget)
    put("P05", contract)
    appraiser = co.clean[4][rng.integers(0, len(co.clean[4]), n)]
    seller_is_company = rng.random(n) < 0.35
    sellers_co = np.concatenate([co.clean[INVESTOR], co.clean[GOODS]])
    seller = np.where(seller_is_company, sellers_co[rng.integers(0, len(sellers_co), n)], -1)
    steps.amount = amount
    steps.note = note
    return Deals(
        company=company,
        contract=contract,
        audited=audited,
        submitted=submitted,
        supplement=supplement,
        area=area,
        appraised=appraised,
        agreed=agreed,
        appraiser=appraiser,
        seller=seller,
        seller_is_company=seller_is_company,
        promised=promised,
        payout=payout,
    )


def reduce_works(
    rng: np.random.Generator, candidates: np.ndarray, contract: np.ndarray, amount: np.ndarray, note: np.ndarray
) -> None:
    """Turn about ``REDUCTION_SHARE`` of the ``candidates`` (C17 steps) into honest reductions (核减).

    Works are cut as well as added; a county's data holds such change orders with negative amounts, and a
    detector that has never seen one would take the contract's exception for an error. Candidates are
    clean change orders without a supplement contract, since contract amounts are never negative.
    """
    pick = rng.random(len(candidates)) < REDUCTION_SHARE
    steps = candidates[pick]
    amount[steps] = -rng.uniform(0.005, 0.03, len(steps)) * contract[pick]
    note[steps] = REDUCTION_NOTE


def _ts_of(events: Events, steps: Steps, step_idx: np.ndarray) -> np.ndarray:
    """Timestamp of each step's final approve, -1 if the step or its approval does not exist."""
    ev = np.where(step_idx >= 0, events.approve_of_step[np.maximum(step_idx, 0)], -1)
    return np.where(ev >= 0, events.ts[np.maximum(ev, 0)], -1)


def _person_of(events: Events, step_idx: np.ndarray) -> np.ndarray:
    ev = np.where(step_idx >= 0, events.approve_of_step[np.maximum(step_idx, 0)], -1)
    return np.where(ev >= 0, events.person[np.maximum(ev, 0)], -1)


def tables(
    rng: np.random.Generator,
    plan: Plan,
    steps: Steps,
    events: Events,
    award: Award,
    deals: Deals,
    co: Companies,
    state: State,
    bba_shift: dict[str, np.ndarray],
    villagers: np.ndarray,
) -> dict[str, pa.Table]:
    """contracts, payments, settlements, agreements, performance and land_parcels of a block."""
    n = plan.n
    first = {
        node: steps.first(n, node)
        for node in ("C04", "C14", "C15", "C20", "P04", "I02", "I03", "I04", "I05", "L06", "S04", "P05")
    }
    ts = {node: _ts_of(events, steps, s) for node, s in first.items()}
    end = (SIM_END + 1) * DAY
    l03, l05 = _ts_of(events, steps, steps.first(n, "L03")), _ts_of(events, steps, steps.first(n, "L05"))
    land = land_appraisal_inflation.parcels(rng, plan, deals, co, state, villagers, l03 > 0, l05 > 0)
    # --- contracts
    main_ts = np.where(plan.domain == CONSTRUCTION, ts["C14"], np.where(plan.domain == PROCUREMENT, ts["P04"], -1))
    main_ts = np.where(
        (bba_shift["contract"] > 0) & (ts["C04"] > 0) & (main_ts > 0), ts["C04"] - bba_shift["contract"], main_ts
    )
    has_main = (main_ts > 0) & (deals.company >= 0) & ~np.isnan(deals.contract)
    main_proj = np.flatnonzero(has_main)
    c17 = steps.of("C17")
    c17 = c17[deals.supplement[c17]]
    c17_ts = _ts_of(events, steps, c17)
    c17 = c17[(c17_ts > 0) & has_main[steps.proj[c17]]]
    c17_ts = _ts_of(events, steps, c17)
    n_main, n_sup = len(main_proj), len(c17)
    first_ct = state.take("contract", n_main + n_sup)
    main_id = np.full(n, -1)
    main_id[main_proj] = first_ct + np.arange(n_main)
    ct_proj = np.concatenate([main_proj, steps.proj[c17]])
    contracts = enc.table(
        "contracts",
        n_main + n_sup,
        {
            "contract_id": enc.ids("contract", first_ct + np.arange(n_main + n_sup)),
            "project_id": enc.ids("project", plan.g[ct_proj]),
            "tender_id": enc.ids("tender", np.concatenate([award.tender[main_proj], np.full(n_sup, -1)])),
            "company_id": enc.ids("company", deals.company[ct_proj]),
            "kind": enc.vocab(np.concatenate([np.zeros(n_main), np.ones(n_sup)]).astype(int), CONTRACT_KINDS),
            "signed_at": enc.timestamps(np.concatenate([main_ts[main_proj], c17_ts])),
            "amount": enc.money(np.concatenate([deals.contract[main_proj], steps.amount[c17]])),
        },
    )
    # --- payments
    rows: list[tuple[np.ndarray, ...]] = []  # proj, contract, kind, amount, ts, company, person

    def pay(
        proj: np.ndarray, kind: int, amount: np.ndarray, when: np.ndarray, person: np.ndarray, payee: np.ndarray
    ) -> None:
        ok = (when > 0) & (when < end) & (amount > 0)
        rows.append(
            (proj[ok], main_id[proj[ok]], np.full(int(ok.sum()), kind), amount[ok], when[ok], payee[ok], person[ok])
        )

    cons = np.flatnonzero((plan.domain == CONSTRUCTION) & has_main)
    early = (bba_shift["payment"][cons] > 0) & (ts["C15"][cons] > 0)
    adv_mask = (rng.random(len(cons)) < 0.5) | early
    adv = cons[adv_mask]
    c15 = ts["C15"][adv]
    adv_amt = deals.contract[adv] * rng.uniform(0.1, 0.3, len(adv))
    adv_ts = np.where(c15 > 0, c15 + (rng.uniform(3, 20, len(adv)) * DAY).astype(np.int64), -1)
    adv_ts = np.where(early[adv_mask], c15 - bba_shift["payment"][adv], adv_ts)
    pay(adv, ADVANCE, adv_amt, adv_ts, _person_of(events, first["C14"])[adv], deals.company[adv])
    c18 = steps.of("C18")
    c18_ts = _ts_of(events, steps, c18)
    c18p = steps.proj[c18]
    ok18 = has_main[c18p]
    pay(
        c18p[ok18],
        PROGRESS,
        steps.amount[c18][ok18],
        (c18_ts + (rng.uniform(1, 10, len(c18)) * DAY).astype(np.int64) * (c18_ts > 0))[ok18],
        _person_of(events, c18)[ok18],
        deals.company[c18p][ok18],
    )
    paid = np.zeros(n)
    for r in rows:
        paid += np.bincount(r[0], weights=r[3], minlength=n)
    fin = cons[ts["C20"][cons] > 0]
    pay(
        fin,
        SETTLEMENT,
        deals.audited[fin] - paid[fin],
        ts["C20"][fin] + (rng.uniform(5, 30, len(fin)) * DAY).astype(np.int64),
        _person_of(events, first["C20"])[fin],
        deals.company[fin],
    )
    proc = np.flatnonzero((plan.domain == PROCUREMENT) & has_main)
    pay(
        proc,
        SETTLEMENT,
        deals.contract[proc],
        ts["P05"][proc] + (rng.uniform(1, 10, len(proc)) * DAY).astype(np.int64) * (ts["P05"][proc] > 0),
        _person_of(events, first["P05"])[proc],
        deals.company[proc],
    )
    sub = np.flatnonzero(plan.domain == SUBSIDY)
    pay(
        sub,
        SUBSIDY_PAY,
        plan.budget[sub],
        ts["S04"][sub] + (rng.uniform(1, 7, len(sub)) * DAY).astype(np.int64) * (ts["S04"][sub] > 0),
        _person_of(events, first["S04"])[sub],
        deals.company[sub],
    )
    inv = np.flatnonzero(plan.domain == INVESTMENT)
    pay(
        inv,
        SUBSIDY_PAY,
        deals.payout[inv],
        ts["I05"][inv] + (rng.uniform(1, 7, len(inv)) * DAY).astype(np.int64) * (ts["I05"][inv] > 0),
        _person_of(events, first["I05"])[inv],
        deals.company[inv],
    )
    lnd = np.flatnonzero(plan.domain == LAND)
    pay(
        lnd,
        COMPENSATION,
        deals.agreed[lnd],
        ts["L06"][lnd] + (rng.uniform(1, 7, len(lnd)) * DAY).astype(np.int64) * (ts["L06"][lnd] > 0),
        _person_of(events, first["L06"])[lnd],
        deals.seller[lnd],
    )
    cols = [np.concatenate([r[j] for r in rows]) for j in range(7)]
    order = np.lexsort((cols[4], cols[0]))
    cols = [c[order] for c in cols]
    n_pay = len(cols[0])
    first_pay = state.take("payment", n_pay)
    payee = cols[5].astype(np.int64)
    accounts = np.array([*co.account, None], dtype=object)
    payments = enc.table(
        "payments",
        n_pay,
        {
            "payment_id": enc.ids("payment", first_pay + np.arange(n_pay)),
            "project_id": enc.ids("project", plan.g[cols[0]]),
            "contract_id": enc.ids("contract", cols[1].astype(np.int64)),
            "kind": enc.vocab(cols[2].astype(np.int64), PAYMENT_KINDS),
            "amount": enc.money(cols[3]),
            "paid_at": enc.timestamps(cols[4].astype(np.int64)),
            "payee_company_id": enc.ids("company", payee),
            "payee_account": pa.array(accounts[payee], pa.string()),
            "person_id": enc.ids("person", cols[6].astype(np.int64)),
        },
    )
    # --- settlements
    settle = cons[ts["C20"][cons] > 0]
    settlements = enc.table(
        "settlements",
        len(settle),
        {
            "project_id": enc.ids("project", plan.g[settle]),
            "submitted_amount": enc.money(deals.submitted[settle]),
            "audited_amount": enc.money(deals.audited[settle]),
            "settled_at": enc.timestamps(ts["C20"][settle]),
        },
    )
    out = {"contracts": contracts, "payments": payments, "settlements": settlements}
    out.update(payout_unmet_promise.agreements(rng, plan, deals, ts, state))
    out.update(land)
    return out
