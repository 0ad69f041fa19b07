"""The runner: skipping, dependency order, wide tables matching the catalog, header checks, the docs page."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.features.conftest import build, events, projects
from yunshao.contract import load_frames
from yunshao.engine.duck import column_types, table_names
from yunshao.features import build_features
from yunshao.features.catalog import DOCS_PAGE, load_catalog, render_markdown
from yunshao.features.files import FeatureHeaderError, load_feature_files
from yunshao.settings import Settings

TRAIL_ONLY = {
    "projects": projects(("P1", "construction", 1.0), ("P2", "land", 2.0)),
    "approvals": events(("P1", "C01", "approve", "A", "2024-03-04 10:00:00", "online", None, "POST1")),
}


def test_absent_tables_skip_their_families(con):
    report = build(con, TRAIL_ONLY)
    assert report.skipped["tender_bidding"] == "table tenders, bids absent"
    assert report.skipped["project_land"] == "table land_parcels absent"
    assert report.skipped["project_companies"].startswith("none of tenders, contracts")
    assert report.skipped["project_people"] == "table company_people, relations absent"
    assert report.skipped["tender_screens"] == "table tenders, bids absent"
    assert "project/trail" in report.families_ran
    assert {"tender/bidding", "project/land", "post/winners"} <= report.families_skipped
    assert con.execute("SELECT count(*) FROM features_tender").fetchall() == [(0,)]
    values = con.execute(
        "SELECT n_tenders, min_bid_cv, land_price_per_m2, n_events FROM features_project ORDER BY project_id"
    ).fetchall()
    assert values == [(None, None, None, 1), (None, None, None, 0)]


def test_skipped_dependency_propagates(con):
    frames = {
        **TRAIL_ONLY,
        "relations": pd.DataFrame({"person_id_a": ["A"], "person_id_b": ["B"], "kind": ["spouse"]}),
        "company_people": pd.DataFrame({"company_id": ["X"], "person_id": ["B"], "role": ["shareholder"]}),
    }
    report = build(con, frames)
    assert report.skipped["project_people"] == "needs project_companies, which was skipped"
    assert report.get("project_trail").status == "ran"


@pytest.mark.parametrize(
    "entity,table,keys",
    [
        ("project", "features_project", ["project_id"]),
        ("tender", "features_tender", ["tender_id", "project_id"]),
        ("post", "features_post", ["post_id"]),
    ],
)
def test_wide_tables_hold_exactly_the_catalog(con, entity, table, keys):
    build(con, TRAIL_ONLY)
    specs = [s for s in load_catalog() if s.entity == entity]
    types = column_types(con, table)
    assert list(types) == keys + [s.name for s in specs]
    for s in specs:
        assert types[s.name] == s.duckdb_type, s.name


def test_one_row_per_project_and_post(con):
    build(con, TRAIL_ONLY)
    assert con.execute("SELECT project_id FROM features_project ORDER BY 1").fetchall() == [("P1",), ("P2",)]
    assert con.execute("SELECT post_id FROM features_post").fetchall() == [("POST1",)]


def test_rebuild_and_no_stand_in_left(con):
    report = load_frames(con, TRAIL_ONLY)
    first = build_features(con, Settings(), report.present_tables)
    second = build_features(con, Settings(), report.present_tables)
    assert first.ran == second.ran
    assert "assignments" not in table_names(con)  # the empty stand-in for an optional table is dropped
    assert con.execute("SELECT count(*) FROM features_project").fetchall() == [(2,)]


def test_catalog_is_complete_and_unique():
    specs = load_catalog()
    names = [(s.entity, s.name) for s in specs]
    assert len(names) == len(set(names))
    for s in specs:
        assert s.zh and s.en and s.meaning_zh and s.meaning_en and s.requires
    assert {"node_order_violations", "bid_cv", "bidders_sharing_ip_and_hw", "relative_in_beneficiary"} <= {
        s.name for s in specs
    }


def test_docs_page_is_up_to_date():
    assert DOCS_PAGE.read_text(encoding="utf-8") == render_markdown(), (
        "docs/features.md is stale: run `python -m yunshao.features.catalog`"
    )


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


HEADER = """/* ---
entity: project
family: test
requires: [projects]
features:
  - name: doubled
    type: float
    zh: 两倍预算
    en: doubled budget
    meaning_zh: 预算乘以二。
    meaning_en: The budget times two.
--- */
"""


def test_select_must_match_header(con, tmp_path):
    _write(tmp_path, "project_test.sql", HEADER + "SELECT project_id, budget_amount * 2 AS twice FROM projects")
    report = load_frames(con, TRAIL_ONLY)
    with pytest.raises(FeatureHeaderError, match=r"project_test.sql.*not declared: twice.*not produced: doubled"):
        build_features(con, Settings(), report.present_tables, files=load_feature_files(tmp_path))


def test_duplicate_keys_are_refused(con, tmp_path):
    _write(
        tmp_path,
        "project_test.sql",
        HEADER + "SELECT project_id, 1.0 AS doubled FROM projects UNION ALL SELECT 'P1', 2.0",
    )
    report = load_frames(con, TRAIL_ONLY)
    with pytest.raises(RuntimeError, match=r"project_test.sql: 1 duplicate"):
        build_features(con, Settings(), report.present_tables, files=load_feature_files(tmp_path))


def test_declared_type_is_applied(con, tmp_path):
    _write(tmp_path, "project_test.sql", HEADER + "SELECT project_id, 2 AS doubled FROM projects")
    report = load_frames(con, TRAIL_ONLY)
    build_features(con, Settings(), report.present_tables, files=load_feature_files(tmp_path))
    assert column_types(con, "features_project")["doubled"] == "DOUBLE"


def test_unknown_parameter_names_the_file(con, tmp_path):
    _write(tmp_path, "project_test.sql", HEADER + "SELECT project_id, {{ nope }} AS doubled FROM projects")
    report = load_frames(con, TRAIL_ONLY)
    with pytest.raises(KeyError, match=r"project_test.sql: parameter 'nope'"):
        build_features(con, Settings(), report.present_tables, files=load_feature_files(tmp_path))


@pytest.mark.parametrize(
    "bad,message",
    [
        ("requires: [projects, nosuch]", "unknown contract tables: nosuch"),
        ("requires: [projects]\ndepends: [nowhere]", "depends: kind, as and depends are no longer read"),
    ],
)
def test_bad_headers(con, tmp_path, bad, message):
    _write(tmp_path, "project_test.sql", HEADER.replace("requires: [projects]", bad) + "SELECT 1")
    report = load_frames(con, TRAIL_ONLY)
    with pytest.raises(FeatureHeaderError, match=message):
        build_features(con, Settings(), report.present_tables, files=load_feature_files(tmp_path))


def test_a_table_read_but_not_declared_is_refused(tmp_path):
    """What a file reads is parsed from its SQL: an optional contract table it reads must be in its header."""
    body = "SELECT p.project_id, 1.0 AS doubled FROM projects p JOIN tenders t USING (project_id)"
    _write(tmp_path, "project_test.sql", HEADER + body)
    with pytest.raises(FeatureHeaderError, match=r"project_test.sql: reads contract table\(s\) tenders not named"):
        load_feature_files(tmp_path)


def test_edges_come_from_the_sql():
    """Steps are read by name; the graph's edges are the relations each file's SQL reads."""
    by_name = {f.name: f for f in load_feature_files()}
    assert by_name["project_periods"].depends == ("dataset_clock", "node_times")
    assert by_name["project_bidding"].depends == ("features_tender", "project_sequence", "project_split")
    assert by_name["tender_screens"].kind == "step"


def test_missing_feature_fields(tmp_path):
    _write(tmp_path, "project_test.sql", HEADER.replace("    type: float\n", "") + "SELECT 1")
    with pytest.raises(FeatureHeaderError, match=r"project_test.sql: features\[0\] lacks type"):
        load_feature_files(tmp_path)


def test_sql_transpiles_to_spark():
    """The files stay within what sqlglot can carry over to Spark SQL (the province-scale engine)."""
    sqlglot = pytest.importorskip("sqlglot")
    from yunshao.engine import render_sql
    from yunshao.features.runner import feature_params

    params = feature_params(Settings())
    for f in load_feature_files():
        body = render_sql(f.sql.body, params)
        sqlglot.transpile(body, read="duckdb", write="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)


def test_unused_steps_are_not_computed(con):
    frames = {
        **TRAIL_ONLY,
        "tenders": pd.DataFrame({"tender_id": ["T1"], "project_id": ["P1"], "method": ["open"]}),
        "bids": pd.DataFrame({"bid_id": ["b1"], "tender_id": ["T1"], "company_id": ["X"], "price": [1.0]}),
    }
    report = build(con, frames)
    # the key-staff step serves only the social-insurance and certificate families, both absent
    assert report.skipped["bid_staff"] == "not needed: nothing that reads it can run"
    assert report.get("screen_bids").status == "ran"
    assert report.get("tender_bidding").status == "ran"
