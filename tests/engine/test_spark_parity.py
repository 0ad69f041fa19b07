"""One definition, two engines: every feature file and every rule gives the same rows on DuckDB and Spark.

The SQL is written for DuckDB and transpiled by sqlglot (plus yunshao's own fixes in engine/spark.py,
each one found by this test). Inputs reach Spark as Parquet exported from the very DuckDB relations the
query reads, so any difference is the engines', not the data's.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from yunshao.contract import load_dataset
from yunshao.documents.stage import run_documents
from yunshao.engine import connect, render_sql
from yunshao.features import build_features
from yunshao.features.files import load_feature_files
from yunshao.features.runner import feature_params
from yunshao.rules import run_rules
from yunshao.rules.loader import load_rules
from yunshao.rules.params import resolve_params
from yunshao.settings import Settings
from yunshao.simulate import simulate

pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (make test installs it)"),
]


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, object, Settings]]:
    from yunshao.engine.spark import SparkMirror, spark_session

    root = tmp_path_factory.mktemp("parity")
    simulate(root / "ds", 700, 3)
    settings = Settings()
    con = connect()
    report = load_dataset(root / "ds", con)
    present, _ = run_documents(con, root / "ds", report.present_tables)  # as a run: the stage before the graph
    features = build_features(con, settings, present)
    # the steps the rules read stay on the connection, so the mirror can ship them to Spark
    rules = run_rules(con, settings, present_tables=present, steps_ready=features.steps)
    spark = spark_session(app_name="yunshao-parity")
    yield SparkMirror(con, spark, root / "spark"), (features, rules), settings
    spark.stop()


def test_every_feature_file_agrees(mirror: tuple) -> None:
    spark_mirror, (features, _), settings = mirror
    params = feature_params(settings)
    problems = {}
    checked = 0
    for f in load_feature_files():
        if f.name not in features.ran:
            continue
        body = render_sql(f.sql.body, params, source=str(f.sql.path)).strip().rstrip(";")
        diffs = spark_mirror.compare(body, list(f.key) if f.kind == "features" else [])
        checked += 1
        if diffs:
            problems[f.name] = diffs
    assert checked >= 20
    assert problems == {}


def test_every_rule_agrees(mirror: tuple) -> None:
    spark_mirror, (_, rules), settings = mirror
    problems = {}
    checked = 0
    for rule in load_rules(settings=settings.rules):
        if rule.id in rules.skipped:
            continue
        sql = render_sql(rule.sql, resolve_params(rule, settings.rules), source=str(rule.path))
        try:
            diffs = spark_mirror.compare(sql, [])
        except Exception as exc:  # a parse or analysis error on Spark is a parity failure too
            diffs = [f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"]
        checked += 1
        if diffs:
            problems[rule.id] = diffs
    assert checked >= 60
    assert problems == {}
