"""The run itself: load → features → rules → models → outputs.

Thin on purpose: each stage lives in its own package and talks to the next through tables in one DuckDB
database, which stays behind as the store the API serves.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import duckdb

from yunshao.contract import LoadReport, load_dataset
from yunshao.contract.outputs import contract_outputs, output_files
from yunshao.contract.report import require_projects
from yunshao.engine import connect
from yunshao.engine.backend import Backend
from yunshao.engine.duck import release_temp_tables
from yunshao.settings import Settings

STORE_NAME = "yunshao.duckdb"
#: A Spark run's Parquet files (validated tables, graph tables, relations for the store), removed once the
#: store holds them.
SPARK_WORK = "spark"

#: The output files of the contract and the store tables they are written from (contract/outputs.py).
OUTPUTS = output_files()

StageHook = Callable[[str, str], None]  # (stage, "start" | "done")


@dataclass
class RunResult:
    """What a run did, in numbers; also written to ``OUT/run.json``."""

    dataset: str
    out: str
    started_at: str
    seconds: dict[str, float] = field(default_factory=dict)
    peak_memory_gib: dict[str, float] = field(default_factory=dict)
    load: dict[str, Any] = field(default_factory=dict)
    features: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, Any] = field(default_factory=dict)
    scoring: dict[str, Any] = field(default_factory=dict)
    levels: dict[str, int] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)


def run(
    dataset: Path,
    out: Path,
    settings: Settings | None = None,
    *,
    rules_dirs: Sequence[Path] = (),
    on_stage: StageHook | None = None,
) -> RunResult:
    """Run every stage over ``dataset`` and write the contract's outputs into ``out``."""
    from yunshao.rules.loader import load_rules

    settings = settings or Settings()
    load_rules(rules_dirs, settings=settings.rules)  # a malformed rule file stops the run before any work
    out.mkdir(parents=True, exist_ok=True)
    clear_outputs(out)
    store = out / STORE_NAME
    result = RunResult(str(dataset), str(out), datetime.now().isoformat(timespec="seconds"))
    con = connect(store, settings.engine)
    try:
        if settings.engine.name == "spark":
            from yunshao.pipeline_spark import graph_on_spark

            graph_on_spark(dataset, out, con, settings, result, rules_dirs, on_stage)
        else:
            report = _load(dataset, con, settings, result, on_stage)
            present = _with_ocds_hits(con, report.present_tables, result)
            present = _with_documents(con, dataset, present, settings, result, on_stage)
            _graph(con, present, settings, result, rules_dirs, on_stage)
        _ensure_document_tables(con)
        release_temp_tables(con, settings.engine.duckdb_memory_limit())  # the store holds all the models read
        _score(con, out, settings, result, on_stage)
        with timed_stage(result, "outputs", on_stage):
            result.outputs = write_outputs(con, out)
            result.levels = _levels(con)
    finally:
        con.close()
    (out / "run.json").write_text(json.dumps(asdict(result), ensure_ascii=False, indent=2), encoding="utf-8")
    return result


def _load(
    dataset: Path, con: duckdb.DuckDBPyConnection, settings: Settings, result: RunResult, on_stage: StageHook | None
) -> LoadReport:
    with timed_stage(result, "load", on_stage):
        report = load_dataset(dataset, con, settings.load)
        require_projects(con, report)
        result.load = load_summary(report, settings)
    return report


def _graph(
    target: duckdb.DuckDBPyConnection | Backend,
    present: set[str],
    settings: Settings,
    result: RunResult,
    rules_dirs: Sequence[Path],
    on_stage: StageHook | None,
) -> None:
    """Features and rules, one SQL graph, on the embedded DuckDB or a Spark backend, each stage timed."""
    from yunshao.features import build_features

    with timed_stage(result, "features", on_stage):
        features = build_features(target, settings, present)
        result.features = _as_dict(features)
    with timed_stage(result, "rules", on_stage):
        result.rules = _as_dict(run_rules_of_run(target, settings, present, rules_dirs, features.steps))


def run_rules_of_run(
    target: duckdb.DuckDBPyConnection | Backend,
    settings: Settings,
    present: set[str],
    rules_dirs: Sequence[Path],
    steps_ready: Collection[str],
) -> Any:
    """The rules as a run calls them: its language, its extra rule folders, the steps the features made."""
    from yunshao.rules import run_rules

    return run_rules(
        target,
        settings,
        lang=settings.lang,
        extra_dirs=tuple(rules_dirs),
        present_tables=present,
        steps_ready=steps_ready,
    )


def _with_ocds_hits(con: duckdb.DuckDBPyConnection | Backend, present: set[str], result: RunResult) -> set[str]:
    """When the dataset came from OCDS, Cardinal's indicators run as catalog rules over their hits."""
    from yunshao.ocds.hits import HITS_TABLE, create_hits_table

    flags = create_hits_table(con, Path(result.dataset))
    if flags is None:
        return set(present)
    result.load["ocds_indicator_flags"] = flags
    return set(present) | {HITS_TABLE}


def _with_documents(
    con: duckdb.DuckDBPyConnection,
    dataset: Path,
    present: set[str],
    settings: Settings,
    result: RunResult,
    on_stage: StageHook | None,
) -> set[str]:
    """When the dataset lists bid files, read and compare them (``documents.stage``) before the graph."""
    if "bid_documents" not in present:
        return present
    from yunshao.documents.stage import run_documents

    with timed_stage(result, "documents", on_stage):
        present, report = run_documents(con, dataset, present, workers=settings.engine.threads)
    result.load["documents"] = asdict(report)
    table = result.load.get("tables", {}).get("bid_documents")
    if table and report.unreadable:  # unreadable files moved their rows to quarantine
        table["kept"] -= report.unreadable
        table["quarantined"] += report.unreadable
        result.load["rows_quarantined"] += report.unreadable
        for reason, n in report.reasons.items():
            result.load["reasons"].append({"table": "bid_documents", "reason": f"path: {reason}", "count": n})
    return present


def _ensure_document_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The documents stage's tables are outputs of every run: empty when no bid file was read."""
    from yunshao.documents.tables import DOC_TABLES, create_empty

    have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()}
    create_empty(con, [t for t in DOC_TABLES if t not in have])


def _score(
    con: duckdb.DuckDBPyConnection, out: Path, settings: Settings, result: RunResult, on_stage: StageHook | None
) -> None:
    """The models over the store's features and warnings, with the outcomes inspectors posted so far."""
    from yunshao.training import score_run

    result.load["feedback"] = _attach_feedback(con, out, settings)
    with timed_stage(result, "models", on_stage):
        result.scoring = _as_dict(score_run(con, settings))


def _attach_feedback(con: duckdb.DuckDBPyConnection, out: Path, settings: Settings) -> int:
    """The inspectors' verdicts kept by the API (``serving.feedback.attach_run_feedback``)."""
    from yunshao.serving.feedback import attach_run_feedback

    return attach_run_feedback(con, out, settings.serve)


def load_summary(report: LoadReport, settings: Settings | None = None) -> dict[str, Any]:
    """Rows read, kept and quarantined per table, absent tables, quarantine reasons and the tables that
    lost more than the set share of their rows."""
    share = (settings or Settings()).load.quarantine_warn_share
    return {
        "tables": {
            name: {
                "read": t.read,
                "kept": t.kept,
                "quarantined": t.quarantined,
                "files": t.files,
                "encodings": t.encodings,
            }
            for name, t in report.tables.items()
        },
        "absent": report.absent,
        "reasons": [{"table": t, "reason": r, "count": n} for (t, r), n in report.reasons.items()],
        "rows_read": report.rows_read,
        "rows_quarantined": report.rows_quarantined,
        "warnings": report.heavy_losses(share),
    }


def write_outputs(con: duckdb.DuckDBPyConnection, out: Path) -> dict[str, str]:
    """The four files of the contract, copied from the store tables of the same name."""
    written: dict[str, str] = {}
    for output in contract_outputs():
        target = out / str(output.file)
        con.execute(f"COPY ({output.file_query()}) TO '{target}' (FORMAT parquet)")
        written[output.name] = str(target)
    return written


def _levels(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = con.execute("SELECT level, count(*) FROM project_scores GROUP BY level").fetchall()
    return {str(level): int(n) for level, n in rows}


def _as_dict(report: Any) -> dict[str, Any]:
    """Stage reports are dataclasses (or expose ``to_dict``); the run records them as plain JSON."""
    if hasattr(report, "to_dict"):
        return dict(report.to_dict())
    if hasattr(report, "__dataclass_fields__"):
        return json.loads(json.dumps(asdict(report), default=str))
    return {"value": str(report)}


class Timed(Protocol):
    """A run's or an update's record: seconds and peak memory per stage."""

    seconds: dict[str, float]
    peak_memory_gib: dict[str, float]


@contextmanager
def timed_stage(result: Timed, name: str, hook: StageHook | None) -> Iterator[None]:
    """A stage of a run or an update: announced to ``hook``, its seconds and the peak memory recorded."""
    if hook:
        hook(name, "start")
    start = time.perf_counter()
    yield
    result.seconds[name] = round(time.perf_counter() - start, 3)
    result.peak_memory_gib[name] = peak_memory_gib()
    if hook:
        hook(name, "done")


def peak_memory_gib() -> float:
    """This process's peak resident memory so far (Linux reports KiB; 0 where there is no ``resource``)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 3)


def clear_outputs(out: Path) -> None:
    """Remove a previous run's files so a failed run never leaves stale results looking fresh."""
    for filename in [*OUTPUTS.values(), STORE_NAME, SPARK_WORK, "run.json"]:
        path = out / filename
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
