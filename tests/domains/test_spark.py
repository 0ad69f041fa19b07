"""The declaration tables and SEQ-PREREQ read the same on Spark: the tables are made there from the same
literal rows (not shipped from DuckDB), and the rule's SQL over them gives DuckDB's hits."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.domains.test_user_domain import WETLAND, _events, _load
from yunshao.domains.contract import activate
from yunshao.domains.tables import DOMAIN_TABLES, create_declared_tables
from yunshao.engine import render_sql
from yunshao.features.files import STEPS_DIR
from yunshao.rules.loader import load_rules
from yunshao.settings import DomainSettings, Settings

pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (make test installs it)"),
]


def test_domain_tables_and_seq_prereq_agree_on_spark(tmp_path: Path) -> None:
    from yunshao.engine.spark import SparkBackend, SparkMirror, frames_equal, run_on_spark, spark_session

    (tmp_path / "wetland_permit.yaml").write_text(WETLAND, encoding="utf-8")
    settings = Settings(
        domains=DomainSettings(dirs=[tmp_path], thresholds={"wetland_permit": {"review_amount": 40_000}})
    )
    activate(settings.domains)
    projects = [
        {"project_id": "W1", "domain": "wetland_permit", "budget_amount": 50_000.0},
        {"project_id": "W2", "domain": "wetland_permit", "budget_amount": 50_000.0},
    ]
    con, _ = _load(projects, [*_events("W1", ["W01", "W02", "W03"]), *_events("W2", ["W03"])])
    con.execute(f"CREATE TEMP TABLE node_times AS {(STEPS_DIR / 'node_times.sql').read_text(encoding='utf-8')}")
    from yunshao.engine.backend import DuckBackend

    create_declared_tables(DuckBackend(con), settings)
    spark = spark_session(app_name="yunshao-domains")
    try:
        create_declared_tables(SparkBackend(spark), settings)
        for name, columns in DOMAIN_TABLES.items():
            sql = f"SELECT * FROM {name}"
            diffs = frames_equal(con.execute(sql).df(), run_on_spark(spark, sql), list(columns)[:3])
            assert diffs == [], name
        mirror = SparkMirror(con, spark, tmp_path / "spark")
        mirror.exported.update(DOMAIN_TABLES)  # Spark reads its own declaration tables, not DuckDB's
        rule = next(r for r in load_rules() if r.id == "SEQ-PREREQ")
        sql = render_sql(rule.sql, {}, source=str(rule.path))
        assert con.execute(sql).fetchall() == [("W2", "W2", "wetland_permit", ["W01", "W02"], "ongoing")]
        assert mirror.compare(sql, ["entity_id"]) == []
    finally:
        spark.stop()
