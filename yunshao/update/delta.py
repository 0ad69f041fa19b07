"""Validate a delta folder against the store, then merge it into the store's contract tables.

The checks are the loader's own (``contract.loader.check_sql``: types, enums, signs, duplicate keys,
references, node domains), run in a separate in-memory DuckDB connection. Only the resolution differs, and
that is why ``load_dataset`` is not called as it is: it resolves references and keys inside one folder and
requires ``projects`` and ``approvals``, while a delta of new bids must resolve its tenders in the store.
So every contract table of that connection is a view of the store's rows with the delta's kept rows over
them (``merged_view.sql``), references into a table the delta lacks are checked against the store, and a
self-reference (a project's parent, a unit's parent) sees the store's rows beside the delta's.

A bad delta row goes to the store's quarantine with its reason, file and row; a bad row whose key is in
the store leaves the stored row as it was (the last good version stays; the source system re-sends the
fix). Stored rows are not validated again.

Merging: a row whose primary key is stored replaces it in place, new rows are appended in the delta's
order (``merge_table.sql``), so the store's tables read as a fresh load of base and delta would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from yunshao.contract.checks import q
from yunshao.contract.errors import ContractError
from yunshao.contract.files import TableFiles, find_table_files, scratch_dir
from yunshao.contract.loader import (
    QUARANTINE_DDL,
    REASON_COUNTS_SQL,
    _stage_files,
    check_sql,
    drop_staging,
    reason_counts,
    require_table_columns,
)
from yunshao.contract.report import TableReport
from yunshao.contract.schema import TABLES, Table, load_order
from yunshao.engine import connect, read_sql_file
from yunshao.engine.duck import column_types
from yunshao.settings import Settings

SQL_DIR = Path(__file__).parent / "sql"
STORE = "st"  # the store, attached in the delta connection
DELTA = "delta"  # schema of the delta's kept rows
STORE_ROWS = "\x7fstore"  # the _file of stored rows set beside the delta's for self-references

Progress = Callable[[str], None]


@dataclass
class DeltaReport:
    """What the delta held and what merging it did, per table."""

    folder: str
    tables: dict[str, dict[str, int]] = field(default_factory=dict)  # read, kept, quarantined, replaced, appended
    reasons: dict[str, int] = field(default_factory=dict)  # "table: column check" → count

    @property
    def present(self) -> set[str]:
        return set(self.tables)


@cache
def sql(name: str) -> str:
    """The body of ``sql/<name>.sql``."""
    return read_sql_file(SQL_DIR / f"{name}.sql").body


def find_delta(folder: Path) -> dict[str, TableFiles]:
    """The contract tables the delta holds; any subset of them, but at least one."""
    if not folder.is_dir():
        raise ContractError(f"{folder}: delta folder not found")
    found = {name: files for name in TABLES if (files := find_table_files(folder, name)) is not None}
    if not found:
        raise ContractError(f"{folder}: no contract table (<table>.csv or <table>.parquet) found in the delta")
    return found


def apply_delta(folder: Path, store: Path, settings: Settings, progress: Progress | None = None) -> DeltaReport:
    """Validate ``folder`` against ``store`` and merge its kept rows and quarantine into ``store``."""
    found = find_delta(folder)
    report = DeltaReport(str(folder))
    con = connect(None, settings.engine)
    try:
        con.execute(f"ATTACH {_literal(str(store))} AS {STORE}")
        stored = _stored_tables(con)
        _prepare(con, stored)
        for name in load_order():
            if name in found:
                if progress:
                    progress(name)
                _validate(con, TABLES[name], found[name], settings, stored, report)
        report.reasons = _reasons(con)
        for name in report.tables:
            report.tables[name].update(_merge(con, TABLES[name], name in stored))
        con.execute(f"INSERT INTO {STORE}.quarantine BY NAME SELECT * FROM quarantine")
        con.execute(f"DETACH {STORE}")
    finally:
        con.close()
    return report


def _literal(text: str) -> str:
    quoted = text.replace("'", "''")
    return f"'{quoted}'"


def _reasons(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Quarantined delta rows per table and check, counted as the loader counts them."""
    counts = reason_counts(con.execute(REASON_COUNTS_SQL).fetchall())
    return {f"{table}: {what}": n for (table, what), n in counts.items()}


def _stored_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = ? AND table_schema = 'main'", [STORE]
    ).fetchall()
    return {r[0] for r in rows} & set(TABLES)


def _prepare(con: duckdb.DuckDBPyConnection, stored: set[str]) -> None:
    """The delta's quarantine and schema, and a view per stored table for the reference checks."""
    con.execute(QUARANTINE_DDL)
    con.execute(f"CREATE SCHEMA {DELTA}")
    for name in stored:
        con.execute(f"CREATE VIEW {q(name)} AS SELECT * FROM {STORE}.{q(name)}")


def _validate(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    files: TableFiles,
    settings: Settings,
    stored: set[str],
    report: DeltaReport,
) -> None:
    """The loader's checks over the delta's rows of ``table``, resolved against store and delta."""
    name = table.name
    table_report = TableReport(name, [p.name for p in files.all])
    with scratch_dir() as scratch:  # the CSV files are copied into tables: the transcoded copies can go
        rejects = _stage_files(con, files, settings.load, scratch, table_report)
    raw = f"_raw_{name}"
    src_types = column_types(con, raw)
    require_table_columns(table, src_types, table_report)
    checks = check_sql(table, src_types, stored | report.present | {name})
    con.execute(f"CREATE OR REPLACE TEMP TABLE _typed_{name} AS {checks.typed}")
    if name in stored and _self_referencing(table):
        _add_stored_rows(con, table)
    if checks.duplicates:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _dup_{name} AS {checks.duplicates}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _checked_{name} AS {checks.checked}")
    con.execute(f"DELETE FROM _checked_{name} WHERE _file = '{STORE_ROWS}'")
    con.execute(f"CREATE TABLE {DELTA}.{q(name)} AS {checks.kept}")
    _quarantine(con, name, [c for c in src_types if c not in ("_file", "_row")])
    report.tables[name] = _counts(con, name, rejects)
    if name in stored:
        view = sql("merged_view").format(table=q(name), store=STORE, delta=DELTA, match=_match(table, "s", "d"))
        con.execute(view)
    else:
        con.execute(f"CREATE VIEW {q(name)} AS SELECT * FROM {DELTA}.{q(name)}")
    drop_staging(con, name)


def _self_referencing(table: Table) -> bool:
    return any(c.references and c.references.split(".")[0] == table.name for c in table.columns)


def _add_stored_rows(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """Stored rows beside the delta's typed rows, so that a self-reference finds them (removed after the checks).

    Rows whose key a good delta row carries are left out: they are being replaced, and would count as
    duplicates of it.
    """
    cols = ", ".join(f"s.{q(c)}" for c in table.column_names)
    good = f"(SELECT * FROM _typed_{table.name} WHERE _reason IS NULL) d"
    con.execute(
        f"INSERT INTO _typed_{table.name} BY NAME SELECT {cols}, '{STORE_ROWS}' AS _file, "
        f"CAST(s.rowid AS BIGINT) AS _row, CAST(NULL AS VARCHAR) AS _reason FROM {STORE}.{q(table.name)} s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {good} WHERE {_match(table, 's', 'd')})"
    )


def _quarantine(con: duckdb.DuckDBPyConnection, name: str, raw_cols: list[str]) -> None:
    """The rows with a reason, as the loader writes them: the row as JSON, the reason, file and row."""
    row_json = "to_json({" + ", ".join(f"'{c}': r.{q(c)}" for c in raw_cols) + "})"
    con.execute(
        f"INSERT INTO quarantine SELECT '{name}', {row_json}, c._why, c._file, c._row "
        f"FROM _checked_{name} c JOIN _raw_{name} r ON c._file = r._file AND c._row = r._row "
        "WHERE c._why IS NOT NULL ORDER BY c._file, c._row"
    )


def _counts(con: duckdb.DuckDBPyConnection, name: str, rejects: int) -> dict[str, int]:
    kept = _scalar(con, f"SELECT count(*) FROM {DELTA}.{q(name)}")
    quarantined = _scalar(con, 'SELECT count(*) FROM quarantine WHERE "table" = ?', [name])
    return {"read": kept + quarantined, "kept": kept, "quarantined": quarantined, "malformed_lines": rejects}


def _merge(con: duckdb.DuckDBPyConnection, table: Table, stored: bool) -> dict[str, int]:
    """Replace stored rows by key in place and append the new ones; a table new to the store is created."""
    name = q(table.name)
    if not stored:
        con.execute(f"CREATE TABLE {STORE}.{name} AS SELECT * FROM {DELTA}.{name}")
        return {"replaced": 0, "appended": _scalar(con, f"SELECT count(*) FROM {DELTA}.{name}")}
    match = _match(table, "s", "d")
    replaced = _scalar(
        con, f"SELECT count(*) FROM {DELTA}.{name} d WHERE EXISTS (SELECT 1 FROM {STORE}.{name} s WHERE {match})"
    )
    appended = _scalar(con, f"SELECT count(*) FROM {DELTA}.{name}") - replaced
    new_columns = set(_columns(con, f"{DELTA}.{name}")) - set(_columns(con, f"{STORE}.{name}"))
    if replaced or (appended and new_columns):
        con.execute(sql("merge_table").format(table=name, store=STORE, delta=DELTA, match=match))
    elif appended:
        con.execute(f"INSERT INTO {STORE}.{name} BY NAME SELECT * FROM {DELTA}.{name}")
    return {"replaced": replaced, "appended": appended}


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [d[0] for d in con.execute(f"SELECT * FROM {relation} LIMIT 0").description]


def _match(table: Table, left: str, right: str) -> str:
    """Rows of ``left`` and ``right`` with the same primary key (NULL-safe, as the loader's key check)."""
    return " AND ".join(f"{left}.{q(k)} IS NOT DISTINCT FROM {right}.{q(k)}" for k in table.key)


def _scalar(con: duckdb.DuckDBPyConnection, query: str, params: list[Any] | None = None) -> int:
    row = con.execute(query, params or []).fetchone()
    return int(row[0]) if row else 0
