"""GET /v1/posts/{id}: a post, who held it, the projects it acted on, its warnings and score."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request

from yunshao.serving.api.deps import AuditDep, Caller, StoreDep, require
from yunshao.serving.core.security import Permission
from yunshao.serving.models.responses import PostDetail
from yunshao.serving.reads import read_post

router = APIRouter(tags=["posts"])


@router.get(
    "/posts/{post_id}",
    responses={404: {"description": "no such post in the store, or outside the key's scope"}},
    response_model=PostDetail,
    summary="One post (岗位) of the latest run",
)
def get_post(
    post_id: str,
    request: Request,
    store: StoreDep,
    audit: AuditDep,
    caller: Annotated[Caller, Depends(require(Permission.READ))],
) -> dict[str, Any]:
    detail = read_post(store, audit, caller, post_id, str(request.url.path))
    if detail is None:
        raise HTTPException(404, f"post '{post_id}' not found in the store")
    return detail
