"""Run the analytics SQL (``sql/NN_*.sql``, in file order) over the exposed inputs.

Each file is one SELECT whose header names the table it creates; the runner only renders the settings
it declares as parameters and materialises the result, so every measure is defined in SQL in one place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from yunshao.engine import read_sql_file, render_sql
from yunshao.settings import ReportSettings

SQL_DIR = Path(__file__).parent / "sql"


def sql_params(settings: ReportSettings) -> dict[str, Any]:
    """The settings the SQL files may read, by the name they use."""
    return {
        "partial_confirmed_weight": float(settings.partial_confirmed_weight),
        "red_weight": float(settings.red_weight),
        "recurring_min_months": int(settings.recurring_min_months),
    }


def compute_measures(con: duckdb.DuckDBPyConnection, settings: ReportSettings) -> list[str]:
    """Create every ``an_*`` table in order; returns their names. Expects the ``in_*`` views."""
    params = sql_params(settings)
    created: list[str] = []
    for path in sorted(SQL_DIR.glob("*.sql")):
        sql_file = read_sql_file(path)
        table = sql_file.header.get("creates")
        if not table:
            raise ValueError(f"{path}: header has no 'creates'")
        body = render_sql(sql_file.body, params, source=str(path))
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {body}")
        except duckdb.Error as exc:
            raise RuntimeError(f"{path.name}: {str(exc).splitlines()[0]}") from exc
        created.append(str(table))
    return created
