"""Context features (approver and company history, peer z-scores, bidder co-occurrence) worked out by hand.

The history world, in time order (unit U1 unless said):
  P0  contract only, W signs its main contract on 2023-12-01 (start 2023-12-01)
  P1  starts 2024-01-01; A approves (twice); T1 opened 01-10, bids X Y Z, X wins 01-12
  P2  unit U2, starts 02-01; A and B approve; T2 opened 02-10, bids X Y Z, Y wins; label partial decided 06-01
  P3  starts 03-01; A approves; T3 opened 03-10, bids X Y, X wins; label confirmed decided 04-01
  P6  starts 04-20, but A approves it only on 05-05, after P4's start
  P4  starts 05-01; A and B approve; T4 opened 05-10, bids X Y Z, X wins; its own label decided 03-15
  P7  starts 05-04; T7 opened 05-05 (after P4's start, before T4), bids X Y, Y wins
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.features.conftest import build, events, projects, row
from yunshao.contract import load_frames
from yunshao.features import build_features
from yunshao.settings import Settings


def _tenders(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    """Tenders from (tender, project, opened date, winner); awarded two days after opening."""
    return pd.DataFrame(
        {
            "tender_id": [r[0] for r in rows],
            "project_id": [r[1] for r in rows],
            "method": ["open"] * len(rows),
            "opened_at": [f"{r[2]} 10:00:00" for r in rows],
            "awarded_at": [str(pd.Timestamp(r[2]) + pd.Timedelta(days=2)) for r in rows],
            "winner_company_id": [r[3] for r in rows],
        }
    )


def _bids(bidders: dict[str, str]) -> pd.DataFrame:
    rows = [(t, c) for t, firms in bidders.items() for c in firms]
    return pd.DataFrame(
        {
            "bid_id": [f"B{i}" for i in range(len(rows))],
            "tender_id": [t for t, _ in rows],
            "company_id": [c for _, c in rows],
            "price": [100.0 + i for i in range(len(rows))],
        }
    )


@pytest.fixture(scope="module")
def history(module_con):
    con = module_con
    frames = {
        "projects": projects(
            ("P0", "construction", 1.0, None, "U1"),
            ("P1", "construction", 1.0, None, "U1", "2024-01-01 09:00:00"),
            ("P2", "construction", 1.0, None, "U2", "2024-02-01 09:00:00"),
            ("P3", "construction", 1.0, None, "U1", "2024-03-01 09:00:00"),
            ("P4", "construction", 1.0, None, "U1", "2024-05-01 09:00:00"),
            ("P6", "construction", 1.0, None, "U1", "2024-04-20 09:00:00"),
            ("P7", "construction", 1.0, None, "U1", "2024-05-04 09:00:00"),
        ),
        "approvals": events(
            ("P1", "C01", "approve", "A", "2024-01-02 10:00:00"),
            ("P1", "C02", "approve", "A", "2024-01-03 10:00:00"),  # a second approval: still one project
            ("P2", "C01", "approve", "A", "2024-02-02 10:00:00"),
            ("P2", "C02", "approve", "B", "2024-02-03 10:00:00"),
            ("P3", "C01", "approve", "A", "2024-03-02 10:00:00"),
            ("P3", "C01", "submit", "C", "2024-03-01 12:00:00"),  # a submit is no approval
            ("P6", "C01", "approve", "A", "2024-05-05 10:00:00"),  # after P4's start: not in P4's history
            ("P4", "C01", "approve", "A", "2024-05-02 10:00:00"),
            ("P4", "C02", "approve", "B", "2024-05-03 10:00:00"),
        ),
        "tenders": _tenders(
            ("T1", "P1", "2024-01-10", "X"),
            ("T2", "P2", "2024-02-10", "Y"),
            ("T3", "P3", "2024-03-10", "X"),
            ("T4", "P4", "2024-05-10", "X"),
            ("T7", "P7", "2024-05-05", "Y"),
        ),
        "bids": _bids({"T1": "XYZ", "T2": "XYZ", "T3": "XY", "T4": "XYZ", "T7": "XY"}),
        "contracts": pd.DataFrame(
            {
                "contract_id": ["K0"],
                "project_id": ["P0"],
                "company_id": ["W"],
                "kind": ["main"],
                "signed_at": ["2023-12-01 10:00:00"],
                "amount": [1.0],
            }
        ),
        "labels": pd.DataFrame(
            {
                "entity_type": ["project", "project", "project"],
                "entity_id": ["P3", "P2", "P4"],
                "outcome": ["confirmed", "partial", "confirmed"],
                "scheme": ["bid_rigging", "bid_rigging", "bid_rigging"],
                "decided_at": ["2024-04-01 10:00:00", "2024-06-01 10:00:00", "2024-03-15 10:00:00"],
            }
        ),
    }
    build(con, frames)
    return con


def test_project_start_is_the_earliest_known_time(history):
    starts = dict(history.execute("SELECT project_id, CAST(start_at AS VARCHAR) FROM project_start").fetchall())
    assert starts["P0"] == "2023-12-01 10:00:00"  # no approved_at, no events: its contract signing
    assert starts["P4"] == "2024-05-01 09:00:00"


def test_approver_history(history):
    p4 = row(history, "features_project", "project_id", "P4")
    # A approved P1, P2, P3 before 05-01 (P6 only on 05-05, after the start); B approved P2
    assert p4["approver_prior_projects_max"] == 3
    assert p4["approver_prior_projects_mean"] == pytest.approx(2.0)
    assert p4["approver_prior_same_unit_max"] == 2  # A's P1 and P3 are of U1, P2 of U2
    # X won P1 and P3, both approved by A: 2 of A's 3 prior projects; B's P2 went to Y
    assert p4["approver_winner_prior_max"] == 2
    assert p4["approver_winner_share_max"] == pytest.approx(2 / 3)
    # P3 confirmed on 04-01 counts; P2's decision (06-01) comes after the start; P4's own label never counts
    assert p4["approver_prior_confirmed_max"] == 1
    assert p4["approver_prior_confirmed_rate"] == pytest.approx(1 / 4)  # (1 + 0) over (3 + 1)
    p1 = row(history, "features_project", "project_id", "P1")
    assert (p1["approver_prior_projects_max"], p1["approver_prior_confirmed_max"]) == (0, 0)
    assert p1["approver_prior_confirmed_rate"] is None  # nothing before
    assert p1["approver_winner_share_max"] is None
    p6 = row(history, "features_project", "project_id", "P6")  # started 04-20: A's P1, P2, P3 and P3's label
    assert (p6["approver_prior_projects_max"], p6["approver_prior_confirmed_max"]) == (3, 1)
    p0 = row(history, "features_project", "project_id", "P0")  # nobody approved it
    assert p0["approver_prior_projects_max"] is None and p0["approver_winner_prior_max"] is None


def test_own_label_is_never_counted(history):
    # P4's own label is decided (03-15) before its start: it still is not its own history
    p4 = row(history, "features_project", "project_id", "P4")
    assert p4["winner_prior_confirmed"] == 1  # X's P3 only, not P4
    p7 = row(history, "features_project", "project_id", "P7")  # Y won P2 and P7; P2's label comes later
    assert p7["winner_prior_confirmed"] == 0


def test_company_history(history):
    p4 = row(history, "features_project", "project_id", "P4")
    # X bid in T1, T2, T3 (T7 opened after P4's start), won T1 and T3
    assert (p4["winner_prior_bids"], p4["winner_prior_wins"]) == (3, 2)
    assert p4["winner_prior_win_rate"] == pytest.approx(2 / 3)
    # U1's awards before 05-01: P0 (W), P1 (X), P3 (X)
    assert p4["winner_unit_award_share"] == pytest.approx(2 / 3)
    # bidders X, Y, Z: bids 3, 3, 2; wins 2, 1, 0; unit shares 2/3, 0, 0; confirmed 1, 0, 0
    assert p4["bidder_prior_bids_mean"] == pytest.approx(8 / 3)
    assert p4["bidder_prior_wins_mean"] == pytest.approx(1.0)
    assert p4["bidder_prior_win_rate_mean"] == pytest.approx((2 / 3 + 1 / 3 + 0) / 3)
    assert p4["bidder_unit_award_share_mean"] == pytest.approx(2 / 9)
    assert p4["bidder_prior_confirmed_mean"] == pytest.approx(1 / 3)
    p1 = row(history, "features_project", "project_id", "P1")
    assert (p1["winner_prior_bids"], p1["winner_prior_wins"]) == (0, 0)
    assert p1["winner_prior_win_rate"] is None
    assert p1["winner_unit_award_share"] == 0.0  # U1 had one award before (P0, to W)
    p0 = row(history, "features_project", "project_id", "P0")  # contract only: no bidders
    assert p0["winner_prior_bids"] == 0 and p0["winner_unit_award_share"] is None
    assert p0["bidder_prior_bids_mean"] is None


def test_pair_cooccurrence_and_rotation(history):
    t4 = row(history, "features_tender", "tender_id", "T4")
    # before P4's start (T7 on 05-05 is not): X-Y met in T1, T2, T3; X-Z and Y-Z in T1, T2
    assert t4["pair_prior_meetings_max"] == 3
    assert t4["pair_prior_meetings_mean"] == pytest.approx(7 / 3)
    # X beat Y in T1 and T3, Z in T1; it met them 3 + 2 times
    assert t4["winner_prior_beats"] == 3
    assert t4["winner_prior_beat_share"] == pytest.approx(3 / 5)
    # X and Y each won an earlier meeting of the group: two rotating winners
    assert t4["group_prior_winners"] == 2
    assert t4["member_prior_win_share_max"] == pytest.approx(3 / 5)  # X 3/5, Y 2/5, Z 0/4
    t2 = row(history, "features_tender", "tender_id", "T2")
    assert (t2["pair_prior_meetings_max"], t2["winner_prior_beats"], t2["group_prior_winners"]) == (1, 0, 1)
    t1 = row(history, "features_tender", "tender_id", "T1")
    assert (t1["pair_prior_meetings_max"], t1["group_prior_winners"]) == (0, 0)
    assert t1["winner_prior_beat_share"] is None  # never met before
    p4 = row(history, "features_project", "project_id", "P4")
    assert (p4["max_pair_prior_meetings"], p4["max_group_prior_winners"], p4["max_winner_prior_beats"]) == (3, 2, 3)
    p0 = row(history, "features_project", "project_id", "P0")
    assert p0["max_pair_prior_meetings"] is None


def test_labels_absent_count_zero(con):
    frames = {
        "projects": projects(
            ("P1", "construction", 1.0, None, "U1", "2024-01-01 09:00:00"),
            ("P2", "construction", 1.0, None, "U1", "2024-02-01 09:00:00"),
        ),
        "approvals": events(
            ("P1", "C01", "approve", "A", "2024-01-02 10:00:00"),
            ("P2", "C01", "approve", "A", "2024-02-02 10:00:00"),
        ),
    }
    report = build(con, frames)
    assert "project_company_history" in report.skipped and "tender_cooccurrence" in report.skipped
    p2 = row(con, "features_project", "project_id", "P2")
    assert (p2["approver_prior_projects_max"], p2["approver_prior_confirmed_max"]) == (1, 0)
    assert p2["approver_prior_confirmed_rate"] == 0.0
    assert p2["approver_winner_prior_max"] is None  # no winners known
    assert p2["winner_prior_bids"] is None and p2["max_pair_prior_meetings"] is None


def test_peer_robust_z(con):
    rows = [(f"G{i}", "procurement", b, "goods", "U9") for i, b in enumerate([10.0, 20.0, 30.0, 40.0, 100.0])]
    rows += [(f"S{i}", "procurement", b, "services", "U8") for i, b in enumerate([5.0, 5.0, 5.0, 5.0, 9.0])]
    rows += [(f"E{i}", "procurement", 7.0, "equal", "U7") for i in range(5)]
    rows += [(f"F{i}", "procurement", float(i), "few", "U6") for i in range(4)]
    frames = {
        "projects": projects(*rows),
        "approvals": events(*((r[0], "P02", "approve", "A", "2024-03-01 10:00:00") for r in rows)),
    }
    build(con, frames)
    z = dict(con.execute("SELECT project_id, peer_z_budget_cat FROM features_project").fetchall())
    # median 30, absolute deviations 20 10 0 10 70: MAD 10
    assert z["G4"] == pytest.approx(70 / (1.4826 * 10))
    assert z["G0"] == pytest.approx(-20 / (1.4826 * 10))
    assert z["G2"] == 0.0
    # MAD 0 (median 5, deviations 0 0 0 0 4): the mean absolute deviation 0.8, scaled by 1.2533
    assert z["S4"] == pytest.approx(4 / (1.2533 * 0.8))
    assert z["S0"] == 0.0
    assert all(z[f"E{i}"] == 0.0 for i in range(5))  # the whole group equal
    assert all(z[f"F{i}"] is None for i in range(4))  # fewer than 5 peers
    unit = dict(con.execute("SELECT project_id, peer_z_budget_unit FROM features_project").fetchall())
    assert unit["G4"] == pytest.approx(z["G4"])  # one unit per category here
    g4 = row(con, "features_project", "project_id", "G4")
    assert g4["peer_z_award_over_ceiling_cat"] is None  # no tenders
    assert g4["peer_z_approvals_cat"] == 0.0  # one approval each
    assert not math.isnan(g4["peer_z_trail_days_cat"])


def test_optional_table_declared_present_but_not_held(con):
    # the scoring API declares the store's tables present but keeps labels to itself: read as empty
    frames = {
        "projects": projects(("P1", "construction", 1.0, None, "U1", "2024-01-01 09:00:00")),
        "approvals": events(("P1", "C01", "approve", "A", "2024-01-02 10:00:00")),
    }
    report = load_frames(con, frames)
    build_features(con, Settings(), {*report.present_tables, "labels"})
    p1 = row(con, "features_project", "project_id", "P1")
    assert (p1["approver_prior_projects_max"], p1["approver_prior_confirmed_max"]) == (0, 0)
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'labels'").fetchall() == [(0,)]
