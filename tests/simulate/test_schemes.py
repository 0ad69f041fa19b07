"""Each planted case carries the traces its truth row claims; clean projects and look-alikes do not.

The checks are SQL over the written tables, independent of how the simulator planted them.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import duckdb
import pytest

from yunshao.settings import get_settings
from yunshao.simulate import SCHEMES, SimulationSummary

pytestmark = pytest.mark.slow  # the session's simulated county of 1,500 projects (conftest.py)

THRESHOLD_SQL = """CASE WHEN p.domain = 'construction' THEN {works} WHEN p.category = 'goods' THEN {goods}
                   ELSE {services} END"""


def threshold_sql() -> str:
    r = get_settings().rules
    return THRESHOLD_SQL.format(
        works=r.works_tender_threshold, goods=r.goods_tender_threshold, services=r.services_tender_threshold
    )


def cases(con: duckdb.DuckDBPyConnection, scheme: str, entity: str = "project") -> list[tuple[str, str, dict]]:
    rows = con.execute(
        "SELECT project_id, entity_id, detail FROM planted WHERE scheme = ? AND entity_type = ?", [scheme, entity]
    ).fetchall()
    return [(p, e, json.loads(d)) for p, e, d in rows]


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> object:
    return con.execute(sql, params or []).fetchone()[0]


def test_every_scheme_is_planted_and_prevalence_is_realistic(sim: SimulationSummary) -> None:
    assert all(sim.planted[s] > 0 for s in SCHEMES), sim.planted
    assert 0.05 <= sim.planted_projects / sim.n_projects <= 0.10


def test_strengths_vary(con: duckdb.DuckDBPyConnection) -> None:
    strengths = {r[0] for r in con.execute("SELECT DISTINCT strength FROM planted").fetchall()}
    assert {"subtle", "blatant"} <= strengths


def test_bid_rigging_tenders_show_their_declared_traces(con: duckdb.DuckDBPyConnection) -> None:
    rings = cases(con, "bid_rigging", "tender")
    assert rings
    pair = """SELECT count(*) FROM bids a JOIN bids b ON a.tender_id = b.tender_id AND a.bid_id < b.bid_id AND {}
              WHERE a.tender_id = ?"""
    for _, tender, d in rings:
        traits = set(d["traits"])
        assert 2 <= len(traits) < 8
        if "shared_device" in traits:
            assert one(
                con,
                pair.format(
                    "a.device_id = b.device_id AND a.mac_address = b.mac_address AND a.ip_address = b.ip_address"
                ),
                [tender],
            )
        if "same_doc" in traits:
            assert one(con, pair.format("a.doc_hash = b.doc_hash AND a.doc_author = b.doc_author"), [tender])
        if "same_deposit" in traits:
            assert one(con, pair.format("a.deposit_account = b.deposit_account"), [tender])
        if "high_win" in traits:
            lowest = (
                "SELECT min(b.price) >= 0.995 * any_value(t.ceiling_price) FROM bids b JOIN tenders t USING (tender_id)"
            )
            assert one(con, lowest + " WHERE tender_id = ?", [tender])
            assert one(
                con,
                "SELECT coalesce(award_price >= 0.995 * ceiling_price, true) FROM tenders WHERE tender_id = ?",
                [tender],
            )
        if "shared_owner" in traits:
            assert one(
                con,
                """SELECT count(*) FROM bids a JOIN bids b ON a.tender_id = b.tender_id AND a.company_id < b.company_id
                   JOIN company_people x ON x.company_id = a.company_id
                   JOIN company_people y ON y.company_id = b.company_id AND x.person_id = y.person_id
                    AND x.role = 'shareholder' AND y.role = 'shareholder'
                   WHERE a.tender_id = ?""",
                [tender],
            )
        if "price_ladder" in traits:
            members = d["members"]
            prices = [
                r[0]
                for r in con.execute(
                    "SELECT price FROM bids WHERE tender_id = ? AND list_contains(?, company_id) ORDER BY price",
                    [tender, members],
                ).fetchall()
            ]
            steps = [b / a - 1 for a, b in itertools.pairwise(prices)]
            assert steps and max(steps) <= 0.02 and max(steps) - min(steps) < 0.001
        winner = one(con, "SELECT winner_company_id FROM tenders WHERE tender_id = ?", [tender])
        assert winner == d["winner"] and (winner is None or winner in d["members"])
    winners = con.execute(
        """SELECT json_extract_string(detail, '$.ring') ring, count(DISTINCT json_extract_string(detail, '$.winner'))
           FROM planted WHERE scheme = 'bid_rigging' GROUP BY 1 HAVING count(*) >= 3"""
    ).fetchall()
    assert any(n >= 2 for _, n in winners)  # winners rotate within a ring


def test_qualification_borrowing_winning_manager_is_not_the_winners(con: duckdb.DuckDBPyConnection) -> None:
    qb = cases(con, "qualification_borrowing")
    assert qb
    for pid, _, d in qb:
        row = con.execute(
            """SELECT b.project_manager_id, b.company_id, strftime(b.submitted_at, '%Y-%m') FROM tenders t
               JOIN bids b ON b.tender_id = t.tender_id AND b.company_id = t.winner_company_id
               WHERE t.project_id = ?""",
            [pid],
        ).fetchone()
        pm, winner, month = row
        assert pm == d["project_manager"]
        insured_by_winner = one(
            con,
            "SELECT count(*) FROM social_insurance WHERE person_id = ? AND company_id = ? AND month = ?",
            [pm, winner, month],
        )
        cert_at_winner = one(
            con, "SELECT count(*) FROM certificates WHERE person_id = ? AND registered_company_id = ?", [pm, winner]
        )
        if d["variant"] == "borrowed":
            assert not insured_by_winner and not cert_at_winner
        elif d["variant"] == "cert_hanging":
            assert cert_at_winner and not insured_by_winner
        else:
            assert insured_by_winner
            assert one(
                con,
                """SELECT count(*) FROM tenders t
                   JOIN bids b ON b.tender_id = t.tender_id AND b.company_id = t.winner_company_id
                   WHERE b.project_manager_id = ? AND t.project_id = ?""",
                [pm, d["overlaps_project"]],
            )


def test_tender_avoidance_is_above_threshold_without_competition(con: duckdb.DuckDBPyConnection) -> None:
    ta = cases(con, "tender_avoidance")
    assert ta
    for pid, _, _ in ta:
        ok = one(
            con,
            f"""SELECT p.budget_amount >= {threshold_sql()} AND p.category <> 'emergency'
                AND NOT EXISTS (SELECT 1 FROM tenders t WHERE t.project_id = p.project_id
                                AND t.method NOT IN ('single_source', 'direct_award'))
                FROM projects p WHERE project_id = ?""",
            [pid],
        )
        assert ok, pid


def test_tender_splitting_groups_are_just_under_and_together_over(con: duckdb.DuckDBPyConnection) -> None:
    groups: dict[str, list[str]] = {}
    for pid, _, d in cases(con, "tender_splitting"):
        groups.setdefault(d["group"], []).append(pid)
    assert groups
    for members in groups.values():
        assert len(members) >= 2
        units, cats, under, total, spread = con.execute(
            f"""SELECT count(DISTINCT unit_id), count(DISTINCT category), bool_and(budget_amount < {threshold_sql()}),
                       sum(budget_amount) / any_value({threshold_sql()}),
                       date_diff('day', min(planned_start), max(planned_start))
                FROM projects p WHERE project_id IN ({",".join("?" * len(members))})""",
            members,
        ).fetchone()
        assert units == 1 and cats == 1 and under and total > 1 and spread <= 62


def test_build_before_approval_has_the_early_act(con: duckdb.DuckDBPyConnection) -> None:
    bba = cases(con, "build_before_approval")
    assert bba
    approve = "(SELECT min(occurred_at) FROM approvals WHERE project_id = ? AND node = ? AND action = 'approve')"
    for pid, _, d in bba:
        if d["variant"] == "commence_before_permit":
            q = f"SELECT (SELECT min(occurred_at) FROM approvals WHERE project_id = ? AND node = 'C16') < {approve}"
            assert one(con, q, [pid, pid, "C15"])
        elif d["variant"] == "contract_before_initiation":
            q = f"SELECT min(signed_at) < {approve} FROM contracts WHERE project_id = ? AND kind = 'main'"
            assert one(con, q, [pid, "C04", pid])
        else:
            q = f"SELECT min(paid_at) < {approve} FROM payments WHERE project_id = ?"
            assert one(con, q, [pid, "C15", pid])


def test_settlement_inflation_exceeds_the_contract(con: duckdb.DuckDBPyConnection) -> None:
    si = cases(con, "settlement_inflation")
    assert si
    for pid, _, d in si:
        audited, main, supplements = con.execute(
            """SELECT (SELECT audited_amount FROM settlements WHERE project_id = ?),
                      sum(amount) FILTER (kind = 'main'), coalesce(sum(amount) FILTER (kind = 'supplement'), 0)
               FROM contracts WHERE project_id = ?""",
            [pid, pid],
        ).fetchone()
        if d["variant"] == "audit":
            assert audited > 1.10 * main
        else:
            assert supplements > 0.15 * main


def test_self_approval_same_person_submits_and_approves(con: duckdb.DuckDBPyConnection) -> None:
    sa = cases(con, "self_approval")
    posts = {e for _, e, _ in cases(con, "self_approval", "post")}
    assert sa and posts
    for pid, _, d in sa:
        q = """SELECT count(*) FROM approvals s JOIN approvals a ON a.project_id = s.project_id AND a.node = s.node
               AND s.action = 'submit' AND a.action = 'approve' AND s.person_id = a.person_id AND s.post_id = a.post_id
               WHERE s.project_id = ?"""
        assert one(con, q, [pid]) >= len(d["nodes"])
        for event, node in zip(d["approve_events"], d["nodes"], strict=True):
            q = """SELECT count(*) FROM approvals a JOIN approvals s ON s.project_id = a.project_id AND s.node = a.node
                   AND s.action = 'submit' AND s.person_id = a.person_id WHERE a.event_id = ? AND a.node = ?"""
            assert one(con, q, [event, node])
        assert one(
            con,
            "SELECT count(*) FROM approvals WHERE project_id = ? AND post_id IN (SELECT unnest(?))",
            [pid, list(posts)],
        )


def test_relative_favour_winner_owner_is_kin_of_an_approver(con: duckdb.DuckDBPyConnection) -> None:
    rf = cases(con, "relative_favour")
    assert rf
    for pid, _, _ in rf:
        q = """SELECT count(*) FROM contracts c JOIN company_people cp ON cp.company_id = c.company_id
                 AND cp.role IN ('legal_rep', 'shareholder')
               JOIN relations r ON cp.person_id IN (r.person_id_a, r.person_id_b)
                 AND r.kind IN ('spouse', 'kin', 'in_law')
               JOIN approvals a ON a.project_id = c.project_id AND a.action = 'approve'
                 AND a.person_id IN (r.person_id_a, r.person_id_b) AND a.person_id <> cp.person_id
               WHERE c.project_id = ? AND c.kind = 'main'"""
        assert one(con, q, [pid]), pid
    assert cases(con, "relative_favour", "post")


PERF = """WITH pay AS (SELECT project_id, min(occurred_at) t FROM approvals
                      WHERE node = 'I04' AND action = 'approve' GROUP BY 1),
    perf AS (SELECT g.project_id, any_value(g.promised_investment) pi, any_value(g.promised_tax_annual) pt,
                    any_value(g.promised_jobs) pj, sum(p.actual_investment) inv, arg_max(p.actual_tax, p.year) tax,
                    arg_max(p.actual_jobs, p.year) jobs
             FROM agreements g JOIN performance p USING (agreement_id) JOIN pay USING (project_id)
             WHERE p.year < year(pay.t) GROUP BY 1)
    SELECT project_id, inv < pi OR tax < pt OR jobs < pj AS unmet FROM perf"""


def test_payout_unmet_promise_paid_below_promise_or_before_check(con: duckdb.DuckDBPyConnection) -> None:
    pu = cases(con, "payout_unmet_promise")
    assert pu
    unmet = dict(con.execute(PERF).fetchall())
    for pid, _, d in pu:
        if d["variant"] == "unmet":
            assert unmet[pid]
        else:
            q = """SELECT (SELECT min(occurred_at) FROM approvals WHERE project_id = ? AND node = 'I05')
                        < (SELECT min(occurred_at) FROM approvals WHERE project_id = ? AND node = 'I03')"""
            assert one(con, q, [pid, pid])
    planted = {p for p, _, _ in pu}
    assert not [p for p, u in unmet.items() if u and p not in planted]


def test_land_appraisal_inflation_far_above_comparables(con: duckdb.DuckDBPyConnection) -> None:
    la = cases(con, "land_appraisal_inflation")
    assert la
    ratio = dict(
        con.execute(
            """WITH v AS (SELECT l.project_id, p.category, u.region, l.appraised_value / l.area_m2 AS per_m2
                          FROM land_parcels l JOIN projects p USING (project_id) JOIN units u USING (unit_id)
                          WHERE l.appraised_value IS NOT NULL),
                    ref AS (SELECT category, region, median(per_m2) m FROM v
                            WHERE project_id NOT IN (SELECT project_id FROM planted) GROUP BY ALL)
               SELECT project_id, per_m2 / m FROM v JOIN ref USING (category, region)"""
        ).fetchall()
    )
    for pid, _, d in la:
        if pid in ratio:  # a comparable clean parcel exists in the same township and category
            assert ratio[pid] > (1.15 if d["variant"] == "inflated" else 1.45), (pid, ratio[pid])
        if d["variant"] == "inflated_linked":
            q = """SELECT count(*) FROM relations
                   WHERE (person_id_a = ? AND person_id_b = ?) OR (person_id_a = ? AND person_id_b = ?)"""
            s, rep = d["seller"], d["appraiser_legal_rep"]
            assert one(con, q, [s, rep, rep, s])


CLEAN = "project_id NOT IN (SELECT project_id FROM planted)"


def clean_trace_queries() -> dict[str, str]:
    """Named queries of clean_traces.sql."""
    text = (Path(__file__).parent / "clean_traces.sql").read_text(encoding="utf-8")
    out = {}
    for chunk in text.split("-- name: ")[1:]:
        name, _, sql = chunk.partition("\n")
        out[name.strip()] = sql.strip().rstrip(";")
    return out


@pytest.mark.parametrize("name", sorted(clean_trace_queries()))
def test_clean_projects_carry_no_scheme_trace(con: duckdb.DuckDBPyConnection, name: str) -> None:
    assert one(con, clean_trace_queries()[name].format(clean=CLEAN)) == 0, name


def test_clean_budgets_avoid_the_band_just_under_the_threshold(con: duckdb.DuckDBPyConnection) -> None:
    q = f"""SELECT count(*) FROM projects p WHERE domain IN ('construction', 'procurement') AND p.{CLEAN}
            AND budget_amount / {threshold_sql()} >= 0.8 AND budget_amount < {threshold_sql()}"""
    assert one(con, q) == 0


def test_lookalikes_resemble_but_do_not_carry_the_traces(con: duckdb.DuckDBPyConnection) -> None:
    kinds = dict(con.execute("SELECT kind, count(*) FROM lookalikes GROUP BY 1").fetchall())
    assert {"park_shared_ip", "emergency_no_tender", "honest_change_orders", "cheap_single_bidder"} <= set(kinds)
    assert not one(con, "SELECT count(*) FROM lookalikes WHERE project_id IN (SELECT project_id FROM planted)")
    park = """SELECT count(DISTINCT l.project_id), count(*) FILTER (a.device_id = b.device_id) FROM lookalikes l
              JOIN tenders t USING (project_id) JOIN bids a ON a.tender_id = t.tender_id
              JOIN bids b ON b.tender_id = a.tender_id
              AND a.bid_id < b.bid_id AND a.ip_address = b.ip_address WHERE l.kind = 'park_shared_ip'"""
    shared, same_device = con.execute(park).fetchone()
    assert shared == kinds["park_shared_ip"] and same_device == 0
    emergency = f"""SELECT bool_and(p.category = 'emergency' AND p.budget_amount >= {threshold_sql()}) FROM lookalikes l
                    JOIN projects p USING (project_id) WHERE l.kind = 'emergency_no_tender'"""
    assert one(con, emergency)
    changes = """SELECT max(c.amount / m.amount), max(tot) FROM lookalikes l JOIN contracts c USING (project_id)
                 JOIN contracts m ON m.project_id = c.project_id AND m.kind = 'main'
                 JOIN (SELECT project_id,
                              sum(amount) FILTER (kind = 'supplement') / sum(amount) FILTER (kind = 'main') tot
                       FROM contracts GROUP BY 1) USING (project_id)
                 WHERE l.kind = 'honest_change_orders' AND c.kind = 'supplement'"""
    each, total = con.execute(changes).fetchone()
    assert each <= 0.0501 and total <= 0.1001
    single = f"""SELECT bool_and(p.budget_amount < {threshold_sql()} AND n = 1)
                 FROM lookalikes l JOIN projects p USING (project_id) JOIN tenders t USING (project_id)
                 JOIN (SELECT tender_id, count(*) n FROM bids GROUP BY 1) USING (tender_id)
                 WHERE l.kind = 'cheap_single_bidder'"""
    assert one(con, single)
    phased = f"""SELECT count(*), bool_and(c.unit_id = p.unit_id AND c.category = p.category
                                          AND c.budget_amount >= {threshold_sql().replace("p.", "c.")}
                                          AND p.budget_amount >= {threshold_sql()})
                 FROM lookalikes l JOIN projects c USING (project_id)
                 JOIN projects p ON p.project_id = c.parent_project_id
                 WHERE l.kind = 'phased_project'"""
    n, same = con.execute(phased).fetchone()
    assert n == kinds.get("phased_project", 0) and (n == 0 or same)
