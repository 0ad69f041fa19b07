"""The real confirmation, rectification and disposal rates from a case store, and the index that uses them.

Cases of cases_by_hand.py over the hand-made dataset; settings HAND_REPORT (weights 35/30/20/15, warning cap
350, score bands green ≥ 80, yellow ≥ 50). The warning component is the same as with proxies
(test_index_by_hand.py): U1 3/7, U2 4/7.

With cases (s_confirmed = 1 − 查实率, s_rectified = 整改率, s_disposed = 处置率):
  U1 whole period: 35·3/7 + 30·(1 − 2/3) + 20·1/2 + 15·3/4 = 15 + 10 + 10 + 11.25 = 46.25 → red (< 50)
  U2 whole period: 35·4/7 + 30·(1 − 1/2) + 20·1 + 15·1 = 20 + 15 + 20 + 15 = 70 → yellow
  (proxies: U1 47.5, U2 56.5)
  U1 2024-01: c1 confirmed and rectified, c3 unfounded; w1 w2 w3 → 3/7
     → 15 + 30·1/2 + 20·1 + 15·1 = 65
  U1 2024-02: c2 confirmed, rectifying; w4 w9 → 1/7 → 5 + 0 + 0 + 15 = 20
  U1 2024-03: c4 checking: no verdict, so no confirmation or rectification; disposal 0/1; w5 → 1 per 1 project
     → s_warning 1 − 100/350 = 5/7 → (35·5/7 + 15·0) / (35 + 15) · 100 = 50
  U2 2024-01: c5 partial, rectified late; w6 w11 → 3/7 → 15 + 0 + 20 + 15 = 50
  (c6 has no project: it counts in U2's whole period only)
  U1 2024-Q1 = its three months summed = the whole period: 46.25
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.analytics.cases_by_hand import CASES, hand_case_store
from tests.analytics.handmade import HAND_REPORT
from tests.analytics.helpers import measure, row
from yunshao.analytics import build_report
from yunshao.analytics.case_store import attach_case_store
from yunshao.analytics.index import case_rates
from yunshao.analytics.rules_review import rules_in_scope
from yunshao.contract import ContractError
from yunshao.serving.core.config import state_path_for
from yunshao.serving.core.db import Database
from yunshao.settings import Settings

ZONE = "Asia/Shanghai"
RATES = ["case_confirmation_rate", "case_rectification_rate", "case_disposal_rate"]
COMPONENTS = ["s_warning", "s_confirmed", "s_rectified", "s_disposed"]


@pytest.fixture
def case_db(tmp_path: Path) -> Iterator[Database]:
    db = hand_case_store(tmp_path / "cases.sqlite")
    yield db
    db.dispose()


@pytest.fixture
def with_cases(hand_con: duckdb.DuckDBPyConnection, case_db: Database) -> duckdb.DuckDBPyConnection:
    assert attach_case_store(hand_con, case_db, ZONE) == len(CASES)
    return hand_con


def test_the_rates_of_four_cases_by_hand() -> None:
    """Unit A: 2 confirmed (1 closed after rectification), 1 unfounded, 1 still checking."""
    counts = pd.DataFrame(
        {
            "cases": [4],
            "case_verdicts": [3],
            "case_confirmed": [2.0],
            "case_to_rectify": [2],
            "case_rectified": [1],
            "case_rectified_on_time": [1],
        }
    )
    rates = case_rates(counts).iloc[0]
    assert rates[RATES].tolist() == pytest.approx([2 / 3, 1 / 2, 3 / 4])
    assert rates["case_on_time_rate"] == pytest.approx(1.0)
    none = case_rates(counts.assign(cases=0, case_verdicts=0, case_confirmed=0.0, case_to_rectify=0, case_rectified=0))
    assert none.iloc[0][RATES].isna().all()  # no denominator, no rate (the component is left out)


def test_close_times_are_read_in_local_time(case_db: Database) -> None:
    con = duckdb.connect()
    attach_case_store(con, case_db, ZONE)
    closed = dict(con.execute("SELECT case_id, closed_at FROM cases WHERE closed_at IS NOT NULL").fetchall())
    assert str(closed[1]) == "2024-05-31 23:30:00"  # 15:30 UTC is still the deadline day in Shanghai
    assert str(closed[5]) == "2024-05-01 00:30:00"  # 16:30 UTC is the day after the deadline
    assert con.execute("SELECT count(*) FROM feedback").fetchall() == [(0,)]  # the case store's, empty


def test_unit_counts_and_rates_from_cases(with_cases: duckdb.DuckDBPyConnection) -> None:
    units = measure(with_cases, HAND_REPORT).units
    u1, u2 = row(units, unit_id="U1"), row(units, unit_id="U2")
    counts = ["cases", "case_verdicts", "case_confirmed", "case_to_rectify", "case_rectified", "case_rectified_on_time"]
    assert u1[counts].tolist() == [4, 3, 2, 2, 1, 1]
    assert u2[counts].tolist() == [2, 2, 1, 1, 1, 0]
    assert u1[RATES].tolist() == pytest.approx([2 / 3, 1 / 2, 3 / 4])
    assert u2[RATES].tolist() == pytest.approx([1 / 2, 1.0, 1.0])
    assert (u1["case_on_time_rate"], u2["case_on_time_rate"]) == pytest.approx((1.0, 0.0))


def test_the_index_uses_the_real_rates_with_cases_and_the_proxies_without(
    hand_con: duckdb.DuckDBPyConnection, case_db: Database
) -> None:
    proxies = measure(hand_con, HAND_REPORT)
    assert proxies.rates == "proxy"
    assert row(proxies.units, unit_id="U1")["index"] == pytest.approx(47.5)
    assert row(proxies.units, unit_id="U2")["index"] == pytest.approx(56.5)
    attach_case_store(hand_con, case_db, ZONE)
    real = measure(hand_con, HAND_REPORT)
    assert real.rates == "cases" and real.counts["cases"] == 6
    u1, u2 = row(real.units, unit_id="U1"), row(real.units, unit_id="U2")
    assert u1[COMPONENTS].tolist() == pytest.approx([3 / 7, 1 / 3, 1 / 2, 3 / 4])
    assert u2[COMPONENTS].tolist() == pytest.approx([4 / 7, 1 / 2, 1.0, 1.0])
    assert (u1["index"], u2["index"]) == pytest.approx((46.25, 70.0))
    assert (u1["band"], u2["band"]) == ("red", "yellow")


def test_months_and_quarters_with_cases(with_cases: duckdb.DuckDBPyConnection) -> None:
    tables = measure(with_cases, HAND_REPORT)
    monthly = tables.monthly
    assert row(monthly, unit_id="U1", month="2024-01")["index"] == pytest.approx(65.0)
    assert row(monthly, unit_id="U1", month="2024-02")["index"] == pytest.approx(20.0)
    march = row(monthly, unit_id="U1", month="2024-03")
    assert march["index"] == pytest.approx(50.0)
    assert pd.isna(march["s_confirmed"]) and pd.isna(march["s_rectified"]) and march["s_disposed"] == 0.0
    assert row(monthly, unit_id="U2", month="2024-01")["index"] == pytest.approx(50.0)
    assert row(monthly, unit_id="U2", month="2024-01")["cases"] == 1  # c6 (no project) is not in any month
    assert row(tables.quarterly, unit_id="U1", quarter="2024-Q1")["index"] == pytest.approx(46.25)


def test_rules_count_their_cases(with_cases: duckdb.DuckDBPyConnection) -> None:
    rules = measure(with_cases, HAND_REPORT).rules
    ra, rb, rc = row(rules, rule_id="R-A"), row(rules, rule_id="R-B"), row(rules, rule_id="R-C")
    assert ra[["hits", "cases", "case_verdicts"]].tolist() == [4, 4, 3]
    assert ra["case_confirmation_rate"] == pytest.approx(2 / 3)
    assert (rb["hits"], rb["cases"], rb["case_confirmation_rate"]) == (2, 1, pytest.approx(1.0))
    assert (rc["cases"], rc["case_confirmation_rate"]) == (1, 0.0)
    assert pd.isna(row(rules, rule_id="R-E")["case_confirmation_rate"])  # hits, no case


def test_rules_in_a_scope_sum_only_its_units(with_cases: duckdb.DuckDBPyConnection) -> None:
    rule_units = measure(with_cases, HAND_REPORT).rule_units
    u1 = rules_in_scope(rule_units, {"U1"})
    assert sorted(u1["rule_id"]) == ["R-A", "R-B", "R-E"]  # R-C and R-D fired in U2 only
    rb = row(u1, rule_id="R-B")
    assert (rb["hits"], rb["cases"]) == (1, 0) and pd.isna(rb["case_confirmation_rate"])  # w2 only; c5 is U2's
    everyone = rules_in_scope(rule_units)
    assert row(everyone, rule_id="R-B")[["hits", "cases"]].tolist() == [2, 1]
    assert rules_in_scope(rule_units, {"U9"}).empty


def test_a_case_store_without_cases_keeps_the_proxies(hand_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    empty = Database(tmp_path / "empty.sqlite")
    try:
        assert attach_case_store(hand_con, empty, ZONE) == 0
    finally:
        empty.dispose()
    tables = measure(hand_con, HAND_REPORT)
    assert tables.rates == "proxy"
    # the store's feedback (w3 unfounded) was replaced by the empty case store's: U1 disposes 3 of 6
    assert row(tables.units, unit_id="U1")["index"] == pytest.approx(45.0)


def test_report_reads_the_case_store_beside_the_run(
    hand_dataset: tuple[Path, Path], hand_settings: Settings, tmp_path: Path
) -> None:
    dataset, run = hand_dataset
    hand_case_store(state_path_for(run)).dispose()
    result = build_report(dataset, tmp_path / "out", run=run, settings=hand_settings)
    assert result.rates == "cases" and result.counts["cases"] == 6
    units = pd.read_parquet(tmp_path / "out" / "units.parquet").set_index("unit_id")
    assert units.loc["U1", "index"] == pytest.approx(46.25)
    assert units.loc["U1", "case_rectification_rate"] == pytest.approx(0.5)
    html = result.index_html.read_text(encoding="utf-8")
    assert "取自案件库（6 个案件）" in html and "整改率（代理）" not in html
    english = build_report(dataset, tmp_path / "en", run=run, settings=hand_settings, lang="en")
    html = english.index_html.read_text(encoding="utf-8")
    assert "real rates, from the verdicts and closes of the case store (6 cases)" in html
    assert "Rectification (proxy)" not in html


def test_report_without_a_case_store_says_proxies(
    hand_dataset: tuple[Path, Path], hand_settings: Settings, tmp_path: Path
) -> None:
    dataset, run = hand_dataset
    result = build_report(dataset, tmp_path / "out", run=run, settings=hand_settings)
    html = result.index_html.read_text(encoding="utf-8")
    assert result.rates == "proxy" and "整改率（代理）" in html and "未读取到案件库" in html
    with pytest.raises(ContractError, match="no case store"):
        build_report(dataset, tmp_path / "out2", run=run, settings=hand_settings, cases_from=tmp_path / "nowhere")


def test_cases_from_names_another_run_folder(
    hand_dataset: tuple[Path, Path], hand_settings: Settings, tmp_path: Path
) -> None:
    dataset, run = hand_dataset
    served = tmp_path / "served"
    served.mkdir()
    hand_case_store(state_path_for(served)).dispose()
    result = build_report(dataset, tmp_path / "out", run=run, settings=hand_settings, cases_from=served)
    assert result.rates == "cases"
    assert pd.read_parquet(tmp_path / "out" / "units.parquet").set_index("unit_id").loc["U2", "index"] == 70.0
