"""API keys: created by ``yunshao keys create --role ROLE [--scope UNIT …]``, stored hashed, checked on every request.

A key is ``ysk_`` + 32 random bytes (URL-safe base64). Only its SHA-256 is stored: a key has 256 bits of
entropy, so a salted slow hash (scrypt, PBKDF2) would add nothing against guessing while costing
milliseconds on every request. The key is shown once, when created.

A key's scope is a list of unit ids and regions: the holder sees the cases, projects and posts of those
units and of the units under them (``units.parent_unit_id``); an empty scope sees everything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from yunshao.serving.core.db import Database
from yunshao.serving.core.security import ROLES, Role
from yunshao.serving.core.tables import api_keys

PREFIX = "ysk_"


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    role: Role
    name: str
    created_at: str
    revoked_at: str | None = None
    scope: tuple[str, ...] = field(default=())


def hash_key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _key(row: Any) -> ApiKey:
    scope = tuple(json.loads(row.scope or "[]"))
    return ApiKey(row.key_id, row.role, row.name, row.created_at, row.revoked_at, scope)


_COLUMNS = (
    api_keys.c.key_id,
    api_keys.c.role,
    api_keys.c.name,
    api_keys.c.created_at,
    api_keys.c.revoked_at,
    api_keys.c.scope,
)


class KeyStore:
    """The keys of a database (``serve.database_url``, else the SQLite file ``serve.keys_db``)."""

    def __init__(self, location: str | Path | Database) -> None:
        self.db = location if isinstance(location, Database) else Database(location)

    def create(self, role: str, name: str = "", scope: list[str] | tuple[str, ...] = ()) -> tuple[ApiKey, str]:
        """A new key of ``role``; returns its record and the key itself (shown once, never stored)."""
        if role not in ROLES:
            raise ValueError(f"unknown role '{role}'; roles are {', '.join(ROLES)}")
        token = PREFIX + secrets.token_urlsafe(32)
        key_id = secrets.token_hex(6)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        record = ApiKey(key_id, role, name or f"{role}-{key_id}", now, None, tuple(dict.fromkeys(scope)))  # type: ignore[arg-type]
        with self.db.write() as con:
            con.execute(
                insert(api_keys).values(
                    key_id=key_id,
                    key_hash=hash_key(token),
                    role=role,
                    name=record.name,
                    created_at=now,
                    scope=json.dumps(list(record.scope), ensure_ascii=False),
                )
            )
        return record, token

    def verify(self, token: str | None) -> ApiKey | None:
        """The live key matching ``token``, or None (unknown, revoked or absent)."""
        if not token or not token.startswith(PREFIX):
            return None
        return self._live(api_keys.c.key_hash == hash_key(token))

    def get(self, key_id: str) -> ApiKey | None:
        """The live key with id ``key_id`` (a login session's key), or None."""
        return self._live(api_keys.c.key_id == key_id)

    def _live(self, condition: Any) -> ApiKey | None:
        query = select(*_COLUMNS).where(condition, api_keys.c.revoked_at.is_(None))
        with self.db.read() as con:
            row = con.execute(query).first()
        return _key(row) if row is not None else None

    def list_keys(self) -> list[ApiKey]:
        with self.db.read() as con:
            rows = con.execute(select(*_COLUMNS).order_by(api_keys.c.created_at, api_keys.c.key_id)).all()
        return [_key(r) for r in rows]

    def revoke(self, key_id: str) -> bool:
        """Revoke a key by id; False when no live key has that id."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self.db.write() as con:
            result = con.execute(
                update(api_keys)
                .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            return result.rowcount > 0
