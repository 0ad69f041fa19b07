"""The audit log: who read which project, post or person, and when; committed before the data leaves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import insert, select

from yunshao.serving.core.db import Database
from yunshao.serving.core.tables import audit_log


class AuditLog:
    def __init__(self, db: Database) -> None:
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
        common = {"at": at, "key_id": key_id, "key_name": key_name, "role": role, "action": action, "path": path}
        rows = [{**common, "entity_type": et, "entity_id": str(eid)} for et, eid in entities]
        if not rows:
            return 0
        with self.db.write() as con:
            con.execute(insert(audit_log), rows)
        return len(rows)

    def entries(self, entity_type: str | None = None, entity_id: str | None = None) -> list[dict[str, object]]:
        query = select(audit_log).order_by(audit_log.c.audit_id)
        if entity_type is not None:
            query = query.where(audit_log.c.entity_type == entity_type)
        if entity_id is not None:
            query = query.where(audit_log.c.entity_id == entity_id)
        with self.db.read() as con:
            return [dict(r._mapping) for r in con.execute(query)]
