"""POST /v1/score: contract-derived validation (422 with the field path) and scoring with the batch run's
own features and rules (compared with running them directly on the same rows)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.serving.conftest import auth
from tests.serving.fixtures import FRAMES
from yunshao.contract import load_frames
from yunshao.engine import connect
from yunshao.settings import Settings


@pytest.fixture()
def bundle(client: TestClient) -> dict[str, Any]:
    return client.app.state.store.bundle("P1")  # type: ignore[attr-defined, no-any-return]


def _locs(response: Any) -> list[list[Any]]:
    assert response.status_code == 422, response.text
    return [e["loc"] for e in response.json()["detail"]]


@pytest.mark.parametrize(
    ("path", "value", "loc"),
    [
        (("project", "domain"), "space", ["body", "project", "domain"]),
        (("bids", 1, "price"), -5, ["body", "bids", 1, "price"]),
        (("bids", 0, "price"), "cheap", ["body", "bids", 0, "price"]),
        (("approvals", 2, "occurred_at"), "yesterday", ["body", "approvals", 2, "occurred_at"]),
        (("approvals", 0, "node"), "Z99", ["body", "approvals", 0, "node"]),
        (("tenders", 0, "method"), "lottery", ["body", "tenders", 0, "method"]),
    ],
)
def test_malformed_values_are_422_naming_the_path(
    client: TestClient, keys: dict[str, str], bundle: dict[str, Any], path: tuple[Any, ...], value: Any, loc: list[Any]
) -> None:
    body = copy.deepcopy(bundle)
    target: Any = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    assert loc in _locs(client.post("/v1/score", json=body, headers=auth(keys["case_system"])))


def test_missing_required_and_unknown_table(client: TestClient, keys: dict[str, str], bundle: dict[str, Any]) -> None:
    h = auth(keys["case_system"])
    body = copy.deepcopy(bundle)
    del body["bids"][0]["company_id"]
    assert ["body", "bids", 0, "company_id"] in _locs(client.post("/v1/score", json=body, headers=h))
    body = copy.deepcopy(bundle)
    body["widgets"] = []
    assert ["body", "widgets"] in _locs(client.post("/v1/score", json=body, headers=h))
    broken = client.post("/v1/score", content=b"{not json", headers={**h, "Content-Type": "application/json"})
    assert broken.status_code == 422 and broken.json()["detail"][0]["type"] == "json_invalid"


def test_references_across_the_bundle(client: TestClient, keys: dict[str, str], bundle: dict[str, Any]) -> None:
    h = auth(keys["case_system"])
    body = copy.deepcopy(bundle)
    body["bids"][2]["tender_id"] = "T-ELSEWHERE"
    body["approvals"][1]["project_id"] = "P2"
    body["bids"][0]["company_id"] = "C-UNKNOWN"
    body["approvals"][0]["event_id"] = body["approvals"][2]["event_id"]
    locs = _locs(client.post("/v1/score", json=body, headers=h))
    assert ["body", "bids", 2, "tender_id"] in locs
    assert ["body", "approvals", 1, "project_id"] in locs
    assert ["body", "bids", 0, "company_id"] in locs
    assert ["body", "approvals", 2, "event_id"] in locs


def test_batch_paths_carry_the_bundle_index(client: TestClient, keys: dict[str, str], bundle: dict[str, Any]) -> None:
    other = copy.deepcopy(bundle)
    other["bids"][0]["price"] = -1
    response = client.post("/v1/score/batch", json={"bundles": [bundle, other]}, headers=auth(keys["admin"]))
    assert ["body", "bundles", 1, "bids", 0, "price"] in _locs(response)
    assert _locs(client.post("/v1/score/batch", json={"bundles": []}, headers=auth(keys["admin"]))) == [
        ["body", "bundles"]
    ]


def _batch_warnings(settings: Settings, project_id: str) -> set[tuple[str, str]]:
    """Rule hits of ``project_id`` from the batch path: the same rows loaded, features and rules run."""
    from yunshao.features.runner import build_features
    from yunshao.rules.runner import run_rules

    con = connect(None, settings.engine)
    report = load_frames(con, FRAMES)
    build_features(con, settings, report.present_tables)
    run_rules(con, settings, present_tables=report.present_tables)
    rows = con.execute("SELECT rule_id, entity_id FROM warnings WHERE project_id = ?", [project_id]).fetchall()
    return {(r[0], r[1]) for r in rows}


def test_scoring_uses_the_batch_rules(
    client: TestClient, keys: dict[str, str], bundle: dict[str, Any], settings: Settings
) -> None:
    response = client.post("/v1/score", json=bundle, headers=auth(keys["case_system"]))
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["project_id"] == "P1"
    api_hits = {(h["rule_id"], h["entity_id"]) for h in result["rule_hits"]}
    assert api_hits == _batch_warnings(settings, "P1")
    assert api_hits, "the fixture's tender T1 has two bids from one IP; some rule should fire"
    assert all(h["guide"] and h["evidence"] for h in result["rule_hits"])
    red = sum(h["severity"] == "red" for h in result["rule_hits"])
    yellow = len(result["rule_hits"]) - red
    assert result["risk_score"] == min(100.0, 30.0 * red + 10.0 * yellow)  # the stub model's formula


def test_a_changed_bundle_changes_its_hits(client: TestClient, keys: dict[str, str], bundle: dict[str, Any]) -> None:
    h = auth(keys["case_system"])
    before = client.post("/v1/score", json=bundle, headers=h).json()
    clean = copy.deepcopy(bundle)
    for i, bid in enumerate(clean["bids"]):
        bid["ip_address"] = f"10.9.{i}.1"
        bid["price"] = [4_850_000.0, 4_610_000.0, 4_990_000.0][i]
    after = client.post("/v1/score", json=clean, headers=h).json()
    ip_rules = {x["rule_id"] for x in before["rule_hits"] if "ip_address" in x["evidence"]}
    assert ip_rules and not ip_rules & {x["rule_id"] for x in after["rule_hits"]}


def test_batch_results_match_single_calls(client: TestClient, keys: dict[str, str], bundle: dict[str, Any]) -> None:
    h = auth(keys["case_system"])
    other = client.app.state.store.bundle("P3")  # type: ignore[attr-defined]
    batch = client.post("/v1/score/batch", json={"bundles": [other, bundle]}, headers=h).json()
    assert batch["count"] == 2 and [r["project_id"] for r in batch["results"]] == ["P3", "P1"]
    single = client.post("/v1/score", json=bundle, headers=h).json()

    def strip(r: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in r.items() if k != "rule_hits"} | {
            "rule_hits": sorted(x["warning_id"] for x in r["rule_hits"])
        }

    assert strip(batch["results"][1]) == strip(single)


def test_guides_follow_lang(client: TestClient, keys: dict[str, str], bundle: dict[str, Any]) -> None:
    h = auth(keys["case_system"])
    zh = client.post("/v1/score", json=bundle, headers=h).json()["rule_hits"]
    en = client.post("/v1/score?lang=en", json=bundle, headers=h).json()["rule_hits"]
    assert [x["rule_id"] for x in zh] == [x["rule_id"] for x in en]
    assert zh[0]["guide"] != en[0]["guide"]


@pytest.mark.slow  # many scoring passes at once
def test_concurrent_requests_for_one_project_all_succeed(
    client: TestClient, keys: dict[str, str], bundle: dict[str, Any]
) -> None:
    """The same bundle from several clients at once: passes must not merge duplicate keys."""
    from concurrent.futures import ThreadPoolExecutor

    other = client.app.state.store.bundle("P3")  # type: ignore[attr-defined]
    bodies = [bundle, other] * 4
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda b: client.post("/v1/score", json=b, headers=auth(keys["case_system"])), bodies))
    assert [r.status_code for r in replies] == [200] * 8
    assert [r.json()["project_id"] for r in replies] == ["P1", "P3"] * 4
    assert len({str(r.json()) for r in replies[::2]}) == 1


def test_bundle_ids_that_clash_with_the_store_are_the_bundles(
    client: TestClient, keys: dict[str, str], bundle: dict[str, Any]
) -> None:
    """A new project reusing stored ids (P1's tender and bids, P3's event E5; both are its peers): the
    bundle's rows are scored and the peers' rows with the same ids left out, not duplicated."""
    body = copy.deepcopy(bundle)
    body["project"]["project_id"] = "P-NEW"
    for table in ("approvals", "tenders"):
        for row in body.get(table, []):
            row["project_id"] = "P-NEW"
    body["approvals"][0]["event_id"] = "E5"
    reply = client.post("/v1/score", json=body, headers=auth(keys["case_system"]))
    assert reply.status_code == 200, reply.text
    assert reply.json()["project_id"] == "P-NEW"


JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@pytest.mark.slow  # 15 generated bundles through the scoring engine
@hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_value_anywhere_is_200_or_422(
    client: TestClient, keys: dict[str, str], bundle: dict[str, Any], data: st.DataObject
) -> None:
    """Whatever a case system puts in any field of a bundle, the answer is a score or a 422, never a 500."""
    body = copy.deepcopy(bundle)
    table = data.draw(st.sampled_from(["project", "approvals", "tenders", "bids"]))
    row = body[table] if table == "project" else body[table][data.draw(st.integers(0, len(body[table]) - 1))]
    column = data.draw(st.sampled_from([*sorted(row), "status", "amount", "opened_at"]))
    row[column] = data.draw(JSON_VALUES)
    reply = client.post("/v1/score", json=body, headers=auth(keys["case_system"]))
    assert reply.status_code in (200, 422), (table, column, row[column], reply.text[:300])
    if reply.status_code == 422:
        assert all(e["loc"][0] == "body" for e in reply.json()["detail"])


def test_integers_beyond_bigint_are_422(client: TestClient, keys: dict[str, str], bundle: dict[str, Any]) -> None:
    body = copy.deepcopy(bundle)
    body["agreements"] = [{"agreement_id": "A1", "project_id": "P1", "company_id": "C1", "promised_jobs": 2**63}]
    reply = client.post("/v1/score", json=body, headers=auth(keys["case_system"]))
    assert ["body", "agreements", 0, "promised_jobs"] in _locs(reply)
    body["agreements"][0]["promised_jobs"] = 120
    assert client.post("/v1/score", json=body, headers=auth(keys["case_system"])).status_code == 200


def test_pass_steps_are_on_metrics(client: TestClient, keys: dict[str, str], bundle: dict[str, Any]) -> None:
    def counts() -> dict[str, float]:
        out = {}
        for line in client.get("/metrics").text.splitlines():
            if line.startswith("yunshao_score_pass_seconds_count{"):
                out[line.split('step="')[1].split('"')[0]] = float(line.split()[-1])
        return out

    before = counts()
    assert client.post("/v1/score", json=bundle, headers=auth(keys["case_system"])).status_code == 200
    after = counts()
    assert set(after) == {"tables", "features", "rules", "model", "assemble", "total"}
    assert all(after[step] == before.get(step, 0.0) + 1 for step in after)  # one pass, each step once
