"""Apache Spark as a second engine for the same SQL files, for province scale.

The SQL is written once, in DuckDB's dialect, and transpiled to Spark SQL by sqlglot. Tables reach Spark
as Parquet exported from the validated DuckDB tables, so validation and quarantine stay one
implementation. pyspark and Java are optional: only this module needs them.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
import sqlglot
from sqlglot import exp

from yunshao.engine.lineage import referenced_tables

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import SparkSession


def to_spark_sql(sql: str) -> str:
    """One DuckDB statement as Spark SQL, with the rewrites sqlglot gets wrong (found by the parity tests)."""
    statements = sqlglot.parse(sql, read="duckdb")
    if len(statements) != 1 or statements[0] is None:
        raise ValueError(f"expected one SQL statement, got {len(statements)}")
    tree = statements[0].transform(_spark_fixes)
    return tree.sql(dialect="spark")


def _spark_fixes(node: exp.Expression) -> exp.Expression:
    """ISO day of week (Monday 1 … Sunday 7) from Spark's DAYOFWEEK (Sunday 1 … Saturday 7); one-argument
    LEAST/GREATEST, which Spark refuses, is the argument itself."""
    if isinstance(node, exp.DayOfWeekIso):
        dow = exp.Anonymous(this="DAYOFWEEK", expressions=[node.this.copy()])
        return exp.Paren(
            this=exp.Add(
                this=exp.Mod(
                    this=exp.Paren(this=exp.Add(this=dow, expression=exp.Literal.number(5))),
                    expression=exp.Literal.number(7),
                ),
                expression=exp.Literal.number(1),
            )
        )
    if isinstance(node, exp.Least | exp.Greatest) and not node.expressions:
        return node.this.copy()
    if isinstance(node, exp.Literal) and node.is_number and "." in node.this and not isinstance(node.parent, exp.Cast):
        # DuckDB computes with 1.0 as a double where it matters (avg, division); Spark keeps a DECIMAL at a
        # fixed scale and rounds, so decimal literals become doubles
        return exp.Cast(this=node.copy(), to=exp.DataType.build("DOUBLE"))
    if isinstance(node, exp.DateDiff) and node.args.get("date_part_boundary") and node.args.get("unit"):
        return _boundary_date_diff(node)
    return node


def _boundary_date_diff(node: exp.DateDiff) -> exp.Expression:
    """DuckDB's date_diff counts unit boundaries crossed (23:00 → 01:00 is one day); Spark's counts whole
    units elapsed. Truncating both ends to the unit first makes Spark count boundaries too."""
    unit = node.args["unit"].name.upper()

    def trunc(e: exp.Expression) -> exp.Expression:
        return exp.Anonymous(this="DATE_TRUNC", expressions=[exp.Literal.string(unit), e.copy()])

    return exp.Anonymous(
        this="TIMESTAMPDIFF", expressions=[exp.Var(this=unit), trunc(node.expression), trunc(node.this)]
    )


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


class SparkMirror:
    """Spark views mirroring DuckDB relations, exported once each, for running the same SQL on both."""

    def __init__(self, con: duckdb.DuckDBPyConnection, spark: SparkSession, folder: Path | None = None) -> None:
        self.con = con
        self.spark = spark
        self.folder = folder or Path(tempfile.mkdtemp(prefix="yunshao-spark-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.exported: set[str] = set()

    def ensure(self, tables: set[str] | frozenset[str]) -> None:
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
    left, right = _hashable(left), _hashable(right)
    keys = keys or list(left.columns)
    a = left.sort_values(keys).reset_index(drop=True)
    b = right[left.columns].sort_values(keys).reset_index(drop=True)
    if len(a) != len(b):
        return [f"row counts differ: {len(a)} vs {len(b)}"]
    for col in a.columns:
        problems.extend(_column_diff(col, a[col], b[col], rtol))
    return problems


def _column_diff(col: str, x: pd.Series[Any], y: pd.Series[Any], rtol: float) -> list[str]:
    if _is_decimal(x) or _is_decimal(y):
        # Spark keeps decimal division at a fixed scale (about 7 digits); compare at that precision
        x, y, rtol = pd.to_numeric(x.astype(object)), pd.to_numeric(y.astype(object)), max(rtol, 1e-6)
    if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
        xf, yf = x.astype(float), y.astype(float)
        both_nan = xf.isna() & yf.isna()
        close = ((xf - yf).abs() <= rtol * (1 + yf.abs())) | both_nan
        bad = ~close
    else:
        xs, ys = x.astype("string").fillna("<NA>"), y.astype("string").fillna("<NA>")
        bad = xs != ys
    if bad.any():
        i = int(bad.to_numpy().argmax())  # frames are reset to a 0..n-1 index before comparing
        return [f"{col}: {int(bad.sum())} rows differ, first at row {i}: {x.iloc[i]!r} vs {y.iloc[i]!r}"]
    return []


def _is_decimal(series: pd.Series[Any]) -> bool:
    first = series.dropna().head(1)
    return bool(len(first)) and isinstance(first.iloc[0], Decimal)


def _hashable(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists (DuckDB LIST, Spark ARRAY) as sorted text, so rows can be sorted and compared."""
    out = frame.copy()
    for col in out.columns:
        first = out[col].dropna().head(1)
        if len(first) and not isinstance(first.iloc[0], str) and hasattr(first.iloc[0], "__len__"):
            out[col] = out[col].map(lambda v: None if v is None else "|".join(sorted(map(_plain, list(v)))))
    return out


def _plain(value: Any) -> str:
    """2.0 and 2 are the same number whichever engine typed the list."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{float(value):.12g}"
    return str(value)
