"""Load a contract dataset on Apache Spark, with the DuckDB loader's results.

At province scale the contract files themselves are validated on Spark. The checks are not written a
second time: ``contract.loader.check_sql`` gives the same DuckDB statements the DuckDB loader runs, and
``to_spark_sql`` transpiles them (its fixes give Spark DuckDB's reading of text as numbers and times and
DuckDB's text of doubles). What is Spark's own here is reading the files the way DuckDB reads them:
CSV as text with DuckDB's row numbers and malformed lines, Parquet parts united by name (a column that
is text in some part becomes text everywhere, written as DuckDB writes values), and the quarantined row
as the JSON text DuckDB's ``to_json`` writes.

Validated tables and the quarantine are written as Parquet under a work folder and registered as temp
views named as in the contract, so that later SQL reads materialised tables, not a growing plan.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path
from typing import TYPE_CHECKING

from yunshao.contract.errors import ContractError
from yunshao.contract.files import TableFiles, require_columns, scratch_dir, utf8_csv
from yunshao.contract.loader import (
    REASON_COUNTS_SQL,
    check_sql,
    find_dataset,
    reason_counts,
    require_table_columns,
    tables_to_load,
)
from yunshao.contract.outputs import QUARANTINE
from yunshao.contract.report import LoadReport, TableReport
from yunshao.contract.schema import TABLES, Table
from yunshao.engine.spark import duckdb_double_text, spark_schema, to_spark_sql
from yunshao.settings import EngineSettings, LoadSettings

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import Column, DataFrame, SparkSession
    from pyspark.sql.types import DataType

Progress = Callable[[str], None]

#: Spark's column for a CSV line it could not split into the header's columns.
CORRUPT = "_yunshao_malformed_line"
QUARANTINE_SCHEMA = spark_schema(QUARANTINE.types())  # as contract/outputs.py declares it
_ROW_COLUMNS = ("_file", "_row")


def load_dataset_spark(
    folder: Path,
    spark: SparkSession,
    settings: LoadSettings | None = None,
    workdir: Path | str | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Validate every contract table found in ``folder`` on ``spark``, as ``contract.load_dataset`` does.

    Registers each validated table and ``quarantine`` as temp views named as in the contract, written as
    Parquet under ``workdir`` (a new temporary folder by default; on a cluster, a folder every executor
    reaches). Raises ContractError with DuckDB's one-line message for a missing folder, table or column.
    The session's time zone must be the contract's (``engine.spark.spark_session`` sets it), since text
    without an offset is local time.
    """
    settings = settings or LoadSettings()
    folder = Path(folder)
    found = find_dataset(folder)
    _require_zone(spark)
    work = str(workdir) if workdir is not None else tempfile.mkdtemp(prefix="yunshao-spark-load-")
    report = LoadReport(dataset=str(folder))
    quarantined: list[str] = []
    with scratch_dir() as scratch:  # a table's transcoded files are read until its Parquet is written
        for name, files, table_report in tables_to_load(found, report, progress):
            staged = _stage(spark, files, settings, scratch, table_report)
            try:
                if staged.malformed is not None:
                    quarantined.append(_write(staged.malformed, f"{work}/quarantine/{name}.malformed"))
                _validate(spark, TABLES[name], staged, report, table_report, work, quarantined)
            finally:
                staged.release()
    _quarantine_view(spark, quarantined)
    rows = spark.sql(to_spark_sql(REASON_COUNTS_SQL)).collect()
    report.reasons = reason_counts([(r[0], r[1], int(r[2])) for r in rows])
    return report


def _require_zone(spark: SparkSession) -> None:
    """Timestamps without an offset are the contract's local time on both engines, or on neither."""
    zone = EngineSettings().timezone
    session = spark.conf.get("spark.sql.session.timeZone")
    if session != zone:
        raise ValueError(
            f"the Spark session's time zone is {session}, the contract's local time is {zone}: "
            "set spark.sql.session.timeZone (engine.spark.spark_session does)"
        )


# --- reading the files ------------------------------------------------------------------------------------


@dataclass
class Staged:
    """A table's rows as read, numbered as DuckDB numbers them, and its malformed CSV lines."""

    raw: DataFrame
    types: dict[str, str]  # column → the DuckDB type DuckDB reads it as, in DuckDB's column order
    malformed: DataFrame | None = None
    rejects: int = 0
    cached: list[DataFrame] = field(default_factory=list)

    def release(self) -> None:
        for frame in self.cached:
            frame.unpersist()


def _stage(
    spark: SparkSession, files: TableFiles, settings: LoadSettings, scratch: Path, table_report: TableReport
) -> Staged:
    """Read a table's Parquet and CSV files, in DuckDB's order: Parquet parts first, then each CSV file."""
    order: list[str] = []
    parts: list[DataFrame] = []
    cached: list[DataFrame] = []
    malformed, rejects = None, 0
    if files.parquet:
        for path in files.parquet:
            table_report.encodings[path.name] = "parquet"
            columns = _parquet_columns(path)
            require_columns(path, files.table, columns)
            order += [c for c in columns if c not in order]
        parts.append(_read_parquet(spark, files.parquet, order))
    if files.csv:
        frames, widths = [], {}
        for path in files.csv:
            readable, encoding = utf8_csv(path, settings.csv_encodings, scratch)
            table_report.encodings[path.name] = encoding
            header = _csv_header(path, readable)
            require_columns(path, files.table, header)
            order += [c for c in header if c not in order]
            widths[path.name] = len(header)
            frames.append(_read_csv(spark, readable, path.name, header))
        lines = reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), frames).persist()
        cached.append(lines)
        if lines.rdd.getNumPartitions() != len(frames):
            raise RuntimeError("each CSV file must be read as one partition for its row numbers")
        good, malformed, rejects = _split_lines(files.table, lines, widths)
        parts.append(good)
    raw = _union_as_duckdb(parts, order).persist()
    cached.append(raw)
    types = {f.name: duckdb_type(f.dataType) for f in raw.schema.fields}
    return Staged(raw, types, malformed, rejects, cached)


def _parquet_columns(path: Path) -> list[str]:
    """Column names of one Parquet file, from its footer (no rows are read)."""
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(path).names)
    except Exception as exc:  # pyarrow raises several kinds for a file that is not Parquet
        raise ContractError(f"{path}: cannot be read: {str(exc).splitlines()[0]}") from exc


def _read_parquet(spark: SparkSession, paths: tuple[Path, ...], order: list[str]) -> DataFrame:
    """The Parquet parts united by name, with the file's name and the 1-based row number within the file."""
    from pyspark.sql import functions as F

    merge = "true" if len(paths) > 1 else "false"  # merging schemas costs a job; one file has one schema
    try:
        frame = spark.read.option("mergeSchema", merge).parquet(*(str(p) for p in paths))
    except Exception as exc:  # Spark's analysis and Java errors alike
        names = ", ".join(str(p) for p in paths)
        raise ContractError(f"{names}: cannot be read: {str(exc).strip().splitlines()[0]}") from exc
    # Spark gives the name URL-encoded ('a b' as 'a%20b'); '+' it leaves as it is, which decoding would not
    name = F.expr("url_decode(replace(_metadata.file_name, '+', '%2B'))")
    return frame.select(
        *(_col(c) for c in order),
        name.alias("_file"),
        (F.col("_metadata.row_index") + 1).alias("_row"),
    )


def _csv_header(original: Path, readable: Path) -> list[str]:
    """The header's column names (a UTF-8 byte order mark is not part of the first name, as in DuckDB)."""
    with readable.open("r", encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh), None)
    if not header:
        raise ContractError(f"{original}: cannot be read as CSV: the file has no header line")
    return header


def _read_csv(spark: SparkSession, readable: Path, name: str, header: list[str]) -> DataFrame:
    """One CSV file as text, each record numbered from 1, malformed lines kept whole in ``CORRUPT``.

    ``multiLine`` lets a quoted value span lines, as DuckDB reads it; it also makes the file one partition
    read in order, which the numbering relies on. Quotes are escaped by doubling (RFC 4180, DuckDB's
    default), not Spark's backslash.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    schema = StructType([StructField(c, StringType()) for c in [*header, CORRUPT]])
    frame = spark.read.csv(
        str(readable),
        schema=schema,
        header=True,
        multiLine=True,
        escape='"',
        mode="PERMISSIVE",
        columnNameOfCorruptRecord=CORRUPT,
        encoding="UTF-8",
    )
    return frame.select("*", F.lit(name).alias("_file"), _ordinal().alias("_rec"))


def _ordinal() -> Column:
    """1, 2, … within the partition: a CSV file read with ``multiLine`` is one partition, in file order."""
    from pyspark.sql import functions as F

    partition = F.spark_partition_id().cast("bigint")
    return F.monotonically_increasing_id() - F.shiftleft(partition, 33) + 1


def _split_lines(table: str, lines: DataFrame, widths: dict[str, int]) -> tuple[DataFrame, DataFrame | None, int]:
    """The CSV records that fit the header, numbered as DuckDB numbers them, and the malformed lines as
    quarantine rows with their count.

    DuckDB numbers a file's good records among themselves (a record after a malformed line takes the
    malformed line's number) and a malformed line by its record number; the same here: numbering the
    records that pass the filter, in the partition that is the file, counts the good records only.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType

    good = lines.filter(F.col(CORRUPT).isNull()).drop(CORRUPT, "_rec").withColumn("_row", _ordinal())
    bad = lines.filter(F.col(CORRUPT).isNotNull())
    rejects = bad.count()
    if not rejects:
        return good, None, 0
    expected = F.create_map(*(x for n, w in widths.items() for x in (F.lit(n), F.lit(w))))[F.col("_file")]
    found = F.size(F.split(F.regexp_replace(F.col(CORRUPT), '"([^"]|"")*"', ""), ",", -1))
    too_many = found > expected
    kind = F.when(too_many, F.lit("TOO MANY COLUMNS")).otherwise(F.lit("MISSING COLUMNS"))
    # DuckDB reports a line short of columns once per missing column; the loader keeps the last report,
    # whose "Found" is one short of the expected count
    shown = F.when(too_many, found).otherwise(expected - 1)
    malformed = bad.select(
        F.lit(table).alias("table"),
        F.concat(F.lit('{"csv_line":'), F.expr(_json_value(_quoted(CORRUPT), StringType())), F.lit("}")).alias("row"),
        F.concat(
            F.lit("line malformed: "),
            kind,
            F.lit(": Expected Number of Columns: "),
            expected.cast("string"),
            F.lit(" Found: "),
            shown.cast("string"),
        ).alias("reason"),
        F.col("_file").alias("file"),
        F.col("_rec").alias("file_row"),
    )
    return good, malformed, rejects


def _union_as_duckdb(parts: list[DataFrame], order: list[str]) -> DataFrame:
    """The parts united by name as DuckDB's ``UNION ALL BY NAME`` unites them: a column that is text in
    one part is text in all, each value written as DuckDB writes it; the columns in first-seen order."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType

    text = {f.name for part in parts for f in part.schema.fields if isinstance(f.dataType, StringType)}
    converted = []
    for part in parts:
        columns = []
        for f in part.schema.fields:
            column = _col(f.name)
            if f.name in text and not isinstance(f.dataType, StringType) and f.name not in _ROW_COLUMNS:
                column = F.expr(duckdb_text(_quoted(f.name), f.dataType))
            columns.append(column.alias(f.name))
        converted.append(part.select(*columns))
    united = reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), converted)
    return united.select(*(_col(c) for c in [*order, *_ROW_COLUMNS]))


def duckdb_type(data_type: DataType) -> str:
    """The DuckDB name of the type DuckDB reads the same Parquet or CSV column as; the generated checks
    choose their reading by it (typed Parquet skips the pass through text)."""
    from pyspark.sql import types as T

    names: list[tuple[type, str]] = [
        (T.StringType, "VARCHAR"),
        (T.DoubleType, "DOUBLE"),
        (T.FloatType, "FLOAT"),
        (T.LongType, "BIGINT"),
        (T.IntegerType, "INTEGER"),
        (T.ShortType, "SMALLINT"),
        (T.ByteType, "TINYINT"),
        (T.BooleanType, "BOOLEAN"),
        (T.DateType, "DATE"),
        (T.TimestampNTZType, "TIMESTAMP"),
        (T.TimestampType, "TIMESTAMP WITH TIME ZONE"),
        (T.BinaryType, "BLOB"),
    ]
    for spark_type, name in names:
        if isinstance(data_type, spark_type):
            return name
    if isinstance(data_type, T.DecimalType):
        return f"DECIMAL({data_type.precision},{data_type.scale})"
    return data_type.simpleString().upper()


def duckdb_text(sql: str, data_type: DataType) -> str:
    """Spark SQL for DuckDB's ``CAST(x AS VARCHAR)`` of the column ``sql`` of ``data_type``."""
    from pyspark.sql import types as T

    if isinstance(data_type, T.DoubleType):
        return duckdb_double_text(sql)
    if isinstance(data_type, T.FloatType):
        return duckdb_double_text(sql, float_bits=True)
    if isinstance(data_type, T.TimestampType):
        # an instant: DuckDB writes it in the session's zone with the offset, '+08' or '+05:30'
        offset = f"date_format({sql}, 'XXX')"
        short = f"CASE WHEN {offset} = 'Z' THEN '+00' ELSE regexp_replace({offset}, ':00$', '') END"
        return f"concat(CAST({sql} AS STRING), {short})"
    return f"CAST({sql} AS STRING)"


def _json_value(sql: str, data_type: DataType) -> str:
    """Spark SQL for the JSON DuckDB's ``to_json`` writes for one value: numbers as doubles in yyjson's
    layout, decimals at their scale, dates and times as DuckDB's text, null as null; Spark's own JSON for
    text (its escapes are DuckDB's), whole numbers and booleans."""
    from pyspark.sql import types as T

    if isinstance(data_type, T.DecimalType):
        # DuckDB writes a decimal's digits at its scale ('5831360.30'), not as a double
        return f"coalesce(CAST({sql} AS STRING), 'null')"
    if isinstance(data_type, T.DoubleType | T.FloatType):
        return f"coalesce({duckdb_double_text(f'CAST({sql} AS DOUBLE)', json=True)}, 'null')"
    if isinstance(data_type, T.DateType | T.TimestampType | T.TimestampNTZType):
        return f"coalesce(concat('\"', {duckdb_text(sql, data_type)}, '\"'), 'null')"
    wrapped = f"to_json(named_struct('v', {sql}), map('ignoreNullFields', 'false'))"
    return f"substr({wrapped}, 6, length({wrapped}) - 6)"


def _row_json(raw: DataFrame) -> Column:
    """The raw row as DuckDB's ``to_json({...})`` writes it: its columns in order, nulls kept."""
    from pyspark.sql import functions as F

    fields = [f for f in raw.schema.fields if f.name not in _ROW_COLUMNS]
    members = [
        F.concat(F.lit(json.dumps(f.name, ensure_ascii=False) + ":"), F.expr(_json_value(_quoted(f.name), f.dataType)))
        for f in fields
    ]
    return F.concat(F.lit("{"), F.concat_ws(",", *members), F.lit("}")) if members else F.lit("{}")


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _col(name: str) -> Column:
    from pyspark.sql import functions as F

    return F.col(_quoted(name))


# --- checking --------------------------------------------------------------------------------------------


def _validate(
    spark: SparkSession,
    table: Table,
    staged: Staged,
    report: LoadReport,
    table_report: TableReport,
    work: str,
    quarantined: list[str],
) -> None:
    """Run the DuckDB loader's statements for ``table`` on Spark; write the kept rows and the quarantine."""
    from pyspark.sql import functions as F

    name = table.name
    require_table_columns(table, staged.types, table_report)
    staged.raw.createOrReplaceTempView(f"_raw_{name}")
    sql = check_sql(table, staged.types, report.present_tables | {name})
    views = [f"_raw_{name}", f"_typed_{name}", f"_checked_{name}"]
    typed = spark.sql(to_spark_sql(sql.typed)).persist()
    staged.cached.append(typed)
    typed.createOrReplaceTempView(f"_typed_{name}")
    if sql.duplicates:
        spark.sql(to_spark_sql(sql.duplicates)).createOrReplaceTempView(f"_dup_{name}")
        views.append(f"_dup_{name}")
    checked = spark.sql(to_spark_sql(sql.checked)).persist()
    staged.cached.append(checked)
    checked.createOrReplaceTempView(f"_checked_{name}")
    try:
        kept_path = _write(spark.sql(to_spark_sql(sql.kept)), f"{work}/tables/{name}")
        counts = checked.agg(F.count(F.lit(1)), F.count(F.when(F.col("_why").isNull(), 1))).first()
        total, kept = (int(counts[0]), int(counts[1])) if counts else (0, 0)
        if kept < total:
            why = checked.filter(F.col("_why").isNotNull()).select("_why", *_ROW_COLUMNS)
            rows = why.join(staged.raw, list(_ROW_COLUMNS)).select(
                F.lit(name).alias("table"),
                _row_json(staged.raw).alias("row"),
                F.col("_why").alias("reason"),
                F.col("_file").alias("file"),
                F.col("_row").alias("file_row"),
            )
            quarantined.append(_write(rows, f"{work}/quarantine/{name}"))
    finally:
        for view in views:
            spark.catalog.dropTempView(view)
    spark.read.parquet(kept_path).createOrReplaceTempView(name)
    table_report.read = total + staged.rejects
    table_report.kept = kept
    table_report.quarantined = total - kept + staged.rejects
    report.tables[name] = table_report


def _write(frame: DataFrame, path: str) -> str:
    frame.write.mode("overwrite").parquet(path)
    return path


def _quarantine_view(spark: SparkSession, paths: list[str]) -> None:
    frame = (
        spark.read.schema(QUARANTINE_SCHEMA).parquet(*paths) if paths else spark.createDataFrame([], QUARANTINE_SCHEMA)
    )
    frame.createOrReplaceTempView("quarantine")
