"""DuckBackend.drop: a temporary relation the backend made is dropped without asking the catalog, and the
result is the same as asking it (whatever kind the name holds now, in whichever catalog)."""

from __future__ import annotations

import duckdb
import pytest

from yunshao.engine.backend import DuckBackend


def _relations(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT table_catalog, table_type FROM information_schema.tables WHERE table_name = ? ORDER BY 1",
        [name],
    ).fetchall()


@pytest.fixture
def backend() -> DuckBackend:
    return DuckBackend(duckdb.connect())


def test_re_making_a_relation_of_either_kind_keeps_one(backend):
    for view in (False, True, True, False):
        backend.create("x", "SELECT 1 AS a", view=view)
        assert _relations(backend.con, "x") == [("temp", "VIEW" if view else "LOCAL TEMPORARY")]
        assert backend.fetch("SELECT a FROM x")[1] == [(1,)]


def test_a_made_relation_replaced_behind_the_backend_is_still_dropped(backend):
    backend.create("x", "SELECT 1 AS a", view=True)
    backend.con.execute("DROP VIEW x")
    backend.con.execute("CREATE TEMP TABLE x AS SELECT 2 AS a")  # the backend still thinks: a view
    backend.drop("x")
    assert _relations(backend.con, "x") == []


def test_the_first_drop_of_a_name_also_clears_the_stores_table(backend):
    backend.con.execute("CREATE TABLE x AS SELECT 0 AS a")  # in the store (memory.main), not made by the backend
    backend.create("x", "SELECT 1 AS a")
    assert _relations(backend.con, "x") == [("temp", "LOCAL TEMPORARY")]
    backend.create("x", "SELECT 2 AS a", keep=True)  # kept: replaces the temporary one
    assert _relations(backend.con, "x") == [("memory", "BASE TABLE")]
    assert backend.fetch("SELECT a FROM x")[1] == [(2,)]
    backend.drop("x")
    assert _relations(backend.con, "x") == []
