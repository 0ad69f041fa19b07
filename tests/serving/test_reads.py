"""Projects, posts and warnings as read through the API: content, filters, pages, masking, audit."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.serving.conftest import auth
from tests.serving.fixtures import WARNINGS
from yunshao.serving.keys import KeyStore
from yunshao.settings import Settings


def test_project_detail(client: TestClient, keys: dict[str, str]) -> None:
    body = client.get("/v1/projects/P1", headers=auth(keys["inspector"])).json()
    assert body["project"]["name"] == "园区道路改造工程"
    assert body["project"]["risk_score"] == 91.5 and body["project"]["level"] == "red"
    assert [e["event_id"] for e in body["trail"]] == ["E1", "E3", "E2"]  # time order, not id order
    assert body["trail"][2]["person_name"] == "张三丰" and body["trail"][2]["post_title"] == "管委会主任"
    assert {w["warning_id"] for w in body["warnings"]} == {"W1", "W2"}
    assert body["tenders"][0]["bid_count"] == 3 and body["tenders"][0]["winner_name"] == "甲建设公司"
    assert body["project"]["top_factors"][0]["feature"] == "rules_red"


def test_unknown_project_and_post_are_404(client: TestClient, keys: dict[str, str]) -> None:
    assert client.get("/v1/projects/NOPE", headers=auth(keys["admin"])).status_code == 404
    assert client.get("/v1/posts/NOPE", headers=auth(keys["admin"])).status_code == 404


def test_post_detail(client: TestClient, keys: dict[str, str]) -> None:
    body = client.get("/v1/posts/PO1", headers=auth(keys["admin"])).json()
    assert body["post"]["title"] == "管委会主任" and body["post"]["risk_score"] == 70.0
    assert body["post"]["level"] == "处级" and body["post"]["risk_level"] == "yellow"
    assert [h["person_name"] for h in body["holders"]] == ["张三丰"]
    assert {p["project_id"]: p["actions"] for p in body["projects"]} == {"P1": 1, "P3": 1}
    assert [w["warning_id"] for w in body["warnings"]] == ["W3"]


def test_warnings_filters_and_order(client: TestClient, keys: dict[str, str]) -> None:
    h = auth(keys["case_system"])
    everything = client.get("/v1/warnings", headers=h).json()
    assert everything["total"] == len(WARNINGS)
    assert [w["warning_id"] for w in everything["items"]] == ["W1", "W2", "W3"]  # red first, then by risk
    assert [w["warning_id"] for w in client.get("/v1/warnings?level=yellow", headers=h).json()["items"]] == ["W2", "W3"]
    assert [
        w["warning_id"] for w in client.get("/v1/warnings?rule=head_many_approvals", headers=h).json()["items"]
    ] == ["W3"]
    assert client.get("/v1/warnings?unit=U2", headers=h).json()["total"] == 0
    assert client.get("/v1/warnings?domain=land", headers=h).json()["total"] == 0
    # P1's last trail event is 2024-01-12 15:00, P3's 2024-03-06 11:00
    assert [
        w["warning_id"] for w in client.get("/v1/warnings?since=2024-02-01T00:00:00", headers=h).json()["items"]
    ] == ["W3"]


def test_warnings_pagination(client: TestClient, keys: dict[str, str]) -> None:
    h = auth(keys["admin"])
    pages = [client.get(f"/v1/warnings?page={n}&page_size=2", headers=h).json() for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [2, 1, 0]
    assert all(p["total"] == 3 for p in pages)
    assert client.get("/v1/warnings?page=0", headers=h).status_code == 422
    assert client.get("/v1/warnings?level=purple", headers=h).status_code == 422


def test_masking_for_data_scientist(client: TestClient, keys: dict[str, str]) -> None:
    h = auth(keys["data_scientist"])
    project = client.get("/v1/projects/P1", headers=h).json()
    assert {e["person_name"] for e in project["trail"]} == {"***"}
    assert {e["person_id_hash"] for e in project["trail"]} == {"***"}
    assert [e["person_id"] for e in project["trail"]] == ["PE2", "PE2", "PE1"]  # pseudonymous ids stay
    evidence = {w["warning_id"]: w["evidence"] for w in project["warnings"]}
    assert evidence["W1"]["approver_name"] == "***" and evidence["W1"]["ip_address"] == "10.0.0.7"
    assert evidence["W2"]["note"] == "***"  # a known person's name quoted in evidence
    post = client.get("/v1/posts/PO1", headers=h).json()
    assert post["holders"][0]["person_name"] == "***"
    listing = client.get("/v1/warnings", headers=h).json()
    assert listing["items"][0]["evidence"]["approver_name"] == "***"
    shown = client.get("/v1/projects/P1", headers=auth(keys["inspector"])).json()
    assert shown["trail"][0]["person_id_hash"] == "h-li"


def test_reads_are_audited(client: TestClient, settings: Settings) -> None:
    record, token = KeyStore(settings.serve.keys_db).create("data_scientist", "audit-probe")
    audit = client.app.state.audit  # type: ignore[attr-defined]

    def mine(entity_type: str, entity_id: str | None = None) -> list[dict[str, object]]:
        return [r for r in audit.entries(entity_type, entity_id) if r["key_id"] == record.key_id]

    client.get("/v1/projects/P1", headers=auth(token))
    rows = mine("project", "P1")
    assert len(rows) == 1 and rows[0]["role"] == "data_scientist" and rows[0]["action"] == "read"
    assert rows[0]["path"] == "/v1/projects/P1" and rows[0]["key_name"] == "audit-probe"
    assert sorted(r["entity_id"] for r in mine("person")) == ["PE1", "PE2"]
    client.get("/v1/posts/PO1", headers=auth(token))
    assert len(mine("post", "PO1")) == 1
    assert sorted(r["entity_id"] for r in mine("person")) == ["PE1", "PE1", "PE2"]
    client.get("/v1/warnings?level=red", headers=auth(token))
    assert [r["action"] for r in mine("project", "P1")] == ["read", "list"]


def test_cached_reads_stay_fresh_where_they_must(client: TestClient, keys: dict[str, str]) -> None:
    """Details are cached (the store is read-only while serving); feedback, masking and audit are not."""
    store = client.app.state.store  # type: ignore[attr-defined]
    admin, scientist = auth(keys["admin"]), auth(keys["data_scientist"])
    before = client.get("/v1/projects/P1", headers=admin).json()
    assert store.project("P1") is store.project("P1")  # one cached dict
    masked = client.get("/v1/projects/P1", headers=scientist).json()
    assert masked["trail"][2]["person_name"] == "***"
    reply = client.post(
        "/v1/feedback",
        json={"entity_type": "project", "entity_id": "P1", "outcome": "partial", "client_key": "ck-cache-001"},
        headers=auth(keys["inspector"]),
    )
    assert reply.status_code in (200, 201), reply.text
    after = client.get("/v1/projects/P1", headers=admin).json()
    assert after["trail"][2]["person_name"] == "张三丰"  # masking a read never changed the cached dict
    assert "feedback" not in store.project("P1")  # feedback is added to a copy, per read
    assert [f["client_key"] for f in after["feedback"] if f["client_key"] == "ck-cache-001"] == ["ck-cache-001"]
    assert len(after["feedback"]) == len(before["feedback"]) + 1
    audited = client.app.state.audit.entries("project", "P1")  # type: ignore[attr-defined]
    assert sum(1 for e in audited if e["role"] == "admin") >= 2  # every read audited, cached or not
