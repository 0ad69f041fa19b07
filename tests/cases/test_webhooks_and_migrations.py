"""Webhooks delivered to a real HTTP server, signed and retried; the migrations adopt old state files
and give exactly the declared schema on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from yunshao.cases.store import Actor, CaseFilter, CaseStore
from yunshao.cases.sync import sync_cases
from yunshao.serving.core.db import Database
from yunshao.serving.core.tables import metadata
from yunshao.serving.feedback import read_feedback
from yunshao.serving.keys import KeyStore
from yunshao.serving.webhooks import SIGNATURE_HEADER, add_webhook, deliver_due


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[bytes, dict[str, str]]]] = []
    fail_first = 0

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if _Receiver.fail_first > 0:
            _Receiver.fail_first -= 1
            self.send_response(503)
        else:
            _Receiver.received.append((body, dict(self.headers)))
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    _Receiver.received, _Receiver.fail_first = [], 1
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()


def test_events_are_signed_delivered_and_retried(db: Database, receiver: str) -> None:
    webhook_id, secret = add_webhook(db, receiver)
    sync_cases(
        db,
        [
            {
                "subject": "warning:W1",
                "warning_id": "W1",
                "project_id": "P1",
                "unit_id": "U1",
                "region": None,
                "rule_id": "r",
                "severity": "red",
                "scheme": None,
                "title": "t",
            }
        ],
    )
    store = CaseStore(db)
    case_id = store.page(CaseFilter(), offset=0, limit=1)[1][0]["case_id"]
    store.transition(
        case_id,
        "assign",
        {"assigned_unit": "U1", "inspector": "赵", "deadline": "2099-01-01"},
        Actor("k1", "赵"),
        today=dt.date(2026, 12, 5),
    )
    now = dt.datetime.now(dt.UTC)  # deliveries are due from the moment of their event
    with httpx.Client(timeout=5) as client:
        first = deliver_due(db, client, now=now + dt.timedelta(minutes=1))
        assert (first.delivered, first.failed) == (1, 1)  # the receiver refuses the first call once
        early = deliver_due(db, client, now=now + dt.timedelta(minutes=1, seconds=10))
        assert (early.delivered, early.failed) == (0, 0)  # back-off: retried only after 30 s
        late = deliver_due(db, client, now=now + dt.timedelta(minutes=2))
        assert (late.delivered, late.failed) == (1, 0)
    bodies = [json.loads(body) for body, _ in _Receiver.received]
    assert sorted(b["action"] for b in bodies) == ["assign", "open"]
    for body, headers in _Receiver.received:
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        assert headers[SIGNATURE_HEADER] == expected
    assigned = next(b for b in bodies if b["action"] == "assign")
    assert (assigned["from_state"], assigned["to_state"], assigned["who"]) == ("new", "assigned", "赵")
    assert webhook_id >= 1


def test_a_webhook_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="must start with http"):
        add_webhook(Database.__new__(Database), "file:///etc/passwd")


def test_migrations_give_the_declared_schema(db: Database) -> None:
    with db.read() as con:
        assert compare_metadata(MigrationContext.configure(con), metadata) == []


def test_an_old_state_file_and_keys_file_are_adopted(tmp_path: Path) -> None:
    """Files written before migrations (CREATE TABLE IF NOT EXISTS) keep their rows."""
    state, keys = tmp_path / "state.sqlite", tmp_path / "keys.sqlite"
    with sqlite3.connect(state) as con:
        con.executescript(
            "CREATE TABLE feedback (feedback_id INTEGER PRIMARY KEY AUTOINCREMENT, client_key TEXT NOT NULL UNIQUE,"
            " entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, warning_id TEXT, outcome TEXT NOT NULL,"
            " scheme TEXT, note TEXT, who TEXT NOT NULL, key_id TEXT NOT NULL, decided_at TEXT NOT NULL,"
            " received_at TEXT NOT NULL, payload_sha256 TEXT NOT NULL);"
            "INSERT INTO feedback VALUES (1, 'ck-00000001', 'project', 'P1', NULL, 'confirmed', NULL, NULL, 'w',"
            " 'k', '2026-01-02T03:04:05', '2026-01-02T03:04:05', 'x');"
        )
    with sqlite3.connect(keys) as con:
        con.executescript(
            "CREATE TABLE api_keys (key_id TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, role TEXT NOT NULL,"
            " name TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT);"
            "INSERT INTO api_keys VALUES ('abc', 'h', 'inspector', '老钥匙', '2026-01-01T00:00:00', NULL);"
        )
    frame = read_feedback(state)
    assert list(frame["client_key"]) == ["ck-00000001"] and str(frame["decided_at"][0]) == "2026-01-02 03:04:05"
    old = KeyStore(keys).list_keys()
    assert [(k.key_id, k.name, k.scope) for k in old] == [("abc", "老钥匙", ())]
