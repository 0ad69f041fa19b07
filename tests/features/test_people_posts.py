"""Relatives and self-interest of approvers, and post aggregates, on a small hand-made world."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.features.conftest import build, events, projects, row


@pytest.fixture(scope="module")
def world(module_con):
    con = module_con
    frames = {
        "projects": projects(("P1", "construction", 1.0), ("P2", "construction", 1.0), ("P3", "subsidy", 1.0)),
        "approvals": events(
            ("P1", "C01", "approve", "A", "2024-03-04 10:00:00", "online", None, "POST1"),
            ("P1", "C02", "approve", "B", "2024-03-05 23:00:00"),  # no post: B held POST2 that day
            ("P2", "C01", "approve", "B", "2024-08-01 10:00:00"),  # B moved to POST3 in July
            ("P3", "S03", "approve", "A", "2024-04-06 10:00:00", "offline", None, "POST1"),  # Saturday
            ("P3", "S01", "submit", "C", "2024-04-01 10:00:00", "online", None, "POST4"),  # a submit is no approval
        ),
        "posts": pd.DataFrame({"post_id": ["POST1", "POST2", "POST3", "POST4"], "unit_id": ["U1"] * 4}),
        "assignments": pd.DataFrame(
            {
                "person_id": ["A", "B", "B"],
                "post_id": ["POST1", "POST2", "POST3"],
                "start_date": ["2020-01-01", "2024-01-01", "2024-07-01"],
                "end_date": [None, "2024-06-30", None],
            }
        ),
        "relations": pd.DataFrame(
            {"person_id_a": ["R", "B", "B"], "person_id_b": ["A", "R2", "R4"], "kind": ["spouse", "classmate", "kin"]}
        ),
        "company_people": pd.DataFrame(
            {
                "company_id": ["X", "Y", "Z", "Y"],
                "person_id": ["R", "R2", "A", "R4"],
                "role": ["shareholder", "legal_rep", "director", "employee"],
            }
        ),
        "tenders": pd.DataFrame(
            {
                "tender_id": ["T1", "T2", "T3"],
                "project_id": ["P1", "P1", "P2"],
                "method": ["open", "open", "open"],
                "winner_company_id": ["X", "X2", "Y"],
            }
        ),
        "contracts": pd.DataFrame({"contract_id": ["K1"], "project_id": ["P3"], "company_id": ["Z"], "amount": [5.0]}),
    }
    build(con, frames)
    return con


def test_relative_and_self_interest(world):
    p1 = row(world, "features_project", "project_id", "P1")
    assert p1["relative_in_beneficiary"] == 1  # A approved P1; A's spouse R owns the winner X
    assert p1["approver_in_beneficiary"] == 0
    p2 = row(world, "features_project", "project_id", "P2")
    assert p2["relative_in_beneficiary"] == 0  # a classmate is not a relative; R4 is only an employee of Y
    assert p2["relative_employed_by_beneficiary"] == 1  # B's kin R4 works for the winner Y
    assert p1["relative_employed_by_beneficiary"] == 0
    p3 = row(world, "features_project", "project_id", "P3")
    assert p3["approver_in_beneficiary"] == 1  # A is a director of the contractor Z


def test_post_activity(world):
    post1 = row(world, "features_post", "post_id", "POST1")
    assert post1["post_projects"] == 2
    assert post1["post_approvals"] == 2
    assert post1["post_holders"] == 1
    assert post1["approvals_per_month"] == pytest.approx(1.0)  # two approvals over March and April
    assert post1["post_night_share"] == 0.0
    assert post1["post_weekend_share"] == pytest.approx(0.5)
    assert post1["post_offline_share"] == pytest.approx(0.5)
    post2 = row(world, "features_post", "post_id", "POST2")  # resolved through assignments
    assert (post2["post_projects"], post2["post_night_share"]) == (1, 1.0)
    post3 = row(world, "features_post", "post_id", "POST3")
    assert post3["post_projects"] == 1
    post4 = row(world, "features_post", "post_id", "POST4")
    assert post4["post_projects"] == 0
    assert post4["post_night_share"] is None
    assert post4["post_winner_hhi"] is None


def test_post_winners_and_signals(world):
    post1 = row(world, "features_post", "post_id", "POST1")
    assert post1["post_distinct_winners"] == 2  # X and X2 won P1's tenders; P3 had none
    assert post1["post_winner_hhi"] == pytest.approx(0.5)
    assert post1["post_top_winner_share"] == pytest.approx(0.5)
    assert post1["post_tenders"] == 2
    assert post1["share_interest_conflict"] == pytest.approx(1.0)  # P1 via a relative, P3 via A himself
    assert post1["share_self_approval"] == 0.0
    post3 = row(world, "features_post", "post_id", "POST3")
    assert post3["post_winner_hhi"] == pytest.approx(1.0)
    assert post3["share_interest_conflict"] == 0.0
    assert post3["share_any_signal"] == 0.0  # P2 has reached C01 only: nothing skipped, nothing linked
    assert post1["share_any_signal"] == pytest.approx(1.0)


def test_posts_without_posts_table(con):
    frames = {
        "projects": projects(("P1", "construction", 1.0)),
        "approvals": events(
            ("P1", "C01", "approve", "A", "2024-03-04 10:00:00", "online", None, "POST1"),
            ("P1", "C02", "approve", "A", "2024-03-05 10:00:00", "online", None, "POST1"),
        ),
    }
    report = build(con, frames)
    assert con.execute("SELECT post_id, post_approvals FROM features_post").fetchall() == [("POST1", 2)]
    assert "post_winners" in report.skipped
