"""A small, clean, hand-built world: one project of each domain with a lawful trail.

Every rule case starts from this world and changes a few rows, so a case reads as "the clean world,
except bidder 2 paid its bond from bidder 1's account". The whole catalog must stay silent on it.
"""

from __future__ import annotations

import copy
from typing import Any

Rows = list[dict[str, Any]]


def _trail(project: str, nodes: list[tuple[str, str, str, float | None]], prefix: str) -> Rows:
    """Submit by the clerk at 09:00, approve by the given post's holder at 10:00 the next day."""
    rows: Rows = []
    for i, (node, day, approver, amount) in enumerate(nodes, 1):
        person, post = APPROVERS[approver]
        rows.append(
            dict(
                event_id=f"{prefix}{i:02d}S",
                project_id=project,
                node=node,
                action="submit",
                person_id="A1",
                post_id="PO-C",
                unit_id="U1",
                occurred_at=f"{day} 09:00:00",
                amount=amount,
                channel="online",
                note=None,
            )
        )
        rows.append(
            dict(
                event_id=f"{prefix}{i:02d}A",
                project_id=project,
                node=node,
                action="approve",
                person_id=person,
                post_id=post,
                unit_id="U1",
                occurred_at=_next_day(day) + " 10:00:00",
                amount=amount,
                channel="online",
                note=None,
            )
        )
    return rows


def _next_day(day: str) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()


APPROVERS = {"A": ("A2", "PO-A"), "F": ("A3", "PO-F"), "L": ("A4", "PO-L"), "H": ("H1", "PO-H")}

# node, submission day, approving post, amount
P1_TRAIL = [
    ("C01", "2022-11-01", "A", None),
    ("C02", "2022-12-01", "H", 8_200_000.0),
    ("C03", "2022-12-15", "L", None),
    ("C04", "2023-01-09", "H", 8_000_000.0),
    ("C05", "2023-01-20", "A", None),
    ("C06", "2023-02-10", "H", 8_000_000.0),
    ("C07", "2023-02-20", "A", None),
    ("C08", "2023-03-01", "F", 7_800_000.0),
    ("C09", "2023-03-05", "A", None),
    ("C10", "2023-03-08", "A", None),
    ("C11", "2023-04-09", "A", None),
    ("C12", "2023-04-10", "A", None),
    ("C13", "2023-04-13", "A", 7_500_000.0),
    ("C14", "2023-04-18", "A", 7_500_000.0),
    ("C15", "2023-04-23", "L", None),
    ("C16", "2023-04-29", "A", None),
    ("C17", "2023-07-01", "A", 150_000.0),
    ("C18", "2023-06-28", "F", 3_000_000.0),
    ("C19", "2023-12-19", "A", None),
    ("C20", "2024-01-30", "F", 3_140_000.0),
]
P2_TRAIL = [
    ("I01", "2023-01-04", "A", None),
    ("I02", "2023-01-30", "H", 50_000_000.0),
    ("I03", "2024-01-09", "A", None),
    ("I04", "2024-01-31", "F", 500_000.0),
    ("I05", "2024-02-19", "F", 500_000.0),
]
P3_TRAIL = [
    ("L01", "2023-03-01", "A", None),
    ("L02", "2023-03-10", "L", None),
    ("L03", "2023-03-31", "L", 72_300_000.0),
    ("L04", "2023-04-19", "H", None),
    ("L05", "2023-04-30", "L", 72_300_000.0),
    ("L06", "2023-05-14", "F", 72_300_000.0),
    ("L07", "2023-05-31", "L", None),
]
P4_TRAIL = [
    ("P01", "2023-05-04", "A", 900_000.0),
    ("P02", "2023-05-09", "F", 900_000.0),
    ("P03", "2023-05-15", "A", None),
    ("P04", "2023-05-22", "A", 880_000.0),
    ("P05", "2023-06-12", "F", 880_000.0),
]
P5_TRAIL = [
    ("S01", "2023-08-01", "A", 200_000.0),
    ("S02", "2023-08-07", "A", 200_000.0),
    ("S03", "2023-08-14", "F", 200_000.0),
    ("S04", "2023-08-21", "F", 200_000.0),
]


def _company(cid: str, rep: str, n: int, registered: str = "2010-05-01 00:00:00") -> dict[str, Any]:
    return dict(
        company_id=cid,
        name=f"公司{n}",
        credit_code=f"91330400MA0000000{n}",
        legal_rep_id=rep,
        registered_at=registered,
        registered_capital=10_000_000.0,
        address=f"海盐县路{n}号",
        phone=f"0573-8600000{n}",
        email=f"co{n}@example.cn",
        blacklisted_until=None,
    )


def _bid(n: int, price: float, submitted: str) -> dict[str, Any]:
    return dict(
        bid_id=f"B{n}",
        tender_id="T1",
        company_id=f"CO{n}",
        price=price,
        submitted_at=submitted,
        ip_address=f"10.0.0.{n}",
        mac_address=f"AA-00-00-00-00-0{n}",
        device_id=f"DEV{n}",
        doc_author=f"作者{n}",
        doc_hash=f"HASH{n}",
        deposit_account=f"ACC{n}",
        project_manager_id=f"PM{n}",
        tech_lead_id=f"TL{n}",
        safety_lead_id=f"SL{n}",
        status="valid",
    )


def _months(first: int, last: int, year: int = 2023) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(first, last + 1)]


def clean_world() -> dict[str, Rows]:
    """A fresh deep copy of the clean world, as rows per contract table."""
    return copy.deepcopy(_WORLD)


_PEOPLE = ["H1", "A1", "A2", "A3", "A4", "X1", "V1"] + [
    f"{r}{n}" for r in ("R", "S", "PM", "TL", "SL") for n in range(1, 9)
]

_WORLD: dict[str, Rows] = {
    "units": [
        dict(unit_id="U1", name="海盐经济开发区", kind="development_zone", parent_unit_id=None, region="海盐县"),
        dict(unit_id="U2", name="县财政局", kind="department", parent_unit_id=None, region="海盐县"),
    ],
    "people": [dict(person_id=p, name=f"人{p}", id_hash=f"h{p}") for p in _PEOPLE],
    "posts": [
        dict(post_id="PO-H", unit_id="U1", title="主任", is_head=True, level="处级"),
        dict(post_id="PO-C", unit_id="U1", title="经办员", is_head=False, level="科员"),
        dict(post_id="PO-A", unit_id="U1", title="建设科科长", is_head=False, level="科级"),
        dict(post_id="PO-F", unit_id="U1", title="财务科科长", is_head=False, level="科级"),
        dict(post_id="PO-L", unit_id="U1", title="土地科科长", is_head=False, level="科级"),
    ],
    "assignments": [
        dict(person_id=p, post_id=post, start_date="2020-01-01", end_date=None)
        for p, post in (("H1", "PO-H"), ("A1", "PO-C"), ("A2", "PO-A"), ("A3", "PO-F"), ("A4", "PO-L"))
    ],
    "relations": [dict(person_id_a="A2", person_id_b="X1", kind="spouse")],
    "projects": [
        dict(
            project_id="P1",
            domain="construction",
            unit_id="U1",
            name="开发区道路工程",
            category="road",
            budget_amount=8_000_000.0,
            approved_at="2023-01-10 10:00:00",
            planned_start="2023-05-01",
            planned_end="2023-12-31",
            parent_project_id=None,
            status="completed",
        ),
        dict(
            project_id="P2",
            domain="investment",
            unit_id="U1",
            name="智能制造项目",
            category="manufacturing",
            budget_amount=None,
            approved_at="2023-01-05 10:00:00",
            planned_start=None,
            planned_end=None,
            parent_project_id=None,
            status="completed",
        ),
        dict(
            project_id="P3",
            domain="land",
            unit_id="U1",
            name="东区地块收储",
            category="reserve",
            budget_amount=72_300_000.0,
            approved_at="2023-03-02 10:00:00",
            planned_start=None,
            planned_end=None,
            parent_project_id=None,
            status="completed",
        ),
        dict(
            project_id="P4",
            domain="procurement",
            unit_id="U2",
            name="办公设备采购",
            category="goods",
            budget_amount=900_000.0,
            approved_at="2023-05-10 10:00:00",
            planned_start=None,
            planned_end=None,
            parent_project_id=None,
            status="completed",
        ),
        dict(
            project_id="P5",
            domain="subsidy",
            unit_id="U1",
            name="技改补贴",
            category="tech_upgrade",
            budget_amount=200_000.0,
            approved_at="2023-08-15 10:00:00",
            planned_start=None,
            planned_end=None,
            parent_project_id=None,
            status="completed",
        ),
    ],
    "approvals": [
        *_trail("P1", P1_TRAIL, "E1-"),
        *_trail("P2", P2_TRAIL, "E2-"),
        *_trail("P3", P3_TRAIL, "E3-"),
        *_trail("P4", P4_TRAIL, "E4-"),
        *_trail("P5", P5_TRAIL, "E5-"),
    ],
    "tenders": [
        dict(
            tender_id="T1",
            project_id="P1",
            method="open",
            announced_at="2023-03-09 10:00:00",
            bid_deadline="2023-04-10 09:00:00",
            opened_at="2023-04-10 09:30:00",
            awarded_at="2023-04-14 10:00:00",
            ceiling_price=7_800_000.0,
            winner_company_id="CO1",
            award_price=7_500_000.0,
            agency_company_id="CO4",
        ),
    ],
    "bids": [
        _bid(1, 7_500_000.0, "2023-04-08 14:12:00"),
        _bid(2, 7_735_000.0, "2023-04-09 10:03:00"),
        _bid(3, 7_190_000.0, "2023-04-07 16:45:00"),
    ],
    "companies": [_company(f"CO{n}", f"R{n}", n) for n in range(1, 9)],
    "company_people": [
        *(
            dict(
                company_id=f"CO{n}", person_id=f"R{n}", role="legal_rep", share_pct=None, since="2010-05-01", until=None
            )
            for n in range(1, 9)
        ),
        *(
            dict(
                company_id=f"CO{n}",
                person_id=f"S{n}",
                role="shareholder",
                share_pct=60.0,
                since="2010-05-01",
                until=None,
            )
            for n in range(1, 9)
        ),
        *(
            dict(
                company_id=f"CO{n}",
                person_id=f"{r}{n}",
                role="employee",
                share_pct=None,
                since="2015-01-01",
                until=None,
            )
            for n in range(1, 4)
            for r in ("PM", "TL", "SL")
        ),
    ],
    "certificates": [
        *(
            dict(
                cert_id=f"CERT-PM{n}",
                person_id=f"PM{n}",
                cert_type="constructor_1",
                registered_company_id=f"CO{n}",
                valid_from="2018-01-01",
                valid_to="2028-12-31",
            )
            for n in range(1, 4)
        ),
        *(
            dict(
                cert_id=f"CERT-SL{n}",
                person_id=f"SL{n}",
                cert_type="safety_b",
                registered_company_id=f"CO{n}",
                valid_from="2018-01-01",
                valid_to="2028-12-31",
            )
            for n in range(1, 4)
        ),
    ],
    "social_insurance": [
        dict(person_id=f"{r}{n}", company_id=f"CO{n}", month=m)
        for n in range(1, 4)
        for r in ("PM", "TL", "SL")
        for m in _months(1, 12)
    ],
    "contracts": [
        dict(
            contract_id="K1",
            project_id="P1",
            tender_id="T1",
            company_id="CO1",
            kind="main",
            signed_at="2023-04-19 15:00:00",
            amount=7_500_000.0,
        ),
        dict(
            contract_id="K4",
            project_id="P4",
            tender_id=None,
            company_id="CO7",
            kind="main",
            signed_at="2023-05-23 15:00:00",
            amount=880_000.0,
        ),
    ],
    "payments": [
        dict(
            payment_id="PAY1",
            project_id="P1",
            contract_id="K1",
            kind="advance",
            amount=1_500_000.0,
            paid_at="2023-05-10 15:00:00",
            payee_company_id="CO1",
            payee_account="ACC-CO1",
            person_id="A3",
        ),
        dict(
            payment_id="PAY2",
            project_id="P1",
            contract_id="K1",
            kind="progress",
            amount=3_000_000.0,
            paid_at="2023-06-29 15:00:00",
            payee_company_id="CO1",
            payee_account="ACC-CO1",
            person_id="A3",
        ),
        dict(
            payment_id="PAY3",
            project_id="P1",
            contract_id="K1",
            kind="settlement",
            amount=3_140_000.0,
            paid_at="2024-02-05 15:00:00",
            payee_company_id="CO1",
            payee_account="ACC-CO1",
            person_id="A3",
        ),
        dict(
            payment_id="PAY4",
            project_id="P2",
            contract_id=None,
            kind="subsidy",
            amount=500_000.0,
            paid_at="2024-02-20 15:00:00",
            payee_company_id="CO5",
            payee_account="ACC-CO5",
            person_id="A3",
        ),
        dict(
            payment_id="PAY5",
            project_id="P3",
            contract_id=None,
            kind="compensation",
            amount=72_300_000.0,
            paid_at="2023-05-15 15:00:00",
            payee_company_id=None,
            payee_account="ACC-V1",
            person_id="A3",
        ),
        dict(
            payment_id="PAY6",
            project_id="P4",
            contract_id="K4",
            kind="progress",
            amount=880_000.0,
            paid_at="2023-06-13 15:00:00",
            payee_company_id="CO7",
            payee_account="ACC-CO7",
            person_id="A3",
        ),
        dict(
            payment_id="PAY7",
            project_id="P5",
            contract_id=None,
            kind="subsidy",
            amount=200_000.0,
            paid_at="2023-08-22 15:00:00",
            payee_company_id="CO8",
            payee_account="ACC-CO8",
            person_id="A3",
        ),
    ],
    "settlements": [
        dict(
            project_id="P1", submitted_amount=7_700_000.0, audited_amount=7_640_000.0, settled_at="2024-01-25 10:00:00"
        ),
    ],
    "agreements": [
        dict(
            agreement_id="AG1",
            project_id="P2",
            company_id="CO5",
            signed_at="2023-01-31 10:00:00",
            promised_investment=50_000_000.0,
            promised_tax_annual=2_000_000.0,
            promised_jobs=100,
            deadline="2023-12-31",
        ),
    ],
    "performance": [
        dict(agreement_id="AG1", year=2023, actual_investment=52_000_000.0, actual_tax=2_100_000.0, actual_jobs=120),
    ],
    "land_parcels": [
        dict(
            parcel_id=f"LP{i}",
            project_id="P3",
            area_m2=10_000.0,
            appraised_value=v * 10_000.0,
            appraiser_company_id="CO6",
            agreed_price=v * 10_000.0,
            seller_id="V1",
        )
        for i, v in enumerate((1150.0, 1200.0, 1250.0, 1180.0, 1220.0, 1230.0), 1)
    ],
}
