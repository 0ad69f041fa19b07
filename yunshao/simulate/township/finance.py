"""Finance (财务报销): expense claims E01→E04, each a project with one or more invoices.

An invoice above the county's approval limit (`convention.approval_limit`) needs the head's sign-off at E03;
below it a deputy signs. Honest invoices stay clear of the band just under the limit, meals are on working
days within the per-head norm (`convention.meal_norm`), every invoice number is used once, and nobody
approves his own claim. Planted: one purchase split into 2-4 claims, each invoice just under the limit; an
invoice claimed a second time; a banquet on a weekend or holiday above the norm; a head approving his own
claim. Look-alikes: a weekend meal on flood or emergency duty within the norm; repeated small claims of one
clerk at one shop.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from yunshao.contract.schema import EXPENSE_KINDS
from yunshao.simulate import encode as enc
from yunshao.simulate.config import SIM_END, day_of
from yunshao.simulate.township.ctx import Town, is_weekend, workday

#: Band of the approval limit planted splits live in; honest invoices never fall in it.
SPLIT_BAND = (0.85, 1.0)
GAPS = ((1, 10), (1, 5), (1, 5), (1, 7))  # spent → E01 → E02 → E03 → E04
SPRING_FESTIVAL = ("2022-01-31", "2023-01-21", "2024-02-09", "2025-01-28", "2026-02-16")
FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 2), (5, 3), (10, 1), (10, 2), (10, 3), (10, 4), (10, 5), (10, 6), (10, 7))
ISSUERS = {
    "meals": ("云山宾馆", "山水饭庄", "农家乐餐厅", "镇政府食堂"),
    "travel": ("云山客运站", "中石化加油站", "高铁售票处"),
    "office": ("文具办公用品店", "电脑耗材商行", "五金建材店", "印刷厂"),
    "other": ("绿化苗木场", "劳保用品店", "广告制作部"),
}
DUTY_PURPOSE = ("防汛值班工作餐", "应急值守工作餐", "森林防火值班工作餐")


def holidays(local: tuple[tuple[int, int], ...]) -> set[int]:
    """Days off of the trail years: New Year, Spring Festival week, May Day, National Day and local days."""
    out = {day_of(s) + i for s in SPRING_FESTIVAL for i in range(7)}
    for year in range(2021, 2027):
        out |= {day_of(f"{year}-{m:02d}-{d:02d}") for m, d in (*FIXED_HOLIDAYS, *local)}
    return out


class Finance:
    """Claims and their invoices as they are drawn."""

    def __init__(self, town: Town) -> None:
        self.town = town
        self.rows: list[tuple[int, int, str, str, float, int, int, int, int, int, int, str]] = []
        self.next_invoice = int(town.rng.integers(10_000_000, 20_000_000))
        self.off = holidays(town.conv.local_holidays)

    def working(self, day: int) -> int:
        """The day, or the next working day that is no holiday."""
        day = workday(day)
        while day in self.off:
            day = workday(day + 1)
        return day

    def invoice_number(self) -> str:
        self.next_invoice += int(self.town.rng.integers(1, 50))
        return f"{self.next_invoice:08d}"

    def claim(
        self,
        t0: float,
        unit: int,
        spent: int,
        invoices: list[
            tuple[str, str, float, int, str, str | None]
        ],  # kind, issuer, amount, headcount, purpose, number
        claimant_post: int = -1,
        self_approve: bool = False,
    ) -> int:
        """One claim: its project, its E01-E04 trail and its invoices; returns the project index."""
        town, conv = self.town, self.town.conv
        days = town.schedule(spent, GAPS)[1:]
        name = f"{town.world.unit_names[unit]}报销（{invoices[0][4]}）"
        total = sum(x[2] for x in invoices)
        g = town.project("finance", unit, name, invoices[0][0], total, t0)
        c_post, c_person = town.clerk(unit, days[0])
        if claimant_post >= 0:  # one clerk's series of claims
            c_post = claimant_post
            c_person = int(town.world.holders(np.array([c_post]), np.array([days[0]]))[0])
        big = max(x[2] for x in invoices) > conv.approval_limit
        a_post, a_person = town.approver(unit, days[2], head=big or self_approve)
        if self_approve:  # the head files his own claim and signs it
            c_post, c_person = a_post, a_person
        elif not big:  # a deputy or section chief signs below the limit
            head = town.world.heads[int(town.county.approve_unit[unit])]
            a_post, a_person = town.approver(
                unit, days[2], avoid={int(town.world.holders(np.array([head]), np.array([days[2]]))[0])}
            )
        r_post, r_person = town.clerk(unit, days[1])
        if r_person == c_person:
            r_post, r_person = town.approver(unit, days[1], avoid={c_person, a_person})
        p_post, p_person = town.clerk(unit, days[3])
        paid = -1
        for node, d, post, person in zip(
            ("E01", "E02", "E03", "E04"),
            days,
            (c_post, r_post, a_post, p_post),
            (c_person, r_person, a_person, p_person),
            strict=True,
        ):
            if d > SIM_END:
                break
            action = "submit" if node == "E01" else "approve"
            ts = town.event(g, node, d, person, post, int(town.world.post_unit[post]), action=action, amount=total)
            paid = ts if node == "E04" else paid
        town.finish(g, paid if paid >= 0 else -1, paid >= 0)
        for kind, issuer, amount, heads, purpose, number in invoices:
            self.rows.append(
                (g, unit, number or self.invoice_number(), issuer, amount, EXPENSE_KINDS.index(kind),
                 c_person, a_person, spent, paid, heads, purpose)
            )  # fmt: skip
        return g

    def table(self) -> pa.Table:
        n = len(self.rows)
        col = list(zip(*self.rows, strict=True)) if n else [()] * 12
        return enc.table(
            "expenses",
            n,
            {
                "expense_id": [f"EX{i:07d}" for i in range(n)],
                "project_id": enc.ids("project", np.array(col[0], dtype=np.int64)),
                "unit_id": enc.ids("unit", np.array(col[1], dtype=np.int64)),
                "invoice_number": list(col[2]),
                "issuer": list(col[3]),
                "amount": enc.money(np.array(col[4], dtype=np.float64)),
                "kind": enc.vocab(np.array(col[5]), EXPENSE_KINDS),
                "claimant_person_id": enc.ids("person", np.array(col[6], dtype=np.int64)),
                "approver_person_id": enc.ids("person", np.array(col[7], dtype=np.int64)),
                "spent_on": enc.dates(np.array(col[8], dtype=np.int64)),
                "paid_at": enc.timestamps(np.array(col[9], dtype=np.int64)),
                "headcount": pa.array([h if h > 0 else None for h in col[10]], pa.int64()),
                "purpose": list(col[11]),
            },
        )


def _honest_amount(rng: np.random.Generator, limit: float) -> float:
    """An office or other purchase: mostly small, sometimes above the limit, never just under it."""
    x = float(rng.uniform(0.05, SPLIT_BAND[0] - 0.01)) if rng.random() < 0.88 else float(rng.uniform(1.05, 3.0))
    return round(limit * x, 2)


def simulate_finance(town: Town, n: int) -> pa.Table:
    """`n` claims (planted splits and repeated small claims count every claim of their group)."""
    rng, conv, world = town.rng, town.conv, town.world
    town.assign("finance", n, {"duty_weekend_meal": conv.duty_meal_p}, span=0.85)
    fin = Finance(town)
    limit, norm = conv.approval_limit, conv.meal_norm
    units = np.concatenate([town.villages, world.units_of("township")])
    honest_invoices: list[tuple[str, str, float]] = []  # (number, issuer, amount) claimed once so far
    k = 0
    while k < n:
        t0 = town.t0(k, n)
        kind, name = town.draw("finance")
        unit = int(units[int(rng.integers(0, len(units)))])
        if name == "expense_self_approval":  # the township head's own claim
            unit = int(world.unit_parent[unit]) if world.unit_parent[unit] >= 0 else unit
        day = int(t0)
        if name in ("invoice_splitting", "repeated_small_claims"):
            size = int(rng.integers(2, 5)) if name == "invoice_splitting" else int(rng.integers(3, 6))
            size = min(size, n - k)
            issuer = ISSUERS["office"][int(rng.integers(0, 4))]
            claimant = _steady_clerk(town, unit, day, day + 40)
            spent = fin.working(day)
            for _j in range(size):
                if name == "invoice_splitting":
                    amount = round(limit * float(rng.uniform(0.86, 0.99)), 2)
                    purpose = "办公设备采购"
                else:
                    amount = round(limit * float(rng.uniform(0.05, 0.3)), 2)
                    purpose = "日常办公用品"
                g = fin.claim(t0, unit, spent, [("office", issuer, amount, 0, purpose, None)], claimant)
                if name == "invoice_splitting":
                    town.truth(g, name, {"group_size": size, "issuer": issuer, "limit": limit})
                else:
                    town.lookalike(g, name)
                spent = fin.working(spent + (int(rng.integers(0, 4)) if name == "invoice_splitting" else 14))
            k += size
            continue
        invoices: list[tuple[str, str, float, int, str, str | None]] = []
        spent = fin.working(day)
        if name in ("holiday_banquet", "duty_weekend_meal") or rng.random() < 0.35:
            heads = int(rng.integers(3, 13))
            purpose = ("公务接待工作餐", "会议工作餐")[int(rng.integers(0, 2))]
            per_head = norm * float(rng.uniform(0.5, 0.98))  # under the norm, also once rounded to fen
            if name in ("holiday_banquet", "duty_weekend_meal"):
                spent = _day_off(rng, fin, day)
                if name == "holiday_banquet":
                    per_head, purpose = norm * float(rng.uniform(2.0, 4.0)), "接待"
                else:
                    purpose = DUTY_PURPOSE[int(rng.integers(0, len(DUTY_PURPOSE)))]
            elif conv.saturday_workday and rng.random() < 0.2:  # Saturday session with its working meal
                spent = spent + 5 - (spent + 3) % 7 if (spent + 3) % 7 < 5 else spent
                spent = spent if spent not in fin.off else fin.working(spent)
                purpose = "周六加班工作餐"
            issuer = ISSUERS["meals"][int(rng.integers(0, 4))]
            invoices.append(("meals", issuer, round(per_head * heads, 2), heads, purpose, None))
        else:
            for _ in range(int(rng.integers(1, 4))):
                ek = ("travel", "office", "other")[int(rng.integers(0, 3))]
                issuer = ISSUERS[ek][int(rng.integers(0, len(ISSUERS[ek])))]
                invoices.append(
                    (ek, issuer, _honest_amount(rng, limit), 0, "办公经费" if ek != "travel" else "公务出行", None)
                )
        if name == "duplicate_invoice":
            if honest_invoices:
                number, issuer, amount = honest_invoices[int(rng.integers(0, len(honest_invoices)))]
                invoices.append(("office", issuer, amount, 0, "办公经费", number))
            else:
                kind, name = "clean", ""
        first = len(fin.rows)
        g = fin.claim(t0, unit, spent, invoices, self_approve=name == "expense_self_approval")
        for row in fin.rows[first:]:
            if row[5] != EXPENSE_KINDS.index("meals") and kind != "scheme":
                honest_invoices.append((row[2], row[3], row[4]))
        if kind == "scheme":
            town.truth(g, name, {"invoices": len(invoices)})
        elif kind == "look":
            town.lookalike(g, name)
        k += 1
    return fin.table()


def _steady_clerk(town: Town, unit: int, start: int, end: int) -> int:
    """A clerk post of the unit held by one person from `start` to `end` (a series of claims has one
    claimant), else any clerk post."""
    posts = town.world.clerks[unit, : town.world.n_clerks[unit]]
    same = town.world.holders(posts, np.full(len(posts), start)) == town.world.holders(posts, np.full(len(posts), end))
    steady = posts[same] if same.any() else posts
    return int(steady[int(town.rng.integers(0, len(steady)))])


def _day_off(rng: np.random.Generator, fin: Finance, day: int) -> int:
    """A weekend day or holiday near `day`."""
    for d in range(day, day + 30):
        if (is_weekend(d) or d in fin.off) and rng.random() < 0.5:
            return d
    return day + (5 - (day + 3) % 7) % 7  # the Saturday of that week
