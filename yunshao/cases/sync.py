"""Carry cases over from run to run: a warning that fires again on the same evidence joins its case.

A warning's id is derived from its rule, its entity and the rule's evidence key (``rules/runner.py``), so
the same finding in the next run has the same id and the same case. A case whose warning no longer fires
is marked ``firing = false`` with an event, never deleted: its history and verdict stay. A new run's
subjects are synced once — a sync whose fingerprint equals the latest one's changes nothing — and syncs
are serialised (SQLite's write lock, a PostgreSQL advisory lock), so several workers may call this.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from yunshao.cases.store import SYSTEM, record_event, utc_now
from yunshao.serving.core.db import Database
from yunshao.serving.core.tables import cases, synced_runs

_CARRIED = ("warning_id", "project_id", "unit_id", "region", "rule_id", "severity", "scheme", "title")


@dataclass(frozen=True)
class SyncReport:
    run_id: str
    opened: int
    refired: int
    stopped: int
    already: bool = False


def fingerprint(subjects: list[dict[str, Any]]) -> str:
    """The identity of a run's findings: the same warnings and red projects give the same id."""
    text = json.dumps([[s["subject"], s["severity"]] for s in subjects], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def sync_cases(db: Database, subjects: list[dict[str, Any]]) -> SyncReport:
    """Open a case per new subject, re-attach refiring ones, mark the ones that stopped firing."""
    run_id = fingerprint(subjects)
    try:
        with db.write() as con:
            if not db.is_sqlite:
                con.execute(text("SELECT pg_advisory_xact_lock(7318)"))
            latest = con.execute(select(synced_runs.c.run_id).order_by(synced_runs.c.sync_id.desc()).limit(1))
            if latest.scalar_one_or_none() == run_id:
                return SyncReport(run_id, 0, 0, 0, already=True)
            report = _apply(con, run_id, {s["subject"]: s for s in subjects})
            con.execute(
                insert(synced_runs).values(
                    run_id=run_id,
                    synced_at=utc_now(),
                    opened=report.opened,
                    refired=report.refired,
                    stopped=report.stopped,
                )
            )
    except IntegrityError:  # a case opened by another writer meanwhile; its transaction stands
        return SyncReport(run_id, 0, 0, 0, already=True)
    return report


def _apply(con: Connection, run_id: str, subjects: dict[str, dict[str, Any]]) -> SyncReport:
    known = {r.subject: r for r in con.execute(select(cases.c.case_id, cases.c.subject, cases.c.firing))}
    now = utc_now()
    opened = refired = stopped = 0
    for subject, row in subjects.items():
        found = known.get(subject)
        carried = {k: row.get(k) for k in _CARRIED}
        if found is None:
            case_id = _open(con, subject, carried, run_id, now)
            record_event(con, case_id, "open", None, "new", SYSTEM, {"run_id": run_id}, now)
            opened += 1
            continue
        con.execute(
            update(cases).where(cases.c.case_id == found.case_id).values(**carried, firing=True, last_run_id=run_id)
        )
        if not found.firing:
            record_event(con, found.case_id, "refired", None, None, SYSTEM, {"run_id": run_id}, now)
            refired += 1
    for subject, found in known.items():
        if subject not in subjects and found.firing:
            con.execute(update(cases).where(cases.c.case_id == found.case_id).values(firing=False, updated_at=now))
            record_event(con, found.case_id, "stopped_firing", None, None, SYSTEM, {"run_id": run_id}, now)
            stopped += 1
    return SyncReport(run_id, opened, refired, stopped)


def _open(con: Connection, subject: str, carried: dict[str, Any], run_id: str, now: str) -> int:
    result = con.execute(
        insert(cases).values(
            subject=subject,
            **carried,
            state="new",
            firing=True,
            first_run_id=run_id,
            last_run_id=run_id,
            escalation=0,
            created_at=now,
            updated_at=now,
            version=1,
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def sync_from_store(db: Database, store: Any) -> SyncReport:
    """Sync the cases with the findings of a run's store (``serving.store.Store``)."""
    return sync_cases(db, store.rows("case_subjects"))
