"""The case store read for the analytics: cases with their close time, and the inspectors' feedback.

The real confirmation, rectification and disposal rates (查实率, 整改率, 处置率) are counted from the cases
that inspectors moved along 督办 → 核查 → 整改 → 销号 (yunshao/cases). The case store is a SQLAlchemy database
(SQLite beside the run, or PostgreSQL); these reads copy what the rates need into TEMP tables of a DuckDB
connection, where ``sql/13_case_facts.sql`` onwards count them. Both ``yunshao report`` and the live report
pages call :func:`attach_case_store`, so the two read the same rows the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd
from sqlalchemy import func, select

from yunshao.analytics.inputs import CASE_COLUMNS
from yunshao.contract.outputs import FEEDBACK
from yunshao.serving.core.tables import case_events, cases
from yunshao.serving.core.tables import feedback as feedback_table

if TYPE_CHECKING:
    from yunshao.serving.core.db import Database

Fingerprint = tuple[int, int, int, int]


def read_cases(db: Database, zone: str) -> pd.DataFrame:
    """Every case with the columns of ``inputs.CASE_COLUMNS``; ``closed_at`` in local time of ``zone``.

    Events are stamped in UTC while deadlines are local dates, so the close time is converted here before
    ``rectified_on_time`` compares the two.
    """
    closed = (
        select(case_events.c.case_id, func.max(case_events.c.at).label("closed_at"))
        .where(case_events.c.to_state == "closed")
        .group_by(case_events.c.case_id)
        .subquery()
    )
    names = [n for n in CASE_COLUMNS if n != "closed_at"]
    query = select(*(cases.c[n] for n in names), closed.c.closed_at).outerjoin(
        closed, closed.c.case_id == cases.c.case_id
    )
    with db.read() as con:
        rows = con.execute(query.order_by(cases.c.case_id)).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=[*names, "closed_at"], dtype=object)
    closed_at = pd.to_datetime(frame["closed_at"], utc=True, format="ISO8601")
    frame["closed_at"] = closed_at.dt.tz_convert(zone).dt.tz_localize(None)
    return frame


def read_feedback_rows(db: Database) -> pd.DataFrame:
    """The case store's feedback (a case's verdict is such a row) with the columns a run's store keeps."""
    columns = list(FEEDBACK.column_names)
    with db.read() as con:
        rows = con.execute(select(*(feedback_table.c[c] for c in columns)).order_by(feedback_table.c.feedback_id)).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=columns, dtype=object)
    frame["decided_at"] = pd.to_datetime(frame["decided_at"], format="ISO8601")
    return frame


def attach_case_store(con: duckdb.DuckDBPyConnection, db: Database, zone: str) -> int:
    """TEMP tables ``cases`` and ``feedback`` on ``con`` from the case store; returns the number of cases.

    The case store's feedback replaces a run's copy (taken when the run started): it holds every verdict
    given since, so the outcomes, the cases and their rates agree. TEMP tables are seen before the tables
    of an attached store, and only by this connection.
    """
    _temp_table(con, "cases", read_cases(db, zone), CASE_COLUMNS)
    _temp_table(con, "feedback", read_feedback_rows(db), FEEDBACK.types())
    rows = con.execute("SELECT count(*) FROM temp.main.cases").fetchall()
    return int(rows[0][0])


def _temp_table(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame, types: dict[str, str]) -> None:
    """``frame`` as TEMP table ``name`` with ``types``; a value that does not cast reads NULL (a page of
    figures must not fail on one malformed row another writer left)."""
    view = f"_case_store_{name}"
    con.register(view, frame)
    try:
        casts = ", ".join(f'TRY_CAST("{c}" AS {t}) AS "{c}"' for c, t in types.items())
        con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS SELECT {casts} FROM {view}')
    finally:
        con.unregister(view)


def fingerprint(db: Database) -> Fingerprint:
    """What changes whenever a rate could: cases opened, any case event, any feedback row (a few index reads)."""
    with db.read() as con:
        n_cases = con.execute(select(func.count()).select_from(cases)).scalar_one()
        last_event = con.execute(select(func.max(case_events.c.event_id))).scalar_one()
        n_feedback, last_feedback = con.execute(select(func.count(), func.max(feedback_table.c.feedback_id))).one()
    return int(n_cases), int(last_event or 0), int(n_feedback), int(last_feedback or 0)


def open_case_store(location: str | Path) -> Database | None:
    """The case store at ``location`` (a URL or a SQLite file), or None when no such file exists yet.

    A report must not create an empty case store where none was kept: a missing file means no cases.
    """
    from yunshao.serving.core.db import Database

    is_file = isinstance(location, Path) or "://" not in str(location)
    if is_file and not Path(location).is_file():
        return None
    return Database(location)


def shown_location(location: str | Path) -> str:
    """A case store's location without the user and password of a database URL (for notes and logs)."""
    return str(location).split("@")[-1]
