"""Reads of projects, posts and warnings as a caller may see them, each written to the audit log first.

Shared by the JSON routes and the pages so that masking and auditing cannot differ between them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from yunshao.serving.api.deps import Caller
from yunshao.serving.core.audit import AuditLog
from yunshao.serving.core.security import Permission
from yunshao.serving.evidence import readable_warnings
from yunshao.serving.feedback import FeedbackStore
from yunshao.serving.store import Store


def _audit(audit: AuditLog, caller: Caller, action: str, entities: list[tuple[str, str]], path: str) -> None:
    key = caller.key
    audit.record(key_id=key.key_id, key_name=key.name, role=key.role, action=action, entities=entities, path=path)


def read_project(
    store: Store, audit: AuditLog, feedback: FeedbackStore, caller: Caller, project_id: str, path: str
) -> dict[str, Any] | None:
    cached = store.project(project_id)
    if cached is None or not caller.sees_unit(cached["project"].get("unit_id")):
        return None  # out of scope reads as absent: a 404 does not confirm the project exists
    detail = dict(cached)  # the store's cached dict stays as it is
    persons = sorted({str(r["person_id"]) for r in detail["trail"] if r.get("person_id")})
    _audit(audit, caller, "read", [("project", project_id), *(("person", p) for p in persons)], path)
    detail["feedback"] = feedback.for_entity("project", project_id)
    return caller.shown(detail, store.people_names)


def read_post(store: Store, audit: AuditLog, caller: Caller, post_id: str, path: str) -> dict[str, Any] | None:
    detail = store.post(post_id)
    if detail is None or not caller.sees_unit(detail["post"].get("unit_id")):
        return None
    persons = sorted({str(r["person_id"]) for r in detail["holders"] if r.get("person_id")})
    _audit(audit, caller, "read", [("post", post_id), *(("person", p) for p in persons)], path)
    return caller.shown(detail, store.people_names)


def list_warnings(
    store: Store,
    audit: AuditLog,
    caller: Caller,
    *,
    level: str | None,
    unit: str | None,
    rule: str | None,
    domain: str | None,
    since: dt.datetime | None,
    page: int,
    page_size: int,
    path: str,
    q: str | None = None,
) -> dict[str, Any]:
    """A page of warnings in the caller's scope; ``q`` keeps a project's by its id or part of its name."""
    items, total = store.warnings(
        level=level,
        unit=unit,
        rule=rule,
        domain=domain,
        since=since,
        units=caller.units,
        q=q,
        limit=page_size,
        offset=(page - 1) * page_size,
    )
    projects = sorted({str(w["project_id"]) for w in items if w.get("project_id")})
    _audit(audit, caller, "list", [("project", p) for p in projects], path)
    shown = caller.shown(items, store.people_names)
    return {"items": shown, "total": total, "page": page, "page_size": page_size}


def readable(
    store: Store, audit: AuditLog, caller: Caller, warnings: list[dict[str, Any]], lang: str, path: str
) -> list[dict[str, Any]]:
    """Warnings with their evidence made readable (``evidence.readable_warnings``); the people whose names
    it reveals are written to the audit log, as those of a trail are."""
    shown = readable_warnings(warnings, store, caller, lang)
    if caller.can(Permission.NAMES):
        people = sorted(
            {
                str(part["ref"])
                for w in shown
                for row in w["rows"]
                for part in row["parts"]
                if part.get("person_name") and part.get("ref")
            }
        )
        if people:
            _audit(audit, caller, "read", [("person", p) for p in people], path)
    return shown
