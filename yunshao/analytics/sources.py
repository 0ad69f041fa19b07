"""Where the report's inputs come from: a run's store, a run's output files, or the dataset itself.

The store (``RUN/yunshao.duckdb``) holds the validated contract tables, the warnings with their project and
post, the scores and the inspectors' ``feedback``; it is attached read-only so that an API serving the
same file keeps working. Without a store the dataset is loaded again and the run's Parquet outputs are read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from yunshao.contract import ContractError, load_dataset
from yunshao.engine import connect
from yunshao.settings import Settings

STORE_NAME = "yunshao.duckdb"
RUN_FILES = ("warnings", "project_scores", "post_scores")


@dataclass
class Sources:
    """An in-memory connection with the contract tables and run outputs visible under their own names."""

    con: duckdb.DuckDBPyConnection
    origin: dict[str, str] = field(default_factory=dict)  # table → where it was read from
    notes: list[str] = field(default_factory=list)


def open_sources(dataset: Path, run: Path, settings: Settings) -> Sources:
    """Attach the run's store when it exists, else load ``dataset``; then add the run's output files."""
    con = connect(None, settings.engine)
    sources = Sources(con)
    store = run / STORE_NAME
    if store.exists():
        _attach_store(sources, store)
    if "projects" not in sources.origin:
        report = load_dataset(Path(dataset), con, settings.load)
        for table in report.present_tables:
            sources.origin[table] = str(dataset)
        if report.rows_quarantined:
            sources.notes.append(f"{dataset}: {report.rows_quarantined} rows quarantined on load")
    for name in RUN_FILES:
        path = run / f"{name}.parquet"
        if name not in sources.origin and path.exists():
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_parquet('{path}')")
            sources.origin[name] = str(path)
    if "warnings" not in sources.origin:
        raise ContractError(f"{run}: no warnings found (neither {STORE_NAME} nor warnings.parquet)")
    if "feedback" not in sources.origin:
        _attach_api_feedback(sources, run, settings)
    return sources


def _attach_api_feedback(sources: Sources, run: Path, settings: Settings) -> None:
    """The inspectors' feedback kept by the API in its case store, if any."""
    try:
        from yunshao.serving.feedback import attach_feedback, run_feedback_location
    except ImportError:  # the serving extras are not installed: there is no API feedback to read
        return
    location = run_feedback_location(run, settings.serve)
    if not isinstance(location, Path) or location.is_file():
        attach_feedback(sources.con, location)
        sources.origin["feedback"] = str(location)


def attach_cases(sources: Sources, folder: Path, settings: Settings, *, required: bool = False) -> None:
    """The cases (and feedback) of the case store that ``folder``'s feedback lives in, when one exists.

    The location is the one ``yunshao cases sync --store`` and ``train --verdicts-from`` use
    (``serving.feedback.run_feedback_location``: ``serve.database_url``, ``serve.state_db``, else the SQLite
    file beside the run). With no case store, or one holding no case, the index falls back to its proxies;
    ``required`` (the user named the folder) turns a missing store into an error instead.
    """
    try:
        from yunshao.analytics.case_store import attach_case_store, open_case_store, shown_location
        from yunshao.serving.feedback import run_feedback_location
    except ImportError:  # the serving extras are not installed: there is no case store to read
        if required:
            raise ContractError("reading a case store needs the serving extras: pip install 'yunshao[serve]'") from None
        return
    location = run_feedback_location(folder, settings.serve)
    shown = shown_location(location)
    db = open_case_store(location)
    if db is None:
        if required:
            raise ContractError(f"{shown}: no case store (open cases with `yunshao cases sync --store {folder}`)")
        return
    try:
        n_cases = attach_case_store(sources.con, db, settings.engine.timezone)
    finally:
        db.dispose()
    sources.origin["cases"] = sources.origin["feedback"] = shown
    if not n_cases:
        sources.notes.append(f"{shown}: the case store holds no cases; rectification and disposal are proxies")


def _attach_store(sources: Sources, store: Path) -> None:
    con = sources.con
    try:
        con.execute(f"ATTACH '{store}' AS store (READ_ONLY)")
    except duckdb.Error as exc:
        sources.notes.append(f"{store}: cannot be attached ({str(exc).splitlines()[0]}); using the files")
        return
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'store' AND table_schema = 'main'"
    ).fetchall()
    for (table,) in rows:
        con.execute(f'CREATE OR REPLACE VIEW main."{table}" AS SELECT * FROM store.main."{table}"')
        sources.origin[table] = str(store)
