"""Cases and their history in the case store: list, read, and apply a lifecycle transition atomically.

A transition writes the case, its event and — for a verdict — the feedback row that becomes a label of
the next ``run``/``train``, in one transaction, with the case's ``version`` checked so that two
inspectors acting on one case at once cannot both win. Each event is queued for the webhooks.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, and_, func, insert, or_, select, update

from yunshao.cases.lifecycle import OPEN_STATES, TransitionError, plan
from yunshao.serving.core.db import Database
from yunshao.serving.core.localtime import now_local
from yunshao.serving.core.tables import case_events, cases, webhook_deliveries, webhooks
from yunshao.serving.feedback import save_in


@dataclass(frozen=True)
class Actor:
    """Who acts: the key's id and its holder's name (``system`` for escalation and carry-over)."""

    key_id: str | None
    who: str


SYSTEM = Actor(None, "system")


@dataclass(frozen=True)
class CaseFilter:
    state: str | None = None
    open_only: bool = False
    overdue_on: dt.date | None = None  # only cases past their deadline on that day
    escalated: bool = False
    inspector: str | None = None
    unit: str | None = None
    severity: str | None = None
    search: str | None = None  # project name or id, case subject
    project: str | None = None  # the cases of one project (its warnings' and its own)
    units: Collection[str] | None = None  # the caller's scope; None = all


class CaseNotFound(LookupError):
    pass


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _filtered(query: Select[Any], f: CaseFilter) -> Select[Any]:
    c = cases.c
    conditions = []
    if f.units is not None:
        units = sorted(f.units)
        conditions.append(or_(c.unit_id.in_(units), c.assigned_unit.in_(units), c.escalated_to.in_(units)))
    if f.state:
        conditions.append(c.state == f.state)
    if f.open_only:
        conditions.append(c.state.in_(sorted(OPEN_STATES)))
    if f.overdue_on is not None:
        day = f.overdue_on.isoformat()
        conditions.append(
            or_(
                and_(c.state.in_(["assigned", "checking"]), c.deadline < day),
                and_(c.state == "rectifying", c.rectify_deadline < day),
            )
        )
    if f.escalated:
        conditions.append(c.escalation >= 2)
    for column, value in (
        (c.inspector, f.inspector),
        (c.unit_id, f.unit),
        (c.severity, f.severity),
        (c.project_id, f.project),
    ):
        if value:
            conditions.append(column == value)
    if f.search:
        like = f"%{f.search}%"
        conditions.append(or_(c.title.like(like), c.project_id.like(like), c.subject.like(like)))
    return query.where(*conditions) if conditions else query


class CaseStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def page(self, f: CaseFilter, *, offset: int, limit: int, by_deadline: bool = False) -> tuple[int, list[dict]]:
        """Cases matching ``f``: the total and one page (by deadline for an inbox, else newest first)."""
        query = _filtered(select(cases), f)
        if by_deadline:
            due = func.coalesce(cases.c.rectify_deadline, cases.c.deadline)
            order = [due.is_(None), due, cases.c.case_id]
        else:
            order = [cases.c.case_id.desc()]
        with self.db.read() as con:
            total = con.execute(select(func.count()).select_from(query.subquery())).scalar_one()
            rows = con.execute(query.order_by(*order).offset(offset).limit(limit)).all()
        return int(total), [dict(r._mapping) for r in rows]

    def get(self, case_id: int, units: Collection[str] | None = None) -> dict[str, Any] | None:
        """One case with its history, or None (also when it lies outside ``units``)."""
        query = _filtered(select(cases).where(cases.c.case_id == case_id), CaseFilter(units=units))
        with self.db.read() as con:
            row = con.execute(query).first()
            if row is None:
                return None
            events = con.execute(
                select(case_events).where(case_events.c.case_id == case_id).order_by(case_events.c.event_id)
            ).all()
        return {**row._mapping, "history": [_event(e) for e in events]}

    def transition(
        self,
        case_id: int,
        action: str,
        fields: dict[str, Any],
        actor: Actor,
        *,
        today: dt.date,
        version: int | None = None,
        units: Collection[str] | None = None,
    ) -> dict[str, Any]:
        """Apply ``action``; returns the case after it. CaseNotFound, TransitionError (also on a stale
        ``version``: someone else changed the case since the caller read it)."""
        with self.db.write() as con:
            query = _filtered(select(cases).where(cases.c.case_id == case_id), CaseFilter(units=units))
            row = con.execute(query).first()
            if row is None:
                raise CaseNotFound(case_id)
            case = dict(row._mapping)
            if version is not None and version != case["version"]:
                raise TransitionError(
                    f"case {case_id} changed since version {version} (now {case['version']}); reload it", conflict=True
                )
            planned = plan(action, case["state"], fields, today=today)
            now = utc_now()
            changed = con.execute(
                update(cases)
                .where(cases.c.case_id == case_id, cases.c.version == case["version"])
                .values(**planned.changes, state=planned.to_state, updated_at=now, version=case["version"] + 1)
            )
            if changed.rowcount != 1:
                raise TransitionError(f"case {case_id} changed while saving; reload it", conflict=True)
            event_id = record_event(con, case_id, action, case["state"], planned.to_state, actor, planned.detail, now)
            if action == "verdict":
                _save_verdict(con, case, planned.detail, actor, event_id)
        found = self.get(case_id)
        assert found is not None
        return found


def record_event(
    con: Connection,
    case_id: int,
    action: str,
    from_state: str | None,
    to_state: str | None,
    actor: Actor,
    detail: dict[str, Any],
    at: str,
) -> int:
    """One history row, and one webhook delivery per active webhook (sent after the commit)."""
    result = con.execute(
        insert(case_events).values(
            case_id=case_id,
            at=at,
            action=action,
            from_state=from_state,
            to_state=to_state,
            key_id=actor.key_id,
            who=actor.who,
            detail=json.dumps(detail, ensure_ascii=False, default=str),
        )
    )
    event_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    body = {
        "event_id": event_id,
        "case_id": case_id,
        "action": action,
        "from_state": from_state,
        "to_state": to_state,
        "at": at,
        "who": actor.who,
        "detail": detail,
    }
    hooks = con.execute(select(webhooks.c.webhook_id).where(webhooks.c.active.is_(True))).scalars().all()
    if hooks:
        text = json.dumps(body, ensure_ascii=False, default=str, sort_keys=True)
        con.execute(
            insert(webhook_deliveries),
            [{"webhook_id": h, "event_id": event_id, "body": text, "attempts": 0, "next_at": at} for h in hooks],
        )
    return event_id


def _save_verdict(con: Connection, case: dict[str, Any], detail: dict[str, Any], actor: Actor, event_id: int) -> None:
    """The verdict as a feedback row: the label ``run``, ``train`` and ``tune`` learn from."""
    on_project = case["project_id"] is not None
    save_in(
        con,
        {
            "client_key": f"case-{case['case_id']}-event-{event_id}",
            "entity_type": "project" if on_project else "warning",
            "entity_id": case["project_id"] if on_project else case["warning_id"],
            "warning_id": case["warning_id"],
            "outcome": detail["verdict"],
            "scheme": detail.get("scheme") or case["scheme"],
            "note": detail.get("note"),
            "who": actor.who,
            "key_id": actor.key_id or "system",
            "decided_at": now_local().isoformat(timespec="seconds"),
            "case_id": case["case_id"],
        },
    )


def _event(row: Any) -> dict[str, Any]:
    event = dict(row._mapping)
    event["detail"] = json.loads(event["detail"] or "{}")
    return event
