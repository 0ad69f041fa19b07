"""Chunked Parquet output: `<table>.<part>.parquet` for tables written per chunk, `<table>.parquet` for
the rest, and `<table>.bad.csv` for the planted bad rows (written as text, so bad types survive)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from yunshao.contract.schema import TABLES
from yunshao.simulate import encode as enc


class PartWriter:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.buffer: dict[str, list[pa.Table]] = {}
        self.parts: dict[str, int] = {}
        self.rows: dict[str, int] = {}

    def add(self, name: str, table: pa.Table) -> None:
        if table.num_rows:
            self.buffer.setdefault(name, []).append(table)

    def flush(self) -> None:
        for name, tables in self.buffer.items():
            part = self.parts.get(name, 0)
            self.write(f"{name}.{part:05d}", pa.concat_tables(tables), name)
            self.parts[name] = part + 1
        self.buffer.clear()

    def write(self, stem: str, table: pa.Table, name: str | None = None) -> None:
        pq.write_table(table, self.out / f"{stem}.parquet", compression="zstd")
        key = name or stem
        self.rows[key] = self.rows.get(key, 0) + table.num_rows

    def ensure_all(self, skip: set[str]) -> None:
        """An empty file for every contract table that got no rows, so a reader sees it present."""
        for name in TABLES:
            if name not in self.rows and name not in skip:
                self.write(name, enc.arrow_schema(name).empty_table())


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.isoformat(sep="T", timespec="seconds")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def write_bad_csv(out: Path, name: str, rows: list[dict[str, Any]]) -> None:
    cols = list(TABLES[name].column_names)
    with (out / f"{name}.bad.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for r in rows:
            w.writerow([_text(r.get(c)) for c in cols])
