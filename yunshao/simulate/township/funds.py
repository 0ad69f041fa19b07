"""Special funds (惠民惠农资金): programmes F01→F06 and their payments to beneficiaries.

Honest beneficiaries live, on the day they are paid, in the programme's area (a township or one village),
are alive, fall within its income band and are paid once a year per kind of programme. Planted: a payment
after the beneficiary's death; to someone outside the area or above the band; to someone already paid by
another programme of the same kind that year; to a relative of the approver. Look-alikes: a payment made
on the very day of death; a resident who moved into the area before he was paid.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pyarrow as pa

from yunshao.simulate import encode as enc
from yunshao.simulate.config import DAY, SIM_END
from yunshao.simulate.township.ctx import Town
from yunshao.simulate.township.register import DECEASED, Register

#: kind: (name, amount per beneficiary, means-tested)
KINDS = {
    "minimum_living": ("最低生活保障金", 3_600.0, True),
    "elderly": ("高龄老人补贴", 1_200.0, False),
    "farmland": ("耕地地力保护补贴", 800.0, False),
    "disaster": ("受灾群众救助金", 2_000.0, True),
}
GAPS = ((10, 20), (3, 7), (7, 12), (3, 10), (90, 180))
NODES = ("F01", "F02", "F03", "F04", "F05", "F06")
NO_BAND = 10  # the highest income band: a programme that is not means-tested


def simulate_funds(town: Town, reg: Register, n: int) -> dict[str, pa.Table]:
    """`n` programmes; returns fund_programmes and fund_payments."""
    rng, world = town.rng, town.world
    town.assign("funds", n)
    by_village: dict[int, set[int]] = defaultdict(set)
    for hh, p, *_ in reg.rows:
        by_village[reg.hh_village[hh]].add(p)
    deaths = sorted((d, p) for p, d in reg.died_on.items() if p not in town.related)
    movers = sorted({r[1] for r in reg.rows if r[2] == 1 and r[3] > reg.hh_formed[r[0]] and len(reg.stays(r[1])) > 1})
    paid: dict[tuple[str, int], list[int]] = defaultdict(list)  # (kind, year) -> people paid
    paid_set: set[tuple[int, str, int]] = set()
    programmes: list[tuple[int, str, str, int, int, float]] = []
    payments: list[tuple[int, int, float, int, int, int, int]] = []
    for k in range(n):
        t0 = town.t0(k, n)
        kind, name = town.draw("funds")
        fkind = list(KINDS)[int(rng.integers(0, len(KINDS)))]
        zh, amount, tested = KINDS[fkind]
        band = town.conv.max_income_band if tested else NO_BAND
        days = town.schedule(int(t0), GAPS)
        pay = days[4]
        year = year_of(pay)
        special, special_day = -1, pay
        if name == "fund_deceased":
            cands = [p for d, p in deaths if d < pay - 30 and reg.income.get(p, 99) <= band]
            special = int(cands[int(rng.integers(0, len(cands)))]) if cands else -1
        elif name == "paid_on_death_day":
            on_day = [(d, p) for d, p in deaths if pay <= d <= pay + 30 and reg.income.get(p, 99) <= band]
            if on_day:
                special_day, special = on_day[int(rng.integers(0, len(on_day)))]
        elif name == "moved_in_resident":
            cands = [p for p in movers if _moved_in_before(reg, p, pay) and reg.income.get(p, 99) <= band]
            cands = [p for p in cands if reg.status.get(p) != DECEASED and p not in town.related]
            special = int(cands[int(rng.integers(0, len(cands)))]) if cands else -1
        elif name == "fund_twice":
            cands = [
                p for p in paid.get((fkind, year), [])
                if p not in town.related and (reg.status.get(p) != DECEASED or reg.died_on[p] > pay + 10)
            ]  # fmt: skip
            special = int(cands[int(rng.integers(0, len(cands)))]) if cands else -1
        if special < 0 and name in ("fund_deceased", "paid_on_death_day", "moved_in_resident", "fund_twice"):
            town.defer("funds", kind, name)  # nobody to stand on in this programme: the next one
            kind, name = "clean", ""
        if special >= 0:
            home = _last_village(reg, special, min(special_day, reg.died_on.get(special, special_day) - 1))
            township = int(world.unit_parent[home])
        else:
            township = int(world.unit_parent[int(town.villages[int(rng.integers(0, len(town.villages)))])])
        in_town = [int(v) for v in town.villages if world.unit_parent[v] == township]
        area = township if special >= 0 or rng.random() < 0.6 else in_town[int(rng.integers(0, len(in_town)))]
        area_villages = set(in_town) if area == township else {area}
        g = town.project("funds", township, f"{world.unit_names[area]}{year}年{zh}", fkind, np.nan, t0)
        who = {
            "F01": town.clerk(township, days[0]),
            "F02": town.approver(township, days[1]),
            "F03": town.clerk(township, days[2]),
            "F04": town.approver(township, days[3], head=True),
            "F05": town.approver(township, days[4]),
            "F06": town.approver(township, days[5]),
        }
        approver = who["F04"][1]
        chosen: list[tuple[int, int]] = []  # (person, paid day)
        pool = sorted(set().union(*(by_village[v] for v in area_villages)) - town.related - reg.fixed - {special})
        for p in rng.permutation(np.array(pool, dtype=np.int64))[:40]:
            day = pay + int(rng.integers(0, 5))
            if (
                reg.village_on(int(p), day) in area_villages
                and (reg.status.get(int(p)) != DECEASED or reg.died_on[int(p)] > day)
                and reg.income[int(p)] <= band
                and (int(p), fkind, year_of(day)) not in paid_set
            ):
                chosen.append((int(p), day))
            if len(chosen) >= int(rng.integers(4, 13)):
                break
        if name == "fund_relative":
            fresh = [c for c in chosen if c[0] not in town.parties]  # never a party before: no stray trace
            if fresh:
                chosen.remove(fresh[0])
                chosen.insert(0, fresh[0])
                town.relate(chosen[0][0], approver)
            else:
                kind, name = "clean", ""
        if name == "fund_ineligible":
            outside = sorted(
                p for v in town.villages if int(v) not in area_villages for p in by_village[int(v)]
                if p not in town.related and p not in reg.fixed and reg.status.get(p) == 0
            )  # fmt: skip
            taken = {p for p, _ in chosen}
            rich = [p for p in pool if reg.income[p] > band and reg.status.get(p) == 0 and p not in taken]
            pick = rich if rich and rng.random() < 0.5 else outside
            if pick:
                special, special_day = int(pick[int(rng.integers(0, len(pick)))]), pay + int(rng.integers(0, 5))
            else:
                kind, name = "clean", ""
        elif special >= 0 and name != "paid_on_death_day":
            special_day = pay if name == "fund_twice" else pay + int(rng.integers(0, 5))
        if special >= 0 and name != "fund_twice" and (special, fkind, year_of(special_day)) in paid_set:
            special, kind, name = -1, "clean", ""  # he was paid by this kind this year: no second payment
        if special >= 0:
            chosen.append((special, special_day))
        prog = len(programmes)
        programmes.append((g, f"{zh}（{year}）", fkind, area, band, amount))
        first_pay = len(payments)
        done = False
        for node, d in zip(NODES, days, strict=True):
            if d > SIM_END:
                break
            post, person = who[node]
            total = amount * len(chosen) if node in ("F04", "F05") else np.nan
            action = "submit" if node == "F01" else "approve"
            town.event(g, node, d, person, post, int(world.post_unit[post]), action=action, amount=total)
            done = node == "F06"
        approved = days[3] * DAY + 12 * 3600 if days[3] <= SIM_END else -1
        town.finish(g, approved, done)
        if pay + 35 > SIM_END:  # disbursement after today: nothing paid yet, nothing planted
            chosen, kind = [], "clean"
        for p, day in chosen:
            if p != special and (name != "fund_relative" or p != chosen[0][0]):  # honest: fund_twice may reuse
                paid[(fkind, year_of(day))].append(p)
            paid_set.add((p, fkind, year_of(day)))
            town.parties.add(p)
            ts = day * DAY + int(rng.integers(9 * 3600, 17 * 3600))
            home = _last_village(reg, p, min(day, reg.died_on.get(p, day)))
            payments.append((prog, p, amount, ts, approver, home, reg.income[p]))
        if kind == "scheme":
            j = 0 if name == "fund_relative" else len(chosen) - 1  # the relative is first, others last
            detail: dict[str, object] = {
                "programme_id": f"FPG{prog:05d}",
                "payment_id": f"FP{first_pay + j:07d}",
                "beneficiary_person_id": enc.id_text("person", chosen[j][0]),
            }
            town.truth(g, name, detail)
        elif kind == "look":
            town.lookalike(g, name)
    return _tables(programmes, payments)


def year_of(day: int) -> int:
    return int(np.datetime64(day, "D").astype("datetime64[Y]").astype(int)) + 1970


def _moved_in_before(reg: Register, person: int, day: int) -> bool:
    stays = sorted(reg.stays(person), key=lambda r: r[3])
    return len(stays) > 1 and stays[-1][3] < day - 30 and stays[-1][4] < 0


def _last_village(reg: Register, person: int, day: int) -> int:
    """The village registering the person on `day`, else the last one that did before it."""
    v = reg.village_on(person, day)
    if v >= 0:
        return v
    stays = sorted(reg.stays(person), key=lambda r: r[3])
    before = [r for r in stays if r[3] <= day] or stays
    return reg.hh_village[before[-1][0]]


def _tables(
    programmes: list[tuple[int, str, str, int, int, float]], payments: list[tuple[int, int, float, int, int, int, int]]
) -> dict[str, pa.Table]:
    n, m = len(programmes), len(payments)
    col = list(zip(*payments, strict=True)) if m else [()] * 7
    return {
        "fund_programmes": enc.table(
            "fund_programmes",
            n,
            {
                "programme_id": [f"FPG{i:05d}" for i in range(n)],
                "project_id": enc.ids("project", np.array([r[0] for r in programmes], dtype=np.int64)),
                "name": [r[1] for r in programmes],
                "kind": [r[2] for r in programmes],
                "area_unit_id": enc.ids("unit", np.array([r[3] for r in programmes], dtype=np.int64)),
                "max_income_band": np.array([r[4] for r in programmes], dtype=np.int64),
                "amount_per_beneficiary": enc.money(np.array([r[5] for r in programmes], dtype=np.float64)),
            },
        ),
        "fund_payments": enc.table(
            "fund_payments",
            m,
            {
                "payment_id": [f"FP{i:07d}" for i in range(m)],
                "programme_id": [f"FPG{i:05d}" for i in col[0]],
                "beneficiary_person_id": enc.ids("person", np.array(col[1], dtype=np.int64)),
                "amount": enc.money(np.array(col[2], dtype=np.float64)),
                "paid_at": enc.timestamps(np.array(col[3], dtype=np.int64)),
                "approver_person_id": enc.ids("person", np.array(col[4], dtype=np.int64)),
                "residence_unit_id": enc.ids("unit", np.array(col[5], dtype=np.int64)),
                "income_band": np.array(col[6], dtype=np.int64),
            },
        ),
    }
