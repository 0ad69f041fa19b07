"""Benign look-alikes: clean projects that resemble a scheme but are lawful, recorded in
TRUTH/lookalikes.parquet so that a detector flagging them can be counted as a false alarm.

- emergency_no_tender: emergency works (category `emergency`) above the threshold without a tender;
- honest_change_orders: 2-3 change orders of at most 5 % each, documented, at most 10 % in total;
- cheap_single_bidder: a tender below the threshold with one bidder;
- relative_of_employee: an approving official is a relative of the winner's employee (not an owner);
- park_shared_ip: bidders from one industrial park share the park's IP address, with their own devices;
- payout_withheld: performance below the promise, and the payout was refused at I04;
- prime_parcel: a large parcel, with a normal price per m²;
- phased_project: a later phase (parent_project_id) of a project of the same unit and category, started
  weeks later; both are above the threshold and openly tendered.
"""

from __future__ import annotations

import numpy as np

from yunshao.simulate import encode as enc
from yunshao.simulate.companies import Companies
from yunshao.simulate.plan import LOOKALIKES, Plan
from yunshao.simulate.state import State
from yunshao.simulate.trails import APPROVE, NODE, Events

DECIDING = [NODE[c] for c in ("C04", "C09", "C13", "C14", "C18", "P02", "P04")]


def relate_employees(
    rng: np.random.Generator, plan: Plan, events: Events, company: np.ndarray, co: Companies, state: State
) -> np.ndarray:
    """Add a relation between an approver and an employee of the winner; True where it was added."""
    done = np.zeros(plan.n, dtype=bool)
    for i in np.flatnonzero(plan.is_look("relative_of_employee") & (company >= 0)):
        c = int(company[i])
        staff = np.concatenate([co.pms[c], co.techs[c], co.safeties[c], co.employees[c]])
        ev = np.flatnonzero((events.proj == i) & (events.action == APPROVE) & np.isin(events.node, DECIDING))
        if not len(staff) or not len(ev):
            continue
        official = int(events.person[int(ev[int(rng.integers(0, len(ev)))])])
        emp = int(staff[int(rng.integers(0, len(staff)))])
        state.extra_relations.add((min(official, emp), max(official, emp), int(rng.choice([0, 1, 2]))))
        done[i] = True
    return done


def record(plan: Plan, exists: dict[str, np.ndarray], state: State) -> None:
    """Record the look-alikes whose resemblance is present in the written data."""
    for code, kind in enumerate(LOOKALIKES):
        ok = exists.get(kind)
        if ok is None:
            continue
        for i in np.flatnonzero((plan.lookalike == code) & ok):
            pid = enc.id_text("project", int(plan.g[i]))
            state.lookalikes.append((pid, kind))
            state.project_t0[pid] = float(plan.t0[i])


def park_pairs(co: Companies, bids: list[tuple[int, str]]) -> bool:
    """Two or more bids (company, ip) from firms of one park that came from the park's shared address."""
    ips = [ip for c, ip in bids if co.park_of[c] >= 0 and ip == co.ip[c]]
    return len(ips) != len(set(ips))
