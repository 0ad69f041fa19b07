"""POST /v1/score and /v1/score/batch: bundles from a case system scored as the batch run scores them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field

from yunshao.serving.api.deps import Caller, require
from yunshao.serving.api.errors import BAD_BODY
from yunshao.serving.bundles import check_bundles
from yunshao.serving.core.security import Permission
from yunshao.serving.models.contract_rows import ProjectBundle
from yunshao.serving.models.responses import ScoreBatch, ScoreResult

router = APIRouter(tags=["score"])
Scorer = Annotated[Caller, Depends(require(Permission.SCORE))]
SCORE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **BAD_BODY,
    503: {"description": "scoring is not available (no model loaded): `/health` says why"},
}


class ScoreBatchRequest(BaseModel):
    bundles: list[ProjectBundle] = Field(min_length=1, description="one bundle per project")  # type: ignore[valid-type]


async def _score(request: Request, bundles: Sequence[BaseModel], prefix: tuple[Any, ...], lang: str) -> list[Any]:
    state = request.app.state
    if state.batcher is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "scoring is not available: " + "; ".join(state.notes))
    errors = check_bundles(bundles, state.engine.known_ids, prefix=prefix)
    if errors:
        raise RequestValidationError(errors)
    results = await state.batcher.submit([(b, lang) for b in bundles])
    state.metrics.scored.inc(len(bundles))
    return results


@router.post("/score", response_model=ScoreResult, summary="Score one project's bundle", responses=SCORE_RESPONSES)
async def score_one(
    bundle: ProjectBundle,  # type: ignore[valid-type]
    request: Request,
    caller: Scorer,
    lang: Annotated[str, Query(pattern="^(zh|en)$", description="language of the guides")] = "zh",
) -> Any:
    return (await _score(request, [bundle], ("body",), lang))[0]


@router.post(
    "/score/batch",
    response_model=ScoreBatch,
    summary="Score many projects' bundles in one call",
    responses=SCORE_RESPONSES,
)
async def score_batch(
    body: ScoreBatchRequest,
    request: Request,
    caller: Scorer,
    lang: Annotated[str, Query(pattern="^(zh|en)$")] = "zh",
) -> dict[str, Any]:
    limit = request.app.state.config.serve.max_batch_bundles
    if len(body.bundles) > limit:
        raise RequestValidationError(
            [{"loc": ["body", "bundles"], "msg": f"at most {limit} bundles per call", "type": "too_long"}]
        )
    results = await _score(request, body.bundles, ("body", "bundles"), lang)
    return {"count": len(results), "results": results}
