"""Feedback on warnings and projects: the outcome of a check, kept as a label for the next run.

Rows live in the case store (``serve.database_url``, else the SQLite file ``yunshao-serving.sqlite`` beside
the store; the DuckDB store stays read-only while serving). Each row is committed before the API replies,
and a client key makes a retried POST from the same key return the first row instead of adding a second.
``train``, ``tune`` and ``run`` read the rows with :func:`read_feedback` or :func:`attach_feedback` as
labels (entity_type, entity_id, outcome, scheme, decided_at); a case's verdict is such a row too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from sqlalchemy import Connection, insert, select

from yunshao.contract.outputs import FEEDBACK
from yunshao.serving.core.db import Database
from yunshao.serving.core.tables import feedback as feedback_table

#: The columns read from the case store and copied into a run's store (contract/outputs.py declares them).
COLUMNS = FEEDBACK.column_names
_PAYLOAD = ("entity_type", "entity_id", "warning_id", "outcome", "scheme", "note")


class FeedbackConflict(Exception):
    """The client key was used before, for a different outcome or by another key."""


@dataclass(frozen=True)
class Saved:
    row: dict[str, Any]
    created: bool


class FeedbackStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, record: dict[str, Any]) -> Saved:
        """Insert ``record`` once per client key, atomically; a replay by the same key returns the stored row."""
        with self.db.write() as con:
            return save_in(con, record)

    def for_entity(self, entity_type: str, entity_id: str) -> list[dict[str, Any]]:
        query = (
            select(feedback_table)
            .where(feedback_table.c.entity_type == entity_type, feedback_table.c.entity_id == entity_id)
            .order_by(feedback_table.c.feedback_id)
        )
        with self.db.read() as con:
            return [_row(r) for r in con.execute(query)]


def save_in(con: Connection, record: dict[str, Any]) -> Saved:
    """Save ``record`` in an open write transaction (a case transition saves its verdict with the event)."""
    payload = {k: record.get(k) for k in _PAYLOAD}
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
    existing = con.execute(select(feedback_table).where(feedback_table.c.client_key == record["client_key"])).first()
    if existing is not None:
        if existing.payload_sha256 != digest or existing.key_id != record["key_id"]:
            raise FeedbackConflict(record["client_key"])
        return Saved(_row(existing), created=False)
    received = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    values = {k: record.get(k) for k in (*_PAYLOAD, "client_key", "who", "key_id", "decided_at", "case_id")}
    result = con.execute(insert(feedback_table).values(**values, received_at=received, payload_sha256=digest))
    new_id = result.inserted_primary_key[0]  # type: ignore[index]
    row = con.execute(select(feedback_table).where(feedback_table.c.feedback_id == new_id)).one()
    return Saved(_row(row), created=True)


def _row(row: Any) -> dict[str, Any]:
    mapping = row._mapping
    return {k: mapping[k] for k in COLUMNS}


def feedback_path(out: Path, state_db: Path | None = None, database_url: str | None = None) -> str | Path:
    """Where the feedback of a run's folder ``out`` lives: ``serve.database_url``, ``serve.state_db``, or
    the SQLite file beside the store."""
    from yunshao.serving.core.config import state_path_for

    if database_url:
        return database_url
    return Path(state_db) if state_db else state_path_for(out)


def read_feedback(location: str | Path) -> pd.DataFrame:
    """All feedback rows of a case store (empty frame with the columns when the SQLite file is absent).

    ``decided_at`` is a naive local timestamp (``engine.timezone``), as the contract's labels are.
    """
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
    is_file = isinstance(location, Path) or "://" not in str(location)
    if is_file and not Path(location).is_file():
        return empty
    db = Database(location)
    try:
        with db.read() as con:
            rows = con.execute(select(feedback_table).order_by(feedback_table.c.feedback_id)).all()
    finally:
        db.dispose()
    frame = pd.DataFrame([_row(r) for r in rows], columns=list(COLUMNS)) if rows else empty
    frame["decided_at"] = pd.to_datetime(frame["decided_at"])
    return frame


def attach_feedback(con: duckdb.DuckDBPyConnection, location: str | Path, table: str = "feedback") -> int:
    """Create table ``feedback`` in ``con`` from the case store; returns its row count (0 if absent)."""
    frame = read_feedback(location)
    con.register("_feedback_frame", frame)
    con.execute(f'CREATE OR REPLACE TABLE "{table}" AS {FEEDBACK.cast_select("_feedback_frame")}')
    con.unregister("_feedback_frame")
    return len(frame)


def run_feedback_location(out: Path, serve: Any) -> str | Path:
    """The case store a run folder's feedback lives in, from the ``serve`` settings."""
    return feedback_path(out, serve.state_db, serve.database_url)


def attach_run_feedback(con: duckdb.DuckDBPyConnection, out: Path, serve: Any) -> int:
    """Outcomes that inspectors posted through the API since the last run become labels of this one.

    They live in the case store (the API never writes into the DuckDB store), so a new run over the same
    ``out`` closes the loop warning → case → verdict → retraining.
    """
    return attach_feedback(con, run_feedback_location(out, serve))
