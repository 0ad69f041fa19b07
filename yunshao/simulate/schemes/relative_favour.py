"""Relative favour (利益输送给亲属): a project is won by a firm whose legal representative or shareholder
is a relative of an official who approved the project's nodes.

Only crony firms (set aside in companies.py) ever win such projects, so every project a crony wins is
planted; the relation is added between the crony's owner and an approver of the project.
"""

from __future__ import annotations

import numpy as np

from yunshao.simulate import encode as enc
from yunshao.simulate.companies import Companies
from yunshao.simulate.plan import Plan
from yunshao.simulate.schemes import record
from yunshao.simulate.state import State
from yunshao.simulate.trails import APPROVE, NODE, Events

KINDS = {"spouse": 0, "kin": 1, "in_law": 2}
DECIDING = [NODE[c] for c in ("C04", "C09", "C13", "C14", "C18", "C20", "P02", "P04", "P05")]


def crony(rng: np.random.Generator, co: Companies, kd: int) -> int:
    pool = co.cronies.get(kd)
    if pool is None or not len(pool):
        return -1
    return int(pool[int(rng.integers(0, len(pool)))])


def apply(
    rng: np.random.Generator, plan: Plan, events: Events, company: np.ndarray, co: Companies, state: State
) -> None:
    for i in np.flatnonzero(plan.has("relative_favour") & (company >= 0)):
        c = int(company[i])
        if c not in set(co.cronies.get(int(co.kind[c]), ())):
            continue
        ev = np.flatnonzero((events.proj == i) & (events.action == APPROVE) & np.isin(events.node, DECIDING))
        resp = int(plan.resp_post[i])
        if resp >= 0 and (events.post[ev] == resp).any():  # the relative of the corrupt post's holder
            ev = ev[events.post[ev] == resp]
        if not len(ev):
            continue
        e = int(ev[int(rng.integers(0, len(ev)))])
        official, post = int(events.person[e]), int(events.post[e])
        owners = co.owners[c]
        owner = owners[int(rng.integers(0, len(owners)))]
        kind = list(KINDS)[int(rng.integers(0, 3))]
        state.extra_relations.add((min(official, owner), max(official, owner), KINDS[kind]))
        strength = "blatant" if kind == "spouse" else ("moderate" if owner == owners[0] else "subtle")
        detail = {
            "company": enc.id_text("company", c),
            "official": enc.id_text("person", official),
            "owner": enc.id_text("person", owner),
            "relation": kind,
            "post": enc.id_text("post", post),
        }
        record(state, plan, int(i), "relative_favour", strength, detail)
        record(state, plan, int(i), "relative_favour", strength, detail, ("post", enc.id_text("post", post)))
