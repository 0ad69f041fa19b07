"""Labels: part of the planted cases, per scheme, and unfounded ones on clean (often look-alike) projects."""

from __future__ import annotations

import duckdb
import pytest

from yunshao.simulate import SCHEMES

pytestmark = pytest.mark.slow  # the session's simulated county of 1,500 projects (conftest.py)


def test_every_planted_scheme_has_a_label(con: duckdb.DuckDBPyConnection) -> None:
    labelled = {r[0] for r in con.execute("SELECT DISTINCT scheme FROM labels WHERE outcome <> 'unfounded'").fetchall()}
    planted = {r[0] for r in con.execute("SELECT DISTINCT scheme FROM planted").fetchall()}
    assert planted == set(SCHEMES) and labelled == planted


def test_positive_labels_are_about_forty_percent_of_cases(con: duckdb.DuckDBPyConnection) -> None:
    cases = con.execute("SELECT count(*) FROM planted WHERE entity_type <> 'post'").fetchone()[0]
    positive = con.execute(
        """SELECT count(*) FROM labels l JOIN planted p ON p.entity_type = l.entity_type
           AND p.entity_id = l.entity_id AND p.scheme = l.scheme WHERE l.outcome <> 'unfounded'
           AND l.entity_type <> 'post'"""
    ).fetchone()[0]
    assert 0.3 * cases <= positive <= 0.5 * cases
    outcomes = dict(con.execute("SELECT outcome, count(*) FROM labels GROUP BY 1").fetchall())
    assert outcomes["confirmed"] > 3 * outcomes["partial"]
    assert 0.5 * outcomes["confirmed"] <= outcomes["unfounded"] <= 1.5 * outcomes["confirmed"]


def test_labels_point_at_real_entities_and_truth(con: duckdb.DuckDBPyConnection) -> None:
    dangling = con.execute(
        """SELECT count(*) FROM labels l WHERE NOT (
             (entity_type = 'project' AND entity_id IN (SELECT project_id FROM projects))
          OR (entity_type = 'tender' AND entity_id IN (SELECT tender_id FROM tenders))
          OR (entity_type = 'post' AND entity_id IN (SELECT post_id FROM posts)))"""
    ).fetchone()[0]
    assert dangling == 0
    wrong = con.execute(
        """SELECT count(*) FROM labels l WHERE outcome <> 'unfounded' AND NOT EXISTS (
             SELECT 1 FROM planted p WHERE p.entity_type = l.entity_type AND p.entity_id = l.entity_id
             AND p.scheme = l.scheme)"""
    ).fetchone()[0]
    assert wrong == 0
    unfounded_planted = con.execute(
        """SELECT count(*) FROM labels WHERE outcome = 'unfounded'
           AND entity_id IN (SELECT project_id FROM planted)"""
    ).fetchone()[0]
    assert unfounded_planted == 0
    on_lookalikes = con.execute(
        """SELECT count(*) FROM labels WHERE outcome = 'unfounded'
           AND entity_id IN (SELECT project_id FROM lookalikes)"""
    ).fetchone()[0]
    assert on_lookalikes >= 0.3 * con.execute("SELECT count(*) FROM labels WHERE outcome = 'unfounded'").fetchone()[0]
    assert con.execute("SELECT count(*) FROM labels WHERE entity_type = 'post'").fetchone()[0] > 0


def test_decisions_spread_over_the_last_eighteen_months(con: duckdb.DuckDBPyConnection) -> None:
    first, last, months = con.execute(
        "SELECT min(decided_at), max(decided_at), count(DISTINCT strftime(decided_at, '%Y-%m')) FROM labels"
    ).fetchone()
    assert str(first) >= "2025-05-20" and str(last) <= "2026-11-21" and months >= 12
