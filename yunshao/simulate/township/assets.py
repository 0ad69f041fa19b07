"""Collective assets (村集体资产发包租赁): appraised assets and their leases, A01→A06.

Honest leases go to public bidding (auction or public listing) with the assembly's resolution, at rents near
the appraisal (and so near the rents of peer assets of the same kind). Some counties lawfully negotiate a
share of leases once the village assembly resolves it (`convention.negotiated_assembly_p`): those are
look-alikes of a lease without bidding. Planted: a rent far below the appraisal; a negotiated lease or
renewal with neither bidding nor the assembly; a lease to a relative of the cadre who signs it. Look-alike:
a genuinely poor asset, appraised low and let at its appraisal.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from yunshao.contract.schema import ASSET_KINDS, LEASE_METHODS
from yunshao.simulate import encode as enc
from yunshao.simulate.config import SIM_END
from yunshao.simulate.township.ctx import Town
from yunshao.simulate.township.register import Register

#: Kinds let here, their area range (m2) and appraised rent (yuan a m2 a year).
KINDS = {"land": (2_000, 30_000, 0.9), "pond": (1_000, 10_000, 1.2), "forest": (10_000, 100_000, 0.15),
         "building": (100, 800, 60.0), "shop": (30, 200, 150.0)}  # fmt: skip
KIND_ZH = {"land": "耕地", "pond": "鱼塘", "forest": "林地", "building": "厂房", "shop": "商铺"}
GAPS = ((5, 15), (7, 20), (3, 10), (5, 15), (20, 60))
NODES = ("A01", "A02", "A03", "A04", "A05", "A06")


class Assets:
    """The villages' assets, drawn as leases need them."""

    def __init__(self) -> None:
        self.village: list[int] = []
        self.kind: list[str] = []
        self.area: list[float] = []
        self.rent: list[float] = []
        self.appraised: list[int] = []
        self.free_from: list[int] = []
        self.last_lease: list[int] = []

    def add(self, rng: np.random.Generator, village: int, day: int, poor: bool = False) -> int:
        kind = list(KINDS)[int(rng.integers(0, len(KINDS)))]
        lo, hi, rate = KINDS[kind]
        area = round(float(rng.uniform(lo, hi)), 0)
        quality = float(rng.uniform(0.3, 0.45)) if poor else float(rng.uniform(0.85, 1.2))
        self.village.append(village)
        self.kind.append(kind)
        self.area.append(area)
        self.rent.append(round(area * rate * quality, -1))
        self.appraised.append(day - int(rng.integers(10, 120)))
        self.free_from.append(0)
        self.last_lease.append(-1)
        return len(self.village) - 1

    def table(self) -> pa.Table:
        n = len(self.village)
        return enc.table(
            "collective_assets",
            n,
            {
                "asset_id": [f"CA{i:05d}" for i in range(n)],
                "village_unit_id": enc.ids("unit", np.array(self.village, dtype=np.int64)),
                "kind": self.kind,
                "name": [f"{KIND_ZH[k]}{i:05d}" for i, k in enumerate(self.kind)],
                "area_m2": np.array(self.area, dtype=np.float64),
                "appraised_rent": enc.money(np.array(self.rent, dtype=np.float64)),
                "appraised_at": enc.dates(np.array(self.appraised, dtype=np.int64)),
            },
        )


def _lessee(town: Town, residents: dict[int, list[int]], village: int) -> int:
    """A villager registered in the village (anyone in the county when the village has nobody left),
    never a party before and unrelated to the cadres."""
    away = town.related | town.parties
    pool = [p for p in residents.get(village, []) if p not in away]
    if not pool:
        pool = [p for ps in residents.values() for p in ps if p not in away]
    p = int(pool[int(town.rng.integers(0, len(pool)))])
    town.parties.add(p)
    return p


def simulate_assets(town: Town, reg: Register, n: int) -> dict[str, pa.Table]:
    """`n` leases of the villages' assets; returns collective_assets and asset_leases."""
    rng, conv = town.rng, town.conv
    town.assign("assets", n, {"assembly_negotiated_lease": conv.negotiated_assembly_p})
    assets = Assets()
    residents: dict[int, list[int]] = {}
    for hh, p, _, _, left in reg.rows:
        if left < 0:
            residents.setdefault(reg.hh_village[hh], []).append(p)
    rows: list[tuple[int, int, int, float, int, int, int, bool, int]] = []
    for k in range(n):
        t0 = town.t0(k, n)
        kind, name = town.draw("assets")
        day0 = int(t0)
        v = int(town.villages[int(rng.integers(0, len(town.villages)))])
        free = [a for a in range(len(assets.village)) if assets.village[a] == v and assets.free_from[a] <= day0]
        lapsing = [a for a in free if assets.last_lease[a] >= 0]
        if name == "lease_no_bidding" and lapsing and rng.random() < 0.6:  # renewed to the sitting tenant
            a = lapsing[int(rng.integers(0, len(lapsing)))]
        elif name == "poor_asset_low_rent" or not free or rng.random() < 0.35:
            a = assets.add(rng, v, day0, poor=name == "poor_asset_low_rent")
        else:
            a = free[int(rng.integers(0, len(free)))]
        renews = assets.last_lease[a]
        appraised = assets.rent[a]
        method = 1 if rng.random() < conv.public_listing_p else 0  # public_listing / auction
        assembly = True
        rent = appraised * float(rng.uniform(0.95, 1.3))
        if name in ("assembly_negotiated_lease", "lease_no_bidding"):
            method = LEASE_METHODS.index("negotiated")
            rent = appraised * float(rng.uniform(0.95, 1.1))
            assembly = name == "assembly_negotiated_lease"
        elif name == "lease_below_value":
            rent = appraised * float(rng.uniform(0.25, 0.4))
        elif name == "poor_asset_low_rent":
            rent = appraised * float(rng.uniform(0.95, 1.1))
        rent = round(rent, -1)
        term = int(rng.choice([1, 2, 3, 5]))
        g = town.project(
            "assets", v, f"{town.world.unit_names[v]}{KIND_ZH[assets.kind[a]]}发包租赁", assets.kind[a], rent * term, t0
        )
        days = town.schedule(day0, GAPS)
        township = int(town.world.unit_parent[v])
        who = {
            "A01": town.approver(v, days[0]),
            "A02": town.approver(v, days[1], head=True),
            "A03": town.approver(v, days[2]),
            "A04": town.approver(v, days[3], head=True),
            "A05": town.approver(township, days[4]),
            "A06": town.approver(v, days[5]),
        }
        lessee = _lessee(town, residents, v)
        if name == "lease_relative":
            town.relate(lessee, who["A04"][1])
        skip = set() if assembly else {"A02"}
        if method == LEASE_METHODS.index("negotiated"):
            skip.add("A03")
        signed = -1
        for node, d in zip(NODES, days, strict=True):
            if node in skip or d > SIM_END:
                continue
            post, person = who[node]
            amount = rent if node in ("A04", "A06") else (appraised if node == "A01" else np.nan)
            ts = town.event(g, node, d, person, post, int(town.world.post_unit[post]), amount=amount)
            signed = ts if node == "A04" else signed
        town.finish(g, signed, days[-1] <= SIM_END)
        lease = len(rows)
        rows.append((g, a, lessee, rent, days[3], term, method, assembly, renews))
        assets.free_from[a] = days[3] + 365 * term
        assets.last_lease[a] = lease
        if kind == "scheme":
            detail: dict[str, object] = {"lease_id": f"AL{lease:06d}", "rent": rent, "appraised_rent": appraised}
            if name == "lease_relative":
                detail["approver_person_id"] = enc.id_text("person", who["A04"][1])
            town.truth(g, name, detail)
        elif kind == "look":
            town.lookalike(g, name)
    n_rows = len(rows)
    return {
        "collective_assets": assets.table(),
        "asset_leases": enc.table(
            "asset_leases",
            n_rows,
            {
                "lease_id": [f"AL{i:06d}" for i in range(n_rows)],
                "project_id": enc.ids("project", np.array([r[0] for r in rows], dtype=np.int64)),
                "asset_id": [f"CA{r[1]:05d}" for r in rows],
                "lessee_person_id": enc.ids("person", np.array([r[2] for r in rows], dtype=np.int64)),
                "rent": enc.money(np.array([r[3] for r in rows], dtype=np.float64)),
                "start_date": enc.dates(np.array([r[4] for r in rows], dtype=np.int64)),
                "term_years": np.array([r[5] for r in rows], dtype=np.float64),
                "method": enc.vocab(np.array([r[6] for r in rows]), LEASE_METHODS),
                "assembly_approved": np.array([r[7] for r in rows], dtype=bool),
                "renews_lease_id": [f"AL{r[8]:06d}" if r[8] >= 0 else None for r in rows],
            },
        ),
    }


_ = ASSET_KINDS  # the contract's vocabulary; KINDS uses five of its six words
