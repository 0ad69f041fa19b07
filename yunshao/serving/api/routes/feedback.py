"""POST /v1/feedback: the outcome of a check, stored durably and idempotently (a label for the next run)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status

from yunshao.serving.api.deps import Caller, FeedbackDep, StoreDep, require
from yunshao.serving.core.localtime import naive_local, now_local
from yunshao.serving.core.security import Permission
from yunshao.serving.feedback import FeedbackConflict, FeedbackStore
from yunshao.serving.models.responses import FeedbackIn, FeedbackOut
from yunshao.serving.store import Store

router = APIRouter(tags=["feedback"])


def save_feedback(
    store: Store, feedback: FeedbackStore, caller: Caller, body: FeedbackIn
) -> tuple[dict[str, Any], bool]:
    """Resolve the entity in the store (a warning becomes its project), then store the outcome once."""
    found = store.find_entity(body.entity_type, body.entity_id)
    if found is None or not caller.sees_unit(found.get("unit_id")):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"{body.entity_type} '{body.entity_id}' not found in the store")
    entity_type, entity_id, warning_id, scheme = body.entity_type, body.entity_id, None, body.scheme
    if body.entity_type == "warning":
        warning_id = body.entity_id
        if found.get("project_id") is None:
            raise HTTPException(422, f"warning '{body.entity_id}' concerns no project; send feedback on its entity")
        entity_type, entity_id = "project", str(found["project_id"])
        scheme = scheme or found.get("scheme")
    decided = now_local() if body.decided_at is None else naive_local(body.decided_at)
    record = {
        "client_key": body.client_key,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "warning_id": warning_id,
        "outcome": body.outcome,
        "scheme": scheme,
        "note": body.note,
        "who": body.who or caller.key.name,
        "key_id": caller.key.key_id,
        "decided_at": decided.isoformat(timespec="seconds"),
    }
    try:
        saved = feedback.save(record)
    except FeedbackConflict as exc:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"client_key '{exc.args[0]}' was already used, for a different outcome or by another key",
        ) from exc
    return saved.row, saved.created


@router.post(
    "/feedback",
    response_model=FeedbackOut,
    status_code=status.HTTP_201_CREATED,
    summary="Record the outcome of a check",
    responses={200: {"description": "replay of a client key already stored"}, 409: {"description": "key reused"}},
)
def post_feedback(
    body: FeedbackIn,
    request: Request,
    response: Response,
    store: StoreDep,
    feedback: FeedbackDep,
    caller: Annotated[Caller, Depends(require(Permission.FEEDBACK))],
) -> dict[str, Any]:
    row, created = save_feedback(store, feedback, caller, body)
    if created:
        request.app.state.metrics.feedback.labels(body.outcome).inc()
    else:
        response.status_code = status.HTTP_200_OK
    return {**row, "created": created}
