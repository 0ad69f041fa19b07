"""The inspector's case pages: the inbox, the case lists (new, overdue, escalated, all), one case with its
history and the form for its next step (督办 → 核查 → 整改 → 销号).

The pages call the same ``CaseStore`` as ``/v1/cases``, so a step taken on a page and one taken by a
case system are validated, versioned, audited and sent to the webhooks alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from yunshao.cases.lifecycle import ALLOWED_FROM, FIELDS, REQUIRED, STATES, VERDICTS, TransitionError, overdue_deadline
from yunshao.cases.store import Actor, CaseFilter, CaseNotFound
from yunshao.contract.schema import SCHEMES
from yunshao.serving.api.deps import AuditDep, Caller, CaseDep, FeedbackDep, PageQuery, StoreDep
from yunshao.serving.api.rendering import Inspector, page_lang, render
from yunshao.serving.codes import translator
from yunshao.serving.core.localtime import now_local
from yunshao.serving.core.security import Permission
from yunshao.serving.i18n import MESSAGES
from yunshao.serving.models.responses import TransitionIn
from yunshao.serving.plots import waterfall
from yunshao.serving.reads import read_project, readable

router = APIRouter(include_in_schema=False)
View = Literal["inbox", "new", "overdue", "escalated", "all"]
VIEWS: tuple[View, ...] = ("inbox", "new", "overdue", "escalated", "all")


def _filter(view: View, caller: Caller, today: dt.date, state: str | None, q: str | None) -> CaseFilter:
    """The cases a view lists: the inbox is the caller's own open cases; the others cover its scope."""
    common = CaseFilter(units=caller.units, search=q or None)
    if view == "inbox":
        return replace(common, inspector=caller.key.name, open_only=True)
    if view == "new":
        return replace(common, state="new")
    if view == "overdue":
        return replace(common, overdue_on=today)
    if view == "escalated":
        return replace(common, escalated=True, open_only=True)
    return replace(common, state=state if state in STATES else None)


@router.get("/pages/inbox", response_class=HTMLResponse)
def inbox(request: Request, cases: CaseDep, store: StoreDep, caller: Inspector, page: PageQuery = 1) -> Response:
    return _list(request, cases, store, caller, "inbox", None, None, page)


@router.get("/pages/cases", response_class=HTMLResponse)
def case_list(
    request: Request,
    cases: CaseDep,
    store: StoreDep,
    caller: Inspector,
    view: View = "all",
    state: str | None = None,
    q: str | None = None,
    page: PageQuery = 1,
) -> Response:
    return _list(request, cases, store, caller, view, state, (q or "")[:200] or None, page)


def _list(
    request: Request,
    cases: CaseDep,
    store: StoreDep,
    caller: Caller,
    view: View,
    state: str | None,
    q: str | None,
    page: int,
) -> Response:
    today = now_local().date()
    size = request.app.state.config.serve.page_size
    f = _filter(view, caller, today, state, q)
    total, items = cases.page(f, offset=(page - 1) * size, limit=size, by_deadline=view != "all")
    context = {
        "items": [_decorated(c, today, store.unit_names) for c in items],
        "total": total,
        "page": page,
        "pages": max(1, -(-total // size)),
        "view": view,
        "views": VIEWS,
        "state": state if state in STATES else None,
        "states": STATES,
        "q": q or "",
        "caller": caller,
        "quick": view == "new" and caller.can(Permission.CASES_ACT),  # 一键督办: to oneself, in the case's unit
        "check_due": _days_after(today, request.app.state.config.settings.cases.check_days),
    }
    return render(request, "cases.html", context)


def _decorated(case: dict[str, Any], today: dt.date, unit_names: dict[str, str]) -> dict[str, Any]:
    """A case row with what a list shows: unit names, the deadline now due, and whether it has passed."""
    due = overdue_deadline(case)  # the one escalation runs against
    return {
        **case,
        "unit_name": unit_names.get(case["unit_id"] or "", case["unit_id"]),
        "assigned_unit_name": unit_names.get(case["assigned_unit"] or "", case["assigned_unit"]),
        "escalated_to_name": unit_names.get(case["escalated_to"] or "", case["escalated_to"]),
        "due": due,
        "overdue": bool(due and due < today.isoformat()),
    }


@router.get("/pages/cases/{case_id}", response_class=HTMLResponse)
def case_page(
    case_id: int,
    request: Request,
    cases: CaseDep,
    store: StoreDep,
    audit: AuditDep,
    feedback: FeedbackDep,
    caller: Inspector,
    done: str | None = None,
) -> Response:
    found = cases.get(case_id, caller.units) if 1 <= case_id <= 2**31 else None
    if found is None:
        raise HTTPException(404, f"case {case_id} not found")
    context = _case_context(request, found, store, audit, feedback, caller)
    return render(request, "case.html", {**context, "done": done if done in ALLOWED_FROM else None})


def _case_context(
    request: Request,
    case: dict[str, Any],
    store: StoreDep,
    audit: AuditDep,
    feedback: FeedbackDep,
    caller: Caller,
) -> dict[str, Any]:
    """The case, its project as the project page shows it, and the steps the caller may take next."""
    today = now_local().date()
    detail = None
    lang = page_lang(request)
    if case["project_id"]:
        detail = read_project(store, audit, feedback, caller, case["project_id"], str(request.url.path))
    if detail is not None:
        warnings = readable(store, audit, caller, detail["warnings"], lang, str(request.url.path))
        detail = {**detail, "warnings": warnings}
    settings = request.app.state.config.settings.cases
    may_act = caller.can(Permission.CASES_ACT)
    return {
        "case": _decorated(case, today, store.unit_names),
        "d": detail,
        "plot": waterfall((detail or {}).get("project", {}).get("top_factors") or [], lang),
        "code": translator(lang),
        "actions": [a for a, froms in ALLOWED_FROM.items() if case["state"] in froms] if may_act else [],
        "fields": FIELDS,
        "required": REQUIRED,
        "verdicts": VERDICTS,
        "schemes": SCHEMES,
        "units": _unit_choices(store.unit_names, caller.units),
        "unit_names": store.unit_names,
        "check_due": _days_after(today, settings.check_days),
        "rectify_due": _days_after(today, settings.rectify_days),
        "today": today.isoformat(),
        "caller": caller,
    }


def _days_after(today: dt.date, days: int) -> str:
    """A deadline a form proposes, as the date input wants it."""
    return (today + dt.timedelta(days=days)).isoformat()


def _unit_choices(names: dict[str, str], scope: frozenset[str] | None) -> list[tuple[str, str]]:
    """The units a case may be assigned to: those of the caller's scope (all for an unscoped key)."""
    return sorted((u, n) for u, n in names.items() if scope is None or u in scope)


@router.post("/pages/cases/{case_id}/transition")
async def case_transition(
    case_id: int,
    request: Request,
    cases: CaseDep,
    store: StoreDep,
    audit: AuditDep,
    feedback: FeedbackDep,
    caller: Inspector,
) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str) and v.strip()}
    found = cases.get(case_id, caller.units) if 1 <= case_id <= 2**31 else None
    if found is None:
        raise HTTPException(404, f"case {case_id} not found")
    t = MESSAGES[page_lang(request)]
    if not caller.can(Permission.CASES_ACT):
        return _refused(request, found, store, audit, feedback, caller, t["forbidden"], 403)
    try:
        body = TransitionIn.model_validate({k: v.strip() for k, v in form.items()})
        cases.transition(
            case_id,
            body.action,
            body.fields(),
            Actor(caller.key.key_id, caller.key.name),
            today=now_local().date(),
            version=body.version,
            units=caller.units,
        )
    except ValidationError as exc:
        message = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_input=False))
        return _refused(request, found, store, audit, feedback, caller, message, 422)
    except CaseNotFound:
        raise HTTPException(404, f"case {case_id} not found") from None
    except TransitionError as exc:
        return _refused(request, found, store, audit, feedback, caller, str(exc), 409 if exc.conflict else 422)
    return RedirectResponse(f"/pages/cases/{case_id}?done={body.action}", status_code=303)


def _refused(
    request: Request,
    case: dict[str, Any],
    store: StoreDep,
    audit: AuditDep,
    feedback: FeedbackDep,
    caller: Caller,
    message: str,
    status_code: int,
) -> Response:
    """The case page again (re-read: someone may have moved it), with why the step was refused."""
    fresh = case if status_code == 403 else (request.app.state.cases.get(case["case_id"], caller.units) or case)
    context = _case_context(request, fresh, store, audit, feedback, caller)
    return render(request, "case.html", {**context, "error": message, "done": None}, status_code=status_code)
