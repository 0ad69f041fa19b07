"""Amounts that may be negative on some rows only, as DuckDB reason expressions.

The contract allows a negative amount where a reduction is normal business: a change node's 核减 (the
works reduced) and a clawback payment (追回). Refusing every negative amount quarantined honest change
orders and hid them from the change-order and settlement features; allowing every one would let a
sign error through. A column declares where it may be negative (``Column.negative_where``); elsewhere a
negative value is refused with the same ``range`` reason as any amount below its minimum.
"""

from __future__ import annotations

from collections.abc import Sequence

from yunshao.contract.checks import ColumnChecks


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sign_reasons(checks: Sequence[ColumnChecks]) -> list[str]:
    """One reason expression per column with ``negative_where``: NULL unless negative on a row not allowed."""
    typed = {c.column.name: c.typed for c in checks}
    reasons: list[str] = []
    for check in checks:
        col = check.column
        if col.negative_where is None:
            continue
        other, values = col.negative_where
        allowed = ", ".join(_lit(v) for v in values)
        where = f"{other} is {' or '.join(values)}"
        reasons.append(
            f"CASE WHEN ({check.typed}) < 0 AND NOT coalesce(({typed[other]}) IN ({allowed}), false) THEN "
            f"{_lit(col.name + ' range: ')} || CAST({check.typed} AS VARCHAR) || "
            f"{_lit(f' is below 0 (negative only where {where})')} END"
        )
    return reasons
