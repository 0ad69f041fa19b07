"""Contract, payment, settlement, investment, payout, land and split features worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.features.conftest import build, events, projects, row
from yunshao.settings import Settings


@pytest.fixture(scope="module")
def money(module_con):
    con = module_con
    frames = {
        "projects": projects(
            ("P1", "construction", 1000.0, None, "U1", "2024-01-01 09:00:00"),
            ("I1", "investment", 0.0, None, "U2"),
            ("I2", "investment", 0.0, None, "U2"),
            ("L1", "land", 0.0, None, "U3"),
            ("L2", "land", 0.0, None, "U3"),
            ("L3", "land", 0.0, None, "U3"),
            ("L4", "land", 0.0, None, "U3"),
            # three works of one unit just under the 4M threshold, within 90 days; S4 is too far away
            ("S1", "construction", 3_900_000.0, None, "U4", "2024-01-01 09:00:00"),
            ("S2", "construction", 3_500_000.0, None, "U4", "2024-02-15 09:00:00", "P1"),
            ("S3", "construction", 3_300_000.0, None, "U4", "2024-03-20 09:00:00", "P1"),
            ("S4", "construction", 3_800_000.0, None, "U4", "2024-09-01 09:00:00"),
        ),
        "approvals": events(
            ("P1", "C01", "submit", "A", "2024-01-01 09:00:00"),
            ("P1", "C15", "approve", "B", "2024-01-25 09:00:00"),  # permit after the advance of 20 Jan
            ("P1", "C04", "approve", "B", "2024-02-10 09:00:00"),  # initiation after the contract of 1 Feb
            ("P1", "C17", "approve", "B", "2024-06-10 09:00:00", "online", 80.0),
            ("I1", "I03", "approve", "C", "2024-03-01 09:00:00"),
            ("I1", "I04", "approve", "C", "2025-02-01 09:00:00"),
            ("I1", "I05", "approve", "C", "2025-03-01 09:00:00"),
            ("I2", "I05", "approve", "C", "2025-03-01 09:00:00"),  # disbursed without a performance check
        ),
        "contracts": pd.DataFrame(
            {
                "contract_id": ["K1", "K2"],
                "project_id": ["P1", "P1"],
                "company_id": ["X", "X"],
                "kind": ["main", "supplement"],
                "signed_at": ["2024-02-01 10:00:00", "2024-05-01 10:00:00"],
                "amount": [800.0, 200.0],
            }
        ),
        "payments": pd.DataFrame(
            {
                "payment_id": ["Y1", "Y2", "Y3", "Y4"],
                "project_id": ["P1", "P1", "P1", "I1"],
                "kind": ["advance", "progress", "other", "subsidy"],
                "amount": [100.0, 500.0, 50.0, 30.0],
                "paid_at": ["2024-01-20 10:00:00", "2024-06-01 10:00:00", "2024-07-01 10:00:00", "2025-01-01 10:00:00"],
                "payee_company_id": ["X", "Z", None, "F"],
            }
        ),
        "settlements": pd.DataFrame({"project_id": ["P1"], "submitted_amount": [1300.0], "audited_amount": [1040.0]}),
        "agreements": pd.DataFrame(
            {
                "agreement_id": ["G1"],
                "project_id": ["I1"],
                "company_id": ["F"],
                "promised_investment": [1000.0],
                "promised_tax_annual": [100.0],
                "promised_jobs": [50],
            }
        ),
        "performance": pd.DataFrame(
            {
                "agreement_id": ["G1", "G1"],
                "year": [2023, 2024],
                "actual_investment": [100.0, 200.0],
                "actual_tax": [20.0, 40.0],
                "actual_jobs": [10, 20],
            }
        ),
        "land_parcels": pd.DataFrame(
            {
                "parcel_id": ["A1", "A2", "A3", "A4", "A5"],
                "project_id": ["L1", "L1", "L2", "L3", "L4"],
                "area_m2": [100.0, 100.0, 100.0, 100.0, 100.0],
                "appraised_value": [10_000.0, 20_000.0, 10_000.0, 11_000.0, 12_000.0],
                "agreed_price": [12_000.0, 24_000.0, 10_000.0, 11_000.0, 12_000.0],
                "appraiser_company_id": ["V", "V", "V", "V2", "V2"],
                "seller_id": ["S", "S9", "S9", "S3", "S9"],
            }
        ),
        # the seller S is the spouse of a shareholder of the appraiser V; S3 is V2's legal representative
        "companies": pd.DataFrame(
            {"company_id": ["V", "V2", "X", "Z", "F"], "legal_rep_id": [None, "S3", None, None, None]}
        ),
        "company_people": pd.DataFrame({"company_id": ["V"], "person_id": ["AP"], "role": ["shareholder"]}),
        "relations": pd.DataFrame({"person_id_a": ["AP"], "person_id_b": ["S"], "kind": ["spouse"]}),
    }
    build(con, frames)
    return con


def test_contracts_payments_settlement(money):
    p1 = row(money, "features_project", "project_id", "P1")
    assert p1["n_contracts"] == 2
    assert p1["n_supplements"] == 1
    assert p1["contract_over_budget"] == pytest.approx(0.8)
    assert p1["supplement_ratio"] == pytest.approx(0.25)
    assert p1["paid_over_contract"] == pytest.approx(600 / 1000)  # "other" payments not counted
    assert p1["paid_before_contract"] is True  # advance on 20 Jan, contract on 1 Feb
    assert p1["payee_not_contractor_share"] == pytest.approx(500 / 600)  # Z holds no contract
    assert p1["settlement_over_contract"] == pytest.approx(1300 / 800)  # main contract only
    assert p1["audited_over_contract"] == pytest.approx(1040 / 800)
    assert p1["change_over_contract"] == pytest.approx(0.1)
    assert p1["contract_before_initiation"] is True
    assert p1["paid_before_permit"] is True
    assert p1["days_paid_before_permit"] == pytest.approx(5 - 1 / 24)  # 20 Jan 10:00 → 25 Jan 09:00
    assert p1["audit_cut_ratio"] == pytest.approx(0.2)


def test_investment_and_payout(money):
    i1 = row(money, "features_project", "project_id", "I1")
    assert i1["investment_fulfilment"] == pytest.approx(0.3)
    assert i1["tax_fulfilment"] == pytest.approx(0.3)  # mean of 20 and 40 over 100
    assert i1["jobs_fulfilment"] == pytest.approx(0.4)  # latest year: 20 of 50
    assert i1["performance_years"] == 2
    assert i1["payout_amount"] == pytest.approx(30.0)
    assert i1["payout_over_actual_investment"] == pytest.approx(0.1)
    assert i1["payout_over_promised_investment"] == pytest.approx(0.03)
    assert i1["payout_without_investment"] is False
    # at the payout review (Feb 2025): investment of 2023–2024, tax and jobs of 2024
    assert i1["fulfilment_at_payout"] == pytest.approx(0.3)
    assert i1["tax_at_payout"] == pytest.approx(0.4)
    assert i1["jobs_at_payout"] == pytest.approx(0.4)
    assert i1["payout_before_check"] is False
    i2 = row(money, "features_project", "project_id", "I2")
    assert i2["payout_before_check"] is True
    assert i2["fulfilment_at_payout"] is None
    p1 = row(money, "features_project", "project_id", "P1")
    assert p1["payout_amount"] is None  # no investment agreement
    assert p1["payout_before_check"] is None  # not an investment project


def test_land(money):
    l1 = row(money, "features_project", "project_id", "L1")
    assert l1["land_price_per_m2"] == pytest.approx(180.0)  # 36 000 over 200 m²
    # the unit's parcels per m²: 120, 240 (L1), 100, 110, 120 → median 120; appraised: 100, 200, 100, 110, 120
    assert l1["land_price_vs_peers"] == pytest.approx(180.0 / 120.0)
    assert l1["appraised_vs_peers"] == pytest.approx(150.0 / 110.0)
    assert l1["agreed_over_appraised"] == pytest.approx(1.2)
    assert l1["appraiser_unit_share"] == pytest.approx(3 / 5)
    l2 = row(money, "features_project", "project_id", "L2")
    assert l2["land_price_vs_peers"] == pytest.approx(100.0 / 120.0)
    assert l1["seller_linked_to_appraiser"] == 1  # S is a shareholder's spouse
    assert l2["seller_linked_to_appraiser"] == 0
    assert row(money, "features_project", "project_id", "L3")["seller_linked_to_appraiser"] == 1  # V2's legal rep
    assert row(money, "features_project", "project_id", "P1")["seller_linked_to_appraiser"] is None


def test_land_needs_enough_peers(con):
    frames = {
        "projects": projects(("L1", "land", 0.0), ("L2", "land", 0.0)),
        "approvals": pd.DataFrame(
            {
                "event_id": ["E1"],
                "project_id": ["L1"],
                "node": ["L01"],
                "action": ["submit"],
                "occurred_at": ["2024-01-01 09:00:00"],
            }
        ),
        "land_parcels": pd.DataFrame(
            {
                "parcel_id": ["A1", "A2"],
                "project_id": ["L1", "L2"],
                "area_m2": [10.0, 10.0],
                "agreed_price": [100.0, 200.0],
            }
        ),
    }
    build(con, frames)
    assert row(con, "features_project", "project_id", "L1")["land_price_vs_peers"] is None
    build(con, frames, Settings(features={"land_min_peers": 1}))
    assert row(con, "features_project", "project_id", "L1")["land_price_vs_peers"] == pytest.approx(10 / 15)


def test_split(money):
    s1 = row(money, "features_project", "project_id", "S1")
    assert s1["budget_below_threshold_gap"] == pytest.approx(0.025)
    assert s1["budget_over_threshold"] == pytest.approx(0.975)
    assert row(money, "features_project", "project_id", "L1")["budget_over_threshold"] is None
    assert s1["split_siblings"] == 2  # S2 is 45 days away, S3 79 days; S4 (244 days) is outside
    s2 = row(money, "features_project", "project_id", "S2")
    assert s2["split_siblings"] == 2
    assert s2["split_sum_over_threshold"] is True
    s4 = row(money, "features_project", "project_id", "S4")
    assert s4["split_siblings"] == 0
    assert s4["split_sum_over_threshold"] is False
    p1 = row(money, "features_project", "project_id", "P1")
    assert p1["n_child_projects"] == 2
    assert p1["split_siblings"] == 0  # 1000 yuan is far below the 20 % band


def test_land_peers_of_the_same_category_first(con):
    frames = {
        "projects": projects(
            ("A", "land", 0.0, "x", "U9"),
            ("B", "land", 0.0, "x", "U9"),
            ("C", "land", 0.0, "x", "U9"),
            ("D", "land", 0.0, "y", "U9"),
            ("E", "land", 0.0, "y", "U9"),
        ),
        "approvals": events(("A", "L01", "submit", "P", "2024-01-01 09:00:00")),
        "land_parcels": pd.DataFrame(
            {
                "parcel_id": list("abcde"),
                "project_id": list("ABCDE"),
                "area_m2": [1.0] * 5,
                "agreed_price": [100.0, 200.0, 400.0, 1000.0, 3000.0],
            }
        ),
    }
    build(con, frames, Settings(features={"land_min_peers": 2}))
    a = row(con, "features_project", "project_id", "A")
    assert a["land_price_vs_peers"] == pytest.approx(100 / 200)  # "x" parcels 100, 200, 400
    d = row(con, "features_project", "project_id", "D")
    assert d["land_price_vs_peers"] == pytest.approx(1000 / 400)  # one other "y" parcel: the whole unit
