"""Build a case's data from the clean world plus its changes, run rules, return the warnings."""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from tests.rules.world import clean_world
from yunshao.contract import TABLES, load_frames
from yunshao.documents.tables import DOC_TABLES, create_empty
from yunshao.engine import connect
from yunshao.rules.loader import load_rules
from yunshao.rules.model import Rule
from yunshao.rules.runner import run_rules
from yunshao.settings import EngineSettings, RuleSettings

CASES = Path(__file__).parent / "cases"


@cache
def catalog() -> dict[str, Rule]:
    return {r.id: r for r in load_rules()}


def apply_changes(world: dict[str, list[dict[str, Any]]], case: dict[str, Any]) -> None:
    """``set`` updates rows by the table's single key, ``add`` appends, ``drop`` removes matching rows."""
    for table in case.get("omit", []):
        world.pop(table)
    for table, filters in case.get("drop", {}).items():
        before = len(world[table])
        world[table] = [r for r in world[table] if not any(_matches(r, f) for f in filters)]
        assert len(world[table]) < before, f"drop {table} {filters}: no row matched"
    for table, rows in case.get("set", {}).items():
        key = TABLES[table].key[0]
        for change in rows:
            hit = [r for r in world[table] if r[key] == change[key]]
            assert hit, f"set {table}: no row with {key}={change[key]}"
            hit[0].update(change)
    for table, rows in case.get("add", {}).items():
        world.setdefault(table, []).extend(rows)


def _matches(row: dict[str, Any], flt: dict[str, Any]) -> bool:
    return all(row.get(k) == v for k, v in flt.items())


@cache
def _clean_db() -> tuple[str, frozenset[str]]:
    """The clean world validated once into a file; cases copy it and re-validate what they change."""
    folder = Path(tempfile.mkdtemp(prefix="yunshao-rules-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # one per test process, gone when it ends
    path = folder / "clean.duckdb"
    con = connect(path)
    report = load_frames(con, _frames(clean_world()))
    con.close()
    return str(path), frozenset(report.tables)


def _frames(world: dict[str, list[dict[str, Any]]]) -> dict[str, pd.DataFrame]:
    return {name: pd.DataFrame(rows, columns=list(TABLES[name].column_names)) for name, rows in world.items()}


def load_world(case: dict[str, Any]) -> tuple[duckdb.DuckDBPyConnection, set[str]]:
    """The clean world with the case's changes, every changed table validated as a file would be."""
    world = clean_world()
    township = _township(world) if case.get("world") == "township" else set()
    apply_changes(world, case)
    changed = {t for k in ("set", "add", "drop") for t in case.get(k, {})} | township
    stage = {t: world.pop(t) for t in list(world) if t in DOC_TABLES}  # the documents stage's output
    changed -= set(stage)
    path, present = _clean_db()
    con = connect(None, EngineSettings(threads=1))
    con.execute(f"ATTACH '{path}' AS clean (READ_ONLY)")
    kept = (present - changed) - set(case.get("omit", []))
    for table in kept:
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM clean.{table}")
    con.execute("DETACH clean")
    load_frames(con, _frames({t: world[t] for t in changed}))
    bad = con.execute('SELECT "table", reason FROM quarantine').fetchall()
    assert not bad, f"the case's data breaks the contract: {bad}"
    for table, rows in stage.items():
        create_empty(con, [table])
        frame = pd.DataFrame(rows, columns=list(DOC_TABLES[table]))  # noqa: F841  (read by DuckDB below)
        con.execute(f"INSERT INTO {table} SELECT * FROM frame")
    return con, kept | changed | set(stage)


def _township(world: dict[str, list[dict[str, Any]]]) -> set[str]:
    """Add the township's rows (``world: township`` in a case) to ``world``; the tables it touched."""
    from tests.rules.township_world import township_world

    added = township_world()
    for table, rows in added.items():
        world.setdefault(table, []).extend(rows)
    return set(added)


def run_case(rule_ids: list[str] | None, case: dict[str, Any], lang: str = "en") -> list[dict[str, Any]]:
    con, present = load_world(case)
    rules = list(catalog().values()) if rule_ids is None else [catalog()[r] for r in rule_ids]
    settings = RuleSettings(overrides=case.get("params", {}), **case.get("settings", {}))
    report = run_rules(con, settings, lang=lang, present_tables=present, rules=rules)
    assert report.duplicates == {}, f"rules whose key does not tell hits apart: {report.duplicates}"
    return warnings(con)


def warnings(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    rows = con.execute(
        "SELECT rule_id, entity_type, entity_id, severity, project_id, post_id, scheme, evidence, guide "
        "FROM warnings ORDER BY rule_id, entity_id, evidence"
    ).fetchall()
    names = ["rule_id", "entity_type", "entity_id", "severity", "project_id", "post_id", "scheme", "evidence", "guide"]
    out = [dict(zip(names, r, strict=True)) for r in rows]
    for w in out:
        w["evidence"] = json.loads(w["evidence"])
    return out
