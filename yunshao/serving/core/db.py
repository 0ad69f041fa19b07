"""The case store's database: SQLite by default (a file, zero set-up), PostgreSQL when a URL names one.

Opening a database brings its schema to the latest Alembic revision (``serving/migrations``), under a
lock so that several worker processes starting at once migrate it once. On SQLite every write is its own
``BEGIN IMMEDIATE`` transaction in WAL mode with ``synchronous = FULL``: a committed row is on disk before
the reply leaves, and two writers queue instead of failing on a lock upgrade.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def database_url(location: str | Path) -> str:
    """A SQLAlchemy URL from a URL or a file path; ``postgresql://`` uses psycopg 3 (the driver we ship)."""
    value = str(location)
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    url = make_url(value)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (the pysqlite recipe)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """One database (file or server), migrated on open; ``write()`` and ``read()`` hand out connections."""

    def __init__(self, location: str | Path, *, migrate: bool = True) -> None:
        self.url = database_url(location)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            path = Path(make_url(self.url).database or "")
            path.parent.mkdir(parents=True, exist_ok=True)
            self.lock_path: Path | None = path.with_name(path.name + ".migrate.lock")
        else:
            self.lock_path = None
        self.engine = create_engine(self.url, pool_pre_ping=not self.is_sqlite)
        if self.is_sqlite:
            _sqlite_pragmas(self.engine)
        if migrate:
            self.upgrade()

    def upgrade(self) -> None:
        """Bring the schema to the latest revision, once even when several processes open it together."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self._migration_lock() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextmanager
    def _migration_lock(self) -> Iterator[Connection]:
        if self.lock_path is not None:
            with self.lock_path.open("a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                with self.engine.connect() as connection:
                    yield connection
            return
        with self.engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(7317)"))  # held by the session, across commits
            try:
                yield connection
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(7317)"))
                connection.commit()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction that writes: committed when the block exits, rolled back on an error."""
        with self.engine.connect().execution_options(immediate=True) as connection, connection.begin():
            yield connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            yield connection

    def dispose(self) -> None:
        self.engine.dispose()
