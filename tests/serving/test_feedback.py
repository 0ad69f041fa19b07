"""Feedback: stored once per client key, resolved to the project of a warning, read back as labels."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from tests.serving.conftest import ROLES, auth
from yunshao.serving.app import create_app
from yunshao.serving.feedback import COLUMNS, attach_feedback, read_feedback
from yunshao.serving.keys import KeyStore
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


# --- GET /v1/feedback and its export, over an app of their own (a fresh case store: exact rows) ---

#: (client_key, body) in the order posted: feedback ids 1–5; id 6 is the verdict of W1's case (fixture)
WRITTEN = [
    ("list-a-0001", {"entity_type": "project", "entity_id": "P1", "outcome": "confirmed", "scheme": "bid_rigging",
                     "who": "王核查", "note": "李四海", "decided_at": "2024-05-01T09:00:00"}),
    ("list-b-0001", {"entity_type": "project", "entity_id": "P2", "outcome": "unfounded", "who": "张三丰",
                     "decided_at": "2024-05-02T10:00:00"}),
    ("list-c-0001", {"entity_type": "warning", "entity_id": "W3", "outcome": "partial", "who": "王核查",
                     "decided_at": "2024-05-03T11:00:00"}),
    ("list-d-0001", {"entity_type": "post", "entity_id": "PO1", "outcome": "confirmed", "scheme": "self_approval",
                     "decided_at": "2024-05-03T11:00:00"}),
    ("list-e-0001", {"entity_type": "tender", "entity_id": "T1", "outcome": "unfounded",
                     "decided_at": "2024-04-30T23:00:00+00:00"}),
]  # fmt: skip

#: what each stored row holds, worked out from WRITTEN: a warning's feedback is stored on its project (W3 → P3,
#: W3 has no scheme), an offset is converted to local time (+08:00), `who` defaults to the key's name
STORED = {
    1: ("list-a-0001", "project", "P1", None, "confirmed", "bid_rigging", "李四海", "王核查", "2024-05-01T09:00:00"),
    2: ("list-b-0001", "project", "P2", None, "unfounded", None, None, "张三丰", "2024-05-02T10:00:00"),
    3: ("list-c-0001", "project", "P3", "W3", "partial", None, None, "王核查", "2024-05-03T11:00:00"),
    4: ("list-d-0001", "post", "PO1", None, "confirmed", "self_approval", None, "list-inspector", "2024-05-03T11:00:00"),  # noqa: E501
    5: ("list-e-0001", "tender", "T1", None, "unfounded", None, None, "list-inspector", "2024-05-01T07:00:00"),
}  # fmt: skip
FIELDS = ("client_key", "entity_type", "entity_id", "warning_id", "outcome", "scheme", "note", "who", "decided_at")
#: newest first: the case verdict (today), then D before C (same time: the later id first), B, A, E
NEWEST_FIRST = [6, 4, 3, 2, 1, 5]


@pytest.fixture(scope="module")
def listing(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """An app without scoring over a fresh case store, the five rows of WRITTEN and one case verdict."""
    tmp = tmp_path_factory.mktemp("listing")
    s = Settings()
    s.serve.store, s.serve.keys_db, s.serve.state_db = store_path, tmp / "keys.sqlite", tmp / "state.sqlite"
    s.model.use_champion = False
    store = KeyStore(s.serve.keys_db)
    keys = {role: store.create(role, f"list-{role}")[1] for role in ROLES}
    keys["U1"] = store.create("inspector", "开发区", ["U1"])[1]
    keys["U2"] = store.create("inspector", "城东", ["U2"])[1]
    with TestClient(create_app(s)) as client:
        for client_key, body in WRITTEN:
            body = {**body, "client_key": client_key}
            reply = client.post("/v1/feedback", json=body, headers=auth(keys["inspector"]))
            assert reply.status_code == 201, reply.text
        _verdict_on_w1(client, keys["inspector"])
        yield client, keys


def _verdict_on_w1(client: TestClient, key: str) -> None:
    """W1's case through assign → check → verdict: feedback row 6 (project P1, warning W1, bid_rigging)."""
    cases = client.get("/v1/cases", headers=auth(key)).json()["items"]
    case_id = next(c["case_id"] for c in cases if c["subject"] == "warning:W1")
    due = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    for step in (
        {"action": "assign", "assigned_unit": "U1", "inspector": "list-inspector", "deadline": due},
        {"action": "check"},
        {"action": "verdict", "verdict": "confirmed", "note": "围标属实"},
    ):
        assert client.post(f"/v1/cases/{case_id}/transitions", json=step, headers=auth(key)).status_code == 200


def _case_id(client: TestClient, key: str) -> int:
    cases = client.get("/v1/cases", headers=auth(key)).json()["items"]
    return int(next(c["case_id"] for c in cases if c["subject"] == "warning:W1"))


def _ids(client: TestClient, key: str, query: str = "") -> list[int]:
    reply = client.get(f"/v1/feedback?page_size=500&{query}", headers=auth(key))
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["total"] == len(body["items"])
    return [item["feedback_id"] for item in body["items"]]


def test_list_shows_every_row_newest_first(listing: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = listing
    items = client.get("/v1/feedback?page_size=500", headers=auth(keys["admin"])).json()["items"]
    assert [i["feedback_id"] for i in items] == NEWEST_FIRST
    for item in items[1:]:
        assert tuple(item[f] for f in FIELDS) == STORED[item["feedback_id"]]
        assert item["case_id"] is None and item["received_at"] and item["key_id"]
    verdict = items[0]
    assert (verdict["entity_type"], verdict["entity_id"], verdict["warning_id"]) == ("project", "P1", "W1")
    assert (verdict["outcome"], verdict["scheme"], verdict["note"], verdict["who"]) == (
        "confirmed",
        "bid_rigging",
        "围标属实",
        "list-inspector",
    )
    assert verdict["case_id"] == _case_id(client, keys["admin"])


def test_list_filters(listing: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = listing
    k = keys["admin"]
    assert _ids(client, k, "entity_type=project") == [6, 3, 2, 1]
    assert _ids(client, k, "entity_type=tender") == [5]
    assert _ids(client, k, "entity_id=P1") == [6, 1]
    assert _ids(client, k, "warning_id=W3") == [3]
    assert _ids(client, k, "outcome=unfounded") == [2, 5]
    assert _ids(client, k, "scheme=bid_rigging") == [6, 1]
    assert _ids(client, k, "who=王核查") == [3, 1]
    assert _ids(client, k, f"case_id={_case_id(client, k)}") == [6]
    assert _ids(client, k, "since=2024-05-02T10:00:00") == [6, 4, 3, 2]  # at or after
    assert _ids(client, k, "until=2024-05-03T11:00:00") == [2, 1, 5]  # before
    # 2024-05-01T00:00:00Z is 08:00 local: E (07:00) is before it, A (09:00) after
    assert _ids(client, k, "since=2024-05-01T00:00:00Z&until=2024-05-02T00:00:00") == [1]
    assert _ids(client, k, "entity_type=project&outcome=confirmed&who=王核查") == [1]
    assert _ids(client, k, "entity_id=NOPE") == []


def test_list_refuses_bad_filters(listing: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = listing
    for query in ("outcome=maybe", "entity_type=company", "case_id=0", "since=yesterday", "page=0", "who="):
        assert client.get(f"/v1/feedback?{query}", headers=auth(keys["admin"])).status_code == 422, query
    late = client.get("/v1/feedback?since=9999-12-31T23:00:00-05:00", headers=auth(keys["admin"]))
    assert late.status_code == 422  # past year 9999 once converted to local time: refused, not a 500


def test_list_pages(listing: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = listing
    pages = [client.get(f"/v1/feedback?page_size=2&page={n}", headers=auth(keys["admin"])).json() for n in (1, 2, 3, 4)]
    assert [[i["feedback_id"] for i in p["items"]] for p in pages] == [[6, 4], [3, 2], [1, 5], []]
    assert {(p["total"], p["page_size"]) for p in pages} == {(6, 2)}
    scoped = client.get("/v1/feedback?page_size=2&page=2", headers=auth(keys["U1"])).json()
    assert ([i["feedback_id"] for i in scoped["items"]], scoped["total"]) == ([3, 1], 5)


def test_a_scoped_key_lists_only_its_units(listing: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = listing
    assert _ids(client, keys["U2"]) == [2]  # P2 is 城东街道's; every other target is U1's
    assert _ids(client, keys["U1"]) == [6, 4, 3, 1, 5]  # P1, PO1, P3 (via W3), T1 (via P1)
    assert _ids(client, keys["U2"], "entity_id=P1") == []  # out of scope reads as absent


def test_every_role_reads_with_names_masked_by_role(listing: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = listing
    assert client.get("/v1/feedback").status_code == 401
    for role in ROLES:
        assert client.get("/v1/feedback", headers=auth(keys[role])).status_code == 200, role
    shown = {i["feedback_id"]: i for i in client.get("/v1/feedback", headers=auth(keys["inspector"])).json()["items"]}
    masked = {
        i["feedback_id"]: i for i in client.get("/v1/feedback", headers=auth(keys["data_scientist"])).json()["items"]
    }
    # 李四海 and 张三丰 are people of the store: shown to an inspector, masked for a data scientist
    assert (shown[1]["note"], shown[2]["who"]) == ("李四海", "张三丰")
    assert (masked[1]["note"], masked[2]["who"]) == ("***", "***")
    assert masked[1]["who"] == "王核查" and masked[3]["who"] == "王核查"  # not a person of the store


def test_list_reads_are_audited(listing: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = listing
    audit = client.app.state.audit  # type: ignore[attr-defined]
    before = len(audit.entries("post", "PO1"))
    client.get("/v1/feedback?entity_type=post", headers=auth(keys["admin"]))
    entries = audit.entries("post", "PO1")
    assert len(entries) == before + 1 and entries[-1]["action"] == "list"


def _expected_rows() -> list[dict[str, object]]:
    """The export's rows for the rows of WRITTEN (the case verdict aside), newest first."""
    return [dict(zip(FIELDS, STORED[i], strict=True)) for i in NEWEST_FIRST[1:]]


def test_export_csv_reads_back(listing: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = listing
    reply = client.get("/v1/feedback/export?format=csv", headers=auth(keys["inspector"]))
    assert reply.status_code == 200 and reply.headers["content-type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="feedback-\d{8}-\d{6}\.csv"', reply.headers["content-disposition"])
    assert reply.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8 Chinese
    frame = pd.read_csv(io.BytesIO(reply.content), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == [*COLUMNS, "case_id"]
    assert frame["feedback_id"].tolist() == [str(i) for i in NEWEST_FIRST]
    rows = frame.iloc[1:][list(FIELDS)].to_dict("records")
    expected = [{k: "" if v is None else v for k, v in row.items()} for row in _expected_rows()]
    assert rows == expected
    assert frame["case_id"].tolist() == [str(_case_id(client, keys["admin"]))] + [""] * 5
    assert frame.iloc[0]["note"] == "围标属实" and frame.iloc[0]["warning_id"] == "W1"


def test_export_parquet_reads_back_typed(listing: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = listing
    reply = client.get("/v1/feedback/export?format=parquet&until=2024-06-01T00:00:00", headers=auth(keys["admin"]))
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/vnd.apache.parquet"
    assert reply.headers["content-disposition"].endswith('.parquet"')
    frame = pd.read_parquet(io.BytesIO(reply.content))
    assert list(frame.columns) == [*COLUMNS, "case_id"]
    assert str(frame["feedback_id"].dtype) == "int64" and str(frame["decided_at"].dtype).startswith("datetime64")
    assert frame["feedback_id"].tolist() == [4, 3, 2, 1, 5]  # the verdict of today is past `until`
    assert frame["case_id"].isna().all()
    expected = _expected_rows()
    for row in expected:
        row["decided_at"] = pd.Timestamp(str(row["decided_at"]))
    got = frame[list(FIELDS)].astype(object).where(frame[list(FIELDS)].notna(), None).to_dict("records")
    assert got == expected


def test_export_is_scoped_and_masked(listing: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = listing
    scoped = client.get("/v1/feedback/export?format=csv", headers=auth(keys["U2"]))
    frame = pd.read_csv(io.BytesIO(scoped.content), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert frame["feedback_id"].tolist() == ["2"] and frame["who"].tolist() == ["张三丰"]
    masked = client.get("/v1/feedback/export?format=parquet&entity_id=P2", headers=auth(keys["data_scientist"]))
    assert pd.read_parquet(io.BytesIO(masked.content))["who"].tolist() == ["***"]
    empty = client.get("/v1/feedback/export?entity_id=NOPE", headers=auth(keys["admin"]))
    assert empty.content.decode("utf-8-sig").splitlines() == [",".join([*COLUMNS, "case_id"])]
    assert client.get("/v1/feedback/export?format=xlsx", headers=auth(keys["admin"])).status_code == 422


def test_openapi_documents_the_listing_and_export(listing: tuple[TestClient, dict[str, str]]) -> None:
    spec = listing[0].get("/openapi.json").json()
    listed = spec["paths"]["/v1/feedback"]["get"]
    assert {"200", "401", "403", "413", "422"} <= set(listed["responses"])
    params = {p["name"] for p in listed["parameters"]}
    assert {"entity_type", "entity_id", "outcome", "scheme", "case_id", "since", "until", "who", "page"} <= params
    export = spec["paths"]["/v1/feedback/export"]["get"]
    assert set(export["responses"]["200"]["content"]) == {"text/csv; charset=utf-8", "application/vnd.apache.parquet"}
    assert {"401", "403", "422"} <= set(export["responses"])


def test_csv_cells_never_start_a_formula() -> None:
    from yunshao.serving.api.routes.feedback import LISTED, csv_chunks

    row = dict.fromkeys(LISTED, "plain")
    row.update(note='=HYPERLINK("http://x","y")', who="@SUM(A1)", scheme="-3+2")
    text = b"".join(csv_chunks([row])).decode("utf-8-sig")
    import csv as csv_module
    import io

    header, values = list(csv_module.reader(io.StringIO(text)))
    cells = dict(zip(header, values, strict=True))
    assert cells["note"] == '\'=HYPERLINK("http://x","y")' and cells["who"] == "'@SUM(A1)"
    assert cells["scheme"] == "'-3+2" and cells["outcome"] == "plain"
