"""DuckDB connections configured the one way every stage expects."""

from __future__ import annotations

from pathlib import Path

import duckdb

from yunshao.settings import EngineSettings


def connect(path: Path | str | None = None, settings: EngineSettings | None = None) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB database (in memory when ``path`` is None).

    The session time zone is the contract's default zone, so a timestamp string without an offset is
    read as Asia/Shanghai local time and one with an offset is converted to it. Insertion order is kept
    so that row numbers reported in quarantine match the source files.
    """
    settings = settings or EngineSettings()
    con = duckdb.connect(str(path) if path else ":memory:")
    con.execute(f"SET TimeZone = '{settings.timezone}'")
    con.execute("SET preserve_insertion_order = true")
    con.execute(f"SET memory_limit = '{settings.duckdb_memory_limit()}'")
    if settings.threads:
        con.execute(f"SET threads = {int(settings.threads)}")
    return con


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Tables and views visible in the main schema and temp schema."""
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {r[0] for r in rows}


def column_types(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    """Column name → DuckDB type of a table or view, in order."""
    rows = con.execute(f'DESCRIBE "{relation}"').fetchall()
    return {r[0]: r[1] for r in rows}


def release_temp_tables(con: duckdb.DuckDBPyConnection, memory_limit: str) -> int:
    """Drop the connection's temporary tables and hand the memory they held back to the system.

    A run's graph keeps its steps and feature files as temporary tables (3 GiB at 10M events); once the
    store holds the features and warnings, the models stage reads none of them, and its own frames would
    otherwise come on top. Dropping them frees DuckDB's buffers but not the process's memory: briefly
    lowering the memory limit makes DuckDB flush its allocator (measured: resident memory falls by what
    the tables held), then restoring ``memory_limit`` (the settings' own). Returns the tables dropped.
    """
    names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()]
    for name in names:
        con.execute(f'DROP TABLE temp."{name}"')
    con.execute("SET memory_limit = '256MB'")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    return len(names)
