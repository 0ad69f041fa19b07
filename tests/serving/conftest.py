"""Fixtures of the serving tests: a hand-made store, keys for every role, and an app over them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from tests.serving.fixtures import build_store
from yunshao.serving.app import create_app
from yunshao.serving.keys import KeyStore
from yunshao.settings import Settings

ROLES = ("case_system", "inspector", "data_scientist", "admin")


def stub_scorer(con: duckdb.DuckDBPyConnection, ids: list[str], explain: bool) -> pd.DataFrame:
    """Risk from the batch's own rule hits: 30 per red, 10 per yellow (stands in for the model in plumbing
    tests; the real model is tested against a simulated run in test_score_matches_run.py)."""
    hits = (
        con.execute(
            "SELECT project_id, count(*) FILTER (WHERE severity = 'red') AS red, "
            "count(*) FILTER (WHERE severity = 'yellow') AS yellow FROM warnings GROUP BY project_id"
        )
        .df()
        .set_index("project_id")
    )
    rows = []
    for pid in ids:
        red = int(hits.loc[pid, "red"]) if pid in hits.index else 0
        yellow = int(hits.loc[pid, "yellow"]) if pid in hits.index else 0
        risk = min(100.0, 30.0 * red + 10.0 * yellow)
        factors = [{"feature": "rules_red", "value": float(red), "contribution": 30.0 * red}] if explain and red else []
        rows.append(
            {
                "project_id": pid,
                "risk_score": risk,
                "level": "red" if risk >= 30 else "yellow" if risk >= 10 else "green",
                "anomaly_score": 0.5,
                "model_score": None,
                "top_factors": json.dumps(factors),
            }
        )
    return pd.DataFrame(rows).set_index("project_id")


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("store") / "yunshao.duckdb")


@pytest.fixture(scope="module")
def settings(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """One app per test module (the scoring engine's start-up is the slow part); keys and state per module."""
    tmp = tmp_path_factory.mktemp("serve")
    s = Settings()
    s.serve.store = store_path
    s.serve.keys_db = tmp / "keys.sqlite"
    s.serve.state_db = tmp / "state.sqlite"
    s.serve.max_body_bytes = 200_000
    return s


@pytest.fixture(scope="module")
def keys(settings: Settings) -> dict[str, str]:
    store = KeyStore(settings.serve.keys_db)
    return {role: store.create(role, f"test-{role}")[1] for role in ROLES}


@pytest.fixture(scope="module")
def client(settings: Settings, keys: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(settings, scorer=stub_scorer)) as c:
        yield c


def auth(key: str) -> dict[str, str]:
    return {"X-API-Key": key}
