"""API keys: created by ``yunshao keys create --role ROLE``, stored hashed, checked on every request.

A key is ``ysk_`` + 32 random bytes (URL-safe base64). Only its SHA-256 is stored: a key has 256 bits of
entropy, so a salted slow hash (scrypt, PBKDF2) would add nothing against guessing while costing
milliseconds on every request. The key is shown once, when created.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from yunshao.serving.core.security import ROLES, Role
from yunshao.serving.core.sqlite import SqliteFile

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY,
    key_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
"""
PREFIX = "ysk_"


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    role: Role
    name: str
    created_at: str
    revoked_at: str | None = None


def hash_key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class KeyStore:
    """The keys file (``ServeSettings.keys_db``)."""

    def __init__(self, path: Path) -> None:
        self.db = SqliteFile(path, _SCHEMA)

    def create(self, role: str, name: str = "") -> tuple[ApiKey, str]:
        """A new key of ``role``; returns its record and the key itself (shown once, never stored)."""
        if role not in ROLES:
            raise ValueError(f"unknown role '{role}'; roles are {', '.join(ROLES)}")
        token = PREFIX + secrets.token_urlsafe(32)
        key_id = secrets.token_hex(6)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self.db.transaction() as con:
            con.execute(
                "INSERT INTO api_keys (key_id, key_hash, role, name, created_at) VALUES (?, ?, ?, ?, ?)",
                (key_id, hash_key(token), role, name or f"{role}-{key_id}", now),
            )
        return ApiKey(key_id, role, name or f"{role}-{key_id}", now), token  # type: ignore[arg-type]

    def verify(self, token: str | None) -> ApiKey | None:
        """The live key matching ``token``, or None (unknown, revoked or absent)."""
        if not token or not token.startswith(PREFIX):
            return None
        rows = self.db.query(
            "SELECT key_id, role, name, created_at, revoked_at FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
            (hash_key(token),),
        )
        return ApiKey(**dict(rows[0])) if rows else None

    def list_keys(self) -> list[ApiKey]:
        rows = self.db.query("SELECT key_id, role, name, created_at, revoked_at FROM api_keys ORDER BY created_at")
        return [ApiKey(**dict(r)) for r in rows]

    def revoke(self, key_id: str) -> bool:
        """Revoke a key by id; False when no live key has that id."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self.db.transaction() as con:
            cur = con.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL", (now, key_id)
            )
            return cur.rowcount > 0
