"""A small, clean township added to the clean world: rural housing, collective assets, special funds and
finance claims (contract v1.1, issue 18), each application, lease, programme and claim a project with a lawful
trail.

A case opts in with ``world: township``; its rows are then the clean world's plus these, and the township
rules must stay silent on them. Hand-built from the law's lawful practice, never from a simulator.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

Rows = list[dict[str, Any]]

#: approver code → (person, post)
APPROVERS = {
    "T": ("TA1", "TPO-H"),  # 镇长 the township head
    "V": ("TA2", "TPO-V"),  # 村党支部书记 the village secretary
    "L": ("TA3", "TPO-L"),  # 镇自然资源所所长 the township land officer
    "F": ("TA4", "TPO-F"),  # 镇财政所所长 the township finance officer
}


def _trail(project: str, nodes: list[tuple[str, str, str]], prefix: str, submitter: str = "TC1") -> Rows:
    """Filed by ``submitter`` at 09:00, approved by the node's approver at 10:00 the next day."""
    rows: Rows = []
    for i, (node, day, approver) in enumerate(nodes, 1):
        person, post = APPROVERS[approver]
        nxt = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
        for suffix, action, who, where, at in (
            ("S", "submit", submitter, "TPO-C" if submitter == "TC1" else None, f"{day} 09:00:00"),
            ("A", "approve", person, post, f"{nxt} 10:00:00"),
        ):
            rows.append(
                dict(
                    event_id=f"{prefix}{i:02d}{suffix}",
                    project_id=project,
                    node=node,
                    action=action,
                    person_id=who,
                    post_id=where,
                    unit_id="TU1",
                    occurred_at=at,
                    amount=None,
                    channel="online",
                    note=None,
                )
            )
    return rows


def _project(pid: str, domain: str, name: str, approved: str, category: str | None = None) -> dict[str, Any]:
    return dict(
        project_id=pid,
        domain=domain,
        unit_id="TU1",
        name=name,
        category=category,
        budget_amount=None,
        approved_at=f"{approved} 10:00:00",
        planned_start=None,
        planned_end=None,
        parent_project_id=None,
        status="completed",
    )


def _housing_trail(pid: str, month: str) -> Rows:
    days = [("H01", "01", "V"), ("H02", "03", "V"), ("H03", "05", "V"), ("H04", "12", "L"), ("H05", "15", "T")]
    days += [("H06", "20", "L"), ("H07", "25", "L")]
    return _trail(pid, [(n, f"{month}-{d}", a) for n, d, a in days], f"E{pid}-")


def _lease_trail(pid: str, month: str) -> Rows:
    days = [("A01", "02", "L"), ("A02", "06", "V"), ("A03", "12", "V"), ("A04", "16", "V"), ("A05", "20", "T")]
    days += [("A06", "25", "F")]
    return _trail(pid, [(n, f"{month}-{d}", a) for n, d, a in days], f"E{pid}-")


def _fund_trail(pid: str, month: str) -> Rows:
    days = [("F01", "02", "F"), ("F02", "06", "F"), ("F03", "09", "V"), ("F04", "13", "T"), ("F05", "14", "F")]
    days += [("F06", "27", "F")]
    return _trail(pid, [(n, f"{month}-{d}", a) for n, d, a in days], f"E{pid}-")


def _claim_trail(pid: str, day: str, claimant: str) -> Rows:
    return _trail(
        pid, [("E01", day, "F"), ("E02", day, "F"), ("E03", day, "T"), ("E04", day, "F")], f"E{pid}-", claimant
    )


#: (asset, village, kind, area m², appraised rent a year)
_ASSETS = [
    ("CA1", "TV1", "shop", 100.0, 60_000.0),
    ("CA2", "TV1", "shop", 80.0, 46_400.0),
    ("CA3", "TV2", "shop", 120.0, 74_400.0),
    ("CA4", "TV2", "shop", 90.0, 55_800.0),
    ("CA5", "TV1", "shop", 110.0, 63_800.0),
]
#: (lease, project, asset, lessee, rent, start)
_LEASES = [
    ("AL1", "AP1", "CA1", "N5", 61_000.0, "2023-04-01"),
    ("AL2", "AP2", "CA2", "N6", 47_000.0, "2023-05-01"),
    ("AL3", "AP3", "CA3", "N7", 75_000.0, "2023-06-01"),
    ("AL4", "AP4", "CA4", "N8", 56_000.0, "2023-07-01"),
    ("AL5", "AP5", "CA5", "N9", 64_000.0, "2023-08-01"),
]


def township_world() -> dict[str, Rows]:
    """A fresh deep copy of the township's rows, as rows per contract table."""
    return copy.deepcopy(_WORLD)


_PEOPLE = ["TA1", "TA2", "TA3", "TA4", "TC1"] + [f"N{n}" for n in range(1, 13)]

_WORLD: dict[str, Rows] = {
    "units": [
        dict(unit_id="TU1", name="城关镇", kind="township", parent_unit_id=None, region="海盐县"),
        dict(unit_id="TV1", name="东村", kind="village", parent_unit_id="TU1", region="海盐县"),
        dict(unit_id="TV2", name="西村", kind="village", parent_unit_id="TU1", region="海盐县"),
        dict(unit_id="TU2", name="海滨镇", kind="township", parent_unit_id=None, region="海盐县"),
        dict(unit_id="TV3", name="南村", kind="village", parent_unit_id="TU2", region="海盐县"),
    ],
    "people": [dict(person_id=p, name=f"人{p}", id_hash=f"h{p}", status="living", died_on=None) for p in _PEOPLE],
    "posts": [
        dict(post_id="TPO-H", unit_id="TU1", title="镇长", is_head=True, level="科级"),
        dict(post_id="TPO-C", unit_id="TU1", title="经办员", is_head=False, level="科员"),
        dict(post_id="TPO-L", unit_id="TU1", title="自然资源所所长", is_head=False, level="股级"),
        dict(post_id="TPO-F", unit_id="TU1", title="财政所所长", is_head=False, level="股级"),
        dict(post_id="TPO-V", unit_id="TV1", title="村党支部书记", is_head=True, level="村干部"),
    ],
    "assignments": [
        dict(person_id=p, post_id=post, start_date="2020-01-01", end_date=None)
        for p, post in (("TA1", "TPO-H"), ("TA2", "TPO-V"), ("TA3", "TPO-L"), ("TA4", "TPO-F"), ("TC1", "TPO-C"))
    ],
    # the township head and villager N11 are classmates: not family, so never a relative
    "relations": [dict(person_id_a="TA1", person_id_b="N11", kind="classmate")],
    "projects": [
        _project("HP1", "housing", "东村农户建房申请（N1户）", "2023-03-16"),
        _project("HP2", "housing", "东村农户建房申请（N3户）", "2023-04-16"),
        *(_project(p, "assets", f"集体资产出租 {a}", f"{s[:8]}20") for _, p, a, _, _, s in _LEASES),
        _project("FPJ1", "funds", "城关镇高龄津贴", "2023-06-14", "elderly_allowance"),
        _project("FPJ2", "funds", "东村种粮补贴", "2023-07-14", "grain_subsidy"),
        _project("EP1", "finance", "自然资源所报销（办公用品、工作餐）", "2023-03-10"),
        _project("EP2", "finance", "经办员差旅报销", "2023-04-12"),
    ],
    "approvals": [
        *_housing_trail("HP1", "2023-03"),
        *_housing_trail("HP2", "2023-04"),
        *(r for _, p, _, _, _, s in _LEASES for r in _lease_trail(p, s[:7])),
        *_fund_trail("FPJ1", "2023-06"),
        *_fund_trail("FPJ2", "2023-07"),
        *_claim_trail("EP1", "2023-03-09", "TA3"),
        *_claim_trail("EP2", "2023-04-11", "TC1"),
    ],
    "households": [
        dict(
            household_id="HH1", person_id="N1", role="head", village_unit_id="TV1", joined_on="1990-01-01", left_on=None
        ),
        dict(
            household_id="HH1",
            person_id="N2",
            role="member",
            village_unit_id="TV1",
            joined_on="1995-06-01",
            left_on=None,
        ),
        dict(
            household_id="HH2", person_id="N3", role="head", village_unit_id="TV1", joined_on="1988-01-01", left_on=None
        ),
        dict(
            household_id="HH3", person_id="N4", role="head", village_unit_id="TV1", joined_on="1985-01-01", left_on=None
        ),
    ],
    "housing_applications": [
        dict(
            application_id="HA1",
            project_id="HP1",
            applicant_person_id="N1",
            household_id="HH1",
            village_unit_id="TV1",
            plot_area_m2=120.0,
            existing_homes=0,
            approved_area_m2=120.0,
            reason="无房户新建",
        ),
        dict(
            application_id="HA2",
            project_id="HP2",
            applicant_person_id="N3",
            household_id="HH2",
            village_unit_id="TV1",
            plot_area_m2=110.0,
            existing_homes=0,
            approved_area_m2=110.0,
            reason="无房户新建",
        ),
    ],
    "collective_assets": [
        dict(
            asset_id=a,
            village_unit_id=v,
            kind=k,
            name=f"{a}号店面",
            area_m2=m2,
            appraised_rent=rent,
            appraised_at="2023-01-15",
        )
        for a, v, k, m2, rent in _ASSETS
    ],
    "asset_leases": [
        dict(
            lease_id=lid,
            project_id=pid,
            asset_id=aid,
            lessee_person_id=who,
            lessee_company_id=None,
            rent=rent,
            start_date=start,
            term_years=3.0,
            method="auction",
            assembly_approved=True,
            renews_lease_id=None,
        )
        for lid, pid, aid, who, rent, start in _LEASES
    ],
    "fund_programmes": [
        dict(
            programme_id="FP1",
            project_id="FPJ1",
            name="高龄津贴",
            kind="elderly_allowance",
            area_unit_id="TU1",
            max_income_band=2,
            amount_per_beneficiary=1_200.0,
        ),
        dict(
            programme_id="FP2",
            project_id="FPJ2",
            name="种粮补贴",
            kind="grain_subsidy",
            area_unit_id="TV1",
            max_income_band=3,
            amount_per_beneficiary=500.0,
        ),
    ],
    "fund_payments": [
        dict(
            payment_id=pid,
            programme_id=prog,
            beneficiary_person_id=who,
            amount=amount,
            paid_at=paid,
            approver_person_id="TA1",
            residence_unit_id=unit,
            income_band=band,
        )
        for pid, prog, who, amount, paid, unit, band in (
            ("FPY1", "FP1", "N1", 1_200.0, "2023-06-15 15:00:00", "TV1", 1),
            ("FPY2", "FP1", "N4", 1_200.0, "2023-06-15 15:00:00", "TV2", 2),
            ("FPY3", "FP2", "N3", 500.0, "2023-07-15 15:00:00", "TV1", 3),
            ("FPY4", "FP2", "N4", 500.0, "2023-07-15 15:00:00", "TV1", 2),
        )
    ],
    "expenses": [
        dict(
            expense_id=eid,
            project_id=pid,
            unit_id="TU1",
            invoice_number=inv,
            issuer=issuer,
            amount=amount,
            kind=kind,
            claimant_person_id=claimant,
            approver_person_id="TA1",
            spent_on=spent,
            paid_at=paid,
            headcount=heads,
            purpose=purpose,
        )
        for eid, pid, inv, issuer, amount, kind, claimant, spent, paid, heads, purpose in (
            (
                "EX1",
                "EP1",
                "33001",
                "城关文具店",
                1_800.0,
                "office",
                "TA3",
                "2023-03-07",
                "2023-03-13 15:00:00",
                None,
                "办公用品",
            ),
            # a working lunch on a Wednesday, 80 yuan a head
            (
                "EX2",
                "EP1",
                "33002",
                "城关饭店",
                480.0,
                "meals",
                "TA3",
                "2023-03-08",
                "2023-03-13 15:00:00",
                6,
                "防汛检查工作餐",
            ),
            (
                "EX3",
                "EP2",
                "44001",
                "县客运站",
                260.0,
                "travel",
                "TC1",
                "2023-04-10",
                "2023-04-14 15:00:00",
                None,
                "赴县城培训",
            ),
        )
    ],
}
