"""Server-rendered pages for inspectors: log in and out, warnings, a project, a post, the feedback form.

The login form checks an API key and starts a server-side session (an HttpOnly, SameSite=Strict cookie
holding a random id; the key itself never leaves the form).
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from yunshao.cases.store import CaseFilter, CaseStore
from yunshao.contract.schema import DOMAINS, OUTCOMES, SCHEMES
from yunshao.serving.api.deps import SESSION_COOKIE, AuditDep, Caller, CaseDep, FeedbackDep, PageQuery, StoreDep
from yunshao.serving.api.rendering import Inspector, page_lang, render
from yunshao.serving.api.routes.feedback import save_feedback
from yunshao.serving.codes import translator
from yunshao.serving.core.security import Permission, allowed
from yunshao.serving.i18n import MESSAGES
from yunshao.serving.models.responses import FeedbackIn
from yunshao.serving.plots import waterfall
from yunshao.serving.reads import list_warnings, read_post, read_project, readable

router = APIRouter(include_in_schema=False)
#: a project's id or part of its name, as typed into the warnings page's search box
SearchQuery = Annotated[str | None, Query(max_length=200)]


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/pages/warnings", status_code=303)


@router.get("/pages/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/pages/warnings", error: str | None = None) -> Response:
    return render(request, "login.html", {"next": _safe_next(next), "error": error})


@router.post("/pages/login")
def login(request: Request, key: Annotated[str, Form()], next: Annotated[str, Form()] = "/pages/warnings") -> Response:
    found = request.app.state.keys.verify(key.strip())
    if found is None:
        return render(request, "login.html", {"next": _safe_next(next), "error": "401"}, status_code=401)
    if not allowed(found.role, Permission.PAGES):
        return render(request, "error.html", {"message": MESSAGES[page_lang(request)]["forbidden"]}, status_code=403)
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
    q: SearchQuery = None,
    page: PageQuery = 1,
) -> Response:
    filters = {
        "level": level if level in ("red", "yellow") else None,
        "unit": unit or None,
        "domain": domain if domain in DOMAINS else None,
        "rule": rule or None,
        "q": (q or "").strip() or None,
    }
    size = request.app.state.config.serve.page_size
    result = list_warnings(
        store, audit, caller, **filters, since=None, page=page, page_size=size, path=str(request.url.path)
    )
    lang = page_lang(request)
    result["items"] = readable(store, audit, caller, result["items"], lang, str(request.url.path))
    pages = max(1, -(-result["total"] // size))
    context = {"result": result, "filters": filters, "domains": DOMAINS, "pages": pages, "caller": caller}
    return render(request, "warnings.html", {**context, "code": translator(lang)})


@router.get("/pages/projects/{project_id}", response_class=HTMLResponse)
def project_page(
    project_id: str,
    request: Request,
    store: StoreDep,
    audit: AuditDep,
    feedback: FeedbackDep,
    cases: CaseDep,
    caller: Inspector,
    saved: int = 0,
) -> Response:
    detail = read_project(store, audit, feedback, caller, project_id, str(request.url.path))
    if detail is None:
        raise HTTPException(404, f"project '{project_id}' not found")
    lang = page_lang(request)
    detail = {**detail, "warnings": readable(store, audit, caller, detail["warnings"], lang, str(request.url.path))}
    plot = waterfall(detail["project"].get("top_factors") or [], lang)
    return render(
        request,
        "project.html",
        {
            "d": detail,
            "case_of": _cases_of(cases, project_id, caller),
            "code": translator(lang),
            "plot": plot,
            "outcomes": OUTCOMES,
            "schemes": SCHEMES,
            "client_key": secrets.token_urlsafe(16),
            "saved": bool(saved),
            "caller": caller,
        },
    )


def _cases_of(cases: CaseStore, project_id: str, caller: Caller) -> dict[str, dict[str, Any]]:
    """The project's cases by the warning they follow (``""`` for the red project's own case)."""
    _, found = cases.page(CaseFilter(project=project_id, units=caller.units), offset=0, limit=1000)
    return {c["warning_id"] or "": c for c in found}


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
        return render(request, "error.html", {"message": str(exc)}, status_code=422)
    save_feedback(store, feedback, caller, body)
    return RedirectResponse(f"/pages/projects/{project_id}?saved=1", status_code=303)


@router.get("/pages/posts/{post_id}", response_class=HTMLResponse)
def post_page(post_id: str, request: Request, store: StoreDep, audit: AuditDep, caller: Inspector) -> Response:
    detail = read_post(store, audit, caller, post_id, str(request.url.path))
    if detail is None:
        raise HTTPException(404, f"post '{post_id}' not found")
    lang = page_lang(request)
    detail = {**detail, "warnings": readable(store, audit, caller, detail["warnings"], lang, str(request.url.path))}
    plot = waterfall(detail["post"].get("top_factors") or [], lang)
    return render(request, "post.html", {"d": detail, "plot": plot, "caller": caller, "code": translator(lang)})
