"""The relations the analytics read, always present with the same columns.

Contract tables are optional, a run's ``warnings.parquet`` carries fewer columns than the store's
``warnings`` table, the ``feedback`` table exists only once inspectors have used the API, and ``cases`` only
when a case store was read (analytics/case_store.py). Each input
is therefore exposed as a view ``in_<name>`` with a fixed column list: a missing column reads NULL and a
missing table is an empty view, so the analytics SQL never branches on what a dataset holds.
"""

from __future__ import annotations

import duckdb

from yunshao.contract.outputs import FEEDBACK, POST_SCORES, RULE_CONFIRMATION, WARNINGS
from yunshao.contract.schema import LABEL_ENTITIES, OUTCOMES, TABLES
from yunshao.engine.duck import column_types, table_names

#: What the analytics read of each case: its unit, project and rule, where it stands in its lifecycle, the
#: rectification deadline and the local time it was closed (销号).
CASE_COLUMNS: dict[str, str] = {
    "case_id": "BIGINT",
    "unit_id": "VARCHAR",
    "project_id": "VARCHAR",
    "rule_id": "VARCHAR",
    "severity": "VARCHAR",
    "state": "VARCHAR",
    "verdict": "VARCHAR",
    "firing": "BOOLEAN",
    "rectify_deadline": "DATE",
    "closed_at": "TIMESTAMP",
}


def _contract(table: str, *names: str) -> dict[str, str]:
    """Columns of a contract input table with the types the loader gives them (contract/schema.py)."""
    return {n: TABLES[table].column(n).duckdb_type for n in names}


#: Input name → the columns (and types) the analytics read from it: the names are the analytics' choice, the
#: types always the declaration's (contract/schema.py for the inputs, contract/outputs.py for what a run wrote).
INPUT_COLUMNS: dict[str, dict[str, str]] = {
    "projects": _contract("projects", "project_id", "unit_id", "name", "approved_at"),
    "approvals": _contract("approvals", "project_id", "post_id", "unit_id", "occurred_at"),
    "units": _contract("units", "unit_id", "name", "kind", "parent_unit_id", "region"),
    "posts": _contract("posts", "post_id", "unit_id", "title", "is_head"),
    "tenders": _contract("tenders", "tender_id", "project_id"),
    "warnings": WARNINGS.pick(
        "warning_id", "entity_type", "entity_id", "rule_id", "severity", "scheme", "project_id", "post_id"
    ),
    "labels": _contract("labels", "entity_type", "entity_id", "outcome", "scheme", "decided_at"),
    "feedback": FEEDBACK.pick("entity_type", "entity_id", "warning_id", "outcome", "scheme", "decided_at"),
    # the model's estimate of each rule's confirmation rate in this county (written by a run's models stage)
    "rule_confirmation": RULE_CONFIRMATION.pick(
        "rule_id", "confirmation_rate", "interval_low", "interval_high", "low_confirmation"
    ),
    "post_scores": POST_SCORES.types(),
    # the case store's cases (serving/core/tables.py), as case_store.read_cases shapes them
    "cases": CASE_COLUMNS,
}


def expose_inputs(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Create the ``in_<name>`` views; returns the names of the inputs that exist as tables."""
    present = table_names(con)
    found: set[str] = set()
    for name, columns in INPUT_COLUMNS.items():
        if name in present:
            found.add(name)
            have = column_types(con, name)
            select = ", ".join(_column(col, typ, col in have) for col, typ in columns.items())
            con.execute(f'CREATE OR REPLACE TEMP VIEW in_{name} AS SELECT {select} FROM "{name}"')
        else:
            select = ", ".join(f'CAST(NULL AS {typ}) AS "{col}"' for col, typ in columns.items())
            con.execute(f"CREATE OR REPLACE TEMP VIEW in_{name} AS SELECT {select} WHERE FALSE")
    return found


def _column(column: str, typ: str, present: bool) -> str:
    if not present:
        return f'CAST(NULL AS {typ}) AS "{column}"'
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
