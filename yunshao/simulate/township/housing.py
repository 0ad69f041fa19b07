"""Rural housing (农村宅基地和建房审批): applications H01→H07 against the county's area limit.

Honest applicants are households without a home, approved up to the limit (`convention.area_limit_m2`).
Planted: a household that already got a plot here gets a second one; an approved area above the limit;
the township approver approves his relative's application. Look-alikes: the head of a household split off
(分户) applies for its first plot (its parents' household holds one); a cadre's relative is approved by
others while the cadre stands aside (回避).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from yunshao.simulate import encode as enc
from yunshao.simulate.config import SIM_END
from yunshao.simulate.township.ctx import Town, workday
from yunshao.simulate.township.register import Register, hh_id

#: Days between consecutive nodes H01→H02, …, H06→H07 (low, high).
GAPS = ((3, 10), (1, 3), (8, 15), (3, 10), (20, 60), (90, 200))
NODES = ("H01", "H02", "H03", "H04", "H05", "H06", "H07")
HONEST_REASONS = ("无房户新建", "子女婚嫁新建", "移民搬迁新建")


def simulate_housing(town: Town, reg: Register, n: int) -> pa.Table:
    """`n` applications; returns the housing_applications table (projects and approvals go to `town`)."""
    rng, conv = town.rng, town.conv
    town.assign("housing", n)
    limit = conv.area_limit_m2
    applied: set[int] = set()
    homeless = [x for x in range(reg.n_households) if not reg.hh_has_home[x]]
    # honest applicants: homeless households in random order, split-off ones last (kept for the look-alike)
    splits = [x for x in homeless if reg.hh_split_from[x] >= 0]
    queue = [int(x) for x in rng.permutation(splits)] + [
        int(x) for x in rng.permutation([x for x in homeless if reg.hh_split_from[x] < 0])
    ]
    approved_before: list[tuple[int, int]] = []  # (H05 day, household) of approved applications
    rows: list[tuple[int, int, int, int, float, int, float, str]] = []
    for k in range(n):
        t0 = town.t0(k, n)
        day0 = workday(int(t0))
        kind, name = town.draw("housing")
        h = -1
        if kind == "scheme" and name == "homestead_second_plot":
            earlier = [x for d, x in approved_before if d < day0 - 30]
            h = earlier[int(rng.integers(0, len(earlier)))] if earlier else -1
        elif kind == "look" and name == "split_household_plot":
            split = [x for x in splits if x not in applied and reg.hh_formed[x] < day0]
            h = split[int(rng.integers(0, len(split)))] if split else -1
        if h < 0:
            if name in ("homestead_second_plot", "split_household_plot"):
                town.defer("housing", kind, name)  # nobody to plant it on yet: an honest application now
                kind, name = "clean", ""
            while queue and (queue[-1] in applied or reg.hh_has_home[queue[-1]]):
                queue.pop()
            if not queue:
                continue
            h = queue.pop()
        applied.add(h)
        v = reg.hh_village[h]
        township = int(town.world.unit_parent[v])
        head = reg.hh_head[h]
        town.parties.add(head)
        existing = 0
        reason = HONEST_REASONS[int(rng.integers(0, len(HONEST_REASONS)))]
        plot = round(limit * float(rng.uniform(0.6, 1.0)), 1)
        if name == "homestead_second_plot":
            existing = int(rng.random() < 0.5)  # half declare the home they hold, half conceal it
        elif name == "homestead_over_area":
            plot = round(limit * float(rng.uniform(1.2, 1.6)), 1)
        elif name == "split_household_plot":
            reason = "分户"
        approved = plot
        g = town.project("housing", v, f"{town.world.unit_names[v]}农户建房申请（{hh_id(h)}）", "homestead", np.nan, t0)
        days = town.schedule(day0, GAPS)
        avoid: set[int] = set()
        if name == "relative_recused":
            cadre = int(town.world.holders(np.array([town.world.heads[v]]), np.array([days[1]]))[0])
            town.relate(head, cadre)
            avoid = {cadre}
        who = {
            "H02": town.approver(v, int(days[1]), avoid=avoid),
            "H03": town.clerk(v, int(days[2])),
            "H04": town.approver(township, int(days[3]), avoid=avoid),
            "H05": town.approver(township, int(days[4]), head=name != "relative_recused", avoid=avoid),
            "H06": town.clerk(township, int(days[5])),
            "H07": town.approver(township, int(days[6])),
        }
        if name == "housing_relative":
            town.relate(head, who["H05"][1])
        ts_h05, done = -1, False
        for node, d in zip(NODES, days, strict=True):
            if d > SIM_END:
                break
            if node == "H01":
                town.event(g, node, int(d), head, unit=v, action="submit")
                continue
            post, person = who[node]
            unit = int(town.world.post_unit[post])
            ts = town.event(g, node, int(d), person, post, unit, amount=approved if node == "H05" else np.nan)
            ts_h05 = ts if node == "H05" else ts_h05
            done = node == "H07"
        town.finish(g, ts_h05, done)
        if ts_h05 >= 0:
            approved_before.append((int(days[4]), h))
            reg.hh_has_home[h] = True
        rows.append((g, head, h, v, plot, existing, approved if ts_h05 >= 0 else np.nan, reason))
        if kind == "scheme":
            detail: dict[str, object] = {"household_id": hh_id(h), "approved_area_m2": approved, "limit_m2": limit}
            if name == "housing_relative":
                detail["approver_person_id"] = enc.id_text("person", who["H05"][1])
            town.truth(g, name, detail)
        elif kind == "look":
            town.lookalike(g, name)
    first = town.state.take("housing_application", len(rows))
    return enc.table(
        "housing_applications",
        len(rows),
        {
            "application_id": [f"HA{first + i:06d}" for i in range(len(rows))],
            "project_id": enc.ids("project", np.array([r[0] for r in rows], dtype=np.int64)),
            "applicant_person_id": enc.ids("person", np.array([r[1] for r in rows], dtype=np.int64)),
            "household_id": [hh_id(r[2]) for r in rows],
            "village_unit_id": enc.ids("unit", np.array([r[3] for r in rows], dtype=np.int64)),
            "plot_area_m2": np.array([r[4] for r in rows], dtype=np.float64),
            "existing_homes": np.array([r[5] for r in rows], dtype=np.int64),
            "approved_area_m2": pa.array([r[6] for r in rows], pa.float64(), from_pandas=True),
            "reason": [r[7] for r in rows],
        },
    )
