"""Apache Spark as a second engine for the same SQL files, for province scale.

The SQL is written once, in DuckDB's dialect, and transpiled to Spark SQL by sqlglot with the rewrites
below, each found by a parity test. ``SparkBackend`` runs the SQL graph (steps, feature files, rules) on a
session; ``engine.spark_load`` validates the contract files there with the loader's own checks;
``SparkMirror`` ships DuckDB relations to Spark so a single statement can be compared on both engines.
pyspark and Java are optional: only the Spark modules need them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from contextlib import nullcontext
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

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
    LEAST/GREATEST, which Spark refuses, is the argument itself; DuckDB's reading of text as numbers and
    times and its text of doubles (``_duck_semantics``)."""
    duck = _duck_semantics(node)
    if duck is not None:
        return duck
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
    if isinstance(node, exp.Kurtosis | exp.Skewness):
        return _sample_moment(node)
    if isinstance(node, exp.Filter) and _is_ordered_agg(node.this):
        return _ordered_array_agg(node.this.this, node.expression)
    if _is_ordered_agg(node):
        return _ordered_array_agg(node.this)
    return node


def _is_ordered_agg(node: exp.Expression) -> bool:
    return isinstance(node, exp.ArrayAgg) and isinstance(node.this, exp.Order)


def _ordered_array_agg(order: exp.Order, where: exp.Expression | None = None) -> exp.Expression:
    """``array_agg(x ORDER BY k…)``: Spark's COLLECT_LIST has no order (sqlglot drops the ORDER BY), so the
    list is sorted after collecting: by the value itself, or as (k…, x) structs whose sort is by the keys
    first. Ascending keys only (all the graph uses). Like DuckDB's, the result keeps duplicates unless
    DISTINCT; unlike DuckDB's, NULL values are skipped, so the SQL filters them where it keeps them apart.
    A FILTER clause (``where``) goes on the collecting aggregate, the one Spark allows it on.
    """
    value, distinct = order.this, False
    if isinstance(value, exp.Distinct):
        value, distinct = value.expressions[0], True
    keys = [o.this for o in order.expressions]
    if any(o.args.get("desc") for o in order.expressions):
        raise ValueError(f"array_agg with a descending ORDER BY has no Spark rewrite: {order.sql()}")
    collect = "COLLECT_SET" if distinct else "COLLECT_LIST"
    when = f" FILTER ({_spark_text(where)})" if where is not None else ""
    x = _spark_text(value)
    if [k.sql() for k in keys] == [value.sql()]:
        return _parsed(f"ARRAY_SORT({collect}({x}){when})")
    fields = ", ".join([*(f"{_spark_text(k)} AS _k{i}" for i, k in enumerate(keys)), f"{x} AS _v"])
    return _parsed(f"TRANSFORM(ARRAY_SORT({collect}(STRUCT({fields})){when}), s -> s._v)")


def _parsed(spark_sql: str) -> exp.Expression:
    return cast(exp.Expression, sqlglot.parse_one(spark_sql, read="spark"))


def _spark_text(node: exp.Expression) -> str:
    """A sub-expression in Spark SQL with this module's fixes (a replaced node's children are not visited)."""
    return node.copy().transform(_spark_fixes).sql(dialect="spark")


def _sample_moment(node: exp.Kurtosis | exp.Skewness) -> exp.Expression:
    """DuckDB's kurtosis and skewness are the bias-corrected sample statistics (scipy's ``bias=False``);
    Spark's are the population ones, g2 and g1. The corrections are closed forms in n:
    G2 = ((n + 1) g2 + 6) (n - 1) / ((n - 2)(n - 3)) and G1 = g1 sqrt(n (n - 1)) / (n - 2)."""
    n = "CAST(COUNT(__x__) AS DOUBLE)"
    if isinstance(node, exp.Kurtosis):
        template = f"((({n} + 1) * KURTOSIS(__x__) + 6) * ({n} - 1) / (({n} - 2) * ({n} - 3)))"
    else:
        template = f"(SKEWNESS(__x__) * SQRT({n} * ({n} - 1)) / ({n} - 2))"
    return _from_spark(template, node.this)


def _boundary_date_diff(node: exp.DateDiff) -> exp.Expression:
    """DuckDB's date_diff counts unit boundaries crossed (23:00 → 01:00 is one day); Spark's counts whole
    units elapsed. Truncating both ends to the unit first makes Spark count boundaries too."""
    unit = node.args["unit"].name.upper()

    def trunc(e: exp.Expression) -> exp.Expression:
        return exp.Anonymous(this="DATE_TRUNC", expressions=[exp.Literal.string(unit), e.copy()])

    return exp.Anonymous(
        this="TIMESTAMPDIFF", expressions=[exp.Var(this=unit), trunc(node.expression), trunc(node.this)]
    )


def spark_session(
    app_name: str = "yunshao",
    master: str = "local[2]",
    timezone: str = "Asia/Shanghai",
    driver_memory: str = "4g",
) -> SparkSession:
    """A Spark session whose session time zone matches DuckDB's, so timestamps mean the same.

    ``driver_memory`` only takes effect when this call starts the JVM (local mode runs everything in the
    driver): with Spark's default of 1 GiB the graph's joins ran out of execution memory.
    """
    import warnings

    # pyspark warns about pandas 3 on import; the graph hands Spark no pandas frames beyond small hit lists
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    from pyspark.sql import SparkSession

    cores = _local_cores(master)
    session = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.driver.memory", driver_memory)
        .config("spark.sql.session.timeZone", timezone)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")  # yunshao shows its own progress
        .config("spark.sql.shuffle.partitions", str(max(2, cores * 2)))
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.adaptive.enabled", "true")
        # instants, which DuckDB reads as TIMESTAMPTZ and casts back to the contract's local time
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def _local_cores(master: str) -> int:
    """The cores of ``local[n]``; a cluster's shuffle width is its own setting, two per core of two here."""
    inside = master[master.find("[") + 1 : master.find("]")] if master.startswith("local[") else ""
    return int(inside) if inside.isdigit() else 2


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


#: DuckDB column types (as the contract and the graph write them) → Spark SQL types.
SPARK_TYPES = {
    "VARCHAR": "STRING",
    "BIGINT": "BIGINT",
    "INTEGER": "INT",
    "DOUBLE": "DOUBLE",
    "BOOLEAN": "BOOLEAN",
    "TIMESTAMP": "TIMESTAMP",
    "DATE": "DATE",
    "VARCHAR[]": "ARRAY<STRING>",
}


def spark_schema(columns: Mapping[str, str]) -> str:
    """A Spark DDL schema string for columns typed in DuckDB's names."""
    return ", ".join(f"`{c}` {SPARK_TYPES[t]}" for c, t in columns.items())


class SparkBackend:
    """A Spark session as the SQL graph's backend: relations are temp views, tables are materialised.

    The graph's SQL is DuckDB's dialect, transpiled per statement (``to_spark_sql``). A table (a step, a
    feature file, a wide table) is computed once, since several later nodes read it, the way DuckDB
    materialises it: written as Parquet under ``workdir`` and read back, which also cuts the plan's
    lineage (the wide tables join dozens of feature tables, each with its own plan, and holding them all
    in the cache ran a 4 GiB driver out of execution memory). Without a workdir a table is persisted.
    """

    name = "spark"

    def __init__(self, spark: SparkSession, workdir: Path | None = None) -> None:
        self.spark = spark
        self.workdir = workdir

    def create(self, relation: str, sql: str, *, view: bool = False, keep: bool = False) -> None:
        self.drop(relation)
        frame = self.spark.sql(to_spark_sql(sql))
        if view:
            frame.createOrReplaceTempView(relation)
        elif self.workdir is not None:
            path = str(self.workdir / relation)
            frame.write.mode("overwrite").parquet(path)
            self.spark.read.parquet(path).createOrReplaceTempView(relation)
        else:
            frame.persist().createOrReplaceTempView(relation)

    def drop(self, relation: str) -> None:
        if not self.spark.catalog.tableExists(relation):
            return
        if self._cached(relation):
            self.spark.catalog.uncacheTable(relation)
        self.spark.catalog.dropTempView(relation)

    def _cached(self, relation: str) -> bool:
        try:
            return bool(self.spark.catalog.isCached(relation))
        except Exception:  # a view over a dropped input cannot even be asked
            return False

    def has(self, relation: str) -> bool:
        return bool(self.spark.catalog.tableExists(relation))

    def columns(self, sql: str) -> list[str]:
        return list(self.spark.sql(to_spark_sql(sql)).columns)

    def fetch(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        frame = self.spark.sql(to_spark_sql(sql))
        return list(frame.columns), [tuple(_python(v) for v in row) for row in frame.collect()]

    def count(self, relation: str) -> int:
        return int(self.spark.table(relation).count())

    def empty(self, relation: str, columns: Mapping[str, str]) -> None:
        self.drop(relation)
        self.spark.createDataFrame([], schema=spark_schema(columns)).createOrReplaceTempView(relation)

    def put(self, relation: str, frame: pd.DataFrame, columns: Mapping[str, str]) -> None:
        self.drop(relation)
        rows = [tuple(_none_for_nan(v) for v in r) for r in frame[list(columns)].itertuples(index=False)]
        self.spark.createDataFrame(rows, schema=spark_schema(columns)).persist().createOrReplaceTempView(relation)

    def unordered(self) -> Any:
        return nullcontext()


def _python(value: Any) -> Any:
    """Spark's rows hold Python values already; arrays come as lists and structs as Rows."""
    if hasattr(value, "asDict"):
        return value.asDict(recursive=True)
    return value


def _none_for_nan(value: Any) -> Any:
    return None if isinstance(value, float) and value != value else value


# --- DuckDB's casts and value texts, written in Spark SQL ---------------------------------------------------
#
# DuckDB and Spark both have TRY_CAST and CAST(x AS VARCHAR), but they read and write values differently:
# Spark takes '2024' and '2024-03' as dates, '1d' as a number and refuses '12.0' as a whole number, which
# DuckDB does the other way round; Spark writes -11628856.45 as '-1.162885645E7'. The contract's checks
# are generated as DuckDB SQL, so a value's fate (kept or quarantined, and the reason's text) would depend
# on the engine. These rewrites make Spark read text as DuckDB does, for the ISO 8601 and decimal forms
# DuckDB reads (forms only DuckDB knows, such as hexadecimal integers, '1_000' or zone names, stay
# unread on Spark), and write doubles as DuckDB does.

_TEXT_TYPES = {exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT, exp.DataType.Type.CHAR, exp.DataType.Type.NCHAR}
#: A decimal number as DuckDB reads it: sign, digits with an optional point, an optional exponent.
_NUMBER = r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$"
_WHOLE = r"^\s*[+-]?\d+\s*$"
_INFINITY = r"(?i)^\s*[+-]?inf(inity)?\s*$"
_NAN = r"(?i)^\s*[+-]?nan\s*$"
#: A date with an optional time and offset as DuckDB reads them; groups: 1 year, 2 separator, 3 month,
#: 4 day, 5 hour, 6 minute, 7 second, 8 fraction, 9 offset.
_STAMP = (
    r"^\s*(\d{1,4})([-/ \\])(\d{1,2})\2(\d{1,2})"
    r"(?:(?:T|\s+)(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d*))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?\s*$"
)
_DIGITS = r"^(\d+)\.?(\d*)(?:[eE]([+-]?\d+))?$"


def _spark_literal(text: str) -> str:
    """A Spark SQL string literal (Spark reads backslash escapes in literals)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _duck_number(x: str) -> str:
    return (
        f"CASE WHEN {x} RLIKE {_spark_literal(_NUMBER)} THEN CAST({x} AS DOUBLE) "
        f"WHEN {x} RLIKE {_spark_literal(_INFINITY)} THEN CASE WHEN {x} RLIKE '^\\\\s*-' "
        "THEN CAST('-Infinity' AS DOUBLE) ELSE CAST('Infinity' AS DOUBLE) END "
        f"WHEN {x} RLIKE {_spark_literal(_NAN)} THEN CAST('NaN' AS DOUBLE) END"
    )


def _duck_whole(x: str) -> str:
    """DuckDB rounds a decimal to the nearest whole number, half away from zero (12.5 is 13), exactly."""
    rounded = f"ROUND(CAST({x} AS DECIMAL(38, 18)), 0)"
    return (
        f"CASE WHEN {x} RLIKE {_spark_literal(_WHOLE)} THEN CAST({x} AS BIGINT) "
        f"WHEN {x} RLIKE {_spark_literal(_NUMBER)} AND abs({rounded}) <= 9223372036854775807 "
        f"THEN CAST({rounded} AS BIGINT) END"
    )


def _stamp_parts(x: str, value: str) -> str:
    """``value`` (Spark SQL over the ISO 8601 text ``iso`` that Spark reads as the same instant, and the date
    ``as_written``) where ``x`` has DuckDB's form of a date and time, else NULL.

    One regular expression pass puts the parts at fixed places ('year|month|...'), bound once as ``g``, so
    the expression stays small however often the parts are used.
    """
    year, month, day, hour, minute, second, fraction, offset = (f"g[{n}]" for n in range(8))
    as_written = f"concat(lpad({year}, 4, '0'), '-', lpad({month}, 2, '0'), '-', lpad({day}, 2, '0'))"
    # DuckDB reads 24:00:00 as midnight of the next day
    midnight = (
        f"({hour} = '24' AND CAST({minute} AS INT) = 0 AND coalesce(CAST(nullif({second}, '') AS INT), 0) = 0 "
        f"AND {fraction} RLIKE '^0*$')"
    )
    day_text = (
        f"CASE WHEN {midnight} THEN CAST(date_add(CAST({as_written} AS DATE), 1) AS STRING) ELSE {as_written} END"
    )
    hour_text = f"CASE WHEN {midnight} OR {hour} = '' THEN '00' ELSE lpad({hour}, 2, '0') END"
    minute_text = f"lpad(coalesce(nullif({minute}, ''), '0'), 2, '0')"
    second_text = f"lpad(coalesce(nullif({second}, ''), '0'), 2, '0')"
    fraction_text = f"CASE WHEN {fraction} = '' THEN '' ELSE concat('.', substr({fraction}, 1, 6)) END"
    bare = f"regexp_replace({offset}, ':', '')"
    offset_text = (
        f"CASE WHEN {offset} IN ('', 'Z') THEN {offset} ELSE concat(substr({bare}, 1, 3), ':', "
        f"CASE WHEN length({bare}) = 5 THEN substr({bare}, 4, 2) ELSE '00' END) END"
    )
    iso = (
        f"concat({day_text}, 'T', {hour_text}, ':', {minute_text}, ':', {second_text}, {fraction_text}, {offset_text})"
    )
    body = value.replace("{iso}", iso).replace("{as_written}", as_written)
    pattern = _spark_literal(_STAMP)
    parts = f"split(regexp_replace({x}, {pattern}, '$1|$3|$4|$5|$6|$7|$8|$9'), '[|]')"
    return (
        f"CASE WHEN {x} RLIKE {pattern} THEN "
        f"transform(array({parts}), g -> CASE WHEN CAST({year} AS INT) > 0 THEN {body} END)[0] END"
    )


def _duck_timestamptz(x: str) -> str:
    return _stamp_parts(x, "CAST({iso} AS TIMESTAMP)")


def _duck_date(x: str) -> str:
    """The date as written; DuckDB checks a time after it but does not move the date by its offset."""
    return _stamp_parts(x, "CASE WHEN CAST({iso} AS TIMESTAMP) IS NOT NULL THEN CAST({as_written} AS DATE) END")


_TEXT_CASTS = {
    exp.DataType.Type.DOUBLE: _duck_number,
    exp.DataType.Type.BIGINT: _duck_whole,
    exp.DataType.Type.DATE: _duck_date,
    exp.DataType.Type.TIMESTAMPTZ: _duck_timestamptz,
}


def _shortest(a: str, float_bits: bool) -> str:
    """The shortest decimal text that reads back as the value ``a`` (>= 0), as DuckDB finds it.

    Java's Double.toString (before Java 19) gives one or two digits too many for some doubles above 1e16,
    and Float.toString often does; trying 1, 2, ... significant digits finds DuckDB's (and Python's) digits.
    """
    target = "FLOAT" if float_bits else "DOUBLE"
    source = f"CAST({a} AS DOUBLE)" if float_bits else a
    tries = " ".join(
        f"WHEN CAST(format_string('%.{p}e', {source}) AS {target}) = {a} THEN format_string('%.{p}e', {source})"
        for p in range(9 if float_bits else 17)
    )
    search = f"CASE {tries} ELSE CAST({a} AS STRING) END"
    if float_bits:
        return search
    java_digits = f"length(TRIM(BOTH '0' FROM regexp_replace(CAST({a} AS STRING), 'E.*$|[.]', '')))"
    return f"CASE WHEN {java_digits} >= 17 THEN {search} ELSE CAST({a} AS STRING) END"


def duckdb_double_text(x: str, *, json: bool = False, float_bits: bool = False) -> str:
    """Spark SQL for the text DuckDB writes for the DOUBLE ``x``: ``CAST(x AS VARCHAR)``, or with ``json``
    the number ``to_json`` writes. ``float_bits``: ``x`` is a FLOAT, written with a float's digits.

    DuckDB writes the shortest digits that read back as the value, positional for decimal exponents from
    -4 to 15 ('1e+16', '1e-05') like Python's repr; to_json is positional from -6 to 20 ('1e21', '1e-7').
    """
    low, high = (-6, 21) if json else (-4, 16)
    nan, inf = ("NaN", "Infinity") if json else ("nan", "inf")
    exponent = (
        "CAST(p.e AS STRING)"
        if json
        else "concat(CASE WHEN p.e < 0 THEN '-' ELSE '+' END, CASE WHEN abs(p.e) < 10 THEN '0' ELSE '' END, "
        "CAST(abs(p.e) AS STRING))"
    )
    layout = (
        f"CASE WHEN p.e >= {low} AND p.e < {high} THEN CASE WHEN p.e >= 0 THEN concat(rpad(p.d, p.e + 1, '0'), '.', "
        "CASE WHEN length(p.d) > p.e + 1 THEN substr(p.d, p.e + 2) ELSE '0' END) "
        "ELSE concat('0.', repeat('0', -p.e - 1), p.d) END "
        "ELSE concat(substr(p.d, 1, 1), CASE WHEN length(p.d) > 1 THEN concat('.', substr(p.d, 2)) ELSE '' END, "
        f"'e', {exponent}) END"
    )
    digits = _spark_literal(_DIGITS)
    raw = f"concat(regexp_extract(t, {digits}, 1), regexp_extract(t, {digits}, 2))"
    parts = (
        f"named_struct('d', TRIM(TRAILING '0' FROM TRIM(LEADING '0' FROM {raw})), "
        f"'e', length(regexp_extract(t, {digits}, 1)) - 1 "
        f"+ CAST(coalesce(nullif(regexp_extract(t, {digits}, 3), ''), '0') AS INT) "
        f"- (length({raw}) - length(TRIM(LEADING '0' FROM {raw}))))"
    )
    text = f"transform(array({_shortest('abs(v)', float_bits)}), t -> transform(array({parts}), p -> {layout})[0])[0]"
    # from 1e-3 to 1e7 Java writes the same positional shortest digits: the common amounts skip the search
    plain = "" if float_bits else "WHEN abs(v) >= 0.001 AND abs(v) < 10000000 THEN CAST(v AS STRING) "
    return (
        f"transform(array({x}), v -> CASE WHEN v IS NULL THEN CAST(NULL AS STRING) {plain}"
        f"WHEN isnan(v) THEN '{nan}' WHEN v = CAST('Infinity' AS DOUBLE) THEN '{inf}' "
        f"WHEN v = CAST('-Infinity' AS DOUBLE) THEN '-{inf}' "
        "WHEN v = 0 THEN CASE WHEN CAST(v AS STRING) LIKE '-%' THEN '-0.0' ELSE '0.0' END "
        f"ELSE concat(CASE WHEN v < 0 THEN '-' ELSE '' END, {text}) END)[0]"
    )


def _duck_semantics(node: exp.Expression) -> exp.Expression | None:
    """The rewrite that gives ``node`` DuckDB's meaning on Spark, or None when it needs none."""
    if isinstance(node, exp.RegexpFullMatch) and isinstance(node.expression, exp.Literal):
        # RE2's full match; Java's $ would also match before a final line break
        pattern = exp.Literal.string(f"^(?:{node.expression.this})\\z")
        return exp.RegexpLike(this=_fixed(node.this), expression=pattern)
    if isinstance(node, exp.TryCast) and node.to.this in _TEXT_CASTS and _typed_as(node.this, _TEXT_TYPES):
        return _from_spark(_TEXT_CASTS[node.to.this]("__x__"), _fixed(node.this))
    if isinstance(node, exp.Cast) and node.to.this in _TEXT_TYPES and _typed_as(node.this, {exp.DataType.Type.DOUBLE}):
        return _from_spark(duckdb_double_text("__x__"), _fixed(node.this))
    return None


def _typed_as(node: exp.Expression, types: set[Any]) -> bool:
    """Whether sqlglot can tell ``node``'s type (one of ``types``) from the expression alone: casts and text
    functions, not the columns of a table it has no schema of."""
    from sqlglot.optimizer.annotate_types import annotate_types

    typed = annotate_types(node.copy(), dialect="duckdb")
    return typed.type is not None and typed.type.this in types


def _fixed(node: exp.Expression) -> exp.Expression:
    """``node`` with the Spark fixes applied (``transform`` does not visit the children of a replaced node)."""
    return cast(exp.Expression, node.transform(_spark_fixes))


def _from_spark(template: str, value: exp.Expression) -> exp.Expression:
    """A Spark SQL template whose ``__x__`` column stands for ``value``."""
    tree = _parse_spark(template)  # transform copies, so the cached tree stays as parsed
    return cast(
        exp.Expression,
        tree.transform(lambda n: value.copy() if isinstance(n, exp.Column) and n.name == "__x__" else n),
    )


@lru_cache(maxsize=64)
def _parse_spark(template: str) -> exp.Expression:
    return cast(exp.Expression, sqlglot.parse_one(template, read="spark"))
