"""Overdue cases escalate: a reminder the day after the deadline, then the unit's superior.

A case is overdue when the deadline of its state has passed (assignment while assigned or checking,
rectification while rectifying). The first pass after that records a ``remind`` event (level 1); once the
case is ``escalate_after_days`` past the deadline, an ``escalate`` event names the superior unit of the
unit handling it (``units.parent_unit_id``; the unit itself when it has none) and the case shows in the
escalated list (level 2). A new assignment or rectification deadline resets the level.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select, update

from yunshao.cases.lifecycle import overdue_deadline
from yunshao.cases.store import SYSTEM, record_event, utc_now
from yunshao.serving.core.db import Database
from yunshao.serving.core.tables import cases


@dataclass(frozen=True)
class EscalationReport:
    reminded: int
    escalated: int


def escalate(db: Database, today: dt.date, after_days: int, parents: Mapping[str, str | None]) -> EscalationReport:
    """One pass over the open cases with a deadline; returns how many were reminded and escalated."""
    reminded = escalated = 0
    with db.write() as con:
        rows = con.execute(
            select(cases).where(cases.c.state.in_(["assigned", "checking", "rectifying"]), cases.c.escalation < 2)
        ).all()
        now = utc_now()
        for row in rows:
            case = dict(row._mapping)
            deadline = overdue_deadline(case)
            if deadline is None or today <= dt.date.fromisoformat(deadline):
                continue
            late = (today - dt.date.fromisoformat(deadline)).days
            level = 2 if late >= after_days else 1
            if level <= case["escalation"]:
                continue
            unit = case["assigned_unit"] or case["unit_id"]
            to = (parents.get(unit) or unit) if level == 2 else None
            con.execute(
                update(cases)
                .where(cases.c.case_id == case["case_id"])
                .values(escalation=level, escalated_to=to, updated_at=now, version=case["version"] + 1)
            )
            detail = {"deadline": deadline, "days_late": late, "escalated_to": to}
            action = "escalate" if level == 2 else "remind"
            record_event(con, case["case_id"], action, None, None, SYSTEM, detail, now)
            reminded += level == 1
            escalated += level == 2
    return EscalationReport(reminded, escalated)
