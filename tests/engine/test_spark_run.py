"""`yunshao run --engine spark` against the default DuckDB run on the same simulated county.

The county carries every kind of bad row the simulator plants, so the Spark loader's quarantine is
compared too. Each store table (contract tables, quarantine, features, warnings with their evidence and
guides, scores) is compared row for row after sorting both sides the same way, with floats equal within
1e-9 relative: the comparison is independent of the code under test (no yunshao helper is used).
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from yunshao.pipeline import STORE_NAME, run
from yunshao.settings import Settings
from yunshao.simulate import simulate

pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (make test installs it)"),
]

RTOL = 1e-9
#: The model's pickled bytes hold a training timestamp; its scores are compared instead.
NOT_COMPARED = {"scoring_model"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("spark-run")
    simulate(root / "ds", 250, 11)
    duck, spark = Settings(), Settings()
    spark.engine = spark.engine.model_copy(update={"name": "spark", "spark_master": "local[2]"})
    run(root / "ds", root / "duck", duck)
    run(root / "ds", root / "spark", spark)
    return root / "duck", root / "spark"


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
    return {n: [(r[0], r[1]) for r in con.execute(f'DESCRIBE "{n}"').fetchall()] for n in names}


def _cell(value: Any) -> Any:
    """A value both sides can be sorted and compared by; floats are kept for the tolerance."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ("", "")
    if isinstance(value, float):
        return ("f", value)
    if isinstance(value, list | dict):
        return ("s", json.dumps(value, sort_keys=False, default=str, ensure_ascii=False))
    return ("s", str(value))


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[Any, ...]]:
    rows = [tuple(_cell(v) for v in row) for row in con.execute(f'SELECT * FROM "{table}"').fetchall()]
    # sort on the text of every column with floats rounded, so ulp-level differences do not reorder rows
    return sorted(rows, key=lambda r: tuple(f"{c[1]:.6e}" if c[0] == "f" else str(c[1]) for c in r))


def _same(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
    if a[0] == "f" and b[0] == "f":
        return math.isclose(a[1], b[1], rel_tol=RTOL, abs_tol=1e-12)
    return a == b


def test_the_store_holds_the_same_tables_and_types(runs: tuple[Path, Path]) -> None:
    duck, spark = (duckdb.connect(str(p / STORE_NAME), read_only=True) for p in runs)
    assert _tables(spark) == _tables(duck)
    assert {"quarantine", "features_project", "warnings", "project_scores", "post_scores"} <= set(_tables(duck))


def test_every_row_of_every_table_is_the_same(runs: tuple[Path, Path]) -> None:
    duck, spark = (duckdb.connect(str(p / STORE_NAME), read_only=True) for p in runs)
    problems: dict[str, str] = {}
    for table in sorted(set(_tables(duck)) - NOT_COMPARED):
        left, right = _rows(duck, table), _rows(spark, table)
        if len(left) != len(right):
            problems[table] = f"{len(left)} rows on DuckDB, {len(right)} on Spark"
            continue
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            bad = [j for j, (x, y) in enumerate(zip(a, b, strict=True)) if not _same(x, y)]
            if bad:
                problems[table] = f"row {i}, columns {bad}: {[a[j] for j in bad]} != {[b[j] for j in bad]}"
                break
    assert problems == {}


def test_the_quarantine_is_not_empty_and_the_outputs_are_written(runs: tuple[Path, Path]) -> None:
    duck, spark = runs
    con = duckdb.connect(str(spark / STORE_NAME), read_only=True)
    reasons = {r[0] for r in con.execute("SELECT DISTINCT reason FROM quarantine").fetchall()}
    assert len(reasons) >= 5  # the simulator plants many kinds of bad rows; the row comparison checks them
    for name in ("project_scores", "post_scores", "warnings", "quarantine"):
        assert (spark / f"{name}.parquet").is_file()
    spark_run, duck_run = (json.loads((p / "run.json").read_text(encoding="utf-8")) for p in (spark, duck))
    assert spark_run["load"]["tables"] == duck_run["load"]["tables"]
    assert "store" in spark_run["seconds"] and "store" not in duck_run["seconds"]
    assert spark_run["levels"] == duck_run["levels"]
