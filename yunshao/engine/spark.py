"""Apache Spark as a second engine for the same SQL files, for province scale.

The SQL is written once, in DuckDB's dialect, and transpiled to Spark SQL by sqlglot. Tables reach Spark
as Parquet exported from the validated DuckDB tables, so validation and quarantine stay one
implementation. pyspark and Java are optional: only this module needs them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
import sqlglot

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import SparkSession


def to_spark_sql(sql: str) -> str:
    """One DuckDB statement as Spark SQL."""
    statements = sqlglot.transpile(sql, read="duckdb", write="spark")
    if len(statements) != 1:
        raise ValueError(f"expected one SQL statement, got {len(statements)}")
    return statements[0]


def spark_session(app_name: str = "yunshao", cores: int = 2, timezone: str = "Asia/Shanghai") -> SparkSession:
    """A local Spark session whose session time zone matches DuckDB's, so timestamps mean the same."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app_name)
        .config("spark.sql.session.timeZone", timezone)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(max(2, cores * 2)))
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )


def export_tables(
    con: duckdb.DuckDBPyConnection, tables: list[str], spark: SparkSession, folder: Path | None = None
) -> Path:
    """Register DuckDB tables as Spark temp views, through Parquet files in ``folder``."""
    folder = folder or Path(tempfile.mkdtemp(prefix="yunshao-spark-"))
    for name in tables:
        path = folder / f"{name}.parquet"
        con.execute(f"COPY (SELECT * FROM \"{name}\") TO '{path}' (FORMAT parquet)")
        spark.read.parquet(str(path)).createOrReplaceTempView(name)
    return folder


def referenced_tables(sql: str) -> set[str]:
    """Tables and views a query reads (its own CTE names excluded), so only those are shipped to Spark."""
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    return {t.name for t in tree.find_all(exp.Table) if t.name and t.name not in ctes}


class SparkMirror:
    """Spark views mirroring DuckDB relations, exported once each, for running the same SQL on both."""

    def __init__(self, con: duckdb.DuckDBPyConnection, spark: SparkSession, folder: Path | None = None) -> None:
        self.con = con
        self.spark = spark
        self.folder = folder or Path(tempfile.mkdtemp(prefix="yunshao-spark-"))
        self.exported: set[str] = set()

    def ensure(self, tables: set[str]) -> None:
        missing = sorted(tables - self.exported)
        if missing:
            export_tables(self.con, missing, self.spark, self.folder)
            self.exported.update(missing)

    def compare(self, sql: str, keys: list[str]) -> list[str]:
        """Run ``sql`` on both engines and list the differences (empty when they agree)."""
        self.ensure(referenced_tables(sql))
        duck = self.con.execute(sql).df()
        spark = run_on_spark(self.spark, sql)
        return frames_equal(duck, spark, keys)


def run_on_spark(spark: SparkSession, sql: str, view: str | None = None) -> pd.DataFrame:
    """Run DuckDB-dialect SQL on Spark; register the result as ``view`` when given."""
    frame = spark.sql(to_spark_sql(sql))
    if view:
        frame.createOrReplaceTempView(view)
    return frame.toPandas()


def frames_equal(left: pd.DataFrame, right: pd.DataFrame, keys: list[str], rtol: float = 1e-9) -> list[str]:
    """Differences between two engines' results, as readable lines (empty when they agree)."""
    problems: list[str] = []
    if set(left.columns) != set(right.columns):
        return [f"columns differ: {sorted(set(left.columns) ^ set(right.columns))}"]
    a = left.sort_values(keys).reset_index(drop=True)
    b = right[left.columns].sort_values(keys).reset_index(drop=True)
    if len(a) != len(b):
        return [f"row counts differ: {len(a)} vs {len(b)}"]
    for col in a.columns:
        problems.extend(_column_diff(col, a[col], b[col], rtol))
    return problems


def _column_diff(col: str, x: pd.Series[Any], y: pd.Series[Any], rtol: float) -> list[str]:
    if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
        xf, yf = x.astype(float), y.astype(float)
        both_nan = xf.isna() & yf.isna()
        close = ((xf - yf).abs() <= rtol * (1 + yf.abs())) | both_nan
        bad = ~close
    else:
        xs, ys = x.astype("string").fillna("<NA>"), y.astype("string").fillna("<NA>")
        bad = xs != ys
    if bad.any():
        i = int(bad.idxmax())
        return [f"{col}: {int(bad.sum())} rows differ, first at row {i}: {x.iloc[i]!r} vs {y.iloc[i]!r}"]
    return []
