"""Load a contract dataset into DuckDB: typed tables named as in the contract, bad rows to quarantine.

The data takes three passes per table, all inside DuckDB so that 10M rows load in seconds: read the
files as they are, type and check every value (reasons per row), then check keys and references against
the tables already validated. A row with any reason goes to ``quarantine`` with the row as JSON, the
reason naming the column, the file and the row number; every other row is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from yunshao.contract.checks import column_checks, q
from yunshao.contract.document_paths import PATH_COLUMN, register_path_verdicts, verdict_table
from yunshao.contract.errors import ContractError
from yunshao.contract.files import (
    TableFiles,
    find_table_files,
    parquet_columns,
    require_columns,
    scratch_dir,
    utf8_csv,
)
from yunshao.contract.outputs import QUARANTINE
from yunshao.contract.references import reference_checks
from yunshao.contract.report import LoadReport, TableReport
from yunshao.contract.schema import TABLES, Table, load_order
from yunshao.contract.signs import sign_reasons
from yunshao.engine.duck import column_types
from yunshao.settings import LoadSettings

Progress = Callable[[str], None]

QUARANTINE_DDL = f"CREATE OR REPLACE TABLE {QUARANTINE.name} ({QUARANTINE.ddl()})"


def load_dataset(
    folder: Path,
    con: duckdb.DuckDBPyConnection,
    settings: LoadSettings | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Validate every contract table found in ``folder`` into ``con``.

    Raises ContractError (one line, naming the file) when the folder or a required table is missing or
    a file cannot be read; everything row-level goes to quarantine instead.
    """
    settings = settings or LoadSettings()
    folder = Path(folder)
    found = find_dataset(folder)
    report = LoadReport(dataset=str(folder))
    con.execute(QUARANTINE_DDL)
    with scratch_dir() as scratch:
        for name, files, table_report in tables_to_load(found, report, progress):
            rejects = _stage_files(con, files, settings, scratch, table_report)
            _validate(con, TABLES[name], report, table_report, rejects, root=folder)
    _count_reasons(con, report)
    return report


def tables_to_load(
    found: Mapping[str, TableFiles | None], report: LoadReport, progress: Progress | None = None
) -> Iterator[tuple[str, TableFiles, TableReport]]:
    """The dataset's tables in load order (referenced tables first), with a fresh report for each; an absent
    table is recorded in ``report.absent``. Both engines' loaders walk the dataset through this."""
    for name in load_order():
        files = found[name]
        if files is None:
            report.absent.append(name)
            continue
        if progress:
            progress(name)
        yield name, files, TableReport(name, [p.name for p in files.all])


def load_frames(con: duckdb.DuckDBPyConnection, frames: Mapping[str, pd.DataFrame]) -> LoadReport:
    """Validate in-memory tables exactly as files would be: for tests, the API and the OCDS import."""
    unknown = set(frames) - set(TABLES)
    if unknown:
        raise ContractError(f"unknown contract tables: {', '.join(sorted(unknown))}")
    report = LoadReport(dataset="<frames>")
    con.execute(QUARANTINE_DDL)
    for name in load_order():
        if name not in frames:
            report.absent.append(name)
            continue
        frame = frames[name]
        con.register("_frame", frame)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {_raw(name)} AS "
            f"SELECT *, '{name}' AS _file, CAST(row_number() OVER () AS BIGINT) AS _row FROM _frame"
        )
        con.unregister("_frame")
        table_report = TableReport(name, [f"<{name}>"])
        _validate(con, TABLES[name], report, table_report, rejects=0)
    _count_reasons(con, report)
    return report


def find_dataset(folder: Path) -> dict[str, TableFiles | None]:
    """Each contract table's files in ``folder`` (None when absent); ContractError when the folder or a
    required table is missing. Every engine's loader starts here, so the errors read the same."""
    if not folder.is_dir():
        raise ContractError(f"{folder}: dataset folder not found")
    found = {name: find_table_files(folder, name) for name in TABLES}
    for name, table in TABLES.items():
        if table.required and found[name] is None:
            raise ContractError(f"{folder / (name + '.csv|parquet')}: required table '{name}' not found")
    return found


def _raw(name: str) -> str:
    return f"_raw_{name}"


def _stage_files(
    con: duckdb.DuckDBPyConnection,
    files: TableFiles,
    settings: LoadSettings,
    scratch: Path,
    table_report: TableReport,
) -> int:
    """A view ``_raw_<table>`` over a table's files with file and row number; returns rejected CSV lines.

    A view, not a table: the checks read the Parquet files where they lie instead of a copy of them
    (a 10M-event load spent ~2 s writing that copy of the approvals). CSV files are staged as tables,
    which the view reads until ``drop_staging``."""
    parts: list[str] = []
    if files.parquet:
        paths = ", ".join(f"'{p}'" for p in files.parquet)
        parts.append(
            "SELECT * EXCLUDE (filename, file_row_number), parse_filename(filename) AS _file, "
            f"CAST(file_row_number + 1 AS BIGINT) AS _row FROM read_parquet([{paths}], "
            "union_by_name = true, filename = true, file_row_number = true)"
        )
        for p in files.parquet:
            table_report.encodings[p.name] = "parquet"
            require_columns(p, files.table, parquet_columns(con, p))
    rejects = 0
    for i, path in enumerate(files.csv):
        readable, encoding = utf8_csv(path, settings.csv_encodings, scratch)
        table_report.encodings[path.name] = encoding
        staged = f"_csv_{files.table}_{i}"
        rejects += _stage_csv(con, staged, path, readable)
        require_columns(path, files.table, column_types(con, staged))
        parts.append(f"SELECT * FROM {staged}")
    sql = " UNION ALL BY NAME ".join(parts)
    try:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {_raw(files.table)} AS {sql}")
    except duckdb.Error as exc:
        names = ", ".join(str(p) for p in files.all)
        raise ContractError(f"{names}: cannot be read: {str(exc).splitlines()[0]}") from exc
    return rejects


def _stage_csv(con: duckdb.DuckDBPyConnection, staged: str, original: Path, readable: Path) -> int:
    """One CSV file as VARCHAR (the checks type it); malformed lines go straight to quarantine.

    Returns the number of malformed lines, which count as read and quarantined.
    """
    table = staged.split("_csv_", 1)[1].rsplit("_", 1)[0]
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {staged} AS "
            f"SELECT * EXCLUDE (_rid), '{original.name}' AS _file, CAST(_rid + 1 AS BIGINT) AS _row FROM ("
            f"SELECT *, row_number() OVER () - 1 AS _rid FROM read_csv('{readable}', all_varchar = true, "
            f"header = true, store_rejects = true, rejects_table = '_rej_{staged}', "
            f"rejects_scan = '_rejscan_{staged}'))"
        )
    except duckdb.Error as exc:
        raise ContractError(f"{original}: cannot be read as CSV: {str(exc).splitlines()[0]}") from exc
    inserted = con.execute(
        f"INSERT INTO quarantine SELECT '{table}', to_json({{'csv_line': any_value(csv_line)}}), "
        "'line malformed: ' || arg_max(error_type || ': ' || error_message, column_idx), "
        f"'{original.name}', CAST(line - 1 AS BIGINT) FROM _rej_{staged} GROUP BY line ORDER BY line"
    ).fetchone()
    con.execute(f"DROP TABLE IF EXISTS _rej_{staged}")
    con.execute(f"DROP TABLE IF EXISTS _rejscan_{staged}")
    return int(inserted[0]) if inserted else 0


def _validate(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    report: LoadReport,
    table_report: TableReport,
    rejects: int,
    root: Path | None = None,
) -> None:
    """Type and check ``_raw_<table>`` into the validated table ``<table>`` and quarantine.

    ``root`` is the dataset folder that document paths are checked against (none for in-memory frames).
    """
    raw = _raw(table.name)
    raw_count = con.execute(f"SELECT count(*) FROM {raw}").fetchone()
    table_report.read = (int(raw_count[0]) if raw_count else 0) + rejects
    src_types = column_types(con, raw)
    require_table_columns(table, src_types, table_report)
    present = report.present_tables | {table.name}
    if root is not None and PATH_COLUMN in src_types:
        verdicts = register_path_verdicts(con, table, src_types[PATH_COLUMN], raw, root)
        present |= {verdicts} if verdicts else set()
    sql = check_sql(table, src_types, present)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _typed_{table.name} AS {sql.typed}")
    if sql.duplicates:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _dup_{table.name} AS {sql.duplicates}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _checked_{table.name} AS {sql.checked}")
    con.execute(f"CREATE OR REPLACE TABLE {q(table.name)} AS {sql.kept}")
    raw_cols = [c for c in src_types if c not in ("_file", "_row")]
    row_json = "to_json({" + ", ".join(f"'{c}': r.{q(c)}" for c in raw_cols) + "})"
    con.execute(
        f"INSERT INTO quarantine SELECT '{table.name}', {row_json}, c._why, c._file, c._row "
        f"FROM _checked_{table.name} c JOIN {raw} r ON c._file = r._file AND c._row = r._row "
        "WHERE c._why IS NOT NULL ORDER BY c._file, c._row"
    )
    _fill_counts(con, table.name, table_report)
    report.tables[table.name] = table_report
    drop_staging(con, table.name)


def drop_staging(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop what validating ``name`` made: the check tables, the raw view (a table for in-memory frames)
    and the CSV files' staged tables, which the raw view reads until here."""
    for tmp in (f"_checked_{name}", f"_typed_{name}", f"_dup_{name}", verdict_table(name)):
        con.execute(f"DROP TABLE IF EXISTS {tmp}")
    raw = _raw(name)
    is_view = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [raw]).fetchone()
    con.execute(f"DROP {'VIEW' if is_view and is_view[0] else 'TABLE'} IF EXISTS {raw}")
    staged = con.execute("SELECT table_name FROM duckdb_tables() WHERE starts_with(table_name, ?)", [f"_csv_{name}_"])
    for (table,) in staged.fetchall():
        con.execute(f"DROP TABLE IF EXISTS {table}")


@dataclass(frozen=True)
class CheckSql:
    """The statements that validate one table, as DuckDB SQL over ``_raw_<table>``.

    DuckDB runs them as they are and Spark runs them transpiled, so the checks are written once: the
    typed values and per-row reasons (``_typed_<table>``), the keys seen twice (``_dup_<table>``, None for a
    table without a key), every reason including keys and references (``_checked_<table>``, with ``_why``),
    and the rows kept.
    """

    typed: str
    duplicates: str | None
    checked: str
    kept: str


def check_sql(table: Table, src_types: Mapping[str, str], present: set[str]) -> CheckSql:
    """The validating statements for ``table`` read with ``src_types`` (column → DuckDB type, in order),
    with references checked into the ``present`` tables already validated."""
    checks = [column_checks(col, src_types.get(col.name)) for col in table.columns]
    extras = [c for c in src_types if c not in table.column_names and c not in ("_file", "_row")]
    typed_cols = [f"{c.typed} AS {q(c.column.name)}" for c in checks]
    reasons = [r for c in checks for r in c.reasons] + sign_reasons(checks)
    reason_sql = f"NULLIF(concat_ws('; ', {', '.join(reasons)}), '')" if reasons else "CAST(NULL AS VARCHAR)"
    select = ", ".join([*typed_cols, *(q(e) for e in extras), "_file", "_row", f"{reason_sql} AS _reason"])
    joins, ref_reasons = reference_checks(table, present)
    duplicates, key_join, key_reason = _key_check(table)
    all_reasons = ", ".join(["t._reason", key_reason, *ref_reasons])
    keep = ", ".join(q(c) for c in [*table.column_names, *extras])
    return CheckSql(
        typed=f"SELECT {select} FROM {_raw(table.name)}",
        duplicates=duplicates,
        checked=(
            f"SELECT t.*, NULLIF(concat_ws('; ', {all_reasons}), '') AS _why "
            f"FROM _typed_{table.name} t {key_join} {joins}"
        ),
        kept=f"SELECT {keep} FROM _checked_{table.name} WHERE _why IS NULL",
    )


def require_table_columns(table: Table, src_types: Mapping[str, str], table_report: TableReport) -> None:
    """ContractError naming the table's files when a required column is in none of them."""
    missing = [c.name for c in table.columns if c.required and c.name not in src_types]
    if missing:
        files = ", ".join(table_report.files)
        raise ContractError(f"{files}: required column {', '.join(missing)} of table '{table.name}' is missing")


def _key_check(table: Table) -> tuple[str | None, str, str]:
    """Duplicate primary keys: the first good row is kept, later good rows are quarantined.

    Only keys that occur twice are collected (a hash aggregate), so the 10M-row tables need no sort. The
    first row of each is found among those keys' rows only: a count per key is 2.5-4x cheaper than the
    minimum of a (file, row) struct per key over every row (benchmarks/load_stages.py).
    Returns the query of ``_dup_<table>``, the join to it and the reason.
    """
    if not table.key:
        return None, "", "NULL"
    keys = ", ".join(q(k) for k in table.key)
    typed = f"_typed_{table.name}"
    t_keys = ", ".join(f"t.{q(k)}" for k in table.key)
    twice = " AND ".join(f"t.{q(k)} IS NOT DISTINCT FROM w.{q(k)}" for k in table.key)
    duplicates = (
        f"WITH _twice AS (SELECT {keys} FROM {typed} WHERE _reason IS NULL GROUP BY {keys} HAVING count(*) > 1) "
        f"SELECT {t_keys}, min(struct_pack(f := t._file, r := t._row)) AS _first "
        f"FROM {typed} t JOIN _twice w ON {twice} WHERE t._reason IS NULL GROUP BY {t_keys}"
    )
    on = " AND ".join(f"t.{q(k)} IS NOT DISTINCT FROM d.{q(k)}" for k in table.key)
    shown = " || ', ' || ".join(f"'{k}=' || coalesce(CAST(t.{q(k)} AS VARCHAR), 'null')" for k in table.key)
    reason = (
        "CASE WHEN t._reason IS NULL AND d._first IS NOT NULL AND struct_pack(f := t._file, r := t._row) <> "
        f"d._first THEN '{table.key[0]} duplicate: ' || {shown} || ' already loaded from an earlier row' END"
    )
    return duplicates, f"LEFT JOIN _dup_{table.name} d ON {on}", reason


def _fill_counts(con: duckdb.DuckDBPyConnection, name: str, table_report: TableReport) -> None:
    """Kept and quarantined are counted from their own tables, so read = kept + quarantined is a check."""
    kept = con.execute(f"SELECT count(*) FROM {q(name)}").fetchone()
    quarantined = con.execute('SELECT count(*) FROM quarantine WHERE "table" = ?', [name]).fetchone()
    table_report.kept = int(kept[0]) if kept else 0
    table_report.quarantined = int(quarantined[0]) if quarantined else 0


#: Quarantined rows per table and check ("column check", e.g. "amount range"), one row per reason part.
REASON_COUNTS_SQL = """
SELECT "table", regexp_extract(part, '^(\\S+ \\S+):', 1) AS what, count(*)
FROM (SELECT "table", unnest(string_split(reason, '; ')) AS part FROM quarantine)
GROUP BY ALL ORDER BY 1, 2
"""


def reason_counts(rows: list[tuple[str, str | None, int]]) -> dict[tuple[str, str], int]:
    """``LoadReport.reasons`` from the rows of ``REASON_COUNTS_SQL``."""
    return {(t, w or "other"): int(n) for t, w, n in rows}


def _count_reasons(con: duckdb.DuckDBPyConnection, report: LoadReport) -> None:
    report.reasons = reason_counts(con.execute(REASON_COUNTS_SQL).fetchall())
