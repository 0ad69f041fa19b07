"""Dependencies of the routes: the app's services and the caller's key, checked before any data is read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyCookie, APIKeyHeader

from yunshao.serving.core.audit import AuditLog
from yunshao.serving.core.masking import mask
from yunshao.serving.core.security import Permission, allowed
from yunshao.serving.feedback import FeedbackStore
from yunshao.serving.keys import ApiKey, KeyStore
from yunshao.serving.store import Store

KEY_HEADER = "X-API-Key"
KEY_COOKIE = "yunshao_key"
api_key_header = APIKeyHeader(name=KEY_HEADER, auto_error=False, description="an API key (`yunshao keys create`)")
api_key_cookie = APIKeyCookie(name=KEY_COOKIE, auto_error=False, description="the pages' login cookie")


@dataclass(frozen=True)
class Caller:
    key: ApiKey

    def can(self, permission: Permission) -> bool:
        return allowed(self.key.role, permission)

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


def require(permission: Permission, *, page: bool = False) -> Callable[..., Caller]:
    """A dependency: 401 without a valid key, 403 when the key's role lacks ``permission``."""

    def check(
        request: Request,
        header: Annotated[str | None, Security(api_key_header)],
        cookie: Annotated[str | None, Security(api_key_cookie)],
    ) -> Caller:
        token = header or (cookie if page else None)
        key = request.app.state.keys.verify(token)
        if key is None:
            detail = "missing API key" if not token else "invalid or revoked API key"
            exc_type = NotLoggedIn if page else HTTPException
            raise exc_type(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": KEY_HEADER})
        if not allowed(key.role, permission):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"role '{key.role}' may not {permission.value}")
        request.state.caller = key
        return Caller(key)

    return check


StoreDep = Annotated[Store, Depends(store)]
AuditDep = Annotated[AuditLog, Depends(audit)]
FeedbackDep = Annotated[FeedbackStore, Depends(feedback_store)]
