"""Township power items (issue 18): the register, housing, assets, funds and finance.

Each planted case is checked against the property its scheme names, computed here from the written tables
(never from the simulator's variables); each look-alike against its innocent property.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from tests.simulate.conformance import connect
from yunshao.contract import load_dataset
from yunshao.engine import connect as engine_connect
from yunshao.settings import Settings
from yunshao.simulate import SimulationSummary, simulate
from yunshao.simulate.profiles import PROFILES
from yunshao.simulate.township.conventions import TOWNSHIP_SHARE, TownshipConvention
from yunshao.simulate.township.run import item_counts, township_count

N = 3_000
SEED = 3


def test_township_count_scales_with_projects() -> None:
    assert township_count(10) == 0  # too small a county for every item
    assert township_count(1_000) == 220 and township_count(5_000) == 1_100
    assert sum(item_counts(1_100).values()) == 1_100
    assert item_counts(1_100) == {"housing": 330, "assets": 242, "funds": 143, "finance": 385}


def test_calendar_helpers_by_hand() -> None:
    from yunshao.simulate.config import day_of
    from yunshao.simulate.township.ctx import is_weekend, workday
    from yunshao.simulate.township.finance import holidays

    assert workday(day_of("2024-06-01")) == day_of("2024-06-03")  # Saturday -> Monday
    assert workday(day_of("2024-06-04")) == day_of("2024-06-04")
    assert is_weekend(day_of("2024-06-02")) and not is_weekend(day_of("2024-06-03"))
    off = holidays(((9, 9),))
    assert {day_of("2024-02-09"), day_of("2024-02-15"), day_of("2025-10-07"), day_of("2023-09-09")} <= off
    assert day_of("2024-02-16") not in off and day_of("2024-10-08") not in off


def test_register_follows_a_move_by_hand() -> None:
    from yunshao.simulate.township.register import Register

    reg = Register()
    a = reg.add_household(70, 1, 100, True)
    b = reg.add_household(71, 2, 100, True)
    reg.rows += [[a, 1, 0, 100, -1], [a, 5, 1, 100, 300], [b, 2, 0, 100, -1], [b, 5, 1, 300, -1]]
    reg.index()
    assert [reg.village_on(5, d) for d in (99, 100, 299, 300, 999)] == [-1, 70, 70, 71, 71]


def test_profiles_differ_in_township_conventions() -> None:
    convs = [p.township for p in PROFILES.values()]
    for attr in ("area_limit_m2", "meal_norm", "approval_limit", "negotiated_assembly_p"):
        assert len({getattr(c, attr) for c in convs}) >= 4, attr


@pytest.fixture(scope="module", params=list(PROFILES))
def county(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SimulationSummary:
    """A county of each profile: the planted properties must hold under every convention."""
    root = tmp_path_factory.mktemp(f"township_{request.param}")
    return simulate(root / "ds", N, SEED, truth=root / "truth", profile=request.param)


@pytest.fixture(scope="module")
def conv(county: SimulationSummary) -> TownshipConvention:
    return PROFILES[county.profile].township


@pytest.fixture(scope="module")
def con(county: SimulationSummary) -> duckdb.DuckDBPyConnection:
    c = connect(Path(county.out))
    for name in ("planted", "lookalikes"):
        c.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{county.truth / (name + '.parquet')}')")
    c.execute(
        """CREATE VIEW rel AS SELECT person_id_a AS a, person_id_b AS b FROM relations
           UNION ALL SELECT person_id_b, person_id_a FROM relations"""
    )
    return c


def _ids(con: duckdb.DuckDBPyConnection, table: str, scheme: str) -> list[str]:
    return [r[0] for r in con.execute(f"SELECT project_id FROM {table} WHERE {scheme}").fetchall()]


def _planted(con: duckdb.DuckDBPyConnection, scheme: str) -> list[str]:
    ids = [r[0] for r in con.execute("SELECT project_id FROM planted WHERE scheme = ?", [scheme]).fetchall()]
    assert ids, scheme
    return ids


def _looks(con: duckdb.DuckDBPyConnection, kind: str) -> list[str]:
    ids = [r[0] for r in con.execute("SELECT project_id FROM lookalikes WHERE kind = ?", [kind]).fetchall()]
    assert ids, kind
    return ids


@pytest.mark.slow
def test_loads_without_quarantine_of_township_tables(county: SimulationSummary) -> None:
    db = engine_connect(None, Settings().engine)
    report = load_dataset(Path(county.out), db, Settings().load)
    bad = Counter(pq.read_table(county.truth / "bad_rows.parquet").column("table").to_pylist())
    assert {k: t.quarantined for k, t in report.tables.items() if t.quarantined} == dict(bad)
    for name in ("households", "housing_applications", "people", "projects", "approvals"):
        assert report.tables[name].kept > 0, name


@pytest.mark.slow
def test_township_share_of_projects(con: duckdb.DuckDBPyConnection) -> None:
    total, town = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE domain IN ('housing', 'assets', 'funds', 'finance')) FROM projects"
    ).fetchone()
    assert total <= N and town / N == pytest.approx(TOWNSHIP_SHARE, abs=0.03)


@pytest.mark.slow
def test_township_trails_follow_legal_order_and_never_self_approve(con: duckdb.DuckDBPyConnection) -> None:
    from tests.simulate.conformance import order_breaks

    town = {
        r[0]
        for r in con.execute(
            "SELECT project_id FROM projects WHERE domain IN ('housing', 'assets', 'funds', 'finance')"
        ).fetchall()
    }
    assert order_breaks(con, town) == 0


# ---- housing ----------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_second_plot_follows_an_earlier_approved_plot_of_the_household(con: duckdb.DuckDBPyConnection) -> None:
    for pid in _planted(con, "homestead_second_plot"):
        earlier = con.execute(
            """SELECT count(*) FROM housing_applications h JOIN projects p USING (project_id),
                    housing_applications x JOIN projects q ON q.project_id = x.project_id
               WHERE h.project_id = ? AND x.household_id = h.household_id AND x.project_id <> h.project_id
                 AND x.approved_area_m2 > 0 AND q.approved_at < p.approved_at AND h.approved_area_m2 > 0""",
            [pid],
        ).fetchone()[0]
        assert earlier >= 1, pid


@pytest.mark.slow
def test_over_area_is_above_the_limit_and_honest_ones_are_not(
    con: duckdb.DuckDBPyConnection, conv: TownshipConvention
) -> None:
    planted = set(_planted(con, "homestead_over_area"))
    over = set(_ids(con, "housing_applications", f"approved_area_m2 > {conv.area_limit_m2}"))
    assert over == planted


@pytest.mark.slow
def test_housing_relative_is_approved_by_the_relative(con: duckdb.DuckDBPyConnection) -> None:
    q = """SELECT count(*) FROM housing_applications h JOIN approvals a USING (project_id)
           JOIN rel ON rel.a = h.applicant_person_id AND rel.b = a.person_id
           WHERE h.project_id = ? AND a.action = 'approve'"""
    for pid in _planted(con, "housing_relative"):
        assert con.execute(q, [pid]).fetchone()[0] >= 1, pid
    for pid in _looks(con, "relative_recused"):  # a relative holds office, but someone else approves
        assert con.execute(q, [pid]).fetchone()[0] == 0, pid
        assert (
            con.execute(
                "SELECT count(*) FROM housing_applications h JOIN rel ON rel.a = h.applicant_person_id "
                "WHERE h.project_id = ?",
                [pid],
            ).fetchone()[0]
            >= 1
        )


@pytest.mark.slow
def test_split_household_plot_is_a_first_plot_of_a_new_household(con: duckdb.DuckDBPyConnection) -> None:
    for pid in _looks(con, "split_household_plot"):
        row = con.execute(
            """SELECT h.reason, h.existing_homes,
                      (SELECT count(*) FROM housing_applications x JOIN projects q USING (project_id)
                       WHERE x.household_id = h.household_id AND q.approved_at < p.approved_at),
                      (SELECT min(joined_on) FROM households r WHERE r.household_id = h.household_id),
                      (SELECT count(*) FROM households o WHERE o.person_id = h.applicant_person_id
                         AND o.household_id <> h.household_id AND o.left_on IS NOT NULL),
                      p.approved_at
               FROM housing_applications h JOIN projects p USING (project_id) WHERE h.project_id = ?""",
            [pid],
        ).fetchone()
        reason, homes, apps, formed, left_parent, approved_at = row
        assert reason == "分户" and homes == 0 and apps == 0 and left_parent == 1  # its first plot
        assert str(formed) < str(approved_at)


# ---- collective assets ------------------------------------------------------------------------------------
LEASES = """SELECT l.*, a.appraised_rent, a.kind AS asset_kind, a.area_m2 FROM asset_leases l
            JOIN collective_assets a USING (asset_id)"""


@pytest.mark.slow
def test_below_value_rents_are_a_fraction_of_appraisal_and_only_they(con: duckdb.DuckDBPyConnection) -> None:
    planted = set(_planted(con, "lease_below_value"))
    low = set(_ids(con, f"({LEASES})", "rent < 0.5 * appraised_rent"))
    assert low == planted


@pytest.mark.slow
def test_no_bidding_means_negotiated_without_assembly(con: duckdb.DuckDBPyConnection) -> None:
    planted = set(_planted(con, "lease_no_bidding"))
    bare = set(_ids(con, "asset_leases", "method = 'negotiated' AND NOT assembly_approved"))
    assert bare == planted
    no_a03 = set(
        _ids(
            con,
            "projects p",
            "domain = 'assets' AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.project_id = p.project_id "
            "AND a.node IN ('A02', 'A03'))",
        )
    )
    assert planted <= no_a03
    assert con.execute("SELECT count(*) FROM asset_leases WHERE renews_lease_id IS NOT NULL").fetchone()[0] > 0
    for pid in _looks(con, "assembly_negotiated_lease"):  # negotiated, but resolved by the assembly at a fair rent
        method, assembly, ratio = con.execute(
            f"SELECT method, assembly_approved, rent / appraised_rent FROM ({LEASES}) WHERE project_id = ?", [pid]
        ).fetchone()
        assert method == "negotiated" and assembly and ratio >= 0.9


@pytest.mark.slow
def test_poor_asset_is_appraised_low_and_let_at_its_appraisal(con: duckdb.DuckDBPyConnection) -> None:
    for pid in _looks(con, "poor_asset_low_rent"):
        ratio, peer = con.execute(
            f"""SELECT l.rent / l.appraised_rent,
                       (l.appraised_rent / l.area_m2) / (SELECT median(appraised_rent / area_m2)
                                                         FROM collective_assets c WHERE c.kind = l.asset_kind)
                FROM ({LEASES}) l WHERE project_id = ?""",
            [pid],
        ).fetchone()
        assert ratio >= 0.9 and peer < 0.6


@pytest.mark.slow
def test_lease_relative_goes_to_a_relative_of_a_signing_cadre(con: duckdb.DuckDBPyConnection) -> None:
    q = """SELECT count(*) FROM asset_leases l JOIN approvals a USING (project_id)
           JOIN rel ON rel.a = l.lessee_person_id AND rel.b = a.person_id
           WHERE a.action = 'approve' AND l.project_id = ?"""
    planted = set(_planted(con, "lease_relative"))
    for pid in planted:
        assert con.execute(q, [pid]).fetchone()[0] >= 1, pid
    others = set(_ids(con, "asset_leases", "TRUE")) - planted
    assert sum(con.execute(q, [pid]).fetchone()[0] for pid in others) == 0


# ---- special funds ----------------------------------------------------------------------------------------
PAYMENTS = """SELECT f.*, g.project_id, g.kind AS fund_kind, g.area_unit_id, g.max_income_band, pe.status, pe.died_on
              FROM fund_payments f JOIN fund_programmes g USING (programme_id)
              JOIN people pe ON pe.person_id = f.beneficiary_person_id"""
IN_AREA = """(f.residence_unit_id = f.area_unit_id OR f.residence_unit_id IN
              (SELECT unit_id FROM units WHERE parent_unit_id = f.area_unit_id))"""


@pytest.mark.slow
def test_posthumous_payments_are_exactly_the_planted_ones(con: duckdb.DuckDBPyConnection) -> None:
    planted = set(_planted(con, "fund_deceased"))
    after = set(_ids(con, f"({PAYMENTS}) f", "f.paid_at::DATE > f.died_on"))
    assert after == planted
    for pid in _looks(con, "paid_on_death_day"):  # paid the day he died: the list was made while he lived
        assert (
            con.execute(
                f"SELECT count(*) FROM ({PAYMENTS}) f WHERE project_id = ? AND paid_at::DATE = died_on", [pid]
            ).fetchone()[0]
            == 1
        )
    assert con.execute("SELECT count(*) FROM people WHERE status = 'deceased' AND died_on IS NULL").fetchone()[0] == 0


@pytest.mark.slow
def test_ineligible_payments_are_outside_the_area_or_above_the_band(con: duckdb.DuckDBPyConnection) -> None:
    planted = set(_planted(con, "fund_ineligible"))
    bad = set(_ids(con, f"({PAYMENTS}) f", f"NOT {IN_AREA} OR f.income_band > f.max_income_band"))
    assert bad == planted
    for pid in _looks(con, "moved_in_resident"):  # lives in the area now, registered elsewhere before
        n = con.execute(
            f"""SELECT count(*) FROM ({PAYMENTS}) f
                JOIN households h ON h.person_id = f.beneficiary_person_id AND h.left_on IS NOT NULL
                    AND h.village_unit_id <> f.residence_unit_id
                JOIN households now ON now.person_id = f.beneficiary_person_id AND now.left_on IS NULL
                    AND now.village_unit_id = f.residence_unit_id AND now.joined_on < f.paid_at::DATE
                WHERE f.project_id = ? AND {IN_AREA}""",
            [pid],
        ).fetchone()[0]
        assert n >= 1, pid


@pytest.mark.slow
def test_twice_paid_in_a_year_involves_a_planted_programme(con: duckdb.DuckDBPyConnection) -> None:
    planted = set(_planted(con, "fund_twice"))
    groups = con.execute(
        f"""SELECT list(DISTINCT project_id) FROM ({PAYMENTS})
            GROUP BY beneficiary_person_id, fund_kind, year(paid_at) HAVING count(*) > 1"""
    ).fetchall()
    assert groups
    assert all(set(g[0]) & planted for g in groups)
    assert planted <= {p for g in groups for p in g[0]}


@pytest.mark.slow
def test_fund_relative_is_paid_to_the_approvers_relative(con: duckdb.DuckDBPyConnection) -> None:
    planted = set(_planted(con, "fund_relative"))
    related = set(
        _ids(
            con,
            f"({PAYMENTS}) f",
            "EXISTS (SELECT 1 FROM rel WHERE rel.a = f.beneficiary_person_id AND rel.b = f.approver_person_id)",
        )
    )
    assert related == planted
    approvers = con.execute(
        """SELECT count(*) FROM fund_payments f JOIN fund_programmes g USING (programme_id)
           JOIN approvals a ON a.project_id = g.project_id AND a.node = 'F04' AND a.action = 'approve'
           WHERE a.person_id <> f.approver_person_id"""
    ).fetchone()[0]
    assert approvers == 0


# ---- finance ----------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_split_invoices_sit_just_under_the_limit_in_groups(
    con: duckdb.DuckDBPyConnection, conv: TownshipConvention
) -> None:
    planted = set(_planted(con, "invoice_splitting"))
    band = set(
        _ids(
            con,
            "expenses",
            f"kind <> 'meals' AND amount >= 0.85 * {conv.approval_limit} AND amount < {conv.approval_limit}",
        )
    )
    assert band == planted
    groups = con.execute(
        """SELECT issuer, count(DISTINCT project_id), max(spent_on) - min(spent_on) FROM expenses
            WHERE project_id IN (SELECT project_id FROM planted WHERE scheme = 'invoice_splitting')
            GROUP BY unit_id, issuer, claimant_person_id, (spent_on - DATE '2020-01-01') // 60"""
    ).fetchall()
    assert all(n >= 1 for _, n, _ in groups) and max(n for _, n, _ in groups) >= 2
    for pid in _looks(con, "repeated_small_claims"):  # small, far below the limit
        assert (
            con.execute("SELECT max(amount) FROM expenses WHERE project_id = ?", [pid]).fetchone()[0]
            <= 0.3 * conv.approval_limit
        )


@pytest.mark.slow
def test_duplicate_invoice_numbers_are_claimed_again_only_by_planted_claims(
    con: duckdb.DuckDBPyConnection,
) -> None:
    planted = set(_planted(con, "duplicate_invoice"))
    later = set(
        _ids(
            con,
            "expenses e",
            """EXISTS (SELECT 1 FROM expenses x WHERE x.invoice_number = e.invoice_number AND x.issuer = e.issuer
                       AND x.project_id <> e.project_id AND x.expense_id < e.expense_id)""",
        )
    )
    assert later == planted


HOLIDAY = "(isodow(spent_on) >= 6 OR spent_on IN (SELECT unnest(?::DATE[])))"


@pytest.mark.slow
def test_banquets_are_off_days_above_the_norm(con: duckdb.DuckDBPyConnection, conv: TownshipConvention) -> None:
    import datetime as dt

    from yunshao.simulate.township.finance import holidays

    days = [dt.date(1970, 1, 1) + dt.timedelta(days=d) for d in sorted(holidays(conv.local_holidays))]
    planted = set(_planted(con, "holiday_banquet"))
    above = set(_ids(con, "expenses", f"kind = 'meals' AND amount / headcount > {conv.meal_norm}"))
    assert above == planted
    off = {
        r[0]
        for r in con.execute(f"SELECT project_id FROM expenses WHERE kind = 'meals' AND {HOLIDAY}", [days]).fetchall()
    }
    assert planted <= off
    for pid in _looks(con, "duty_weekend_meal"):  # on duty on a day off, within the norm, and says so
        purpose, per_head = con.execute(
            "SELECT purpose, amount / headcount FROM expenses WHERE project_id = ?", [pid]
        ).fetchone()
        assert pid in off and "值" in purpose and per_head <= conv.meal_norm


@pytest.mark.slow
def test_self_approved_claims_are_exactly_the_planted_ones(con: duckdb.DuckDBPyConnection) -> None:
    planted = set(_planted(con, "expense_self_approval"))
    assert set(_ids(con, "expenses", "claimant_person_id = approver_person_id")) == planted
    trail = set(
        _ids(
            con,
            "approvals s",
            """s.node = 'E01' AND EXISTS (SELECT 1 FROM approvals a WHERE a.project_id = s.project_id
               AND a.node = 'E03' AND a.action = 'approve' AND a.person_id = s.person_id)""",
        )
    )
    assert trail == planted


@pytest.mark.slow
def test_every_township_scheme_is_planted_and_labelled(con: duckdb.DuckDBPyConnection) -> None:
    from yunshao.contract.schema import SCHEMES

    township = set(SCHEMES[SCHEMES.index("homestead_second_plot") :])
    planted = {r[0] for r in con.execute("SELECT DISTINCT scheme FROM planted").fetchall()}
    labelled = {r[0] for r in con.execute("SELECT DISTINCT scheme FROM labels WHERE outcome <> 'unfounded'").fetchall()}
    assert township <= planted and township <= labelled
    unfounded = con.execute(
        """SELECT count(*) FROM labels l JOIN projects p ON p.project_id = l.entity_id
           WHERE l.outcome = 'unfounded' AND p.domain IN ('housing', 'assets', 'funds', 'finance')"""
    ).fetchone()[0]
    assert unfounded > 0


@pytest.mark.slow
def test_same_seed_same_township_tables(county: SimulationSummary, tmp_path: Path) -> None:
    again = simulate(tmp_path / "again", N, SEED, chunk_projects=1_000, profile=county.profile)
    a, b = connect(Path(county.out)), connect(Path(again.out))
    for name in ("households", "housing_applications", "collective_assets", "asset_leases", "fund_programmes",
                 "fund_payments", "expenses", "people", "projects", "approvals", "labels"):  # fmt: skip
        q = f"SELECT * FROM {name} ORDER BY ALL"
        assert a.execute(q).fetchall() == b.execute(q).fetchall(), name
