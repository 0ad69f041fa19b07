"""Login sessions of the pages: the cookie holds a random session id, never the API key.

The id is 32 random bytes; only its SHA-256 is stored, with the key it stands for and an expiry. Each
login starts a new session (and ends the one the browser held), logout ends it, and revoking the key ends
all of them since a session is checked against a live key on every request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import Connection, insert, select, update

from yunshao.serving.core.db import Database
from yunshao.serving.core.tables import login_sessions


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _iso(at: dt.datetime) -> str:
    return at.isoformat(timespec="seconds")


class SessionStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def start(self, key_id: str, hours: float, *, replacing: str | None = None) -> str:
        """A new session for ``key_id``; the cookie value is returned once. ``replacing`` is ended."""
        token = secrets.token_urlsafe(32)
        now = dt.datetime.now(dt.UTC)
        with self.db.write() as con:
            if replacing:
                self._end(con, replacing, now)
            con.execute(
                insert(login_sessions).values(
                    session_hash=_hash(token),
                    key_id=key_id,
                    created_at=_iso(now),
                    expires_at=_iso(now + dt.timedelta(hours=hours)),
                )
            )
        return token

    def key_of(self, token: str | None) -> str | None:
        """The key id of a live, unexpired session, or None."""
        if not token or len(token) > 100:
            return None
        now = _iso(dt.datetime.now(dt.UTC))
        query = select(login_sessions.c.key_id).where(
            login_sessions.c.session_hash == _hash(token),
            login_sessions.c.revoked_at.is_(None),
            login_sessions.c.expires_at > now,
        )
        with self.db.read() as con:
            return con.execute(query).scalar_one_or_none()

    def end(self, token: str | None) -> None:
        if token:
            with self.db.write() as con:
                self._end(con, token, dt.datetime.now(dt.UTC))

    @staticmethod
    def _end(con: Connection, token: str, now: dt.datetime) -> None:
        con.execute(
            update(login_sessions)
            .where(login_sessions.c.session_hash == _hash(token), login_sessions.c.revoked_at.is_(None))
            .values(revoked_at=_iso(now))
        )
