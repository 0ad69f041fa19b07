"""Per-column checks derived from the contract declaration, as DuckDB SQL expressions.

Each column yields a typed expression (what the validated table holds) and reason expressions that are
NULL for a good value and otherwise say, in one line, which column failed and why. They are generated
from ``schema.py`` so that the contract is declared once.
"""

from __future__ import annotations

from dataclasses import dataclass

from yunshao.contract.schema import Column, Kind

_TEXT_TYPES = ("VARCHAR",)


def q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_INTEGER_TYPES = ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT")
_NUMBER_TYPES = frozenset(("DOUBLE", "FLOAT", *_INTEGER_TYPES, *(f"U{t}" for t in _INTEGER_TYPES)))


def is_number_type(duckdb_type: str) -> bool:
    """Whether DuckDB's type holds numbers (integers of any width, floats, ``DECIMAL(p, s)``)."""
    return duckdb_type.split("(")[0] in _NUMBER_TYPES or duckdb_type.startswith("DECIMAL")


def _present(src: str, src_type: str) -> str:
    """A value was given: not NULL and, for text, not blank (typed Parquet columns skip the text pass)."""
    if src_type != "VARCHAR":
        return f"({src} IS NOT NULL)"
    return f"(NULLIF(TRIM({src}), '') IS NOT NULL)"


def _shown(src: str) -> str:
    """The offending value, quoted and cut short, for the reason text."""
    return f"'''' || LEFT(CAST({src} AS VARCHAR), 60) || ''''"


def typed_expr(col: Column, src_type: str | None) -> str:
    """The value of ``col`` in its contract type, NULL where absent or unreadable."""
    src = q(col.name)
    if src_type is None:
        return f"CAST(NULL AS {col.duckdb_type})"
    text = f"NULLIF(TRIM(CAST({src} AS VARCHAR)), '')"
    kind = col.kind
    if kind in (Kind.ID, Kind.TEXT, Kind.ENUM, Kind.MONTH):
        if src_type.startswith("DOUBLE") or src_type.startswith("FLOAT"):
            # ids exported as floats (1.0) are still the id "1"
            return f"CASE WHEN {src} = FLOOR({src}) THEN CAST(CAST({src} AS BIGINT) AS VARCHAR) ELSE {text} END"
        return text
    if kind is Kind.TIMESTAMP:
        if src_type.startswith("TIMESTAMP WITH TIME ZONE"):
            return f"CAST({src} AS TIMESTAMP)"
        if src_type.startswith("TIMESTAMP") or src_type == "DATE":
            return f"CAST({src} AS TIMESTAMP)"
        # with the session zone set to Asia/Shanghai, a string without an offset is local time and one
        # with an offset is converted to local time
        return f"CAST(TRY_CAST({text} AS TIMESTAMPTZ) AS TIMESTAMP)"
    if kind is Kind.DATE:
        if src_type.startswith("TIMESTAMP") or src_type == "DATE":
            return f"CAST({src} AS DATE)"
        return f"TRY_CAST({text} AS DATE)"
    if kind is Kind.BOOLEAN:
        if src_type == "BOOLEAN":
            return src
        return f"CASE LOWER({text}) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END"
    if is_number_type(src_type):
        return f"TRY_CAST({src} AS {col.duckdb_type})"  # typed Parquet: no round trip through text
    return f"TRY_CAST({text} AS {col.duckdb_type})"


@dataclass(frozen=True)
class ColumnChecks:
    column: Column
    typed: str
    reasons: tuple[str, ...]


def column_checks(col: Column, src_type: str | None) -> ColumnChecks:
    """The typed expression and the reasons a value of ``col`` is refused."""
    src = q(col.name)
    typed = typed_expr(col, src_type)
    reasons: list[str] = []
    name = col.name
    if src_type is None:
        if col.required:
            reasons.append(_lit(f"{name} missing: required column absent"))
        return ColumnChecks(col, typed, tuple(reasons))
    present = _present(src, src_type)
    if col.required:
        reasons.append(f"CASE WHEN NOT {present} THEN {_lit(f'{name} missing: required value is empty')} END")
    type_word = {
        Kind.AMOUNT: "a decimal amount",
        Kind.NUMBER: "a number",
        Kind.INTEGER: "a whole number",
        Kind.BOOLEAN: "true or false",
        Kind.TIMESTAMP: "an ISO 8601 timestamp",
        Kind.DATE: "a YYYY-MM-DD date",
    }.get(col.kind)
    if type_word:
        reasons.append(
            f"CASE WHEN {present} AND ({typed}) IS NULL THEN "
            f"{_lit(name + ' type: ')} || {_shown(src)} || {_lit(' is not ' + type_word)} END"
        )
    if col.kind is Kind.MONTH:
        reasons.append(
            f"CASE WHEN {present} AND NOT regexp_full_match({typed}, '\\d{{4}}-(0[1-9]|1[0-2])') THEN "
            f"{_lit(name + ' type: ')} || {_shown(src)} || ' is not a YYYY-MM month' END"
        )
    if col.values:
        allowed = ", ".join(_lit(v) for v in col.values)
        reasons.append(
            f"CASE WHEN {present} AND {typed} NOT IN ({allowed}) THEN "
            f"{_lit(name + ' enum: unknown value ')} || {_shown(src)} END"
        )
    if col.minimum is not None:
        reasons.append(
            f"CASE WHEN ({typed}) < {col.minimum} THEN "
            f"{_lit(name + ' range: ')} || CAST({typed} AS VARCHAR) || {_lit(f' is below {col.minimum:g}')} END"
        )
    if col.maximum is not None:
        reasons.append(
            f"CASE WHEN ({typed}) > {col.maximum} THEN "
            f"{_lit(name + ' range: ')} || CAST({typed} AS VARCHAR) || {_lit(f' is above {col.maximum:g}')} END"
        )
    return ColumnChecks(col, typed, tuple(reasons))
