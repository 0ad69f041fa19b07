"""Error replies: short, never echoing what the caller sent, and HTML on the pages.

A 422 names each refused field by its path with pydantic's message and type — not the value: echoing
the input put NaN into the JSON reply (a 500), sent back bodies of many megabytes, and repeated any
personal data a body held. A page that fails answers with the error page, not the API's JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

MAX_ERRORS = 50
MAX_MESSAGE = 300

#: documented on every /v1 route (what the OpenAPI schema promises a client may see)
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "missing, invalid or revoked API key"},
    403: {"description": "the key's role may not do this"},
    413: {"description": "request body larger than `serve.max_body_bytes`"},
    422: {"description": "invalid request: each refused field by its path (the values are not echoed)"},
}
#: also documented on the routes that read a JSON body: one whose bytes cannot be decoded at all (not UTF-8)
#: is refused by FastAPI before any validation (Schemathesis found it undocumented)
BAD_BODY: dict[int | str, dict[str, Any]] = {400: {"description": "the body could not be read (not UTF-8 JSON)"}}


def refused_fields(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Path, message and type of each error; at most ``MAX_ERRORS``."""
    out = []
    for error in errors[:MAX_ERRORS]:
        loc = [part if isinstance(part, int | str) else str(part) for part in error.get("loc", ())]
        out.append({"loc": loc, "msg": str(error.get("msg", ""))[:MAX_MESSAGE], "type": str(error.get("type", ""))})
    return out


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        if request.url.path.startswith("/pages/"):
            message = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in refused_fields(errors))
            return _page_error(request, message, 422)
        body = {"detail": refused_fields(errors), "errors": len(errors)}
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/pages/"):
            return _page_error(request, str(exc.detail), exc.status_code)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


def _page_error(request: Request, message: str, code: int) -> Response:
    from yunshao.serving.api.rendering import render_error

    return render_error(request, message, code)
