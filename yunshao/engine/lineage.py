"""Which relations a query reads, found by parsing it rather than declared beside it.

The graph of feature files, steps and rules takes its edges from here, so a file names the tables it
reads once, in its SQL.
"""

from __future__ import annotations

import re
from functools import lru_cache

import sqlglot
from sqlglot import exp

_PARAM = re.compile(r"\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}")


@lru_cache(maxsize=1024)
def referenced_tables(sql: str) -> frozenset[str]:
    """Tables and views a DuckDB query reads, its own CTE names excluded; ``{{ param }}`` placeholders allowed."""
    tree = sqlglot.parse_one(_PARAM.sub("NULL", sql), read="duckdb")
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    return frozenset(t.name for t in tree.find_all(exp.Table) if t.name and t.name not in ctes)
