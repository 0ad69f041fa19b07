"""The case store on both databases: every test taking ``db`` runs on SQLite and on a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from yunshao.serving.core.db import Database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        database = Database(tmp_path / "cases.sqlite")
    else:
        from tests.postgres_server import fresh_database

        database = Database(fresh_database(request.getfixturevalue("postgres_url")))
    yield database
    database.dispose()
