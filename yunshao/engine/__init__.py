"""Where SQL runs: DuckDB by default (embedded, zero set-up)."""

from yunshao.engine.duck import connect
from yunshao.engine.sqlfile import SqlFile, read_sql_file, render_sql

__all__ = ["SqlFile", "connect", "read_sql_file", "render_sql"]
