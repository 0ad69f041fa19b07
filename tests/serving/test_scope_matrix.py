"""Scope × role × route, for every route the app declares (API and pages), derived from the app itself
so that a new route is covered the day it is added: a role without the route's permission gets 403; a key
scoped to the unit that holds the record reads it; a key scoped to another unit gets 404 for the record
(existence not confirmed) and lists without it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.serving.conftest import auth
from yunshao.serving.core.security import ROLES, Permission, allowed
from yunshao.serving.keys import KeyStore
from yunshao.settings import Settings

#: every record the fixture's unit U1 holds, by path parameter ("case_id" is looked up: ids are assigned)
SAMPLES = {"project_id": "P1", "post_id": "PO1", "tender_id": "T1", "bid_a": "B1", "bid_b": "B2"}
#: what a list of U2 must never show: U1's project, its name and its warnings
U1_MARKS = ("P1", "园区道路改造工程", "W1", "W2", "W3")
#: a body that reaches the scope check of each write route (its other checks may still refuse it)
BODIES: dict[str, dict[str, Any]] = {
    "/v1/feedback": {"entity_type": "project", "entity_id": "P1", "outcome": "confirmed", "client_key": "matrix-0001"},
    "/v1/cases/{case_id}/transitions": {"action": "check"},
    "/pages/projects/{project_id}/feedback": {"outcome": "confirmed", "client_key": "matrix-0002"},
    "/pages/cases/{case_id}/transition": {"action": "check"},
}
UNSCOPED_WRITES = {"/v1/score", "/v1/score/batch"}  # bundles carry their own data: nothing to scope


def _permission(route: APIRoute) -> Permission | None:
    """The permission the route's key check demands (``require`` marks its check), None for open routes."""
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        found = getattr(dep.call, "permission", None)
        if found is not None:
            return found
        stack.extend(dep.dependencies)
    return None


def _flat(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """(full path, route) of every APIRoute; FastAPI ≥ 0.16x keeps included routers as branches."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):
            yield from _flat(route.original_router.routes, prefix + route.include_context.prefix)


def _guarded(app: Any) -> Iterator[tuple[str, str, Permission]]:
    for path, route in _flat(app.routes):
        if (permission := _permission(route)) is not None:
            for method in sorted(route.methods - {"HEAD"}):
                yield method, path, permission


def _url(path: str, case_id: int) -> str:
    params = {**SAMPLES, "case_id": str(case_id)}
    url = path
    for name in [p.strip("{}") for p in path.split("/") if p.startswith("{")]:
        assert name in params, f"{path}: add a sample of U1 for '{name}' to SAMPLES"
        url = url.replace("{" + name + "}", params[name])
    return url


def _call(client: TestClient, method: str, url: str, path: str, key: str) -> Any:
    if method == "GET":
        return client.get(url, headers=auth(key), follow_redirects=False)
    if path.startswith("/pages/"):
        return client.post(url, data=BODIES[path], headers=auth(key), follow_redirects=False)
    return client.post(url, json=BODIES.get(path, {}), headers=auth(key), follow_redirects=False)


@pytest.fixture(scope="module")
def scoped(settings: Settings) -> dict[str, dict[str, str]]:
    """role → {"U1": key, "U2": key}."""
    store = KeyStore(settings.serve.keys_db)
    return {role: {u: store.create(role, f"{role}-{u}", [u])[1] for u in ("U1", "U2")} for role in ROLES}


def test_every_guarded_route_is_in_the_matrix(client: TestClient) -> None:
    paths = {path for _, path, _ in _guarded(client.app)}
    assert {"/v1/projects/{project_id}", "/v1/cases", "/pages/cases/{case_id}", "/pages/inbox"} <= paths
    writes = {path for method, path, _ in _guarded(client.app) if method == "POST"}
    assert writes - UNSCOPED_WRITES <= set(BODIES), "a new write route needs a body in BODIES"


def test_roles_without_the_permission_get_403(client: TestClient, scoped: dict[str, dict[str, str]]) -> None:
    case_id = client.get("/v1/cases", headers=auth(scoped["admin"]["U1"])).json()["items"][0]["case_id"]
    checked = 0
    for method, path, permission in _guarded(client.app):
        for role in ROLES:
            if allowed(role, permission):
                continue
            reply = _call(client, method, _url(path, case_id), path, scoped[role]["U1"])
            assert reply.status_code == 403, (method, path, role, reply.status_code)
            checked += 1
    assert checked > 20


def test_scope_decides_what_each_role_reads(client: TestClient, scoped: dict[str, dict[str, str]]) -> None:
    case_id = client.get("/v1/cases", headers=auth(scoped["admin"]["U1"])).json()["items"][0]["case_id"]
    for method, path, permission in _guarded(client.app):
        if path in UNSCOPED_WRITES:
            continue
        url = _url(path, case_id)
        entity = "{" in path or method == "POST"
        for role in ROLES:
            if not allowed(role, permission):
                continue
            inside = _call(client, method, url, path, scoped[role]["U1"])
            outside = _call(client, method, url, path, scoped[role]["U2"])
            where = (method, path, role)
            assert inside.status_code < 500 and outside.status_code < 500, where
            if entity:
                assert inside.status_code != 404, (*where, inside.text[:200])
                assert outside.status_code == 404, (*where, outside.status_code)
            else:
                assert outside.status_code == 200, (*where, outside.status_code)
                assert not any(mark in outside.text for mark in U1_MARKS), where
