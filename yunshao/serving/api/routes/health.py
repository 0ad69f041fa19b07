"""GET /health (liveness and what is loaded) and GET /metrics (Prometheus text format)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST

from yunshao.serving.models.responses import Health

router = APIRouter(tags=["operations"])


@router.get("/health", response_model=Health, summary="Liveness, store and model")
def health(request: Request) -> dict[str, Any]:
    state = request.app.state
    scoring = state.batcher is not None
    return {
        "status": "ok" if scoring else "degraded",
        "store": str(state.config.store),
        "scoring": scoring,
        "model_version": state.model_version,
        "notes": state.notes,
    }


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
