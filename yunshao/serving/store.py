"""Read access to the store that ``yunshao run`` wrote (OUT/yunshao.duckdb), opened read-only.

The store is attached read-only to an in-memory database, so several workers (and a reader such as a
notebook) can share the file. A contract table the dataset did not hold is absent from the store; an
empty stand-in with the contract's columns is created in memory so that every query stays valid.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from yunshao.contract.checks import q
from yunshao.contract.outputs import POST_SCORES, PROJECT_SCORES, WARNINGS
from yunshao.contract.schema import TABLES
from yunshao.engine import connect, read_sql_file
from yunshao.engine.duck import table_names
from yunshao.settings import EngineSettings

SQL_DIR = Path(__file__).parent / "sql"
#: Project and post details kept in memory per process (each a few kB).
READ_CACHE = 4096

#: Output tables of a run that a query may read (stand-ins when a run wrote none), as contract/outputs.py
#: declares them.
STAND_IN_OUTPUTS = (WARNINGS, PROJECT_SCORES, POST_SCORES)

#: Where the name of each kind of id lives: table, id column, name column, unit column (for scope).
NAME_SOURCES: dict[str, tuple[str, str, str, str | None]] = {
    "company": ("companies", "company_id", "name", None),
    "person": ("people", "person_id", "name", None),
    "unit": ("units", "unit_id", "name", None),
    "project": ("projects", "project_id", "name", "unit_id"),
    "post": ("posts", "post_id", "title", "unit_id"),
}


@cache
def sql(name: str) -> str:
    """The body of ``serving/sql/<name>.sql``."""
    return read_sql_file(SQL_DIR / f"{name}.sql").body


def open_store(path: Path, engine: EngineSettings | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the store attached read-only as ``store`` and searched first."""
    con = connect(None, engine or EngineSettings())
    con.execute(f"ATTACH {_lit(str(path))} AS store (READ_ONLY)")
    present = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'store'"
        ).fetchall()
    }
    for name, table in TABLES.items():
        if name not in present:
            con.execute(f"CREATE TABLE memory.main.{q(name)} ({table.ddl()})")
    for output in STAND_IN_OUTPUTS:
        if output.name not in present:
            con.execute(f"CREATE TABLE memory.main.{q(output.name)} ({output.ddl()})")
    con.execute("SET search_path = 'store.main,memory.main'")
    return con


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


class Store:
    """Queries over the latest run; one cursor per call so that threads never share one."""

    def __init__(self, path: Path, engine: EngineSettings | None = None) -> None:
        self.path = Path(path)
        self._con = open_store(self.path, engine)
        self._lock = threading.Lock()
        self.present_tables = self._present()
        self.run_info = _run_info(self.path.parent / "run.json")
        self.people_names = self._people_names()
        units = self.rows("unit_tree")
        self.unit_tree: tuple[tuple[str, str | None, str | None], ...] = tuple(
            (str(r["unit_id"]), r["parent_unit_id"], r["region"]) for r in units
        )
        self.unit_names: dict[str, str] = {str(r["unit_id"]): str(r["name"] or r["unit_id"]) for r in units}
        self._scopes: dict[tuple[str, ...], frozenset[str] | None] = {}
        # the store is read-only while serving (a new run means a restart), so a read never goes stale;
        # callers get the cached dict and must copy before changing it
        self._cached_project = functools.lru_cache(maxsize=READ_CACHE)(self._project)
        self._cached_post = functools.lru_cache(maxsize=READ_CACHE)(self._post)

    def _people_names(self) -> frozenset[str]:
        """Every person's name, to mask where a rule's evidence quotes one."""
        rows = self._con.execute("SELECT DISTINCT name FROM people WHERE length(name) >= 2").fetchall()
        return frozenset(str(r[0]) for r in rows)

    def _present(self) -> set[str]:
        rows = self._con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'store'"
        ).fetchall()
        return {r[0] for r in rows} & set(TABLES)

    def close(self) -> None:
        self._con.close()

    def units_of_scope(self, scope: tuple[str, ...]) -> frozenset[str] | None:
        """The units a key's scope covers (None = all), computed once per scope."""
        from yunshao.serving.core.scope import visible_units

        if scope not in self._scopes:
            self._scopes[scope] = visible_units(scope, self.unit_tree)
        return self._scopes[scope]

    def cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            cur = self._con.cursor()
        cur.execute("SET search_path = 'store.main,memory.main'")
        return cur

    def rows(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Rows of the named query as dicts (JSON-ready values)."""
        cur = self.cursor()
        try:
            result = cur.execute(sql(name), params)
            cols = [d[0] for d in result.description or []]
            return [{c: _jsonable(v) for c, v in zip(cols, row, strict=True)} for row in result.fetchall()]
        finally:
            cur.close()

    def warnings(
        self,
        *,
        level: str | None = None,
        unit: str | None = None,
        rule: str | None = None,
        domain: str | None = None,
        since: dt.datetime | None = None,
        units: frozenset[str] | None = None,
        q: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of warnings; ``units`` (a key's scope) keeps those of projects or posts of these units;
        ``q`` those of a project whose id is ``q`` or whose name contains it (both ignoring case)."""
        scope = None if units is None else sorted(units)
        filters = {
            "level": level,
            "unit": unit,
            "rule": rule,
            "domain": domain,
            "since": since,
            "units": scope,
            "q": q,
        }
        rows = self.rows("warnings_list", **filters, limit=limit, offset=offset)
        total = int(rows[0]["total"]) if rows else self._count_beyond(filters)
        for r in rows:
            r.pop("total")
            r["evidence"] = parse_json(r["evidence"])
        return rows, total

    def _count_beyond(self, filters: dict[str, Any]) -> int:
        """Total when the requested page is past the end (the window count has no row to ride on)."""
        rows = self.rows("warnings_list", **filters, limit=1, offset=0)
        return int(rows[0]["total"]) if rows else 0

    def project(self, project_id: str) -> dict[str, Any] | None:
        """A project with its unit, scores, trail, tenders and warnings (cached: do not change the result)."""
        return self._cached_project(project_id)

    def _project(self, project_id: str) -> dict[str, Any] | None:
        found = self.rows("project", project_id=project_id)
        if not found:
            return None
        project = found[0]
        project["top_factors"] = parse_json(project.get("top_factors"))
        warnings = self.rows("entity_warnings", project_id=project_id, post_id=None)
        for w in warnings:
            w["evidence"] = parse_json(w["evidence"])
        return {
            "project": project,
            "trail": self.rows("project_trail", project_id=project_id),
            "tenders": self.rows("project_tenders", project_id=project_id),
            "warnings": warnings,
        }

    def post(self, post_id: str) -> dict[str, Any] | None:
        """A post with its holders, projects and warnings (cached: do not change the result)."""
        return self._cached_post(post_id)

    def _post(self, post_id: str) -> dict[str, Any] | None:
        found = self.rows("post", post_id=post_id)
        if not found:
            return None
        post = found[0]
        post["top_factors"] = parse_json(post.get("top_factors"))
        warnings = self.rows("entity_warnings", project_id=None, post_id=post_id)
        for w in warnings:
            w["evidence"] = parse_json(w["evidence"])
        return {
            "post": post,
            "holders": self.rows("post_holders", post_id=post_id),
            "projects": self.rows("post_projects", post_id=post_id),
            "warnings": warnings,
        }

    def bundle(self, project_id: str) -> dict[str, Any] | None:
        """A project's rows in the per-project tables, shaped as the body of POST /v1/score."""
        from yunshao.serving.models.contract_rows import BUNDLE_TABLES

        cur = self.cursor()
        try:
            out: dict[str, Any] = {}
            for name in BUNDLE_TABLES:
                cols = ", ".join(f"x.{q(c)}" for c in TABLES[name].column_names)
                if name == "bids":
                    where = "x.tender_id IN (SELECT tender_id FROM tenders WHERE project_id = $pid)"
                elif name == "performance":
                    where = "x.agreement_id IN (SELECT agreement_id FROM agreements WHERE project_id = $pid)"
                else:
                    where = "x.project_id = $pid"
                result = cur.execute(f"SELECT {cols} FROM {q(name)} x WHERE {where}", {"pid": project_id})
                names = [d[0] for d in result.description or []]
                out[name] = [
                    {c: _jsonable(v) for c, v in zip(names, row, strict=True) if v is not None}
                    for row in result.fetchall()
                ]
        finally:
            cur.close()
        projects = out.pop("projects")
        if not projects:
            return None
        return {"project": projects[0], **{k: v for k, v in out.items() if v}}

    def names_of(self, kind: str, ids: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
        """id → (name, unit) of ids of one kind (``NAME_SOURCES``), in one query for a page's evidence."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        table, id_col, name_col, unit_col = NAME_SOURCES[kind]
        unit = f"x.{q(unit_col)}" if unit_col else "NULL"
        query = (
            f"SELECT x.{q(id_col)}, x.{q(name_col)}, {unit} FROM {q(table)} x WHERE list_contains($ids, x.{q(id_col)})"
        )
        cur = self.cursor()
        try:
            rows = cur.execute(query, {"ids": wanted}).fetchall()
        finally:
            cur.close()
        return {str(r[0]): (r[1], r[2]) for r in rows}

    def find_entity(self, entity_type: str, entity_id: str) -> dict[str, Any] | None:
        found = self.rows("entity_exists", entity_type=entity_type, entity_id=entity_id)
        return found[0] if found else None

    def table_names(self) -> set[str]:
        cur = self.cursor()
        try:
            return table_names(cur)
        finally:
            cur.close()


def parse_json(text: Any) -> Any:
    """Evidence and factors are JSON text in the store; a value that is not JSON is returned as it is."""
    if text is None or not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def _run_info(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return {}
    return info if isinstance(info, dict) else {}
