"""The relations the analytics read, always present with the same columns.

Contract tables are optional, a run's ``warnings.parquet`` carries fewer columns than the store's
``warnings`` table, and the ``feedback`` table exists only once inspectors have used the API. Each input
is therefore exposed as a view ``in_<name>`` with a fixed column list: a missing column reads NULL and a
missing table is an empty view, so the analytics SQL never branches on what a dataset holds.
"""

from __future__ import annotations

import duckdb

from yunshao.contract.schema import LABEL_ENTITIES, OUTCOMES
from yunshao.engine.duck import column_types, table_names

#: Input name → the columns (and types) the analytics read from it.
INPUT_COLUMNS: dict[str, dict[str, str]] = {
    "projects": {"project_id": "VARCHAR", "unit_id": "VARCHAR", "name": "VARCHAR", "approved_at": "TIMESTAMP"},
    "approvals": {
        "project_id": "VARCHAR",
        "post_id": "VARCHAR",
        "unit_id": "VARCHAR",
        "occurred_at": "TIMESTAMP",
    },
    "units": {
        "unit_id": "VARCHAR",
        "name": "VARCHAR",
        "kind": "VARCHAR",
        "parent_unit_id": "VARCHAR",
        "region": "VARCHAR",
    },
    "posts": {"post_id": "VARCHAR", "unit_id": "VARCHAR", "title": "VARCHAR", "is_head": "BOOLEAN"},
    "tenders": {"tender_id": "VARCHAR", "project_id": "VARCHAR"},
    "warnings": {
        "warning_id": "VARCHAR",
        "entity_type": "VARCHAR",
        "entity_id": "VARCHAR",
        "rule_id": "VARCHAR",
        "severity": "VARCHAR",
        "scheme": "VARCHAR",
        "project_id": "VARCHAR",
        "post_id": "VARCHAR",
    },
    "labels": {
        "entity_type": "VARCHAR",
        "entity_id": "VARCHAR",
        "outcome": "VARCHAR",
        "scheme": "VARCHAR",
        "decided_at": "TIMESTAMP",
    },
    "feedback": {
        "entity_type": "VARCHAR",
        "entity_id": "VARCHAR",
        "warning_id": "VARCHAR",
        "outcome": "VARCHAR",
        "scheme": "VARCHAR",
        "decided_at": "TIMESTAMP",
    },
    # the model's estimate of each rule's confirmation rate in this county (written by a run's models stage)
    "rule_confirmation": {
        "rule_id": "VARCHAR",
        "confirmation_rate": "DOUBLE",
        "interval_low": "DOUBLE",
        "interval_high": "DOUBLE",
        "low_confirmation": "BOOLEAN",
    },
    "post_scores": {
        "post_id": "VARCHAR",
        "risk_score": "DOUBLE",
        "level": "VARCHAR",
        "warning_count": "BIGINT",
        "top_factors": "VARCHAR",
    },
}


def expose_inputs(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Create the ``in_<name>`` views; returns the names of the inputs that exist as tables."""
    present = table_names(con)
    found: set[str] = set()
    for name, columns in INPUT_COLUMNS.items():
        if name in present:
            found.add(name)
            have = column_types(con, name)
            select = ", ".join(_column(name, col, typ, col in have) for col, typ in columns.items())
            con.execute(f'CREATE OR REPLACE TEMP VIEW in_{name} AS SELECT {select} FROM "{name}"')
        else:
            select = ", ".join(f'CAST(NULL AS {typ}) AS "{col}"' for col, typ in columns.items())
            con.execute(f"CREATE OR REPLACE TEMP VIEW in_{name} AS SELECT {select} WHERE FALSE")
    return found


def _column(table: str, column: str, typ: str, present: bool) -> str:
    if not present:
        return f'CAST(NULL AS {typ}) AS "{column}"'
    if table == "post_scores" and column == "top_factors":
        return f'CAST("{column}" AS VARCHAR) AS "{column}"'
    return f'CAST("{column}" AS {typ}) AS "{column}"'


def feedback_problems(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Feedback rows the analytics cannot use, counted so that none is dropped without a word.

    Labels are validated by the contract loader; feedback comes from the API and is checked here.
    """
    entities = ", ".join(f"'{e}'" for e in (*LABEL_ENTITIES, "warning"))
    outcomes = ", ".join(f"'{o}'" for o in OUTCOMES)
    rows = con.execute(
        "SELECT count(*) FILTER (WHERE outcome IS NULL OR outcome NOT IN (" + outcomes + ")), "
        "count(*) FILTER (WHERE entity_type IS NULL OR entity_type NOT IN (" + entities + ")) "
        "FROM in_feedback"
    ).fetchall()
    bad_outcome, bad_entity = (int(v) for v in rows[0])
    notes = []
    if bad_outcome:
        notes.append(f"feedback: {bad_outcome} rows ignored, outcome not one of {', '.join(OUTCOMES)}")
    if bad_entity:
        notes.append(f"feedback: {bad_entity} rows ignored, entity_type not project, post, tender or warning")
    return notes
