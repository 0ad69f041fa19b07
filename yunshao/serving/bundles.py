"""Validated bundles → Arrow tables in the contract's column types, and the checks across a bundle's rows.

Pydantic has already checked every value against the contract (types, enums, ranges, required). What
is left is what the loader checks across rows: keys must be unique within a batch, ids that point inside
the bundle (a bid's tender, a payment's contract) must resolve there, and ids that point at the
organisation (units, people, posts, companies) must exist in the store. Each failure becomes a 422 entry
whose ``loc`` is the field path in the body.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import pyarrow as pa
from pydantic import BaseModel

from yunshao.contract.schema import TABLES, Kind, arrow_type
from yunshao.serving.models.contract_rows import BUNDLE_TABLES, bundle_rows

ARROW_TYPE: dict[Kind, pa.DataType] = {kind: arrow_type(kind) for kind in Kind}


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([(c.name, ARROW_TYPE[c.kind]) for c in TABLES[table].columns])


def to_arrow(bundles: Sequence[BaseModel]) -> dict[str, pa.Table]:
    """One Arrow table per bundle table (empty ones included), columns in contract order and types."""
    columns: dict[str, dict[str, list[Any]]] = {
        name: {c: [] for c in TABLES[name].column_names} for name in BUNDLE_TABLES
    }
    for bundle in bundles:
        for name, rows in bundle_rows(bundle).items():
            cols = columns[name]
            for row in rows:
                for col, values in cols.items():
                    values.append(getattr(row, col))
    return {name: pa.Table.from_pydict(cols, schema=arrow_schema(name)) for name, cols in columns.items()}


#: Bundle-internal references: (table, column) → (table, column) that must hold the id in the bundle.
_INTERNAL = {
    ("bids", "tender_id"): ("tenders", "tender_id"),
    ("contracts", "tender_id"): ("tenders", "tender_id"),
    ("payments", "contract_id"): ("contracts", "contract_id"),
    ("performance", "agreement_id"): ("agreements", "agreement_id"),
}
#: Organisation tables whose ids a bundle may point at; they come from the store.
ORGANISATION_TABLES = ("units", "people", "posts", "companies")


def check_bundles(
    bundles: Sequence[BaseModel], known: Mapping[str, frozenset[str]], *, prefix: tuple[Any, ...] = ("body",)
) -> list[dict[str, Any]]:
    """Errors in FastAPI's 422 shape; ``known`` maps an organisation table to the ids the store holds.

    ``prefix`` is the path of the bundle list in the body (``("body",)`` for a single bundle).
    """
    errors: list[dict[str, Any]] = []
    seen: dict[str, set[tuple[Any, ...]]] = {name: set() for name in BUNDLE_TABLES}
    single = prefix == ("body",)
    for i, bundle in enumerate(bundles):
        base = prefix if single else (*prefix, i)
        rows = bundle_rows(bundle)
        inner_ids = {t: {getattr(r, t[1]) for r in rows[t[0]]} for t in set(_INTERNAL.values())}
        project_id = rows["projects"][0].project_id  # type: ignore[attr-defined]
        for name, table_rows in rows.items():
            for j, row in enumerate(table_rows):
                loc = (*base, "project") if name == "projects" else (*base, name, j)
                errors.extend(_duplicate_key(name, row, loc, seen[name]))
                errors.extend(_row_references(name, row, loc, project_id, inner_ids, known))
    return errors


def _duplicate_key(name: str, row: BaseModel, loc: tuple[Any, ...], seen: set[tuple[Any, ...]]) -> list[dict[str, Any]]:
    key_cols = TABLES[name].key
    if not key_cols:
        return []
    key = tuple(getattr(row, k) for k in key_cols)
    if key in seen:
        return [_err((*loc, key_cols[0]), f"duplicate key {key} of {name} in this request", "duplicate")]
    seen.add(key)
    return []


def _row_references(
    name: str,
    row: BaseModel,
    loc: tuple[Any, ...],
    project_id: str,
    inner_ids: Mapping[tuple[str, str], set[Any]],
    known: Mapping[str, frozenset[str]],
) -> list[dict[str, Any]]:
    """The row belongs to the bundle's project; its ids resolve in the bundle or in the store."""
    errors = []
    table = TABLES[name]
    if name != "projects" and "project_id" in table.column_names and row.project_id != project_id:  # type: ignore[attr-defined]
        errors.append(_err((*loc, "project_id"), f"must be the bundle's project '{project_id}'", "reference"))
    for col in table.columns:
        value = getattr(row, col.name)
        if value is None or not col.references:
            continue
        target_table, target_col = col.references.split(".")
        inner = _INTERNAL.get((name, col.name))
        if inner and value not in inner_ids[inner]:
            errors.append(_err((*loc, col.name), f"'{value}' is not in this bundle's {inner[0]}", "reference"))
        elif target_table in known and value not in known[target_table]:
            msg = f"'{value}' not found in {target_table}.{target_col} of the store"
            errors.append(_err((*loc, col.name), msg, "reference"))
    return errors


def bundle_keys(bundle: BaseModel) -> set[Hashable]:
    """Every (table, key) a bundle holds: two bundles sharing one cannot be scored in one pass."""
    out: set[Hashable] = set()
    for name, rows in bundle_rows(bundle).items():
        key_cols = TABLES[name].key
        out.update((name, *(getattr(r, k) for k in key_cols)) for r in rows)
    return out


def _err(loc: tuple[Any, ...], msg: str, kind: str) -> dict[str, Any]:
    return {"loc": list(loc), "msg": msg, "type": f"contract.{kind}"}
