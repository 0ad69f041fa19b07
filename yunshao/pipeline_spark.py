"""The run's SQL graph on Apache Spark (``engine.name = spark``): load, features and rules on a Spark
session; the store, the scores and the outputs as in a DuckDB run.

The contract files are validated on Spark (``engine.spark_load``), the feature steps, feature files and
rules run there through ``SparkBackend`` (the same SQL files, transpiled), and their relations are copied
into the DuckDB store with the types a DuckDB run gives them (``engine.spark_store``). The models then
score the store as in any run, so the API, the report and the cases read one kind of store whatever
engine made it. What stays on one machine is therefore the model stage: see ``docs/scale.md``.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from yunshao.contract.loader import QUARANTINE_DDL
from yunshao.contract.report import LoadReport, require_projects
from yunshao.contract.schema import TABLES
from yunshao.engine.duck import column_types, table_names
from yunshao.pipeline import (
    SPARK_WORK,
    RunResult,
    StageHook,
    _graph,
    _with_ocds_hits,
    load_summary,
    run_rules_of_run,
    timed_stage,
)
from yunshao.settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import SparkSession


def graph_on_spark(
    dataset: Path,
    out: Path,
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    result: RunResult,
    rules_dirs: Sequence[Path],
    on_stage: StageHook | None,
) -> None:
    """Load, features and rules on Spark (``settings.engine.spark_master``), then the store in ``con``."""
    from yunshao.engine.spark import SparkBackend, spark_session
    from yunshao.engine.spark_load import load_dataset_spark

    engine = settings.engine
    spark = spark_session(
        master=engine.spark_master, timezone=engine.timezone, driver_memory=engine.spark_driver_memory
    )
    work = out / SPARK_WORK
    with timed_stage(result, "load", on_stage):
        report = load_dataset_spark(dataset, spark, settings.load, workdir=work / "load")
        require_projects(SparkBackend(spark), report)
        result.load = load_summary(report, settings)
    backend = SparkBackend(spark, work / "graph")
    present = _with_ocds_hits(backend, report.present_tables, result)
    if "bid_documents" in present:  # the bid files are read by the embedded engine's stage only (docs/scale.md)
        present = present - {"bid_documents"}
        result.load["documents"] = {"skipped": "bid files are compared on the embedded engine (engine.name = duckdb)"}
    _graph(backend, present, settings, result, rules_dirs, on_stage)
    with timed_stage(result, "store", on_stage):
        result.load["store_rows"] = _to_store(spark, con, report, settings, rules_dirs, present, work / "store")
    # the store holds it all now: the JVM's heap and the Parquet copies are given back before the models
    spark.stop()
    shutil.rmtree(work, ignore_errors=True)


def _to_store(
    spark: SparkSession,
    con: duckdb.DuckDBPyConnection,
    report: LoadReport,
    settings: Settings,
    rules_dirs: Sequence[Path],
    present: set[str],
    folder: Path,
) -> dict[str, int]:
    """Copy what Spark computed into the store, typed by the same graph run on DuckDB over no rows."""
    from yunshao.engine.spark_store import copy_to_store

    types = store_types(con, settings, rules_dirs, present, report.present_tables)
    return copy_to_store(spark, con, types, folder)


def store_types(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    rules_dirs: Sequence[Path],
    present: set[str],
    contract_tables: set[str],
) -> dict[str, dict[str, str]]:
    """Every store relation a DuckDB run makes, with its DuckDB column types, read from that run over
    empty contract tables (the graph's SQL decides the types; nothing is listed twice)."""
    from yunshao.features import build_features
    from yunshao.ocds.hits import HITS_COLUMNS, HITS_TABLE

    for name in sorted(contract_tables):
        con.execute(f'CREATE OR REPLACE TABLE "{name}" ({TABLES[name].ddl()})')
    con.execute(QUARANTINE_DDL)
    if HITS_TABLE in present:
        columns = ", ".join(f'"{c}" {t}' for c, t in HITS_COLUMNS.items())
        con.execute(f'CREATE OR REPLACE TABLE "{HITS_TABLE}" ({columns})')
    features = build_features(con, settings, present)
    run_rules_of_run(con, settings, present, rules_dirs, features.steps)
    return {name: column_types(con, name) for name in sorted(table_names(con)) if _is_table(con, name)}


def _is_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary", [name]).fetchall()
    return bool(rows[0][0])
