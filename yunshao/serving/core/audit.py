"""The audit log: who read which project, post or person, and when; committed before the data leaves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from yunshao.serving.core.sqlite import SqliteFile

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    key_id TEXT NOT NULL,
    key_name TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    path TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_entity ON audit_log (entity_type, entity_id);
"""


class AuditLog:
    def __init__(self, db: SqliteFile) -> None:
        self.db = db

    def record(
        self,
        *,
        key_id: str,
        key_name: str,
        role: str,
        action: str,
        entities: Iterable[tuple[str, str]],
        path: str,
    ) -> int:
        """One row per (entity_type, entity_id) read, in one transaction; returns the row count."""
        at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        rows = [(at, key_id, key_name, role, action, et, str(eid), path) for et, eid in entities]
        if not rows:
            return 0
        with self.db.transaction() as con:
            con.executemany(
                "INSERT INTO audit_log (at, key_id, key_name, role, action, entity_type, entity_id, path) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        return len(rows)

    def entries(self, entity_type: str | None = None, entity_id: str | None = None) -> list[dict[str, object]]:
        sql = "SELECT * FROM audit_log WHERE (? IS NULL OR entity_type = ?) AND (? IS NULL OR entity_id = ?)"
        rows = self.db.query(sql + " ORDER BY audit_id", (entity_type, entity_type, entity_id, entity_id))
        return [dict(r) for r in rows]
