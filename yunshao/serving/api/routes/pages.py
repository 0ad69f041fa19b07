"""Server-rendered pages for inspectors: warnings, a project, a post, and the feedback form.

Pages log in with an API key too: the login form sets it as an HttpOnly, SameSite=Strict cookie, which
the same key check reads (role ``inspector`` or ``admin``). Chinese by default; ``?lang=en`` switches
and is remembered in a cookie.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from yunshao.contract.schema import DOMAINS, OUTCOMES, SCHEMES
from yunshao.serving.api.deps import SESSION_COOKIE, AuditDep, Caller, FeedbackDep, PageQuery, StoreDep, require
from yunshao.serving.api.routes.feedback import save_feedback
from yunshao.serving.core.security import Permission, allowed
from yunshao.serving.i18n import MESSAGES, action_name, node_name
from yunshao.serving.models.responses import FeedbackIn
from yunshao.serving.plots import waterfall
from yunshao.serving.reads import list_warnings, read_post, read_project

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parents[2] / "templates")
templates.env.filters["pretty"] = lambda value: json.dumps(value, ensure_ascii=False, indent=2, default=str)
templates.env.filters["when"] = lambda value: str(value or "").replace("T", " ")
Inspector = Annotated[Caller, Depends(require(Permission.PAGES, page=True))]


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("lang") or request.app.state.config.serve.lang
    return lang if lang in MESSAGES else "zh"


def _render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    lang = _lang(request)
    base = {"t": MESSAGES[lang], "lang": lang, "node_name": node_name, "action_name": action_name}
    response = templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)
    if request.query_params.get("lang") in MESSAGES:
        response.set_cookie("lang", lang, httponly=True, samesite="strict")
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self'; img-src 'self' data:"
    return response


def render_error(request: Request, message: str, status_code: int) -> Response:
    """The error page in the request's language (a 404 says "not found" in it)."""
    t = MESSAGES[_lang(request)]
    shown = t["not_found"] + ": " + message if status_code == 404 else message
    return _render(request, "error.html", {"message": shown}, status_code=status_code)


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/pages/warnings", status_code=303)


@router.get("/pages/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/pages/warnings", error: str | None = None) -> Response:
    return _render(request, "login.html", {"next": _safe_next(next), "error": error})


@router.post("/pages/login")
def login(request: Request, key: Annotated[str, Form()], next: Annotated[str, Form()] = "/pages/warnings") -> Response:
    found = request.app.state.keys.verify(key.strip())
    if found is None:
        return _render(request, "login.html", {"next": _safe_next(next), "error": "401"}, status_code=401)
    if not allowed(found.role, Permission.PAGES):
        return _render(request, "error.html", {"message": MESSAGES[_lang(request)]["forbidden"]}, status_code=403)
    serve = request.app.state.config.serve
    old = request.cookies.get(SESSION_COOKIE)
    token = request.app.state.sessions.start(found.key_id, serve.session_hours, replacing=old)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(serve.session_hours * 3600),
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/",
    )
    return response


def _secure(request: Request) -> bool:
    """Secure cookies unless told otherwise, or (by default) on plain HTTP to this machine itself."""
    setting = request.app.state.config.serve.secure_cookies
    if setting is not None:
        return bool(setting)
    local = (request.client.host if request.client else "") in ("127.0.0.1", "::1", "localhost", "testclient")
    return request.url.scheme == "https" or not local


@router.get("/pages/logout")
def logout(request: Request) -> Response:
    request.app.state.sessions.end(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/pages/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _safe_next(target: str) -> str:
    """Only paths of this site (no open redirect)."""
    return target if target.startswith("/pages/") and "//" not in target else "/pages/warnings"


@router.get("/pages/warnings", response_class=HTMLResponse)
def warnings_page(
    request: Request,
    store: StoreDep,
    audit: AuditDep,
    caller: Inspector,
    level: str | None = None,
    unit: str | None = None,
    domain: str | None = None,
    rule: str | None = None,
    page: PageQuery = 1,
) -> Response:
    filters = {
        "level": level if level in ("red", "yellow") else None,
        "unit": unit or None,
        "domain": domain if domain in DOMAINS else None,
        "rule": rule or None,
    }
    size = request.app.state.config.serve.page_size
    result = list_warnings(
        store, audit, caller, **filters, since=None, page=page, page_size=size, path=str(request.url.path)
    )
    pages = max(1, -(-result["total"] // size))
    return _render(
        request,
        "warnings.html",
        {"result": result, "filters": filters, "domains": DOMAINS, "pages": pages, "caller": caller},
    )


@router.get("/pages/projects/{project_id}", response_class=HTMLResponse)
def project_page(
    project_id: str,
    request: Request,
    store: StoreDep,
    audit: AuditDep,
    feedback: FeedbackDep,
    caller: Inspector,
    saved: int = 0,
) -> Response:
    detail = read_project(store, audit, feedback, caller, project_id, str(request.url.path))
    if detail is None:
        raise HTTPException(404, f"project '{project_id}' not found")
    plot = waterfall(detail["project"].get("top_factors") or [], _lang(request))
    return _render(
        request,
        "project.html",
        {
            "d": detail,
            "plot": plot,
            "outcomes": OUTCOMES,
            "schemes": SCHEMES,
            "client_key": secrets.token_urlsafe(16),
            "saved": bool(saved),
            "caller": caller,
        },
    )


@router.post("/pages/projects/{project_id}/feedback")
def project_feedback(
    project_id: str,
    request: Request,
    store: StoreDep,
    feedback: FeedbackDep,
    caller: Inspector,
    outcome: Annotated[str, Form()],
    client_key: Annotated[str, Form()],
    scheme: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    warning_id: Annotated[str, Form()] = "",
) -> Response:
    try:
        body = FeedbackIn(
            entity_type="warning" if warning_id else "project",
            entity_id=warning_id or project_id,
            outcome=outcome,
            scheme=scheme or None,
            note=note or None,
            client_key=client_key,
        )
    except ValidationError as exc:
        return _render(request, "error.html", {"message": str(exc)}, status_code=422)
    save_feedback(store, feedback, caller, body)
    return RedirectResponse(f"/pages/projects/{project_id}?saved=1", status_code=303)


@router.get("/pages/posts/{post_id}", response_class=HTMLResponse)
def post_page(post_id: str, request: Request, store: StoreDep, audit: AuditDep, caller: Inspector) -> Response:
    detail = read_post(store, audit, caller, post_id, str(request.url.path))
    if detail is None:
        raise HTTPException(404, f"post '{post_id}' not found")
    plot = waterfall(detail["post"].get("top_factors") or [], _lang(request))
    return _render(request, "post.html", {"d": detail, "plot": plot, "caller": caller})
