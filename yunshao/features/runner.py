"""Run the feature part of the SQL graph and assemble the wide feature tables.

Each file runs only when every contract table it requires is present; otherwise it is reported skipped
with the reason, and its columns are NULL in the wide table (never guessed). Shared steps are
materialised once so that the expensive passes over the approval events are not repeated (the rules read
the same steps: ``FeatureReport.steps`` tells them which exist already). Steps and the per-file
``feat_<file>`` tables are intermediates of the backend; the wide tables ``features_project``,
``features_tender`` and ``features_post`` are the kept result.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from yunshao.domains.tables import create_declared_tables
from yunshao.engine import render_sql
from yunshao.engine.backend import Backend, as_backend
from yunshao.features.files import ENTITY_KEYS, FeatureFile, FeatureHeaderError, load_feature_files
from yunshao.features.graph import NOT_NEEDED, WIDE_TABLES, Inline, SqlGraph, drop_stand_ins, stand_ins
from yunshao.features.nodes import create_node_table
from yunshao.settings import FeatureSettings, RuleSettings, Settings

Progress = Callable[[str], None]


@dataclass
class FileRun:
    """What happened to one file (or wide table)."""

    name: str
    entity: str
    family: str
    status: str  # "ran" | "skipped"
    reason: str = ""
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # CPU of the whole process (all DuckDB threads): comparable on a busy machine
    rows: int = 0
    notes: list[str] = field(default_factory=list)
    kind: str = "features"  # "features" | "step" | "wide"
    view: bool = False  # created as a view (its query runs inside its reader's), not a table


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
    def steps(self) -> set[str]:
        """The steps this pass created (rules read them rather than computing them again)."""
        return {f.name for f in self.files if f.status == "ran" and f.kind == "step"}

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

    def seconds_by_kind(self) -> dict[str, float]:
        """Wall seconds per node kind (step, features, wide): where a pass spends its time."""
        out: dict[str, float] = {}
        for f in self.files:
            out[f.kind] = out.get(f.kind, 0.0) + f.seconds
        return out


def feature_params(settings: Settings | FeatureSettings | RuleSettings | None) -> dict[str, Any]:
    """Values for the ``{{ name }}`` placeholders: the feature settings plus the tendering thresholds."""
    if isinstance(settings, Settings):
        feats, rules = settings.features, settings.rules
    elif isinstance(settings, RuleSettings):
        feats, rules = FeatureSettings(), settings
    else:
        feats, rules = settings or FeatureSettings(), RuleSettings()
    params: dict[str, Any] = feats.model_dump()
    for name in ("works_tender_threshold", "goods_tender_threshold", "services_tender_threshold"):
        params[name] = getattr(rules, name)
    return params


def build_features(
    con: duckdb.DuckDBPyConnection | Backend,
    settings: Settings | FeatureSettings | None,
    present_tables: Iterable[str],
    progress: Progress | None = None,
    *,
    files: tuple[FeatureFile, ...] | None = None,
    repeat: RepeatCache | None = None,
    also_steps: Iterable[str] = (),
    inline: Inline | None = None,
) -> FeatureReport:
    """Create the ``feat_<file>`` tables and the wide ``features_project``, ``features_tender``, ``features_post``.

    ``con`` is a DuckDB connection or any ``Backend`` (Spark). ``settings`` is the whole Settings (feature
    parameters plus the tendering thresholds of the rules) or just the FeatureSettings; ``files`` replaces
    the packaged SQL files (for tests). ``also_steps`` are steps wanted by the next stage (the rules), made
    in the same pass. ``repeat`` is kept by a caller that runs the same files again and again (the API): see
    ``RepeatCache``; row counts are then not reported (-1). ``inline`` (the API pass) creates the nodes read
    by one consumer as views (see ``Inline``); without it every node is made as its header says (batch).
    The steps the rules read should then be in ``also_steps``, so that the policy decides for them too.
    """
    started = time.perf_counter()
    backend = as_backend(con)
    present = set(present_tables)
    graph = SqlGraph(files if files is not None else load_feature_files(), present)
    params = feature_params(settings)
    report = FeatureReport()
    create_node_table(backend)
    create_declared_tables(backend, settings)
    needed = graph.needed([*graph.feature_targets(), *also_steps])
    fast = repeat if repeat is not None and repeat.matches(present) else None
    views = inline.views(graph, needed) if inline is not None else frozenset()
    with backend.unordered():
        _run_all(backend, graph, report, params, needed, progress, fast, views)
    if repeat is not None and fast is None:
        repeat.present, repeat.typed = frozenset(present), dict(report.typed_sql)
    report.seconds = time.perf_counter() - started
    return report


def create_steps(
    con: duckdb.DuckDBPyConnection | Backend,
    settings: Settings | FeatureSettings | RuleSettings | None,
    present_tables: Iterable[str],
    names: Iterable[str],
    *,
    ready: Iterable[str] = (),
) -> dict[str, str]:
    """Make the steps ``names`` and the steps they read, except those ``ready`` in this pass already.

    This is how the rules stage gets the steps the feature stage did not need. Returns, for each step
    that cannot be made, why (its tables absent, or a step it reads absent).
    """
    backend = as_backend(con)
    graph = SqlGraph(load_feature_files(), set(present_tables))
    done = set(ready)
    wanted = [n for n in names if n in graph.by_name]
    closure = graph.closure(wanted)
    params = feature_params(settings)
    create_declared_tables(backend, settings)  # the rules read them as the steps do
    skipped: dict[str, str] = {}
    report = FeatureReport()
    for name in graph.order():
        if name in closure and name not in done:
            run = _run_file(backend, graph, graph.by_name[name], report, params, closure, skipped)
            if run.status == "skipped":
                skipped[name] = run.reason
    return {n: skipped[n] for n in wanted if n in skipped}


def _run_all(
    backend: Backend,
    graph: SqlGraph,
    report: FeatureReport,
    params: dict[str, Any],
    needed: set[str],
    progress: Progress | None,
    fast: RepeatCache | None = None,
    views: Collection[str] = frozenset(),
) -> None:
    skipped: dict[str, str] = {}
    for name in graph.order():
        if progress:
            progress(name)
        cpu = time.process_time()
        if name in WIDE_TABLES.values():
            entity = next(e for e, t in WIDE_TABLES.items() if t == name)
            run = _build_wide(backend, entity, graph, report, counted=fast is None)
        elif fast is not None and name in fast.typed:
            run = _rerun_file(backend, graph.by_name[name], fast.typed[name], views)
        else:
            run = _run_file(backend, graph, graph.by_name[name], report, params, needed, skipped, views)
        run.cpu_seconds = time.process_time() - cpu
        if run.status == "skipped":
            skipped[name] = run.reason
        report.files.append(run)


def _run_file(
    backend: Backend,
    graph: SqlGraph,
    f: FeatureFile,
    report: FeatureReport,
    params: dict[str, Any],
    needed: set[str],
    skipped: dict[str, str],
    views: Collection[str] = frozenset(),
) -> FileRun:
    run = FileRun(f.name, f.entity, f.family, "skipped", kind=f.kind)
    reason = graph.skip_reason(f, skipped)
    if reason is None and f.name not in needed:
        reason = NOT_NEEDED
    if reason:
        run.reason = reason
        backend.drop(f.relation)
        return run
    t0 = time.perf_counter()
    body = render_sql(f.sql.body, params, source=str(f.sql.path)).strip().rstrip(";")
    made = stand_ins(backend, f, graph.present)
    run.view = _as_view(f, views) and not made  # a view over a stand-in would outlive it: materialised
    try:
        if f.kind == "features":
            body = _typed_select(backend, f, body)
        backend.create(f.relation, body, view=run.view)
    except FeatureHeaderError:
        raise
    except Exception as exc:  # the engine's own error (DuckDB, Spark), named after the file
        raise RuntimeError(f"{f.sql.path}: {str(exc).splitlines()[0]}") from exc
    finally:
        drop_stand_ins(backend, made)
    if made:
        run.notes.append(f"read as empty (absent): {', '.join(made)}")
    if f.kind == "features":
        _check_unique_key(backend, f)
    if not made:  # a file that read stand-ins needs them again: it is never re-run from the cache
        report.typed_sql[f.name] = body
    run.rows = backend.count(f.relation)
    run.status = "ran"
    run.seconds = time.perf_counter() - t0
    return run


def _as_view(f: FeatureFile, views: Collection[str]) -> bool:
    """A view when its header says so, or when the pass's policy inlines it (read by one consumer)."""
    return f.materialize == "view" or f.name in views


def _rerun_file(backend: Backend, f: FeatureFile, body: str, views: Collection[str] = frozenset()) -> FileRun:
    """A file already run and checked on a connection of this shape: one statement, no checks, no count."""
    t0 = time.perf_counter()
    view = _as_view(f, views)
    try:
        backend.create(f.relation, body, view=view)
    except Exception as exc:
        raise RuntimeError(f"{f.sql.path}: {str(exc).splitlines()[0]}") from exc
    seconds = time.perf_counter() - t0
    return FileRun(f.name, f.entity, f.family, "ran", rows=-1, seconds=seconds, kind=f.kind, view=view)


def _typed_select(backend: Backend, f: FeatureFile, body: str) -> str:
    """Wrap the file's SELECT so every declared column has its declared type; other columns are an error."""
    produced = backend.columns(body)
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


def _check_unique_key(backend: Backend, f: FeatureFile) -> None:
    keys = ", ".join(f.key)
    nulls = " OR ".join(k + " IS NULL" for k in f.key)
    _, rows = backend.fetch(
        f"SELECT count(*) - count(DISTINCT {keys}), count(*) FILTER (WHERE {nulls}) FROM {f.relation}"
    )
    row = rows[0]
    if row[0] or row[1]:
        raise RuntimeError(
            f"{f.sql.path}: {row[0]} duplicate and {row[1]} NULL keys ({keys}); one row per key expected"
        )


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
    backend: Backend,
    entity: str,
    graph: SqlGraph,
    report: FeatureReport,
    *,
    counted: bool = True,
) -> FileRun:
    t0 = time.perf_counter()
    wide = WIDE_TABLES[entity]
    key = ENTITY_KEYS[entity]
    ran = set(report.ran)
    cols: list[str] = []
    joins: list[str] = []
    for i, f in enumerate(x for x in graph.files if x.kind == "features" and x.entity == entity):
        alias = f"f{i}"
        if f.name in ran:
            joins.append(f"LEFT JOIN {f.relation} {alias} USING ({', '.join(key)})")
            cols.extend(f'{alias}."{s.name}"' for s in f.features)
        else:
            cols.extend(f'CAST(NULL AS {s.duckdb_type}) AS "{s.name}"' for s in f.features)
    select = ", ".join([*(f"b.{k}" for k in key), *(["b.project_id"] if entity == "tender" else []), *cols])
    backend.create(wide, f"SELECT {select} FROM ({_wide_base(entity, graph.present)}) b {' '.join(joins)}", keep=True)
    rows = backend.count(wide) if counted else -1
    return FileRun(wide, entity, "wide", "ran", rows=rows, seconds=time.perf_counter() - t0, kind="wide")
