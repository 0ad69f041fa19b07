from __future__ import annotations

import json

import pytest

from tests.training.synth import make_store
from yunshao.settings import ModelSettings, Settings
from yunshao.training import score_run
from yunshao.training.scoring import explain_on_request


def _settings(tmp_path) -> Settings:
    return Settings(model=ModelSettings(mlflow_tracking_uri=f"sqlite:///{tmp_path / 'none.db'}", n_estimators=50))


def test_without_labels_scores_come_from_rules_and_detectors(tmp_path):
    con, _ = make_store(400, seed=5, label_frac=0.0)
    report = score_run(con, _settings(tmp_path))
    assert report.model_source == "none" and any("model_score is null" in n for n in report.notes)
    assert not (tmp_path / "none.db").exists()  # looking for a champion created no registry
    cols = dict(con.execute("DESCRIBE project_scores").fetchall()[i][:2] for i in range(7))
    assert cols == {
        "project_id": "VARCHAR",
        "risk_score": "DOUBLE",
        "level": "VARCHAR",
        "rule_hits": "VARCHAR[]",
        "anomaly_score": "DOUBLE",
        "model_score": "DOUBLE",
        "top_factors": "VARCHAR",
    }
    n, nulls, lo, hi = con.execute(
        "SELECT count(*), count(*) - count(model_score), min(risk_score), max(risk_score) FROM project_scores"
    ).fetchone()
    assert n == 400 and nulls == 400 and 0 <= lo <= hi <= 100
    # rule hits are listed as in the warnings table
    expected = con.execute(
        "SELECT project_id, list(DISTINCT rule_id ORDER BY rule_id) FROM warnings GROUP BY project_id"
    ).fetchall()
    got = dict(con.execute("SELECT project_id, rule_hits FROM project_scores").fetchall())
    assert all(sorted(got[p]) == hits for p, hits in expected)
    # flagged rows are explained, green rows on request
    flagged = con.execute("SELECT count(*) FROM project_scores WHERE level <> 'green' AND top_factors IS NULL")
    assert flagged.fetchone()[0] == 0
    green = con.execute("SELECT project_id FROM project_scores WHERE level = 'green' LIMIT 1").fetchone()[0]
    assert isinstance(explain_on_request(con, [green])[green], list)


@pytest.mark.slow  # trains the cross-fitted classifier in the run
def test_with_labels_a_model_is_trained_in_the_run(tmp_path):
    con, _ = make_store(600, seed=6, label_frac=0.5)
    report = score_run(con, _settings(tmp_path))
    assert report.model_source == "trained_in_run"
    assert any("trained one in this run" in n for n in report.notes)
    assert con.execute("SELECT count(model_score) FROM project_scores").fetchone()[0] == 600
    top = con.execute("SELECT top_factors FROM project_scores WHERE level = 'red' LIMIT 1").fetchone()[0]
    assert json.loads(top)[0]["feature"]


def test_posts_are_scored_from_their_projects_and_warnings(tmp_path):
    con, _ = make_store(400, seed=7, label_frac=0.0)
    report = score_run(con, _settings(tmp_path))
    assert report.posts == 40
    rows = con.execute("SELECT post_id, warning_count, level FROM post_scores").fetchall()
    # independent count: warnings naming the post plus warnings on the projects its approvals cover
    expected = dict(
        con.execute(
            """SELECT p.post_id,
                      (SELECT count(*) FROM warnings w WHERE w.post_id = p.post_id)
                    + (SELECT count(*) FROM warnings w JOIN approvals a ON a.project_id = w.project_id
                       WHERE a.post_id = p.post_id)
               FROM posts p"""
        ).fetchall()
    )
    assert {p: c for p, c, _ in rows} == expected
    assert {lvl for _, _, lvl in rows} <= {"red", "yellow", "green"}
