"""Every endpoint × role: 401 without or with a wrong key, 403 for a role without the right, else allowed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.serving.conftest import auth
from yunshao.serving.keys import KeyStore
from yunshao.settings import Settings

FEEDBACK = {"entity_type": "project", "entity_id": "P1", "outcome": "confirmed", "client_key": "sec-test-0001"}

# (method, path, json body, roles allowed)
ENDPOINTS = [
    ("GET", "/v1/projects/P1", None, {"case_system", "inspector", "data_scientist", "admin"}),
    ("GET", "/v1/posts/PO1", None, {"case_system", "inspector", "data_scientist", "admin"}),
    ("GET", "/v1/warnings", None, {"case_system", "inspector", "data_scientist", "admin"}),
    ("POST", "/v1/feedback", FEEDBACK, {"inspector", "admin"}),
    ("POST", "/v1/score", "bundle", {"case_system", "admin"}),
    ("POST", "/v1/score/batch", "batch", {"case_system", "admin"}),
    ("GET", "/v1/cases", None, {"case_system", "inspector", "admin"}),
    ("GET", "/v1/cases/1", None, {"case_system", "inspector", "admin"}),
    ("GET", "/pages/warnings", None, {"inspector", "admin"}),
    ("GET", "/pages/projects/P1", None, {"inspector", "admin"}),
    ("GET", "/pages/posts/PO1", None, {"inspector", "admin"}),
]


def _body(client: TestClient, body: object, role: str) -> object:
    bundle = client.app.state.store.bundle("P1")  # type: ignore[attr-defined]
    if body == "bundle":
        return bundle
    if body == "batch":
        return {"bundles": [bundle]}
    if isinstance(body, dict) and "client_key" in body:  # a client key belongs to the key that first sent it
        return {**body, "client_key": f"{body['client_key']}-{role}"}
    return body


def _call(client: TestClient, method: str, path: str, body: object, headers: dict[str, str], role: str = "") -> int:
    if method == "GET":
        return client.get(path, headers=headers, follow_redirects=False).status_code
    return client.post(path, json=_body(client, body, role), headers=headers, follow_redirects=False).status_code


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ENDPOINTS)
def test_roles(
    client: TestClient, keys: dict[str, str], method: str, path: str, body: object, allowed: set[str]
) -> None:
    for role, key in keys.items():
        status = _call(client, method, path, body, auth(key), role)
        if role in allowed:
            assert status in (200, 201), (role, path, status)
        else:
            assert status == 403, (role, path, status)


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ENDPOINTS)
def test_no_key_or_wrong_key_is_401(
    client: TestClient, method: str, path: str, body: object, allowed: set[str]
) -> None:
    expected = 303 if path.startswith("/pages/") else 401  # pages answer 401 with a redirect to the login form
    assert _call(client, method, path, body, {}) == expected
    assert _call(client, method, path, body, auth("ysk_not-a-key")) == expected
    assert _call(client, method, path, body, auth("garbage")) == expected


def test_page_401_redirects_to_login(client: TestClient) -> None:
    response = client.get("/pages/projects/P1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/pages/login?next=/pages/projects/P1"


def test_revoked_key_is_401(client: TestClient, settings: Settings) -> None:
    store = KeyStore(settings.serve.keys_db)
    record, token = store.create("admin", "to-revoke")
    assert client.get("/v1/warnings", headers=auth(token)).status_code == 200
    assert store.revoke(record.key_id)
    assert client.get("/v1/warnings", headers=auth(token)).status_code == 401
    assert not store.revoke(record.key_id)


def test_auth_is_checked_before_the_body(client: TestClient, keys: dict[str, str]) -> None:
    """A malformed body from a caller without a key is a 401, never a 422 that would describe the schema."""
    assert client.post("/v1/score", json={"nonsense": 1}).status_code == 401
    assert client.post("/v1/score", json={"nonsense": 1}, headers=auth(keys["inspector"])).status_code == 403
    assert client.post("/v1/score", json={"nonsense": 1}, headers=auth(keys["case_system"])).status_code == 422


def test_denied_calls_leave_no_audit(client: TestClient, keys: dict[str, str]) -> None:
    before = len(client.app.state.audit.entries("project", "P1"))  # type: ignore[attr-defined]
    client.get("/v1/projects/P1")
    client.get("/v1/projects/P1", headers=auth("ysk_wrong"))
    client.get("/pages/projects/P1", headers=auth(keys["data_scientist"]))
    assert len(client.app.state.audit.entries("project", "P1")) == before  # type: ignore[attr-defined]


def test_keys_are_stored_hashed(settings: Settings, keys: dict[str, str]) -> None:
    raw = settings.serve.keys_db.read_bytes()
    for token in keys.values():
        assert token.encode() not in raw
    assert {k.role for k in KeyStore(settings.serve.keys_db).list_keys()} == set(keys)


def test_unknown_role_is_refused(settings: Settings) -> None:
    with pytest.raises(ValueError, match="unknown role"):
        KeyStore(settings.serve.keys_db).create("root")


def test_health_and_metrics_need_no_key(client: TestClient, keys: dict[str, str]) -> None:
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["scoring"] is True

    def count() -> float:
        for line in client.get("/metrics").text.splitlines():
            if line.startswith('yunshao_http_requests_total{method="GET",route="/v1/warnings",status="200"}'):
                return float(line.split()[-1])
        return 0.0

    before = count()
    client.get("/v1/warnings", headers=auth(keys["admin"]))
    client.get("/v1/warnings", headers=auth(keys["admin"]))
    assert count() == before + 2


def test_cors_closed_by_default(client: TestClient, keys: dict[str, str]) -> None:
    response = client.get("/v1/warnings", headers={**auth(keys["admin"]), "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers


def test_body_size_limit(client: TestClient, keys: dict[str, str]) -> None:
    big = {"bundles": [client.app.state.store.bundle("P1")] * 400}  # type: ignore[attr-defined]
    response = client.post("/v1/score/batch", json=big, headers=auth(keys["case_system"]))
    assert response.status_code == 413


def test_openapi_documents_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/v1/score", "/v1/score/batch", "/v1/projects/{project_id}", "/v1/posts/{post_id}", "/v1/warnings"} <= set(
        spec["paths"]
    )
    assert {"/v1/feedback", "/health", "/metrics"} <= set(spec["paths"])
    assert not any(p.startswith("/pages") for p in spec["paths"])
    assert spec["components"]["securitySchemes"]["APIKeyHeader"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "an API key (`yunshao keys create`)",
    }
    bid = spec["components"]["schemas"]["BidsRow"]
    assert set(bid["required"]) == {"bid_id", "tender_id", "company_id", "price"}
    assert spec["components"]["schemas"]["ProjectsRow"]["properties"]["domain"]["enum"] == [
        "construction",
        "investment",
        "land",
        "procurement",
        "subsidy",
        "housing",
        "assets",
        "funds",
        "finance",
    ]
