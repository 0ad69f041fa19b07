"""/v1/cases end to end over the hand-made store, key scopes (out of scope is 404), login sessions, and
the bad inputs that used to give a 500 or echo the body."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from tests.serving.conftest import auth
from yunshao.serving.api.deps import SESSION_COOKIE
from yunshao.serving.keys import KeyStore
from yunshao.settings import Settings


def test_a_case_per_warning_followed_to_close(client: TestClient, keys: dict[str, str]) -> None:
    listed = client.get("/v1/cases", headers=auth(keys["inspector"])).json()
    assert sorted(c["subject"] for c in listed["items"]) == ["warning:W1", "warning:W2", "warning:W3"]
    case = next(c for c in listed["items"] if c["subject"] == "warning:W1")
    url = f"/v1/cases/{case['case_id']}/transitions"
    due = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    refused = client.post(url, json={"action": "close", "closing_evidence": "x"}, headers=auth(keys["inspector"]))
    assert refused.status_code == 409 and "cannot close a case that is new" in refused.json()["detail"]
    steps = [
        {"action": "assign", "assigned_unit": "U1", "inspector": "test-inspector", "deadline": due},
        {"action": "check"},
        {"action": "verdict", "verdict": "unfounded", "note": "同一 IP 为园区共享网络"},
        {"action": "close"},
    ]
    for step in steps:
        reply = client.post(url, json=step, headers=auth(keys["inspector"]))
        assert reply.status_code == 200, reply.text
    final = client.get(f"/v1/cases/{case['case_id']}", headers=auth(keys["case_system"])).json()
    assert final["state"] == "closed" and final["verdict"] == "unfounded"
    assert [e["action"] for e in final["history"]] == ["open", "assign", "check", "verdict", "close"]
    inbox = client.get("/v1/cases?mine=true", headers=auth(keys["inspector"])).json()
    assert [c["case_id"] for c in inbox["items"]] == [case["case_id"]]


def test_missing_fields_are_422_and_unknown_case_404(client: TestClient, keys: dict[str, str]) -> None:
    first = client.get("/v1/cases", headers=auth(keys["admin"])).json()["items"][0]["case_id"]
    bad = client.post(f"/v1/cases/{first}/transitions", json={"action": "assign"}, headers=auth(keys["admin"]))
    assert bad.status_code in (409, 422)
    assert client.get("/v1/cases/999999", headers=auth(keys["admin"])).status_code == 404


def test_scope_limits_every_read_and_hides_existence(client: TestClient, settings: Settings) -> None:
    store = KeyStore(settings.serve.keys_db)
    u2 = store.create("inspector", "城东核查员", ["U2"])[1]
    u1 = store.create("inspector", "开发区核查员", ["U1"])[1]
    assert client.get("/v1/cases", headers=auth(u2)).json()["total"] == 0
    assert client.get("/v1/cases", headers=auth(u1)).json()["total"] == 3
    assert client.get("/v1/projects/P1", headers=auth(u2)).status_code == 404
    assert client.get("/v1/projects/P2", headers=auth(u2)).status_code == 200
    assert client.get("/v1/projects/P2", headers=auth(u1)).status_code == 404
    assert client.get("/v1/posts/PO1", headers=auth(u2)).status_code == 404
    assert client.get("/v1/warnings", headers=auth(u2)).json()["total"] == 0
    assert client.get("/v1/warnings", headers=auth(u1)).json()["total"] == 3
    case_id = client.get("/v1/cases", headers=auth(u1)).json()["items"][0]["case_id"]
    assert client.get(f"/v1/cases/{case_id}", headers=auth(u2)).status_code == 404
    body = {"entity_type": "project", "entity_id": "P1", "outcome": "confirmed", "client_key": "scope-000001"}
    assert client.post("/v1/feedback", json=body, headers=auth(u2)).status_code == 404


def test_login_keeps_a_session_id_not_the_key(client: TestClient, keys: dict[str, str]) -> None:
    fresh = TestClient(client.app)
    reply = fresh.post(
        "/pages/login", data={"key": keys["inspector"], "next": "/pages/warnings"}, follow_redirects=False
    )
    assert reply.status_code == 303
    cookie = reply.headers["set-cookie"]
    assert keys["inspector"] not in cookie and "HttpOnly" in cookie and "Max-Age=28800" in cookie
    session = fresh.cookies.get(SESSION_COOKIE)
    assert session and fresh.get("/pages/warnings").status_code == 200
    again = fresh.post("/pages/login", data={"key": keys["inspector"]}, follow_redirects=False)
    assert fresh.cookies.get(SESSION_COOKIE) != session and again.status_code == 303  # rotated on login
    stale = TestClient(client.app, cookies={SESSION_COOKIE: session})
    assert stale.get("/pages/warnings", follow_redirects=False).status_code == 303  # the old one ended
    fresh.get("/pages/logout")
    assert fresh.get("/pages/warnings", follow_redirects=False).status_code == 303


def test_bad_input_is_never_a_500_and_is_not_echoed(client: TestClient, keys: dict[str, str]) -> None:
    bundle = client.app.state.store.bundle("P1")  # type: ignore[attr-defined]
    for literal in ("NaN", "Infinity", "1e309"):
        raw = (
            '{"projects": [{"project_id": "PX", "domain": "construction", "unit_id": "U1", "budget_amount": '
            + literal
            + "}], "
            + '"approvals": []}'
        )
        reply = client.post(
            "/v1/score", content=raw, headers={**auth(keys["case_system"]), "Content-Type": "application/json"}
        )
        assert reply.status_code == 422, (literal, reply.status_code)
        assert literal not in reply.text
    secret = "身份证号 330102199001011234"
    reply = client.post("/v1/score", json={**bundle, "projects": [{"name": secret}]}, headers=auth(keys["case_system"]))
    assert reply.status_code == 422 and secret not in reply.text
    huge = client.get("/v1/warnings?page=9223372036854775807", headers=auth(keys["admin"]))
    assert huge.status_code == 422
    page = client.get("/pages/projects/NOPE", headers=auth(keys["inspector"]))
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")


def test_a_client_key_belongs_to_the_key_that_sent_it(client: TestClient, keys: dict[str, str]) -> None:
    body = {"entity_type": "project", "entity_id": "P1", "outcome": "partial", "client_key": "replay-0000001"}
    assert client.post("/v1/feedback", json=body, headers=auth(keys["inspector"])).status_code == 201
    other = client.post("/v1/feedback", json=body, headers=auth(keys["admin"]))
    assert other.status_code == 409 and "replay-0000001" in other.text and "inspector" not in other.text


def test_openapi_documents_the_error_statuses(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path, methods in spec["paths"].items():
        if path.startswith("/v1/"):
            for op in methods.values():
                assert {"401", "403", "413", "422"} <= set(op["responses"]), path
    assert set(spec["paths"]["/v1/cases/{case_id}"]["get"]["responses"]) >= {"404"}
