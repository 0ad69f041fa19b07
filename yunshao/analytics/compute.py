"""Every report table from a DuckDB connection: the one computation behind the report and the live pages.

Kept apart from report.py (which draws charts with matplotlib) so that the server imports no plotting.
"""

from __future__ import annotations

import duckdb

from yunshao.analytics.inputs import expose_inputs, feedback_problems
from yunshao.analytics.metrics import compute_measures
from yunshao.analytics.tables import ReportTables, build_tables
from yunshao.settings import ReportSettings


def compute_tables(
    con: duckdb.DuckDBPyConnection,
    settings: ReportSettings,
    *,
    lang: str = "zh",
    catalog: dict[str, dict[str, str]] | None = None,
) -> ReportTables:
    """Every report table from a connection holding the contract tables and ``warnings``.

    Only TEMP views and tables are created, so the API can call this on a connection to the store to show
    the same views on the inspectors' pages.
    """
    expose_inputs(con)
    compute_measures(con, settings)
    tables = build_tables(con, settings, lang, catalog)
    tables.notes.extend(feedback_problems(con))
    return tables
