"""Schemathesis (``st run``) against the live server: every operation of /openapi.json, called with a key of
each role and one scoped to a unit, must answer without a 5xx, with a status code the schema documents,
and with a body and content type that conform to the schema of that status. Plus the bodies that used
to give a 500: NaN, Infinity and 1e309 in JSON.

The server is a real ``uvicorn`` process over the hand-made store (``conftest.store_path``), with the
plumbing tests' stub model (``conftest.stub_scorer``) so that valid bundles are scored through the real
scoring engine instead of answering 503. Half of the generated ids are the store's own (Schemathesis
dictionaries), so reads reach the 200 path and its response schema, not only the 404. Examples per
operation are bounded and the seed fixed, so a CI run is the same run each time (about 2 minutes).

Schemathesis runs as its CLI: its pytest integration (``schemathesis.pytest.from_fixture``) fails on the
installed pytest 9 (it sets the private ``Function._nodeid``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.serving import fixtures
from tests.serving.conftest import ROLES, auth, stub_scorer
from tests.serving.server import free_port, wait_ready
from yunshao.serving.keys import KeyStore
from yunshao.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
#: generated examples per operation and phase, for each key
EXAMPLES = 20
SEED = 14
#: the issue's checks: no 5xx, no undocumented status, bodies and content types as documented
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
#: one `st run` per key; a run takes ~25 s on an idle 2-core machine
RUN_TIMEOUT = 300


def scored_app() -> FastAPI:
    """The app uvicorn serves here: settings from the environment, the stub model instead of none."""
    from yunshao.serving.app import create_app

    config = Settings()
    config.model.use_champion = False
    return create_app(config, scorer=stub_scorer)


@pytest.fixture(scope="module")
def live(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """Base URL of a running server and a key of each role, plus an inspector scoped to unit U2."""
    tmp = tmp_path_factory.mktemp("schemathesis")
    store = KeyStore(tmp / "keys.sqlite")
    keys = {role: store.create(role, f"st-{role}")[1] for role in ROLES}
    keys["scoped inspector"] = store.create("inspector", "st-scoped", ["U2"])[1]
    env = {
        **os.environ,
        "YUNSHAO_SERVE__STORE": str(store_path),
        "YUNSHAO_SERVE__KEYS_DB": str(tmp / "keys.sqlite"),
        "YUNSHAO_SERVE__STATE_DB": str(tmp / "state.sqlite"),
        "YUNSHAO_SERVE__MAX_BODY_BYTES": "200000",
        "PYTHONPATH": str(ROOT),
    }
    port = free_port()
    factory = "tests.serving.test_schemathesis:scored_app"
    cmd = [sys.executable, "-m", "uvicorn", factory, "--factory", "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base + "/health", proc)
        assert httpx.get(base + "/health").json()["scoring"] is True
        yield base, keys
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def st_config() -> str:
    """schemathesis.toml: ids of the hand-made store offered for about half of the generated ids."""
    ids = [
        *fixtures.PROJECTS.project_id,
        *fixtures.POSTS.post_id,
        *fixtures.TENDERS.tender_id,
        *(str(w["warning_id"]) for w in fixtures.WARNINGS),  # type: ignore[index]
    ]
    cases = list(range(1, len(fixtures.WARNINGS) + 2))  # a case per warning, and one id past them
    bindings = {
        "path.project_id": "ids",
        "path.post_id": "ids",
        "path.case_id": "cases",
        "query.entity_id": "ids",
        "query.warning_id": "ids",
        "query.case_id": "cases",
        "query.unit": "units",
        "body.entity_id": "ids",
        "body.assigned_unit": "units",
    }
    lines = [
        f"[dictionaries.ids]\nvalues = {json.dumps(ids)}",
        f"[dictionaries.units]\nvalues = {json.dumps(list(fixtures.UNITS.unit_id))}",
        f"[dictionaries.cases]\nvalues = {json.dumps(cases)}",
        "[parameters]",
        *(f'"{where}" = {{ dictionary = "{name}", probability = 0.5 }}' for where, name in bindings.items()),
    ]
    return "\n".join(lines) + "\n"


def st_command(config: Path, base: str, key: str) -> list[str]:
    st = Path(sys.executable).with_name("st")
    executable = str(st) if st.exists() else shutil.which("st") or "st"
    return [
        executable,
        "--config-file",
        str(config),
        "run",
        f"{base}/openapi.json",
        "--header",
        f"X-API-Key: {key}",
        "--checks",
        CHECKS,
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "1",
        "--request-timeout",
        "60",
        "--generation-database",
        "none",
        "--no-color",
    ]


def st_run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=RUN_TIMEOUT)


@pytest.mark.slow
def test_schemathesis_finds_no_failure_for_any_role(live: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    base, keys = live
    config = tmp_path / "schemathesis.toml"
    config.write_text(st_config(), encoding="utf-8")
    # two runs at a time: `st` and the server take turns on a core, so a second run uses the other one
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = {name: pool.submit(st_run, st_command(config, base, key), tmp_path) for name, key in keys.items()}
        done = {name: run.result() for name, run in runs.items()}
    reports = [
        f"===== st run with the {name} key: exit {d.returncode}\n{d.stdout}\n{d.stderr}"
        for name, d in done.items()
        if d.returncode != 0
    ]
    assert not reports, "\n".join(reports)
    operations = sum(len(methods) for methods in httpx.get(f"{base}/openapi.json").json()["paths"].values())
    for name, d in done.items():  # a run that tested nothing would pass too
        assert re.search(rf"Tested: {operations}\b", d.stdout), (name, d.stdout[-3000:])


# --- NaN, Infinity and 1e309 (Python's json reads them; a reply must not try to echo them) ---

NON_FINITE = ("NaN", "-Infinity", "Infinity", "1e309")


def _post_raw(client: TestClient, path: str, raw: str, key: str) -> httpx.Response:
    return client.post(path, content=raw, headers={**auth(key), "Content-Type": "application/json"})


@pytest.mark.parametrize("literal", NON_FINITE)
def test_non_finite_numbers_in_a_batch_are_422(client: TestClient, keys: dict[str, str], literal: str) -> None:
    """A bundle's amount (``POST /v1/score`` is covered in test_cases_api.py; here the batch)."""
    raw = (
        '{"bundles": [{"projects": [{"project_id": "PX", "domain": "construction", "unit_id": "U1", '
        f'"budget_amount": {literal}}}], "approvals": []}}]}}'
    )
    reply = _post_raw(client, "/v1/score/batch", raw, keys["case_system"])
    assert reply.status_code == 422, reply.text
    assert literal not in reply.text
    assert reply.json()["detail"][0]["loc"][:3] == ["body", "bundles", 0]


@pytest.mark.parametrize("literal", NON_FINITE)
def test_non_finite_numbers_in_other_bodies_are_422(client: TestClient, keys: dict[str, str], literal: str) -> None:
    """Where a body has no number field (feedback) or an integer one (a transition's ``version``)."""
    feedback = (
        '{"entity_type": "project", "entity_id": "P1", "outcome": "confirmed", '
        f'"client_key": "nonfinite-{literal}", "note": {literal}}}'
    )
    reply = _post_raw(client, "/v1/feedback", feedback, keys["inspector"])
    assert reply.status_code == 422 and literal not in reply.text
    assert reply.json()["detail"][0]["loc"] == ["body", "note"]
    case_id = client.get("/v1/cases", headers=auth(keys["admin"])).json()["items"][0]["case_id"]
    step = f'{{"action": "check", "version": {literal}}}'
    reply = _post_raw(client, f"/v1/cases/{case_id}/transitions", step, keys["inspector"])
    assert reply.status_code == 422 and literal not in reply.text
    assert reply.json()["detail"][0]["loc"] == ["body", "version"]


# --- timestamps that leave the calendar once converted to local time (an OverflowError gave a 500) ---

EDGES = ("9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+14:00")


@pytest.mark.parametrize("moment", EDGES)
def test_timestamps_past_the_calendar_are_422(client: TestClient, keys: dict[str, str], moment: str) -> None:
    query = {"since": moment}
    assert client.get("/v1/warnings", params=query, headers=auth(keys["admin"])).status_code == 422
    assert client.get("/v1/feedback", params=query, headers=auth(keys["admin"])).status_code == 422
    body = {"entity_type": "project", "entity_id": "P1", "outcome": "confirmed", "client_key": f"edge-{moment}"}
    reply = client.post("/v1/feedback", json={**body, "decided_at": moment}, headers=auth(keys["inspector"]))
    assert reply.status_code == 422 and "out of range" in reply.json()["detail"]


def test_a_bundle_timestamp_past_the_calendar_is_422(client: TestClient, keys: dict[str, str]) -> None:
    bundle = client.app.state.store.bundle("P1")  # type: ignore[attr-defined]
    bundle["approvals"][0]["occurred_at"] = EDGES[0]
    assert client.post("/v1/score", json=bundle, headers=auth(keys["case_system"])).status_code == 422
