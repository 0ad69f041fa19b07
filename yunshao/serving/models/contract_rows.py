"""Pydantic models of the contract's rows and of a project's bundle, generated from ``schema.py``.

The columns are never declared twice: every row model is built from ``TABLES`` with the same kinds,
required flags, enums and ranges that the file loader checks, so a body the API accepts is a body the
batch loader would keep, and a refused body is a 422 that names the field path.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from types import GenericAlias
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, create_model

from yunshao.contract.schema import TABLES, Column, Kind, Table
from yunshao.serving.core.localtime import naive_local

#: Tables a case system sends per project: the project itself and the tables hanging off it.
BUNDLE_TABLES: tuple[str, ...] = (
    "projects",
    "approvals",
    "tenders",
    "bids",
    "contracts",
    "payments",
    "settlements",
    "agreements",
    "performance",
    "land_parcels",
)

_NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


_Timestamp = Annotated[dt.datetime, AfterValidator(naive_local)]  # an offset the sender gives is honoured
_Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


def _annotation(col: Column) -> Any:
    """The Python type of one contract column."""
    if col.kind is Kind.ENUM:
        return Literal[col.values]
    if col.kind in (Kind.AMOUNT, Kind.NUMBER):
        return Annotated[float, Field(ge=col.minimum, le=col.maximum, allow_inf_nan=False)]
    if col.kind is Kind.INTEGER:  # stored as BIGINT
        low = -(2**63) if col.minimum is None else col.minimum
        high = 2**63 - 1 if col.maximum is None else col.maximum
        return Annotated[int, Field(ge=low, le=high)]
    return {
        Kind.ID: _NonEmpty,
        Kind.TEXT: str,
        Kind.BOOLEAN: bool,
        Kind.TIMESTAMP: _Timestamp,
        Kind.DATE: dt.date,
        Kind.MONTH: _Month,
    }[col.kind]


@cache
def row_model(table_name: str) -> type[BaseModel]:
    """The model of one row of a contract table (extra columns are ignored, as the contract says)."""
    table: Table = TABLES[table_name]
    fields: dict[str, Any] = {}
    for col in table.columns:
        annotation = _annotation(col)
        if col.required:
            fields[col.name] = (annotation, Field(...))
        else:
            fields[col.name] = (annotation | None, Field(default=None))
    model = create_model(
        "".join(part.title() for part in table_name.split("_")) + "Row",
        __config__=ConfigDict(extra="ignore", frozen=True),
        __doc__=f"One row of `{table_name}` ({table.zh}, {table.en}) as the trail contract declares it.",
        **fields,
    )
    return model


def _bundle_model() -> type[BaseModel]:
    fields: dict[str, Any] = {"project": (row_model("projects"), Field(..., description="the project row"))}
    for name in BUNDLE_TABLES[1:]:
        fields[name] = (
            GenericAlias(list, (row_model(name),)),
            Field(default_factory=list, description=f"rows of `{name}` ({TABLES[name].zh}) of this project"),
        )
    return create_model(
        "ProjectBundle",
        __config__=ConfigDict(extra="forbid"),
        __doc__="One project and every row of the contract's per-project tables that belongs to it.",
        **fields,
    )


ProjectBundle: type[BaseModel] = _bundle_model()


def bundle_rows(bundle: BaseModel) -> dict[str, list[BaseModel]]:
    """A bundle as rows per contract table."""
    rows: dict[str, list[BaseModel]] = {"projects": [bundle.project]}  # type: ignore[attr-defined]
    for name in BUNDLE_TABLES[1:]:
        rows[name] = list(getattr(bundle, name))
    return rows
