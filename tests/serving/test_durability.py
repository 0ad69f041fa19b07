"""Feedback and audit rows survive the server being killed (SIGKILL) right after it replied."""

from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path

import httpx
import pytest

from tests.serving.server import running_server
from yunshao.serving.keys import KeyStore

pytestmark = pytest.mark.slow


def test_feedback_survives_kill_after_reply(store_path: Path, tmp_path: Path) -> None:
    keys_db, state_db = tmp_path / "keys.sqlite", tmp_path / "state.sqlite"
    token = KeyStore(keys_db).create("inspector", "durable")[1]
    with running_server(store_path, keys_db, state_db, tmp_path, YUNSHAO_MODEL__USE_CHAMPION="false") as (base, proc):
        with httpx.Client(base_url=base, headers={"X-API-Key": token}) as http:
            assert http.get("/v1/projects/P1").status_code == 200
            reply = http.post(
                "/v1/feedback",
                json={"entity_type": "warning", "entity_id": "W1", "outcome": "confirmed", "client_key": "kill-9-0001"},
            )
            os.kill(proc.pid, signal.SIGKILL)  # at once: no shutdown, no flush, no checkpoint
        assert reply.status_code == 201
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
    with sqlite3.connect(state_db) as con:
        rows = con.execute("SELECT client_key, entity_type, entity_id, warning_id, outcome FROM feedback").fetchall()
        audit = con.execute("SELECT entity_type, entity_id FROM audit_log WHERE entity_type = 'project'").fetchall()
    assert rows == [("kill-9-0001", "project", "P1", "W1", "confirmed")]
    assert audit == [("project", "P1")]
