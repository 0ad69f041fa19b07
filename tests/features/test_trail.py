"""Trail, sequence and change-order features on a trail worked out by hand."""

from __future__ import annotations

import pytest

from tests.features.conftest import build, events, projects, row

# P1, construction. Nodes by first event: C01 (Mon 4 Mar), C02 (8 Mar), C03 (11 Mar), C16 (15 Mar), C04 (20 Mar).
# C04 comes after C16 although it ranks earlier: one order violation; commencement precedes initiation.
P1 = (
    ("P1", "C01", "submit", "A", "2024-03-04 09:00:00"),
    ("P1", "C01", "approve", "A", "2024-03-04 23:30:00"),  # night; same person as the submitter
    ("P1", "C02", "submit", "A", "2024-03-08 09:00:00", None),  # channel unknown
    ("P1", "C02", "approve", "B", "2024-03-09 10:00:00", "offline"),  # Saturday
    ("P1", "C03", "submit", "A", "2024-03-11 09:00:00"),
    ("P1", "C03", "return", "B", "2024-03-11 15:00:00"),
    ("P1", "C03", "approve", "B", "2024-03-12 10:00:00"),
    ("P1", "C16", "approve", "C", "2024-03-15 09:00:00"),
    ("P1", "C04", "approve", "B", "2024-03-20 09:00:00"),
)
# P2, emergency works that went straight to contract, with one change order of 300 on a budget of 1000.
P2 = (
    ("P2", "C01", "approve", "A", "2024-01-02 10:00:00"),
    ("P2", "C14", "approve", "D", "2024-01-05 10:00:00"),
    ("P2", "C17", "submit", "D", "2024-02-01 10:00:00", "online", 300.0),
    ("P2", "C17", "approve", "B", "2024-02-02 10:00:00", "online", 300.0),
)
# P3, a regular tender: initiation approved 10 Jan, announcement 20 Jan, opening 10 Feb, award 15 Feb, contract 20 Feb.
P3 = (
    ("P3", "C04", "approve", "B", "2024-01-10 10:00:00"),
    ("P3", "C09", "approve", "B", "2024-01-15 10:00:00"),
    ("P3", "C10", "submit", "E", "2024-01-20 10:00:00"),
    ("P3", "C11", "submit", "E", "2024-02-10 10:00:00"),
    ("P3", "C12", "approve", "F", "2024-02-12 10:00:00"),
    ("P3", "C13", "approve", "G", "2024-02-15 10:00:00"),
    ("P3", "C14", "approve", "G", "2024-02-20 10:00:00"),
)


@pytest.fixture(scope="module")
def trail(module_con):
    con = module_con
    frames = {
        "projects": projects(
            ("P1", "construction", 5000.0, "road"),
            ("P2", "construction", 1000.0, "emergency"),
            ("P3", "construction", 2000.0),
            ("P4", "investment", 10.0),
        ),
        "approvals": events(*P1, *P2, *P3),
    }
    build(con, frames)
    return con


def test_counts_shares_and_times(trail):
    p1 = row(trail, "features_project", "project_id", "P1")
    assert p1["n_events"] == 9
    assert p1["n_approvals"] == 5
    assert p1["n_returns"] == 1
    assert p1["trail_days"] == pytest.approx(16.0)  # 4 Mar 09:00 → 20 Mar 09:00
    assert p1["night_approvals"] == 1
    assert p1["night_approval_share"] == pytest.approx(1 / 5)
    assert p1["weekend_approval_share"] == pytest.approx(1 / 5)
    assert p1["offline_share"] == pytest.approx(1 / 8)  # one event of the eight with a known channel
    assert p1["distinct_approvers"] == 3  # A, B, C


def test_sequence(trail):
    p1 = row(trail, "features_project", "project_id", "P1")
    assert p1["node_order_violations"] == 1  # C04 after C16
    # furthest mandatory node C16: C01–C08 and C14–C16 are due (11, tendering not counted);
    # C01, C02, C03, C04 and C16 happened → 11 − 5 = 6 skipped
    assert p1["skipped_mandatory_nodes"] == 6
    assert p1["tender_stage_skipped"] is True
    assert p1["is_emergency"] is False
    assert p1["tender_skipped_not_emergency"] is True
    assert p1["commenced_before_approval"] is True
    assert p1["mean_node_gap_days"] == pytest.approx(16.0 / 4)  # five nodes, 16 days
    # first approvers in legal order: C01 A, C02 B, C03 B, C04 B, C16 C → (C02,C03) and (C03,C04) match
    assert p1["same_approver_consecutive"] == 2
    assert p1["same_approver_consecutive_share"] == pytest.approx(2 / 3)
    assert p1["self_approvals"] == 1  # C01 submitted and approved by A


def test_emergency_and_change_orders(trail):
    p2 = row(trail, "features_project", "project_id", "P2")
    assert p2["is_emergency"] is True
    assert p2["tender_stage_skipped"] is True
    assert p2["tender_skipped_not_emergency"] is False
    assert p2["commenced_before_approval"] is False  # never commenced
    assert p2["change_orders"] == 1
    assert p2["change_amount_ratio"] == pytest.approx(0.3)
    assert p2["node_order_violations"] == 0
    assert p2["skipped_mandatory_nodes"] == 7  # furthest is C14: C01–C08 and C14 due (9), 2 happened


def test_tender_intervals(trail):
    p3 = row(trail, "features_project", "project_id", "P3")
    assert p3["tender_stage_skipped"] is False
    assert p3["days_initiation_to_tender"] == pytest.approx(10.0)
    assert p3["days_announce_to_open"] == pytest.approx(21.0)
    assert p3["days_award_to_contract"] == pytest.approx(5.0)
    assert p3["node_order_violations"] == 0
    assert p3["self_approvals"] == 0  # no node was both submitted and approved


def test_project_without_events(trail):
    p4 = row(trail, "features_project", "project_id", "P4")
    assert p4["n_events"] == 0
    assert p4["night_approval_share"] is None
    assert p4["node_order_violations"] == 0
    assert p4["tender_stage_skipped"] is False
    assert p4["change_amount_ratio"] == 0.0
