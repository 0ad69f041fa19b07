"""What the SQL graph needs of an engine, and DuckDB's answer to it.

The graph (feature files, steps, wide tables, rules) is written once, in DuckDB's dialect; the runners
talk to an engine only through ``Backend``, so the same graph runs on the embedded DuckDB connection of a
batch run or an API pass and on a Spark session (``engine.spark.SparkBackend``) for province scale.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

import duckdb
import pandas as pd


class Backend(Protocol):
    """Relations by name: create from a query, read, count, drop."""

    name: str

    def create(self, relation: str, sql: str, *, view: bool = False, keep: bool = False) -> None:
        """(Re)create ``relation`` from ``sql``: a view, or a table held for the run (``keep``: in the store)."""

    def drop(self, relation: str) -> None:
        """Drop a table or view of this name, if any."""

    def has(self, relation: str) -> bool:
        """Whether a table or view of this name can be read."""

    def columns(self, sql: str) -> list[str]:
        """The columns a query returns, without running it to the end."""

    def fetch(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run a query and return its column names and rows (small results only: hits, counts)."""

    def count(self, relation: str) -> int:
        """Rows of a relation."""

    def empty(self, relation: str, columns: Mapping[str, str]) -> None:
        """An empty table with these columns (name → DuckDB type): the stand-in for an absent input."""

    def put(self, relation: str, frame: pd.DataFrame, columns: Mapping[str, str]) -> None:
        """A table holding ``frame``'s rows, typed as ``columns`` (name → DuckDB type)."""

    def unordered(self) -> Any:
        """A context in which row order of created tables may be given up for speed."""


class DuckBackend:
    """A DuckDB connection; intermediates are temporary tables of the connection."""

    name = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._temp: dict[str, str] = {}  # temporary relations this backend created: name -> VIEW or TABLE

    def create(self, relation: str, sql: str, *, view: bool = False, keep: bool = False) -> None:
        self.drop(relation)
        if keep:
            self.con.execute(f"CREATE OR REPLACE TABLE {relation} AS {sql}")
        else:
            # intermediates of this session: temporary, so they cost no compression or disk writes
            kind = "VIEW" if view else "TABLE"
            self.con.execute(f"CREATE TEMP {kind} {relation} AS {sql}")
            self._temp[relation] = kind

    def drop(self, relation: str) -> None:
        """Drop every table or view of this name, in every catalog the catalog query finds it in.

        Except a temporary relation this backend made: that one is dropped by name, without the query (its
        first creation already cleared the name elsewhere). An API pass re-creates the same ~50 relations
        each time, and the query costs ~1.5 ms against 0.07 ms for the drop (BENCHMARKS.md)."""
        kind = self._temp.pop(relation, None)
        if kind is not None:
            try:
                self.con.execute(f"DROP {kind} IF EXISTS temp.main.{relation}")
                return
            except duckdb.CatalogException:  # replaced by a relation of the other kind since: ask the catalog
                pass
        rows = self.con.execute(
            "SELECT table_catalog, table_type FROM information_schema.tables "
            "WHERE table_name = ? AND table_schema = 'main'",
            [relation],
        ).fetchall()
        for catalog, table_type in rows:  # DuckDB refuses DROP VIEW on a table and the reverse
            kind = "VIEW" if table_type == "VIEW" else "TABLE"
            self.con.execute(f'DROP {kind} IF EXISTS "{catalog}".main.{relation}')

    def has(self, relation: str) -> bool:
        try:
            self.con.execute(f"SELECT 1 FROM {relation} LIMIT 0")
        except duckdb.CatalogException:
            return False
        return True

    def columns(self, sql: str) -> list[str]:
        return [d[0] for d in self.con.execute(f"SELECT * FROM ({sql}) AS q LIMIT 0").description]

    def fetch(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        cursor = self.con.execute(sql)
        names = [d[0] for d in cursor.description or []]
        return names, cursor.fetchall()

    def count(self, relation: str) -> int:
        return int(self.con.execute(f"SELECT count(*) FROM {relation}").fetchall()[0][0])

    def empty(self, relation: str, columns: Mapping[str, str]) -> None:
        cols = ", ".join(f'"{c}" {t}' for c, t in columns.items())
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {relation} ({cols})")

    def put(self, relation: str, frame: pd.DataFrame, columns: Mapping[str, str]) -> None:
        select = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in columns.items())
        self.con.register("_put_frame", frame)
        try:
            self.con.execute(f"CREATE OR REPLACE TABLE {relation} AS SELECT {select} FROM _put_frame")
        finally:
            self.con.unregister("_put_frame")

    @contextmanager
    def unordered(self) -> Iterator[None]:
        """Feature tables are keyed, their row order means nothing: let DuckDB write them in parallel."""
        keep = self.con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
        self.con.execute("SET preserve_insertion_order = false")
        try:
            yield
        finally:
            self.con.execute(f"SET preserve_insertion_order = {'true' if keep else 'false'}")


def as_backend(target: duckdb.DuckDBPyConnection | Backend) -> Backend:
    """A DuckDB connection is wrapped; a backend is used as it is."""
    if isinstance(target, duckdb.DuckDBPyConnection):
        return DuckBackend(target)
    return target
