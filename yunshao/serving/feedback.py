"""Feedback on warnings and projects: the outcome of a check, kept as a label for the next run.

Rows live in the SQLite file beside the store (``yunshao-serving.sqlite``; the store stays read-only
while serving). Each row is committed (WAL, synchronous FULL) before the API replies, and a client key
makes a retried POST return the first row instead of adding a second. ``train`` and ``run`` read the
rows with :func:`read_feedback` or :func:`attach_feedback` as labels (entity_type, entity_id, outcome,
scheme, decided_at).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from yunshao.contract.outputs import FEEDBACK
from yunshao.serving.core.sqlite import SqliteFile

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    feedback_id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_key TEXT NOT NULL UNIQUE,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    warning_id TEXT,
    outcome TEXT NOT NULL,
    scheme TEXT,
    note TEXT,
    who TEXT NOT NULL,
    key_id TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    payload_sha256 TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_entity ON feedback (entity_type, entity_id);
"""
#: The columns read from the state file and copied into a run's store (contract/outputs.py declares them).
COLUMNS = FEEDBACK.column_names


class FeedbackConflict(Exception):
    """The client key was used before for a different outcome."""


@dataclass(frozen=True)
class Saved:
    row: dict[str, Any]
    created: bool


class FeedbackStore:
    def __init__(self, db: SqliteFile) -> None:
        self.db = db

    def save(self, record: dict[str, Any]) -> Saved:
        """Insert ``record`` once per client key, atomically; a replay returns the stored row."""
        payload = {k: record.get(k) for k in ("entity_type", "entity_id", "warning_id", "outcome", "scheme", "note")}
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
        with self.db.transaction() as con:
            existing = con.execute("SELECT * FROM feedback WHERE client_key = ?", (record["client_key"],)).fetchone()
            if existing is not None:
                if existing["payload_sha256"] != digest:
                    raise FeedbackConflict(record["client_key"])
                return Saved(_row(existing), created=False)
            received = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
            cur = con.execute(
                "INSERT INTO feedback (client_key, entity_type, entity_id, warning_id, outcome, scheme, note, "
                "who, key_id, decided_at, received_at, payload_sha256) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    record["client_key"],
                    record["entity_type"],
                    record["entity_id"],
                    record.get("warning_id"),
                    record["outcome"],
                    record.get("scheme"),
                    record.get("note"),
                    record["who"],
                    record["key_id"],
                    record["decided_at"],
                    received,
                    digest,
                ),
            )
            row = con.execute("SELECT * FROM feedback WHERE feedback_id = ?", (cur.lastrowid,)).fetchone()
        return Saved(_row(row), created=True)

    def for_entity(self, entity_type: str, entity_id: str) -> list[dict[str, Any]]:
        rows = self.db.query(
            "SELECT * FROM feedback WHERE entity_type = ? AND entity_id = ? ORDER BY feedback_id",
            (entity_type, entity_id),
        )
        return [_row(r) for r in rows]


def _row(row: sqlite3.Row) -> dict[str, Any]:
    return {k: row[k] for k in COLUMNS}


def feedback_path(out: Path, state_db: Path | None = None) -> Path:
    """The feedback file of a run's folder ``out`` (``serve.state_db`` when set)."""
    from yunshao.serving.core.config import state_path_for

    return Path(state_db) if state_db else state_path_for(out)


def read_feedback(path: Path) -> pd.DataFrame:
    """All feedback rows of a state file (empty frame with the columns when the file is absent).

    ``decided_at`` is a naive local timestamp (``engine.timezone``), as the contract's labels are.
    """
    path = Path(path)
    if not path.is_file():
        return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        frame = pd.read_sql_query(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY feedback_id", con)
    frame["decided_at"] = pd.to_datetime(frame["decided_at"])
    return frame


def attach_feedback(con: duckdb.DuckDBPyConnection, path: Path, table: str = "feedback") -> int:
    """Create table ``feedback`` in ``con`` from the state file; returns its row count (0 if absent)."""
    frame = read_feedback(path)
    con.register("_feedback_frame", frame)
    con.execute(f'CREATE OR REPLACE TABLE "{table}" AS {FEEDBACK.cast_select("_feedback_frame")}')
    con.unregister("_feedback_frame")
    return len(frame)
