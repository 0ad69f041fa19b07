"""GET /v1/projects/{id}: a project, its trail, tenders, warnings, scores and feedback."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request

from yunshao.serving.api.deps import AuditDep, Caller, FeedbackDep, StoreDep, require
from yunshao.serving.core.security import Permission
from yunshao.serving.models.responses import ProjectDetail
from yunshao.serving.reads import read_project

router = APIRouter(tags=["projects"])


@router.get(
    "/projects/{project_id}",
    responses={404: {"description": "no such project in the store, or outside the key's scope"}},
    response_model=ProjectDetail,
    summary="One project of the latest run",
)
def get_project(
    project_id: str,
    request: Request,
    store: StoreDep,
    audit: AuditDep,
    feedback: FeedbackDep,
    caller: Annotated[Caller, Depends(require(Permission.READ))],
) -> dict[str, Any]:
    detail = read_project(store, audit, feedback, caller, project_id, str(request.url.path))
    if detail is None:
        raise HTTPException(404, f"project '{project_id}' not found in the store")
    return detail
