"""What a run writes is what contract/outputs.py declares: checked on a real small run, table by table.

A column written by a stage but not declared (or declared and not written, or written with another type)
fails here, and so does docs/outputs.md when it no longer matches the declaration.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import duckdb
import pytest

from yunshao.contract.outputs import OUTPUTS, RUN_FIELDS, RUN_FILE, Output, output_files
from yunshao.contract.outputs_doc import DOCS_PAGE, render_markdown
from yunshao.contract.schema import TABLES
from yunshao.features.catalog import load_catalog
from yunshao.pipeline import OUTPUTS as PIPELINE_OUTPUTS
from yunshao.pipeline import RunResult, run
from yunshao.serving.store import open_store
from yunshao.settings import Settings
from yunshao.simulate import simulate


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run of a small simulated county (120 projects, some labelled; a few seconds)."""
    root = tmp_path_factory.mktemp("outputs")
    simulate(root / "ds", 120, 2, label_frac=0.4)
    run(root / "ds", root / "out", Settings())
    return root / "out"


def _declared(output: Output) -> list[tuple[str, str]]:
    """The declared columns and types; for ``features_*``, the leading columns then the catalog's."""
    columns = list(output.types().items())
    if output.features_of:
        columns += [(s.name, s.duckdb_type) for s in load_catalog() if s.entity == output.features_of]
    return columns


def _described(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    return [(str(r[0]), str(r[1])) for r in con.execute(f"DESCRIBE {relation}").fetchall()]


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_each_store_table_has_exactly_the_declared_columns_and_types(out: Path, name: str) -> None:
    with duckdb.connect(str(out / "yunshao.duckdb"), read_only=True) as con:
        assert _described(con, f'"{name}"') == _declared(OUTPUTS[name])


def test_the_store_holds_the_inputs_and_the_declared_outputs_and_nothing_else(out: Path) -> None:
    with duckdb.connect(str(out / "yunshao.duckdb"), read_only=True) as con:
        tables = {str(r[0]) for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert tables - set(TABLES) == set(OUTPUTS)


@pytest.mark.parametrize("name", list(output_files()))
def test_each_parquet_output_has_exactly_the_declared_columns_and_types(out: Path, name: str) -> None:
    path = out / output_files()[name]
    assert _described(duckdb.connect(), f"'{path}'") == _declared(OUTPUTS[name])


def test_the_run_writes_the_declared_files_and_the_pipeline_lists_them(out: Path) -> None:
    files = output_files()
    assert files == PIPELINE_OUTPUTS
    assert set(files) == {"project_scores", "post_scores", "warnings", "quarantine"}  # the contract's four
    assert {p.name for p in out.glob("*.parquet")} == set(files.values())


def test_run_json_has_the_declared_fields(out: Path) -> None:
    recorded = json.loads((out / RUN_FILE).read_text(encoding="utf-8"))
    assert list(recorded) == [f.name for f in RUN_FIELDS] == [f.name for f in fields(RunResult)]
    json_types = {"string": str, "object": dict, "array": list}
    assert all(isinstance(recorded[f.name], json_types[f.type]) for f in RUN_FIELDS)


def test_stand_ins_of_a_store_without_outputs_take_the_declared_columns(tmp_path: Path) -> None:
    path = tmp_path / "inputs_only.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE projects (project_id VARCHAR)")
    con = open_store(path)
    try:
        for name in ("project_scores", "post_scores", "warnings"):
            assert _described(con, f"memory.main.{name}") == _declared(OUTPUTS[name])
    finally:
        con.close()


def test_docs_page_is_up_to_date() -> None:
    assert DOCS_PAGE.read_text(encoding="utf-8") == render_markdown(), (
        "docs/outputs.md is stale: run `python -m yunshao.contract.outputs_doc` (or `make docs`)"
    )


def test_run_json_records_a_peak_memory_per_stage_that_never_falls(out: Path) -> None:
    """The peak so far at the end of each stage: every timed stage has one, and a later stage's is never
    lower than an earlier one's (a process's peak can only grow); the run's own process holds some MiB."""
    recorded = json.loads((out / RUN_FILE).read_text(encoding="utf-8"))
    peaks = recorded["peak_memory_gib"]
    assert list(peaks) == list(recorded["seconds"])
    values = list(peaks.values())
    assert values == sorted(values) and values[0] > 0.01


def test_warnings_file_is_sorted_whatever_order_the_store_holds(out: Path, tmp_path: Path) -> None:
    """Rules add their hits in the order DuckDB's threads finish; the file must not: two runs of one dataset
    write the same warnings.parquet."""
    from yunshao.pipeline import write_outputs

    con = duckdb.connect(str(out / "yunshao.duckdb"), read_only=True)
    mem = duckdb.connect()
    for name in output_files():
        frame = con.execute(f'SELECT * FROM "{name}"').df()
        if name == "warnings":
            frame = frame.sample(frac=1.0, random_state=3)  # the store's rows in another order
        mem.register("_f", frame)
        mem.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _f')
        mem.unregister("_f")
    write_outputs(mem, tmp_path)
    written = duckdb.connect().execute(f"SELECT * FROM '{tmp_path / 'warnings.parquet'}'").df()
    assert len(written) > 10
    keys = list(
        zip(written["entity_type"], written["entity_id"], written["rule_id"], written["warning_id"], strict=True)
    )
    assert keys == sorted(keys)
    # and the run's own file is the same rows in the same order
    own = duckdb.connect().execute(f"SELECT * FROM '{out / 'warnings.parquet'}'").df()
    assert list(own["warning_id"]) == list(written["warning_id"])
