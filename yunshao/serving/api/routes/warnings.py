"""GET /v1/warnings: the latest run's warnings, filtered and paginated."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from yunshao.contract.schema import DOMAINS
from yunshao.serving.api.deps import AuditDep, Caller, PageQuery, PageSizeQuery, StoreDep, local_time, require
from yunshao.serving.core.security import Permission
from yunshao.serving.models.responses import Page, WarningItem
from yunshao.serving.reads import list_warnings

router = APIRouter(tags=["warnings"])


@router.get("/warnings", response_model=Page[WarningItem], summary="Warnings of the latest run")
def get_warnings(
    request: Request,
    store: StoreDep,
    audit: AuditDep,
    caller: Annotated[Caller, Depends(require(Permission.READ))],
    level: Annotated[Literal["red", "yellow"] | None, Query(description="warning severity")] = None,
    unit: Annotated[str | None, Query(description="unit_id of the project")] = None,
    rule: Annotated[str | None, Query(description="rule id")] = None,
    domain: Annotated[Literal[DOMAINS] | None, Query(description="project domain")] = None,  # type: ignore[valid-type]
    since: Annotated[dt.datetime | None, Query(description="projects with trail activity at or after")] = None,
    page: PageQuery = 1,
    page_size: PageSizeQuery = None,
) -> dict[str, object]:
    serve = request.app.state.config.serve
    size = min(page_size or serve.page_size, serve.max_page_size)
    return list_warnings(
        store,
        audit,
        caller,
        level=level,
        unit=unit,
        rule=rule,
        domain=domain,
        since=None if since is None else local_time(since),
        page=page,
        page_size=size,
        path=str(request.url.path),
    )
