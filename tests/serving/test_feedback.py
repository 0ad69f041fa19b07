"""Feedback: stored once per client key, resolved to the project of a warning, read back as labels."""

from __future__ import annotations

import duckdb
from fastapi.testclient import TestClient

from tests.serving.conftest import auth
from yunshao.serving.feedback import attach_feedback, read_feedback
from yunshao.settings import Settings


def _post(client: TestClient, key: str, **body: object):  # type: ignore[no-untyped-def]
    payload = {"entity_type": "project", "entity_id": "P1", "outcome": "confirmed", "client_key": "ck-00000001"}
    payload.update(body)
    return client.post("/v1/feedback", json=payload, headers=auth(key))


def test_feedback_is_idempotent(client: TestClient, keys: dict[str, str], settings: Settings) -> None:
    first = _post(client, keys["inspector"], note="IP 相同已核实", scheme="bid_rigging")
    assert first.status_code == 201 and first.json()["created"] is True
    again = _post(client, keys["inspector"], note="IP 相同已核实", scheme="bid_rigging")
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["feedback_id"] == first.json()["feedback_id"]
    frame = read_feedback(settings.serve.state_db)  # type: ignore[arg-type]
    frame = frame[frame.client_key == "ck-00000001"]
    assert len(frame) == 1
    row = frame.iloc[0]
    assert (row.entity_type, row.entity_id, row.outcome, row.scheme) == ("project", "P1", "confirmed", "bid_rigging")
    assert row.who == "test-inspector" and row.note == "IP 相同已核实"


def test_reused_client_key_with_other_outcome_is_409(client: TestClient, keys: dict[str, str]) -> None:
    assert _post(client, keys["admin"], client_key="ck-conflict-1").status_code == 201
    response = _post(client, keys["admin"], outcome="unfounded", client_key="ck-conflict-1")
    assert response.status_code == 409 and "ck-conflict-1" in response.json()["detail"]


def test_feedback_on_a_warning_labels_its_project(client: TestClient, keys: dict[str, str]) -> None:
    body = _post(
        client, keys["inspector"], entity_type="warning", entity_id="W1", outcome="partial", client_key="ck-w1-0001"
    ).json()
    assert (body["entity_type"], body["entity_id"], body["warning_id"]) == ("project", "P1", "W1")
    assert body["scheme"] == "bid_rigging"  # the warning's scheme when none is given


def test_feedback_validation(client: TestClient, keys: dict[str, str]) -> None:
    k = keys["inspector"]
    assert _post(client, k, entity_id="NOPE").status_code == 404
    bad = _post(client, k, outcome="maybe")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "outcome"]
    assert _post(client, k, client_key="short").status_code == 422
    assert _post(client, k, entity_type="company").status_code == 422


def test_decided_at_with_offset_is_local_time(client: TestClient, keys: dict[str, str]) -> None:
    body = _post(client, keys["inspector"], decided_at="2024-05-01T00:00:00+00:00", client_key="ck-tz-0001").json()
    assert body["decided_at"] == "2024-05-01T08:00:00"


def test_feedback_shows_on_the_project(client: TestClient, keys: dict[str, str]) -> None:
    _post(client, keys["inspector"], note="已核查", client_key="ck-shown-01")
    project = client.get("/v1/projects/P1", headers=auth(keys["case_system"])).json()
    assert [f["note"] for f in project["feedback"] if f["client_key"] == "ck-shown-01"] == ["已核查"]


def test_attach_feedback_gives_training_its_table(client: TestClient, keys: dict[str, str], settings: Settings) -> None:
    _post(client, keys["inspector"], scheme="bid_rigging", client_key="ck-attach-1")
    _post(client, keys["inspector"], entity_type="post", entity_id="PO1", outcome="unfounded", client_key="ck-attach-2")
    con = duckdb.connect()
    total = len(read_feedback(settings.serve.state_db))  # type: ignore[arg-type]
    assert attach_feedback(con, settings.serve.state_db) == total  # type: ignore[arg-type]
    rows = con.execute(
        "SELECT entity_type, entity_id, outcome, scheme, typeof(decided_at) FROM feedback "
        "WHERE client_key LIKE 'ck-attach-%' ORDER BY feedback_id"
    ).fetchall()
    assert rows == [
        ("project", "P1", "confirmed", "bid_rigging", "TIMESTAMP"),
        ("post", "PO1", "unfounded", None, "TIMESTAMP"),
    ]


def test_absent_feedback_file_is_an_empty_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    con = duckdb.connect()
    assert attach_feedback(con, tmp_path / "none.sqlite") == 0
    assert con.execute("SELECT count(*) FROM feedback").fetchone() == (0,)


def test_feedback_path(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from yunshao.serving.feedback import feedback_path

    assert feedback_path(tmp_path) == tmp_path / "yunshao-serving.sqlite"
    assert feedback_path(tmp_path / "yunshao.duckdb") == tmp_path / "yunshao-serving.sqlite"
    assert feedback_path(tmp_path, tmp_path / "x.sqlite") == tmp_path / "x.sqlite"
