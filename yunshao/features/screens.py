"""Price screens per tender, computed by the OCDS screens query rather than a second copy of the formulas.

The bidding features read a table ``tender_screens`` (tender_id, n_bids, cv, spread, diffp, rd, kurtosis,
skewness, ks). It is produced from ``yunshao/ocds/sql/screens.sql``, which reads the view
``screen_bids(tender_id, company_id, price, is_winner)`` that the step file ``step_screen_bids.sql``
creates from the valid bids.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from yunshao.engine import read_sql_file, render_sql

SCREENS_SQL = Path(__file__).resolve().parent.parent / "ocds" / "sql" / "screens.sql"
SCREENS_TABLE = "tender_screens"
SCREENS_COLUMNS = ("tender_id", "n_bids", "cv", "spread", "diffp", "rd", "kurtosis", "skewness", "ks")


class ScreensUnavailable(RuntimeError):
    """The screens query is missing or does not return the expected columns."""


def create_tender_screens(con: duckdb.DuckDBPyConnection, params: dict[str, Any] | None = None) -> int:
    """(Re)create ``tender_screens`` from the view ``screen_bids``; returns its row count."""
    if not SCREENS_SQL.exists():
        raise ScreensUnavailable(f"{SCREENS_SQL} not found")
    sql = read_sql_file(SCREENS_SQL)
    defaults = (
        {k: v for k, v in (sql.header.get("params") or {}).items()}
        if isinstance(sql.header.get("params"), dict)
        else {}
    )
    body = render_sql(sql.body, {**defaults, **(params or {})}, source=str(SCREENS_SQL)).strip().rstrip(";")
    con.execute(f"CREATE OR REPLACE TABLE {SCREENS_TABLE} AS {body}")
    cols = [r[0] for r in con.execute(f"DESCRIBE {SCREENS_TABLE}").fetchall()]
    missing = [c for c in SCREENS_COLUMNS if c not in cols]
    if missing:
        raise ScreensUnavailable(f"{SCREENS_SQL} does not return {', '.join(missing)}")
    return count_rows(con, SCREENS_TABLE)


def count_rows(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    """Rows of a table or view (results fetched to the end, as DuckDB 2 requires before the next query)."""
    return int(con.execute(f"SELECT count(*) FROM {relation}").fetchall()[0][0])
