"""Price-list structure: two bidders' price tables with the same rows (labels, units, column count) in the
same order, beyond the rows the tender's own tables prescribe, were most likely filled in from one file."""

from __future__ import annotations

import re
from collections.abc import Iterable, Set

from yunshao.documents.normalise import normalise

NUMBER = re.compile(r"^[-+]?[0-9][0-9,.]*%?$")

Row = tuple[int, tuple[str, ...]]


def row_key(row: Iterable[str]) -> tuple[str, ...]:
    """The normalised non-empty, non-numeric cells of a row: its label and unit, not its prices."""
    out = []
    for cell in row:
        text = normalise(cell).text
        if text and not NUMBER.match(text):
            out.append(text)
    return tuple(out)


def table_rows(tables: Iterable[tuple[tuple[str, ...], ...]]) -> list[Row]:
    """Each row of ``tables`` as (column count, key); rows without any label are left out."""
    return [(len(row), key) for table in tables for row in table if (key := row_key(row))]


def structure(tables: Iterable[tuple[tuple[str, ...], ...]], tender_keys: Set[tuple[str, ...]]) -> tuple[Row, ...]:
    """The rows of a bidder's price tables whose labels the tender's tables do not already have."""
    return tuple(row for row in table_rows(tables) if row[1] not in tender_keys)
