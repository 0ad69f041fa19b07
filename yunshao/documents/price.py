"""Price-list structure: two bidders' price tables with the same rows (labels, units, column count) in the
same order were most likely filled in from one file — when those rows say something of their own: rows
beyond those the tender's tables prescribe, or the prescribed items in an order that is not the tender's.
Filling in the tender's bill of quantities as given is what every bidder does and tells nothing."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

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


def structure(
    tables: Iterable[tuple[tuple[str, ...], ...]], tender_order: Mapping[tuple[str, ...], int], min_rows: int = 3
) -> tuple[Row, ...]:
    """The rows of a bidder's price tables that can tell: all of them, in order, when the bidder lists the
    tender's items (``tender_order``: each prescribed row's position in the tender's tables) in an order of
    its own; else its rows the tender's tables lack, when there are at least ``min_rows``; else none."""
    rows = table_rows(tables)
    positions = [tender_order[key] for _, key in rows if key in tender_order]
    if positions != sorted(positions):
        return tuple(rows)
    extra = tuple(row for row in rows if row[1] not in tender_order)
    return extra if len(extra) >= min_rows else ()


def tender_order(tables: Iterable[tuple[tuple[str, ...], ...]]) -> dict[tuple[str, ...], int]:
    """Each row key of the tender's tables with the position it first appears at."""
    order: dict[tuple[str, ...], int] = {}
    for n, (_, key) in enumerate(table_rows(tables)):
        order.setdefault(key, n)
    return order
