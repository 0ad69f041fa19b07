"""What every server-rendered page shares: the templates, the request's language, the security headers.

Pages log in with an API key turned into a server-side session (see ``routes/pages.py``); role
``inspector`` or ``admin``. Chinese by default; ``?lang=en`` switches and is remembered in a cookie.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from yunshao.serving.api.deps import Caller, require
from yunshao.serving.core.localtime import naive_local
from yunshao.serving.core.security import Permission
from yunshao.serving.i18n import MESSAGES, action_name, node_name

templates = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates")
templates.env.filters["pretty"] = lambda value: json.dumps(value, ensure_ascii=False, indent=2, default=str)
templates.env.filters["when"] = lambda value: str(value or "").replace("T", " ")


def local_minute(value: str | None) -> str:
    """A stored UTC timestamp (the case store's ``at``) as local time to the minute, as people read it."""
    if not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return naive_local(moment).strftime("%Y-%m-%d %H:%M")


templates.env.filters["local"] = local_minute
Inspector = Annotated[Caller, Depends(require(Permission.PAGES, page=True))]


def page_lang(request: Request) -> str:
    """``?lang=``, else the ``lang`` cookie, else the server's setting; ``zh`` when none is known."""
    lang = request.query_params.get("lang") or request.cookies.get("lang") or request.app.state.config.serve.lang
    return lang if lang in MESSAGES else "zh"


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """A template in the request's language, with the headers every page carries."""
    lang = page_lang(request)
    base = {"t": MESSAGES[lang], "lang": lang, "node_name": node_name, "action_name": action_name}
    response = templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)
    if request.query_params.get("lang") in MESSAGES:
        response.set_cookie("lang", lang, httponly=True, samesite="strict")
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self'; img-src 'self' data:"
    return response


def render_error(request: Request, message: str, status_code: int) -> Response:
    """The error page in the request's language (a 404 says "not found" in it)."""
    t = MESSAGES[page_lang(request)]
    shown = t["not_found"] + ": " + message if status_code == 404 else message
    return render(request, "error.html", {"message": shown}, status_code=status_code)
