"""/v1/cases: the warnings followed to their close — list, one case with its history, transitions."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi import Path as PathParam

from yunshao.cases.lifecycle import TransitionError
from yunshao.cases.store import Actor, CaseFilter, CaseNotFound
from yunshao.serving.api.deps import Caller, CaseDep, PageQuery, PageSizeQuery, require
from yunshao.serving.api.errors import BAD_BODY
from yunshao.serving.core.localtime import now_local
from yunshao.serving.core.security import Permission
from yunshao.serving.models.responses import CaseDetail, CaseItem, Page, TransitionIn

router = APIRouter(tags=["cases"])
CaseReader = Annotated[Caller, Depends(require(Permission.CASES))]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such case, or outside the key's scope"}}


@router.get("/cases", response_model=Page[CaseItem], summary="Cases, filtered and paginated")
def list_cases(
    request: Request,
    cases: CaseDep,
    caller: CaseReader,
    state: Annotated[
        Literal["new", "assigned", "checking", "confirmed", "partial", "unfounded", "rectifying", "closed"] | None,
        Query(description="lifecycle state"),
    ] = None,
    open: Annotated[bool, Query(description="only cases not closed")] = False,
    overdue: Annotated[bool, Query(description="only cases past the deadline of their state")] = False,
    escalated: Annotated[bool, Query(description="only cases escalated to a superior unit")] = False,
    mine: Annotated[bool, Query(description="only cases assigned to the key's holder (inbox)")] = False,
    unit: Annotated[str | None, Query(max_length=200, description="unit_id the case belongs to")] = None,
    severity: Annotated[Literal["red", "yellow"] | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=200, description="project name or id")] = None,
    page: PageQuery = 1,
    page_size: PageSizeQuery = None,
) -> dict[str, Any]:
    serve = request.app.state.config.serve
    size = min(page_size or serve.page_size, serve.max_page_size)
    f = CaseFilter(
        state=state,
        open_only=open,
        overdue_on=now_local().date() if overdue else None,
        escalated=escalated,
        inspector=caller.key.name if mine else None,
        unit=unit,
        severity=severity,
        search=q,
        units=caller.units,
    )
    total, items = cases.page(f, offset=(page - 1) * size, limit=size, by_deadline=mine or overdue)
    return {"items": items, "total": total, "page": page, "page_size": size}


@router.get("/cases/{case_id}", response_model=CaseDetail, summary="One case and its history", responses=_NOT_FOUND)
def get_case(case_id: Annotated[int, PathParam(ge=1, le=2**31)], cases: CaseDep, caller: CaseReader) -> dict[str, Any]:
    found = cases.get(case_id, caller.units)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"case {case_id} not found")
    return found


@router.post(
    "/cases/{case_id}/transitions",
    response_model=CaseDetail,
    summary="Move a case along its lifecycle (assign, check, verdict, rectify, close)",
    responses={
        **_NOT_FOUND,
        **BAD_BODY,
        409: {"description": "the case's state does not allow this action, or it changed since `version`"},
    },
)
def transition(
    case_id: Annotated[int, PathParam(ge=1, le=2**31)],
    body: TransitionIn,
    cases: CaseDep,
    caller: Annotated[Caller, Depends(require(Permission.CASES_ACT))],
) -> dict[str, Any]:
    actor = Actor(caller.key.key_id, caller.key.name)
    try:
        return cases.transition(
            case_id,
            body.action,
            body.fields(),
            actor,
            today=now_local().date(),
            version=body.version,
            units=caller.units,
        )
    except CaseNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"case {case_id} not found") from None
    except TransitionError as exc:
        code = status.HTTP_409_CONFLICT if exc.conflict else 422
        raise HTTPException(code, str(exc)) from None
