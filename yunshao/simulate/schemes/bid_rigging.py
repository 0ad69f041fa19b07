"""Bid rigging (围标串标): a ring of 3-5 firms bids together and takes turns to win.

Each ring carries a fixed subset of traces, decided when the ring was formed (companies.py): shared
owners, phone or address at company level, and at bid level a shared device (same device id, MAC and
IP), the same document author and hash, bonds from one deposit account, a regular price ladder (equal
steps under 2 %), and a winning price at 99.5 % of the ceiling or more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from yunshao.simulate import encode as enc
from yunshao.simulate.companies import KINDS, WORKS, Companies
from yunshao.simulate.state import State


def ring_bids(
    rng: np.random.Generator, kd: int, ceil: float, co: Companies, state: State, when: Callable[[float, float], int]
) -> tuple[list[Any], Any, dict[str, Any]]:
    from yunshao.simulate.bidding import make_bids, pick_distinct

    rings = co.rings.get(kd) or co.rings[WORKS]
    r = int(rng.integers(0, len(rings)))
    ring = rings[r]
    turn = state.ring_turn.get((kd, r), 0)
    state.ring_turn[(kd, r)] = turn + 1
    m = len(ring.members)
    members = np.roll(ring.members, -(turn % m))  # rotating winner first
    traits = ring.traits
    high = "high_win" in traits
    w = ceil * (rng.uniform(0.9955, 0.999) if high else rng.uniform(0.86, 0.96))
    if "price_ladder" in traits:
        step = (0.9999 * ceil - w) / m / w if high else rng.uniform(0.004, 0.018)
        prices = w * (1 + step * np.arange(m))
    else:
        prices = np.concatenate([[w], np.minimum(w * (1 + rng.uniform(0.025, 0.09, m - 1)), ceil * 0.9999)])
    bids = make_bids(rng, co, members, prices, when)
    lead = bids[0]
    for b in bids[1:]:
        if "shared_device" in traits:
            b.device, b.mac, b.ip = lead.device, lead.mac, lead.ip
        if "same_doc" in traits:
            b.author, b.doc_hash = lead.author, lead.doc_hash
        if "same_deposit" in traits:
            b.deposit = lead.deposit
    outsiders: list[Any] = []
    if not high and rng.random() < 0.6:
        k = int(rng.integers(1, 4))
        others = pick_distinct(rng, co.clean[kd], k)
        o_prices = np.minimum(w * rng.uniform(1.03, 1.15, len(others)), ceil * 0.985)
        keep = o_prices > w * 1.01
        outsiders = make_bids(rng, co, others[keep], o_prices[keep], when)
    n_traits = len(traits)
    strength = "blatant" if n_traits >= 4 else ("moderate" if n_traits == 3 else "subtle")
    info = {
        "scheme": "bid_rigging",
        "strength": strength,
        "ring": f"{KINDS[kd]}-{r}",
        "members": [enc.id_text("company", int(c)) for c in ring.members],
        "traits": list(traits),
        "winner": enc.id_text("company", int(lead.company)),
        "shared_owner": enc.id_text("person", ring.owner) if ring.owner >= 0 else None,
    }
    return bids + outsiders, lead, info
