"""Dependencies of the routes: the app's services and the caller's key, checked before any data is read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request, Security, status
from fastapi.security import APIKeyCookie, APIKeyHeader

from yunshao.cases.store import CaseStore
from yunshao.serving.core.audit import AuditLog
from yunshao.serving.core.localtime import naive_local
from yunshao.serving.core.masking import mask
from yunshao.serving.core.security import Permission, allowed
from yunshao.serving.feedback import FeedbackStore
from yunshao.serving.keys import ApiKey, KeyStore
from yunshao.serving.store import Store

KEY_HEADER = "X-API-Key"
SESSION_COOKIE = "yunshao_session"
api_key_header = APIKeyHeader(name=KEY_HEADER, auto_error=False, description="an API key (`yunshao keys create`)")
session_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="the pages' login session")


@dataclass(frozen=True)
class Caller:
    key: ApiKey
    units: frozenset[str] | None = None  # the units the key's scope covers; None = all

    def can(self, permission: Permission) -> bool:
        return allowed(self.key.role, permission)

    def sees_unit(self, unit_id: str | None) -> bool:
        """Whether a record of ``unit_id`` is in scope (a record without a unit only for unscoped keys)."""
        return self.units is None or (unit_id is not None and unit_id in self.units)

    def shown(self, value: Any, names: frozenset[str]) -> Any:
        """``value`` as this caller may see it (names and id_hash masked without the right)."""
        return value if self.can(Permission.NAMES) else mask(value, names)


class NotLoggedIn(HTTPException):
    """401 on a page: answered with a redirect to the login form (see app.py)."""


def store(request: Request) -> Store:
    return request.app.state.store


def keys(request: Request) -> KeyStore:
    return request.app.state.keys


def audit(request: Request) -> AuditLog:
    return request.app.state.audit


def feedback_store(request: Request) -> FeedbackStore:
    return request.app.state.feedback


def case_store(request: Request) -> CaseStore:
    return request.app.state.cases


def require(permission: Permission, *, page: bool = False) -> Callable[..., Caller]:
    """A dependency: 401 without a valid key, 403 when the key's role lacks ``permission``."""

    def check(
        request: Request,
        header: Annotated[str | None, Security(api_key_header)],
        cookie: Annotated[str | None, Security(session_cookie)],
    ) -> Caller:
        state = request.app.state
        key = state.keys.verify(header) if header else None
        if key is None and page and cookie and not header:
            key_id = state.sessions.key_of(cookie)
            key = state.keys.get(key_id) if key_id else None
        if key is None:
            detail = "missing API key" if not (header or cookie) else "invalid or revoked API key"
            exc_type = NotLoggedIn if page else HTTPException
            raise exc_type(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": KEY_HEADER})
        if not allowed(key.role, permission):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"role '{key.role}' may not {permission.value}")
        request.state.caller = key
        return Caller(key, state.store.units_of_scope(key.scope))

    check.permission = permission  # type: ignore[attr-defined]  # read by the scope × role × route tests
    return check


StoreDep = Annotated[Store, Depends(store)]
AuditDep = Annotated[AuditLog, Depends(audit)]
FeedbackDep = Annotated[FeedbackStore, Depends(feedback_store)]
CaseDep = Annotated[CaseStore, Depends(case_store)]

#: list paging, bounded so that an offset never overflows (page 2**63 gave a 500)
MAX_PAGE = 1_000_000
PageQuery = Annotated[int, Query(ge=1, le=MAX_PAGE, description="page number, from 1")]
PageSizeQuery = Annotated[
    int | None, Query(ge=1, le=10_000, description="default: settings; at most `serve.max_page_size`")
]


def local_time(value: dt.datetime) -> dt.datetime:
    """A caller's timestamp as the store's naive local time; 422 when the conversion leaves the calendar
    (year 9999 with a negative offset, year 1 with a positive one), which was an OverflowError's 500."""
    try:
        return naive_local(value)
    except ValueError:
        raise HTTPException(422, "timestamp out of range once converted to local time") from None
