"""Turns the simulator's compact numpy columns into contract-typed Arrow tables.

Generators work on integers (indices, seconds, days, vocabulary codes) because numpy is fast on them;
ids, timestamps and text are only formed here, once per written chunk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yunshao.contract.schema import TABLES, Kind, arrow_type

NULL = -1
ARROW_TYPE: dict[Kind, pa.DataType] = {kind: arrow_type(kind) for kind in Kind}

#: Readable id prefixes and zero-padded widths.
PREFIX: dict[str, tuple[str, int]] = {
    "unit": ("U", 3),
    "post": ("PO", 4),
    "person": ("PER", 5),
    "project": ("P", 6),
    "event": ("E", 8),
    "tender": ("T", 6),
    "bid": ("B", 7),
    "company": ("CO", 4),
    "cert": ("CE", 6),
    "contract": ("CT", 6),
    "payment": ("PAY", 7),
    "agreement": ("AG", 5),
    "parcel": ("LP", 5),
}


def arrow_schema(table: str) -> pa.Schema:
    """Arrow schema of a contract table, columns in contract order."""
    return pa.schema([pa.field(c.name, ARROW_TYPE[c.kind]) for c in TABLES[table].columns])


def ids(kind: str, idx: np.ndarray) -> pa.Array:
    """Readable ids (`P000123`) from integer indices; negative indices become nulls."""
    prefix, width = PREFIX[kind]
    idx = np.asarray(idx, dtype=np.int64)
    text = pc.utf8_lpad(pc.cast(pa.array(np.maximum(idx, 0)), pa.string()), width=width, padding="0")
    out = pc.binary_join_element_wise(pa.scalar(prefix), text, "")
    if (idx < 0).any():
        out = pc.if_else(pa.array(idx < 0), pa.scalar(None, pa.string()), out)
    return out


def id_text(kind: str, i: int) -> str:
    prefix, width = PREFIX[kind]
    return f"{prefix}{i:0{width}d}"


def timestamps(seconds: np.ndarray) -> pa.Array:
    """Naive timestamps from seconds; NULL (-1) becomes null."""
    s = np.asarray(seconds, dtype=np.int64)
    return pa.array(s * 1_000_000, type=pa.timestamp("us"), mask=s == NULL)


def dates(days: np.ndarray) -> pa.Array:
    d = np.asarray(days, dtype=np.int64)
    return pa.array(d.astype(np.int32), type=pa.date32(), mask=d == NULL)


def money(x: np.ndarray) -> pa.Array:
    """Yuan rounded to fen; NaN becomes null."""
    v = np.round(np.asarray(x, dtype=np.float64), 2)
    return pa.array(v, type=pa.float64(), mask=np.isnan(v))


def vocab(codes: np.ndarray, words: Sequence[str]) -> pa.Array:
    """Text from vocabulary codes; NULL (-1) becomes null."""
    c = np.asarray(codes, dtype=np.int32)
    arr = pa.DictionaryArray.from_arrays(pa.array(c, mask=c < 0), pa.array(list(words), pa.string()))
    return arr.cast(pa.string())


def table(name: str, n: int, cols: Mapping[str, Any]) -> pa.Table:
    """A contract table in column order; absent columns are null, values are cast to contract types."""
    schema = arrow_schema(name)
    arrays = []
    for field in schema:
        value = cols.get(field.name)
        if value is None:
            arrays.append(pa.nulls(n, field.type))
        elif isinstance(value, pa.ChunkedArray | pa.Array):
            arrays.append(value.cast(field.type))
        else:
            arrays.append(pa.array(value, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)
