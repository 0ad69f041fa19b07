"""``yunshao update DELTA --store OUT``: the daily run, over a store a full run made.

Stages, each reported to ``on_stage`` like ``pipeline.run``'s:

1. ``delta``: the store is copied beside itself (``.yunshao.duckdb.update``) and everything happens on the
   copy, which replaces the store only once the update succeeded: a failed update leaves the store and
   the outputs as they were. The score inputs are snapshotted (``diff``), the delta is validated against
   the store and merged into it (``delta``).
2. ``features`` and ``rules``: the whole SQL graph runs again over the merged tables. It is the cheap part
   (seconds on DuckDB for a county), and running it whole is what makes peer groups, price screens and
   linked companies right: a new bid moves its tender's screens, a new project its peers' price ratios,
   a new company officer every bid that company made.
3. ``models``: the projects whose inputs changed are re-scored and re-explained with the store's model
   (``rescore``); that, with the explanations, is the expensive part a full run pays for every project.
   Every post is scored again (their scores are county-relative).
4. ``outputs``: the four Parquet files, and the update's numbers appended to ``run.json`` (``updates``).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from yunshao.contract.errors import ContractError
from yunshao.engine import connect
from yunshao.pipeline import timed_stage
from yunshao.settings import Settings
from yunshao.update.delta import DeltaReport, apply_delta

STORE_NAME = "yunshao.duckdb"
WORK_NAME = ".yunshao.duckdb.update"
StageHook = Callable[[str, str], None]


@dataclass
class UpdateResult:
    """What an update did, in numbers; appended to ``run.json`` under ``updates``."""

    delta: str
    store: str
    started_at: str
    seconds: dict[str, float] = field(default_factory=dict)
    peak_memory_gib: dict[str, float] = field(default_factory=dict)
    tables: dict[str, dict[str, int]] = field(default_factory=dict)  # per delta table: read, kept, …
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int | None] = field(default_factory=dict)  # keys changed per derived table
    scoring: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)


def find_store(path: Path) -> Path:
    """The store file of ``--store``: a run's output folder or its ``yunshao.duckdb``."""
    store = path / STORE_NAME if path.is_dir() else path
    if not store.is_file():
        raise ContractError(f"--store {path}: no yunshao store found (make one with `yunshao run DATASET --out OUT`)")
    con = duckdb.connect(str(store), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    except duckdb.Error as exc:
        raise ContractError(f"--store {store}: cannot be read as a yunshao store: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()
    missing = sorted({"projects", "project_scores", "scoring_model", "quarantine"} - tables)
    if missing:
        raise ContractError(f"--store {store}: not a scored yunshao store (no {', '.join(missing)})")
    return store


def update(
    delta: Path,
    store_path: Path,
    settings: Settings | None = None,
    *,
    rules_dirs: Sequence[Path] = (),
    on_stage: StageHook | None = None,
) -> UpdateResult:
    """Merge ``delta`` into the store and recompute what changed (see the module docstring)."""
    from yunshao.rules.loader import load_rules

    settings = settings or Settings()
    store = find_store(store_path)
    settings = settings.model_copy(update={"lang": run_language(store.parent, settings.lang)})
    load_rules(rules_dirs, settings=settings.rules)  # a malformed rule file stops before any work
    result = UpdateResult(str(delta), str(store), datetime.now().isoformat(timespec="seconds"))
    work = store.parent / WORK_NAME
    try:
        _copy_store(store, work)
        with timed_stage(result, "delta", on_stage):
            _load_delta(delta, work, settings, result)
        _recompute(work, settings, rules_dirs, result, on_stage)
        os.replace(work, store)
    finally:
        for leftover in (work, work.with_name(work.name + ".wal")):
            leftover.unlink(missing_ok=True)
    with timed_stage(result, "outputs", on_stage):
        result.outputs = _write_outputs(store)
    _record(store.parent, result)
    return result


def run_language(out: Path, default: str) -> str:
    """The language the store's guides were written in (``run.json``), so new warnings read like the old."""
    try:
        recorded = json.loads((out / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default
    lang = recorded.get("rules", {}).get("lang")
    return lang if lang in ("zh", "en") else default


def _copy_store(store: Path, work: Path) -> None:
    """The store and its write-ahead log (if a crash left one), copied to ``work``."""
    shutil.copyfile(store, work)
    wal = store.with_name(store.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, work.with_name(work.name + ".wal"))


def _load_delta(delta: Path, work: Path, settings: Settings, result: UpdateResult) -> None:
    from yunshao.update.diff import take_snapshots

    con = connect(work, settings.engine)
    try:
        take_snapshots(con)
    finally:
        con.close()
    report: DeltaReport = apply_delta(delta, work, settings)
    result.tables, result.quarantine_reasons = report.tables, report.reasons


def _recompute(
    work: Path, settings: Settings, rules_dirs: Sequence[Path], result: UpdateResult, on_stage: StageHook | None
) -> None:
    """The SQL graph over the merged tables, then the models stage for what changed."""
    from yunshao.features import build_features
    from yunshao.rules import run_rules
    from yunshao.update.diff import changed_projects, count_changed, drop_snapshots
    from yunshao.update.rescore import rescore

    con = connect(work, settings.engine)
    try:
        _attach_feedback(con, work.parent, settings)
        present = _present_tables(con)
        with timed_stage(result, "features", on_stage):
            features = build_features(con, settings, present)
        with timed_stage(result, "rules", on_stage):
            run_rules(con, settings, lang=settings.lang, extra_dirs=tuple(rules_dirs), present_tables=present,
                      steps_ready=features.steps)  # fmt: skip
        with timed_stage(result, "models", on_stage):
            changed = changed_projects(con)
            result.changed = {n: count_changed(con, n) for n in ("features_tender", "features_post", "warnings")}
            result.changed["projects"] = None if changed is None else len(changed)
            result.scoring = asdict(rescore(con, settings, changed))
            result.changed["post_scores"] = count_changed(con, "post_scores")
        drop_snapshots(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _attach_feedback(con: duckdb.DuckDBPyConnection, out: Path, settings: Settings) -> None:
    """Feedback posted through the API since the last run or update counts, as in ``pipeline.run``."""
    from yunshao.serving.feedback import attach_run_feedback

    attach_run_feedback(con, out, settings.serve)


def _present_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The contract tables the merged store holds (the OCDS indicator table too, when the run made one)."""
    from yunshao.contract.schema import TABLES
    from yunshao.engine.duck import table_names
    from yunshao.ocds.hits import HITS_TABLE

    return table_names(con) & {*TABLES, HITS_TABLE}


def _write_outputs(store: Path) -> dict[str, str]:
    from yunshao.pipeline import write_outputs

    con = duckdb.connect(str(store), read_only=True)
    try:
        return write_outputs(con, store.parent)
    finally:
        con.close()


def _record(out: Path, result: UpdateResult) -> None:
    """Append the update to ``run.json`` (a run's record starts a fresh list)."""
    path = out / "run.json"
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = {}
    recorded.setdefault("updates", []).append(asdict(result))
    path.write_text(json.dumps(recorded, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
