"""Finding a table's files in a dataset folder and making sure DuckDB can read their text."""

from __future__ import annotations

import codecs
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from yunshao.contract.errors import ContractError
from yunshao.contract.schema import TABLES

_CHUNK = 1 << 24


@dataclass(frozen=True)
class TableFiles:
    """The files holding one table: all Parquet or all CSV (mixing formats is allowed, read apart)."""

    table: str
    parquet: tuple[Path, ...]
    csv: tuple[Path, ...]

    @property
    def all(self) -> tuple[Path, ...]:
        return self.parquet + self.csv


def find_table_files(folder: Path, table: str) -> TableFiles | None:
    """``<table>.csv|parquet`` or split parts ``<table>.<part>.csv|parquet``; None when absent."""
    pattern = re.compile(rf"^{re.escape(table)}(\.[^.]+)?\.(csv|parquet)$", re.IGNORECASE)
    found = sorted(p for p in folder.iterdir() if p.is_file() and pattern.match(p.name))
    if not found:
        return None
    parquet = tuple(p for p in found if p.suffix.lower() == ".parquet")
    csv = tuple(p for p in found if p.suffix.lower() == ".csv")
    return TableFiles(table, parquet, csv)


def require_columns(path: Path, table: str, columns: Iterable[str]) -> None:
    """Refuse one file of ``table`` that lacks a required column, naming that file.

    A table split over several files is read as their union by name, which fills a column one file lacks
    with NULL: checked only after the union, a renamed column in one part quarantined every row of that
    part and the run went on. Checked per file, it stops the run like the same rename in a single file.
    """
    present = set(columns)
    missing = [c.name for c in TABLES[table].columns if c.required and c.name not in present]
    if missing:
        raise ContractError(f"{path}: required column {', '.join(missing)} of table '{table}' is missing")


def parquet_columns(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """Column names of one Parquet file, from its footer (no rows are read)."""
    try:
        return [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()]
    except duckdb.Error as exc:
        raise ContractError(f"{path}: cannot be read: {str(exc).splitlines()[0]}") from exc


def _first_invalid_offset(path: Path, encoding: str) -> int | None:
    """Byte offset where ``path`` stops being valid ``encoding``, or None if all of it is."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            try:
                decoder.decode(chunk, final=False)
            except UnicodeDecodeError as exc:
                return offset + exc.start
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset
    return None


def utf8_csv(path: Path, encodings: tuple[str, ...], scratch: Path) -> tuple[Path, str]:
    """The CSV as UTF-8 for DuckDB, with the encoding it was found in.

    Source systems in China often export GBK; DuckDB reads UTF-8 only, so a file valid in another
    configured encoding is transcoded into ``scratch``. A file valid in none is refused, naming the
    byte where UTF-8 decoding failed, rather than loaded as mojibake.
    """
    first_bad: int | None = None
    for encoding in encodings:
        bad = _first_invalid_offset(path, encoding)
        if bad is None:
            if codecs.lookup(encoding).name == "utf-8":
                return path, "utf-8"
            target = scratch / f"{path.stem}.utf8.csv"
            with (
                path.open("r", encoding=encoding, newline="") as src,
                target.open("w", encoding="utf-8", newline="") as dst,
            ):
                while text := src.read(_CHUNK):
                    dst.write(text)
            return target, encoding
        if first_bad is None:
            first_bad = bad
    tried = ", ".join(encodings)
    raise ContractError(
        f"{path}: not readable as {tried} (invalid byte at offset {first_bad}); re-export the file as UTF-8"
    )


@contextmanager
def scratch_dir() -> Iterator[Path]:
    """A private folder for the transcoded copies of a load's files, removed when the load has read them.

    Each copy is as large as its file (a county's GBK export of its approvals is gigabytes), and a
    county loads every day, so nothing may outlive the load."""
    with tempfile.TemporaryDirectory(prefix="yunshao-load-") as name:
        yield Path(name)
