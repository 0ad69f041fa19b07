"""The tables the documents stage leaves in the store (declared with the run's outputs in contract/outputs.py).

The stage writes them, the rule checker and the feature graph create them empty when a dataset has no bid
files (so a rule over them is checked and skipped like any rule whose input is absent), and the pages read
them. Positions are character offsets in the text as extracted (before normalisation).
"""

from __future__ import annotations

from typing import Any

from yunshao.contract.outputs import DOCUMENT_OUTPUTS

#: Table → column → DuckDB type, from their declaration among the run's outputs (contract/outputs.py).
DOC_TABLES: dict[str, dict[str, str]] = {o.name: o.types() for o in DOCUMENT_OUTPUTS}


def ddl(table: str) -> str:
    """The column list of ``CREATE TABLE`` for one of the stage's tables."""
    return ", ".join(f'"{c}" {t}' for c, t in DOC_TABLES[table].items())


def create_empty(con: Any, tables: list[str] | None = None) -> None:
    """The stage's tables, empty (a run without bid files, the rule checker)."""
    for table in list(DOC_TABLES) if tables is None else tables:
        con.execute(f"CREATE OR REPLACE TABLE {table} ({ddl(table)})")
