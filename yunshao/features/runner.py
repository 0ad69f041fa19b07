"""Run the feature SQL files in dependency order and assemble the wide feature tables.

Each file runs only when every contract table it requires is present; otherwise it is reported skipped
with the reason, and its columns are NULL in the wide table (never guessed). Shared steps are
materialised once so that the expensive passes over the approval events are not repeated. Steps and the
per-file ``feat_<file>`` tables are temporary tables of the connection; the wide tables
``features_project``, ``features_tender`` and ``features_post`` are the persistent result.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from typing import Any

import duckdb

from yunshao.contract.schema import TABLES
from yunshao.engine import render_sql
from yunshao.features.files import ENTITY_KEYS, FeatureFile, FeatureHeaderError, load_feature_files
from yunshao.features.nodes import create_node_table
from yunshao.features.screens import SCREENS_TABLE, ScreensUnavailable, count_rows, create_tender_screens
from yunshao.settings import FeatureSettings, RuleSettings, Settings

Progress = Callable[[str], None]

#: Steps written in Python (name → files they read). They produce a table of the same name.
PY_STEPS: dict[str, tuple[str, ...]] = {SCREENS_TABLE: ("step_screen_bids",)}

NOT_NEEDED = "not needed: no feature file that reads it can run"
WIDE_TABLES = {entity: f"features_{entity}" for entity in ENTITY_KEYS}


@dataclass
class FileRun:
    """What happened to one file (or Python step, or wide table)."""

    name: str
    entity: str
    family: str
    status: str  # "ran" | "skipped"
    reason: str = ""
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # CPU of the whole process (all DuckDB threads): comparable on a busy machine
    rows: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class RepeatCache:
    """What one pass proved about the files, so that identical later passes skip the proofs.

    The API runs the same files on a connection of the same shape many times a second. The first pass
    runs every check (declared columns, unique keys, row counts) and records each file's typed SQL; later
    passes with the same tables present reuse that SQL and create each relation in one statement. The
    checks hold for the later passes because the SQL and the input schemas are the same; what changes is
    only the rows. The key check guards against a file's own bug (a GROUP BY that misses a key column);
    every batch run and the API's warm-up pass still make it, later API passes trust them.
    """

    present: frozenset[str] | None = None
    typed: dict[str, str] = field(default_factory=dict)

    def matches(self, present: set[str]) -> bool:
        return self.present == frozenset(present)


@dataclass
class FeatureReport:
    """Which files and families ran or were skipped (and why), with rows and seconds per file."""

    files: list[FileRun] = field(default_factory=list)
    seconds: float = 0.0
    typed_sql: dict[str, str] = field(default_factory=dict)  # file → the SQL that made its relation

    @property
    def ran(self) -> list[str]:
        return [f.name for f in self.files if f.status == "ran"]

    @property
    def skipped(self) -> dict[str, str]:
        return {f.name: f.reason for f in self.files if f.status == "skipped"}

    @property
    def timings(self) -> dict[str, float]:
        return {f.name: f.seconds for f in self.files if f.status == "ran"}

    @property
    def families_ran(self) -> set[str]:
        return {f"{f.entity}/{f.family}" for f in self.files if f.status == "ran" and f.family != "wide"}

    @property
    def families_skipped(self) -> set[str]:
        """Families of which no file ran."""
        every = {f"{f.entity}/{f.family}" for f in self.files if f.family != "wide"}
        return every - self.families_ran

    def get(self, name: str) -> FileRun:
        return next(f for f in self.files if f.name == name)


def feature_params(settings: Settings | FeatureSettings | None) -> dict[str, Any]:
    """Values for the ``{{ name }}`` placeholders: the feature settings plus the tendering thresholds."""
    if isinstance(settings, Settings):
        feats, rules = settings.features, settings.rules
    else:
        feats, rules = settings or FeatureSettings(), RuleSettings()
    params: dict[str, Any] = feats.model_dump()
    for name in ("works_tender_threshold", "goods_tender_threshold", "services_tender_threshold"):
        params[name] = float(getattr(rules, name))
    return params


def build_features(
    con: duckdb.DuckDBPyConnection,
    settings: Settings | FeatureSettings | None,
    present_tables: Iterable[str],
    progress: Progress | None = None,
    *,
    files: tuple[FeatureFile, ...] | None = None,
    repeat: RepeatCache | None = None,
) -> FeatureReport:
    """Create the ``feat_<file>`` tables and the wide ``features_project``, ``features_tender``, ``features_post``.

    ``settings`` is the whole Settings (feature parameters plus the tendering thresholds of the rules) or
    just the FeatureSettings; ``files`` replaces the packaged SQL files (for tests). ``repeat`` is kept by
    a caller that runs the same files again and again (the API): see ``RepeatCache``; row counts are then
    not reported (-1).
    """
    started = time.perf_counter()
    present = set(present_tables)
    files = files if files is not None else load_feature_files()
    params = feature_params(settings)
    report = FeatureReport()
    create_node_table(con)
    needed = _needed(files, present)
    fast = repeat if repeat is not None and repeat.matches(present) else None
    # feature tables are keyed, their row order means nothing: let DuckDB write them in parallel
    keep_order = con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
    con.execute("SET preserve_insertion_order = false")
    try:
        _run_all(con, files, report, present, params, needed, progress, fast)
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if keep_order else 'false'}")
    if repeat is not None and fast is None:
        repeat.present, repeat.typed = frozenset(present), dict(report.typed_sql)
    report.seconds = time.perf_counter() - started
    return report


def _run_all(
    con: duckdb.DuckDBPyConnection,
    files: tuple[FeatureFile, ...],
    report: FeatureReport,
    present: set[str],
    params: dict[str, Any],
    needed: set[str],
    progress: Progress | None,
    fast: RepeatCache | None = None,
) -> None:
    by_name = {f.name: f for f in files}
    for name in _order(files):
        if progress:
            progress(name)
        cpu = time.process_time()
        if name in WIDE_TABLES.values():
            entity = next(e for e, t in WIDE_TABLES.items() if t == name)
            run = _build_wide(con, entity, files, report, present, counted=fast is None)
        elif name in PY_STEPS:
            run = _run_py_step(con, name, report, params)
        elif fast is not None and name in fast.typed:
            run = _rerun_file(con, by_name[name], fast.typed[name])
        else:
            run = _run_file(con, by_name[name], report, present, params, needed)
        run.cpu_seconds = time.process_time() - cpu
        report.files.append(run)


def _order(files: tuple[FeatureFile, ...]) -> list[str]:
    """Dependency order; ties broken by name so that runs are reproducible."""
    names = {f.name for f in files}
    graph: dict[str, set[str]] = {n: set(d) for n, d in PY_STEPS.items() if set(d) <= names}
    for f in files:
        graph[f.name] = set(f.depends)
    for entity, wide in WIDE_TABLES.items():
        graph[wide] = {f.name for f in files if f.kind == "features" and f.entity == entity}
    known = set(graph)
    for name, deps in graph.items():
        unknown = deps - known
        if unknown:
            raise FeatureHeaderError(f"{name}: depends on unknown {', '.join(sorted(unknown))}")
    sorter = TopologicalSorter(graph)
    try:
        sorter.prepare()
    except CycleError as exc:
        raise FeatureHeaderError(f"feature files depend on each other in a cycle: {exc.args[1]}") from exc
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        order.extend(ready)
        sorter.done(*ready)
    return order


def _tables_missing(f: FeatureFile, present: set[str]) -> str | None:
    missing = [t for t in f.requires if t not in present]
    if missing:
        return f"table {', '.join(missing)} absent"
    for group in f.requires_any:
        if not any(t in present for t in group):
            return f"none of {', '.join(group)} present"
    return None


def _needed(files: tuple[FeatureFile, ...], present: set[str]) -> set[str]:
    """Files worth running: feature files whose tables are there, and the steps they read (transitively).

    A step that no runnable feature file reads (e.g. the key-staff step without social insurance or
    certificates) is skipped rather than computed for nothing.
    """
    by_name = {f.name: f for f in files}
    inputs = {n: set(deps) for n, deps in PY_STEPS.items()}
    runnable: dict[str, bool] = {}

    def ok(name: str) -> bool:
        if name not in runnable:
            f = by_name.get(name)
            deps = inputs.get(name, set()) if f is None else set(f.depends) - set(WIDE_TABLES.values())
            runnable[name] = (f is None or _tables_missing(f, present) is None) and all(ok(d) for d in deps)
        return runnable[name]

    needed: set[str] = set()

    def mark(name: str) -> None:
        if name in needed:
            return
        needed.add(name)
        f = by_name.get(name)
        for d in inputs.get(name, set()) if f is None else f.depends:
            if d not in WIDE_TABLES.values():
                mark(d)

    for f in files:
        if f.kind == "features" and ok(f.name):
            mark(f.name)
    return needed


def _skip_reason(f: FeatureFile, report: FeatureReport, present: set[str]) -> str | None:
    missing = _tables_missing(f, present)
    if missing:
        return missing
    # a step left out only because nothing that reads it can run is not what stopped this file
    skipped = {n: r for n, r in report.skipped.items() if r != NOT_NEEDED}
    failed = [d for d in f.depends if d in skipped and d not in WIDE_TABLES.values()]
    if failed:
        return f"needs {', '.join(failed)}, which was skipped"
    return None


def _run_file(
    con: duckdb.DuckDBPyConnection,
    f: FeatureFile,
    report: FeatureReport,
    present: set[str],
    params: dict[str, Any],
    needed: set[str],
) -> FileRun:
    run = FileRun(f.name, f.entity, f.family, "skipped")
    reason = _skip_reason(f, report, present)
    if reason is None and f.kind == "step" and f.name not in needed:
        reason = NOT_NEEDED
    if reason:
        run.reason = reason
        _drop_relation(con, f.relation)
        return run
    t0 = time.perf_counter()
    body = render_sql(f.sql.body, params, source=str(f.sql.path)).strip().rstrip(";")
    stand_ins = [t for t in f.optional if t not in present or not _readable(con, t)]
    _create_stand_ins(con, stand_ins)
    try:
        if f.kind == "features":
            body = _typed_select(con, f, body)
        _drop_relation(con, f.relation)
        kind = "VIEW" if f.materialize == "view" else "TABLE"
        # per-file results are intermediates of this session: temporary, so they cost no compression or
        # disk writes and do not bloat the store; the wide tables are what stays
        con.execute(f"CREATE TEMP {kind} {f.relation} AS {body}")
    except duckdb.Error as exc:
        raise RuntimeError(f"{f.sql.path}: {str(exc).splitlines()[0]}") from exc
    finally:
        for t in stand_ins:
            con.execute(f"DROP TABLE IF EXISTS temp.{t}")
    if stand_ins:
        run.notes.append(f"read as empty (absent): {', '.join(stand_ins)}")
    if f.kind == "features":
        _check_unique_key(con, f)
    if not stand_ins:  # a file that read stand-ins needs them again: it is never re-run from the cache
        report.typed_sql[f.name] = body
    run.rows = count_rows(con, f.relation)
    run.status = "ran"
    run.seconds = time.perf_counter() - t0
    return run


def _rerun_file(con: duckdb.DuckDBPyConnection, f: FeatureFile, body: str) -> FileRun:
    """A file already run and checked on a connection of this shape: one statement, no checks, no count."""
    t0 = time.perf_counter()
    kind = "VIEW" if f.materialize == "view" else "TABLE"
    try:
        con.execute(f"CREATE OR REPLACE TEMP {kind} {f.relation} AS {body}")
    except duckdb.Error as exc:
        raise RuntimeError(f"{f.sql.path}: {str(exc).splitlines()[0]}") from exc
    return FileRun(f.name, f.entity, f.family, "ran", rows=-1, seconds=time.perf_counter() - t0)


def _drop_relation(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a table or view of this name left by an earlier run (DuckDB refuses DROP VIEW on a table)."""
    rows = con.execute(
        "SELECT table_catalog, table_type FROM information_schema.tables "
        "WHERE table_name = ? AND table_schema = 'main'",
        [name],
    ).fetchall()
    for catalog, table_type in rows:
        con.execute(f'DROP {"VIEW" if table_type == "VIEW" else "TABLE"} IF EXISTS "{catalog}".main.{name}')


def _readable(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether the connection holds ``table``: a caller may declare a table present that it keeps to itself
    (the scoring API holds no labels), and an optional input it does not hold is read as empty."""
    try:
        con.execute(f"SELECT 1 FROM {table} LIMIT 0")
    except duckdb.CatalogException:
        return False
    return True


def _create_stand_ins(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    """Empty typed temp tables for absent optional inputs (dropped right after the file ran)."""
    for t in tables:
        cols = ", ".join(f'"{c.name}" {c.duckdb_type}' for c in TABLES[t].columns)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {t} ({cols})")


def _typed_select(con: duckdb.DuckDBPyConnection, f: FeatureFile, body: str) -> str:
    """Wrap the file's SELECT so every declared column has its declared type; other columns are an error."""
    try:
        desc = con.execute(f"SELECT * FROM ({body}) AS q LIMIT 0").description
    except duckdb.Error as exc:
        raise RuntimeError(f"{f.sql.path}: {str(exc).splitlines()[0]}") from exc
    produced = [d[0] for d in desc]
    declared = list(f.columns)
    extra = [c for c in produced if c not in declared]
    missing = [c for c in declared if c not in produced]
    if extra or missing:
        raise FeatureHeaderError(
            f"{f.sql.path}: the SELECT and the header disagree: "
            f"not declared: {', '.join(extra) or '-'}; declared but not produced: {', '.join(missing) or '-'}"
        )
    cols = [*(f'q."{k}"' for k in f.key), *(f'CAST(q."{s.name}" AS {s.duckdb_type}) AS "{s.name}"' for s in f.features)]
    return f"SELECT {', '.join(cols)} FROM ({body}) AS q"


def _check_unique_key(con: duckdb.DuckDBPyConnection, f: FeatureFile) -> None:
    keys = ", ".join(f.key)
    nulls = " OR ".join(k + " IS NULL" for k in f.key)
    rows = con.execute(
        f"SELECT count(*) - count(DISTINCT ({keys})), count(*) FILTER (WHERE {nulls}) FROM {f.relation}"
    ).fetchall()
    row = rows[0]
    if row[0] or row[1]:
        raise RuntimeError(
            f"{f.sql.path}: {row[0]} duplicate and {row[1]} NULL keys ({keys}); one row per key expected"
        )


def _run_py_step(con: duckdb.DuckDBPyConnection, name: str, report: FeatureReport, params: dict[str, Any]) -> FileRun:
    run = FileRun(name, "tender", "bidding", "skipped")
    skipped = [d for d in PY_STEPS[name] if d in report.skipped]
    if skipped:
        run.reason = f"needs {', '.join(skipped)}, which was skipped"
        return run
    t0 = time.perf_counter()
    try:
        run.rows = create_tender_screens(con, params)
    except ScreensUnavailable as exc:
        run.reason = str(exc)
        return run
    run.status = "ran"
    run.seconds = time.perf_counter() - t0
    return run


def _wide_base(entity: str, present: set[str]) -> str:
    """The rows of a wide table: one per entity in its contract table."""
    if entity == "project":
        return "SELECT project_id FROM projects"
    if entity == "tender":
        if "tenders" in present:
            return "SELECT tender_id, project_id FROM tenders"
        return "SELECT CAST(NULL AS VARCHAR) AS tender_id, CAST(NULL AS VARCHAR) AS project_id WHERE FALSE"
    if "posts" in present:
        return "SELECT post_id FROM posts"
    parts = ["SELECT DISTINCT post_id FROM approvals WHERE post_id IS NOT NULL"]
    if "assignments" in present:
        parts.append("SELECT post_id FROM assignments")
    return " UNION ".join(parts)


def _build_wide(
    con: duckdb.DuckDBPyConnection,
    entity: str,
    files: tuple[FeatureFile, ...],
    report: FeatureReport,
    present: set[str],
    *,
    counted: bool = True,
) -> FileRun:
    t0 = time.perf_counter()
    wide = WIDE_TABLES[entity]
    key = ENTITY_KEYS[entity]
    ran = set(report.ran)
    cols: list[str] = []
    joins: list[str] = []
    for i, f in enumerate(x for x in files if x.kind == "features" and x.entity == entity):
        alias = f"f{i}"
        if f.name in ran:
            joins.append(f"LEFT JOIN {f.relation} {alias} USING ({', '.join(key)})")
            cols.extend(f'{alias}."{s.name}"' for s in f.features)
        else:
            cols.extend(f'CAST(NULL AS {s.duckdb_type}) AS "{s.name}"' for s in f.features)
    select = ", ".join([*(f"b.{k}" for k in key), *(["b.project_id"] if entity == "tender" else []), *cols])
    con.execute(
        f"CREATE OR REPLACE TABLE {wide} AS SELECT {select} FROM ({_wide_base(entity, present)}) b {' '.join(joins)}"
    )
    rows = count_rows(con, wide) if counted else -1
    return FileRun(wide, entity, "wide", "ran", rows=rows, seconds=time.perf_counter() - t0)
