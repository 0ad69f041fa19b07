"""Spark's relations into the DuckDB store, typed exactly as a DuckDB run would have typed them.

A run on Spark computes the contract tables, the quarantine, the features and the warnings there; the
store the API, the report and the scoring stage read stays one DuckDB file whatever the engine. Spark's
types are not DuckDB's (an integer sum is BIGINT on one and DECIMAL on the other, a timestamp carries a
zone on Spark), so each relation is inserted by name into an empty DuckDB table of the DuckDB type: the
caller gets those types by running the same graph on DuckDB over the empty contract, which costs a
second and cannot drift from the SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import SparkSession

Progress = Callable[[str], None]


def copy_to_store(
    spark: SparkSession,
    con: duckdb.DuckDBPyConnection,
    relations: Mapping[str, Mapping[str, str]],
    folder: Path,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write each Spark relation as Parquet under ``folder`` and insert it into a DuckDB table of the same
    name and the given column types (name → DuckDB type); returns the rows copied per relation.

    Rows are inserted in key order (the first column), so the store does not depend on Spark's partitions.
    """
    folder.mkdir(parents=True, exist_ok=True)
    copied: dict[str, int] = {}
    for name, types in relations.items():
        if progress:
            progress(name)
        path = folder / name
        spark.table(name).write.mode("overwrite").parquet(str(path))
        con.execute(f'CREATE OR REPLACE TABLE "{name}" ({_columns_ddl(types)})')
        files = sorted(path.glob("*.parquet"))
        if files:
            listed = ", ".join(f"'{f}'" for f in files)
            first = next(iter(types))
            con.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM read_parquet([{listed}]) ORDER BY "{first}"')
        copied[name] = int(con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0])
    return copied


def _columns_ddl(types: Mapping[str, str]) -> str:
    return ", ".join(f'"{column}" {type_}' for column, type_ in types.items())
