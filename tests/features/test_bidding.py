"""Tender and project bidding features on bids worked out by hand."""

from __future__ import annotations

import statistics

import pandas as pd
import pytest

from tests.features.conftest import build, projects, row


def _bids(rows: list[tuple]) -> pd.DataFrame:
    cols = [
        "bid_id",
        "tender_id",
        "company_id",
        "price",
        "ip_address",
        "mac_address",
        "device_id",
        "doc_hash",
        "deposit_account",
        "status",
        "submitted_at",
        "project_manager_id",
    ]
    return pd.DataFrame([dict(zip(cols, r + (None,) * (len(cols) - len(r)), strict=True)) for r in rows])


@pytest.fixture(scope="module")
def bidding(module_con):
    con = module_con
    tenders = pd.DataFrame(
        {
            "tender_id": ["T1", "T2", "T3", "T4"],
            "project_id": ["P1", "P1", "P2", "P2"],
            "method": ["open", "open", "invited", "single_source"],
            "ceiling_price": [125.0, 1000.0, None, 200.0],
            "winner_company_id": ["X", "W2", "X", None],
            "award_price": [None, 900.0, None, None],
            "announced_at": ["2024-01-01 09:00:00", None, None, None],
            "bid_deadline": ["2024-01-21 09:00:00", None, None, None],
        }
    )
    bids = _bids(
        [
            # T1: X and Y share an IP only (park network), Z alone; X's manager M is insured by Q that month
            ("b1", "T1", "X", 100.0, "10.0.0.1", "AA-AA", None, None, None, "valid", "2024-01-20 10:00:00", "M"),
            ("b2", "T1", "Y", 110.0, "10.0.0.1", "BB-BB", None, None, None, "valid", "2024-01-20 10:30:00"),
            ("b3", "T1", "Z", 120.0, "10.0.0.9", "CC-CC", None, None, None, "valid", "2024-01-20 10:05:00"),
            # T2: X2/Y2 share IP and MAC (one machine), Z2/W2 share a device id on different IPs,
            # X2/Z2 share a document hash, Y2/W2 a bond account; V2 withdrew with X2's IP and MAC
            ("c1", "T2", "X2", 900.0, "1.1.1.1", "aa:bb", None, "h1", "acc1", "valid"),
            ("c2", "T2", "Y2", 950.0, "1.1.1.1", "AA-BB", None, None, "acc2", "valid"),
            ("c3", "T2", "Z2", 980.0, "2.2.2.2", None, "dev1", "h1", None, "valid"),
            ("c4", "T2", "W2", 990.0, "3.3.3.3", None, "dev1", None, "acc2", "valid"),
            ("c5", "T2", "V2", 999.0, "1.1.1.1", "aa:bb", None, None, None, "withdrawn"),
            # T3: a regular ladder 100, 101, 102 (steps of 1 % of the lowest)
            ("d1", "T3", "X", 100.0),
            ("d2", "T3", "Y", 101.0),
            ("d3", "T3", "Z", 102.0),
            # T4: two identical prices and one disqualified bid
            ("e1", "T4", "X", 150.0),
            ("e2", "T4", "Y", 150.0),
            ("e3", "T4", "Z", 190.0),
            ("e4", "T4", "W", 100.0, None, None, None, None, None, "disqualified"),
        ]
    )
    company_ids = ["X", "Y", "Z", "W", "Q", "X2", "Y2", "Z2", "W2", "V2"]
    companies = pd.DataFrame(
        {
            "company_id": company_ids,
            "legal_rep_id": ["R1", "R2", "R3", "R1", None, None, None, None, None, None],
            "phone": ["0571-8888 1234", "123", "057188881234", None, None, None, None, None, None, None],
            "address": ["园区 1 号", "园区1号", "other", None, None, None, None, None, None, None],
        }
    )
    company_people = pd.DataFrame(
        {
            "company_id": ["X", "Y", "Z", "Y"],
            "person_id": ["O", "O", "O2", "O2"],
            "role": ["shareholder", "director", "employee", "employee"],
        }
    )
    social_insurance = pd.DataFrame(
        {"person_id": ["M", "M"], "company_id": ["Q", "Q"], "month": ["2024-01", "2024-02"]}
    )
    certificates = pd.DataFrame(
        {"cert_id": ["K1"], "person_id": ["M"], "registered_company_id": ["X"], "valid_from": ["2020-01-01"]}
    )
    frames = {
        "projects": projects(
            ("P1", "construction", 5e6),
            ("P2", "procurement", 1.0),
            ("P3", "construction", 1.0),
            ("P4", "construction", 5e6),  # above the threshold, no tender
            ("P5", "construction", 5e6, "emergency"),
        ),
        "approvals": pd.DataFrame(
            {
                "event_id": ["E1"],
                "project_id": ["P1"],
                "node": ["C01"],
                "action": ["submit"],
                "occurred_at": ["2024-01-01 09:00:00"],
            }
        ),
        "tenders": tenders,
        "bids": bids,
        "companies": companies,
        "company_people": company_people,
        "social_insurance": social_insurance,
        "certificates": certificates,
    }
    build(con, frames)
    return con


def test_counts_and_prices(bidding):
    t1 = row(bidding, "features_tender", "tender_id", "T1")
    assert t1["project_id"] == "P1"
    assert (t1["n_bids"], t1["n_valid_bids"], t1["n_disqualified"]) == (3, 3, 0)
    assert t1["winner_price_ratio"] == pytest.approx(100 / 125)  # no award price: the winner's bid
    assert t1["winner_is_lowest"] is True
    assert t1["price_ladder"] is False  # steps of 10 %
    assert t1["min_submit_gap_minutes"] == pytest.approx(5.0)
    assert t1["days_announce_to_deadline"] == pytest.approx(20.0)
    assert t1["noncompetitive_method"] is False
    t2 = row(bidding, "features_tender", "tender_id", "T2")
    assert t2["winner_price_ratio"] == pytest.approx(0.9)
    assert t2["winner_is_lowest"] is False  # W2 bid 990
    t3 = row(bidding, "features_tender", "tender_id", "T3")
    assert t3["price_ladder"] is True
    assert t3["winner_price_ratio"] is None  # no ceiling
    t4 = row(bidding, "features_tender", "tender_id", "T4")
    assert (t4["n_bids"], t4["n_valid_bids"], t4["n_disqualified"]) == (4, 3, 1)
    assert t4["identical_prices"] == 2
    assert t4["winner_is_lowest"] is None  # no winner
    assert t4["noncompetitive_method"] is True


def test_price_screens(bidding):
    t1 = row(bidding, "features_tender", "tender_id", "T1")
    prices = [100.0, 110.0, 120.0]
    assert t1["bid_cv"] == pytest.approx(statistics.stdev(prices) / statistics.mean(prices))  # 10/110
    assert t1["bid_cv"] == pytest.approx(10 / 110)
    assert t1["bid_spread"] == pytest.approx(0.2)
    assert t1["bid_diffp"] == pytest.approx(0.1)
    assert t1["bid_rd"] == pytest.approx(10 / statistics.stdev([110.0, 120.0]))


def test_shared_ip_is_not_shared_machine(bidding):
    t1 = row(bidding, "features_tender", "tender_id", "T1")
    assert t1["bidders_sharing_ip"] == 2
    assert t1["bidders_sharing_ip_and_hw"] == 0
    assert t1["bidders_sharing_hw"] == 0
    assert t1["linked_bidder_pairs"] == 0
    assert t1["winner_linked"] is False
    t2 = row(bidding, "features_tender", "tender_id", "T2")
    assert t2["bidders_sharing_ip"] == 2  # the withdrawn V2 does not count
    assert t2["bidders_sharing_ip_and_hw"] == 2  # MAC written aa:bb and AA-BB is one MAC
    assert t2["bidders_sharing_hw"] == 4
    assert t2["bidders_sharing_doc_hash"] == 2
    assert t2["bidders_sharing_bond"] == 2
    assert t2["linked_bidder_pairs"] == 4  # X2–Y2 machine, Z2–W2 device, X2–Z2 hash, Y2–W2 bond
    assert t2["winner_linked"] is True


def test_company_and_owner_links(bidding):
    t1 = row(bidding, "features_tender", "tender_id", "T1")
    assert t1["bidders_sharing_phone"] == 2  # X and Z, written differently
    assert t1["bidders_sharing_address"] == 2  # X and Y, spacing differs
    assert t1["bidders_sharing_legal_rep"] == 0
    assert t1["bidders_sharing_owner"] == 2  # O is shareholder of X and director of Y; employees do not count
    assert t1["winner_shares_owner"] is True
    t4 = row(bidding, "features_tender", "tender_id", "T4")
    assert t4["bidders_sharing_legal_rep"] == 2  # X and the disqualified W share R1
    assert t4["winner_shares_owner"] is None


def test_key_staff_elsewhere(bidding):
    t1 = row(bidding, "features_tender", "tender_id", "T1")
    assert t1["bids_staff_insured_elsewhere"] == 1  # M insured by Q in 2024-01
    assert t1["winner_staff_insured_elsewhere"] is True
    assert t1["bids_staff_certified_elsewhere"] == 0  # M's certificate is registered with X
    assert t1["winner_staff_certified_elsewhere"] is False
    t2 = row(bidding, "features_tender", "tender_id", "T2")
    assert t2["winner_staff_insured_elsewhere"] is None  # the winner named no key staff


def test_project_aggregates(bidding):
    p1 = row(bidding, "features_project", "project_id", "P1")
    assert p1["n_tenders"] == 2
    assert p1["min_valid_bids"] == 3
    assert p1["min_bid_cv"] == pytest.approx(
        min(statistics.stdev(v) / statistics.mean(v) for v in ([100, 110, 120], [900, 950, 980, 990]))
    )
    assert p1["max_bidders_sharing_ip_and_hw"] == 2
    assert p1["max_linked_bidder_pairs"] == 4
    assert p1["winner_linked_tenders"] == 2  # T1 through the owner, T2 through machine, hash and bond
    assert p1["winner_staff_elsewhere_tenders"] == 1
    p2 = row(bidding, "features_project", "project_id", "P2")
    assert p2["noncompetitive_tenders"] == 1
    assert p2["price_ladder_tenders"] == 1
    p3 = row(bidding, "features_project", "project_id", "P3")
    assert p3["n_tenders"] == 0
    assert p3["min_bid_cv"] is None


def test_required_tender_not_competed(bidding):
    flags = dict(bidding.execute("SELECT project_id, required_tender_not_competed FROM features_project").fetchall())
    # P1 tendered openly, P2 and P3 are below the threshold, P4 has no tender, P5 is emergency work
    assert flags == {"P1": False, "P2": False, "P3": False, "P4": True, "P5": False}
