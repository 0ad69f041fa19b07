"""Feedback on warnings and projects: the outcome of a check, kept as a label for the next run.

Rows live in the case store (``serve.database_url``, else the SQLite file ``yunshao-serving.sqlite`` beside
the store; the DuckDB store stays read-only while serving). Each row is committed before the API replies,
and a client key makes a retried POST from the same key return the first row instead of adding a second.
``train``, ``tune`` and ``run`` read the rows with :func:`read_feedback` or :func:`attach_feedback` as
labels (entity_type, entity_id, outcome, scheme, decided_at); a case's verdict is such a row too.
``GET /v1/feedback`` lists them (:meth:`FeedbackStore.page`, newest first) and exports them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from sqlalchemy import Connection, Select, func, insert, select

from yunshao.contract.outputs import FEEDBACK
from yunshao.serving.core.db import Database
from yunshao.serving.core.tables import feedback as feedback_table

#: The columns read from the case store and copied into a run's store (contract/outputs.py declares them).
COLUMNS = FEEDBACK.column_names
#: The columns a listing shows: the label's columns and the case whose verdict the row is (None without one).
LISTED = (*COLUMNS, "case_id")
_PAYLOAD = ("entity_type", "entity_id", "warning_id", "outcome", "scheme", "note")


class FeedbackConflict(Exception):
    """The client key was used before, for a different outcome or by another key."""


@dataclass(frozen=True)
class Saved:
    row: dict[str, Any]
    created: bool


@dataclass(frozen=True)
class FeedbackFilter:
    """What a listing keeps; ``since``/``until`` are naive local ISO timestamps (``decided_at`` is one)."""

    entity_type: str | None = None
    entity_id: str | None = None
    warning_id: str | None = None
    outcome: str | None = None
    scheme: str | None = None
    case_id: int | None = None
    who: str | None = None
    since: str | None = None  # decided at or after
    until: str | None = None  # decided before


def _filtered(query: Select[Any], f: FeedbackFilter) -> Select[Any]:
    c = feedback_table.c
    equal = (
        (c.entity_type, f.entity_type),
        (c.entity_id, f.entity_id),
        (c.warning_id, f.warning_id),
        (c.outcome, f.outcome),
        (c.scheme, f.scheme),
        (c.case_id, f.case_id),
        (c.who, f.who),
    )
    conditions = [column == value for column, value in equal if value is not None]
    if f.since is not None:
        conditions.append(c.decided_at >= f.since)  # same ISO text format: text order is time order
    if f.until is not None:
        conditions.append(c.decided_at < f.until)
    return query.where(*conditions) if conditions else query


#: newest first, by the time of the decision; the id breaks ties (received later, listed first)
_NEWEST_FIRST = (feedback_table.c.decided_at.desc(), feedback_table.c.feedback_id.desc())


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

    def page(self, f: FeedbackFilter, *, offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
        """The rows matching ``f``: their count and one page, newest first (a key that sees every unit)."""
        query = _filtered(select(feedback_table), f)
        with self.db.read() as con:
            total = con.execute(select(func.count()).select_from(query.subquery())).scalar_one()
            rows = con.execute(query.order_by(*_NEWEST_FIRST).offset(offset).limit(limit))
            return int(total), [_listed(r) for r in rows]

    def targets(self, f: FeedbackFilter) -> list[tuple[int, str, str]]:
        """(feedback_id, entity_type, entity_id) of every row matching ``f``, newest first.

        A scoped key's listing is decided on these alone (the unit of a target lives in the DuckDB store,
        not here), so the full rows are read only for the page shown.
        """
        c = feedback_table.c
        query = _filtered(select(c.feedback_id, c.entity_type, c.entity_id), f).order_by(*_NEWEST_FIRST)
        with self.db.read() as con:
            return [(int(r.feedback_id), str(r.entity_type), str(r.entity_id)) for r in con.execute(query)]

    def by_ids(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """The rows with these ids, newest first."""
        rows: list[dict[str, Any]] = []
        with self.db.read() as con:
            for start in range(0, len(ids), _IDS_PER_QUERY):
                chunk = list(ids[start : start + _IDS_PER_QUERY])
                found = con.execute(select(feedback_table).where(feedback_table.c.feedback_id.in_(chunk)))
                rows.extend(_listed(r) for r in found)
        order = {fid: n for n, fid in enumerate(ids)}
        return sorted(rows, key=lambda r: order[r["feedback_id"]])

    def rows(self, f: FeedbackFilter) -> list[dict[str, Any]]:
        """Every row matching ``f``, newest first (an export of a key that sees every unit)."""
        query = _filtered(select(feedback_table), f).order_by(*_NEWEST_FIRST)
        with self.db.read() as con:
            return [_listed(r) for r in con.execute(query)]


#: bound parameters per ``IN`` list (SQLite allows 32,766 per statement)
_IDS_PER_QUERY = 5000


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


def _listed(row: Any) -> dict[str, Any]:
    mapping = row._mapping
    return {k: mapping[k] for k in LISTED}


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
