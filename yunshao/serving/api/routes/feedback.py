"""/v1/feedback: record the outcome of a check, stored durably and idempotently (a label for the next run);
list the stored outcomes, and export them as CSV or Parquet for a spreadsheet or a notebook.

A listing shows what a project read would: only rows whose target (project, post, tender or warning) lies
in the key's units — the unit is the store's, as for ``POST`` — and names masked for the key's role.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from collections.abc import Iterator
from typing import Annotated, Any, Literal

import duckdb
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from fastapi.responses import FileResponse, StreamingResponse
from starlette.background import BackgroundTask

from yunshao.contract.outputs import FEEDBACK
from yunshao.serving.api.deps import (
    AuditDep,
    Caller,
    FeedbackDep,
    PageQuery,
    PageSizeQuery,
    StoreDep,
    local_time,
    require,
)
from yunshao.serving.api.errors import BAD_BODY
from yunshao.serving.core.audit import AuditLog
from yunshao.serving.core.localtime import now_local
from yunshao.serving.core.security import Permission
from yunshao.serving.feedback import LISTED, FeedbackConflict, FeedbackFilter, FeedbackStore
from yunshao.serving.models.responses import FeedbackIn, FeedbackItem, FeedbackOut, FeedbackQuery, Page
from yunshao.serving.store import Store

router = APIRouter(tags=["feedback"])
Reader = Annotated[Caller, Depends(require(Permission.READ))]

CSV_TYPE = "text/csv; charset=utf-8"
PARQUET_TYPE = "application/vnd.apache.parquet"
#: rows per chunk of a streamed CSV
CSV_CHUNK = 1000
#: the Parquet export's column types: the contract's ``feedback`` output, and the case of a verdict
PARQUET_TYPES = {**{c.name: c.type for c in FEEDBACK.columns}, "case_id": "BIGINT"}


def save_feedback(
    store: Store, feedback: FeedbackStore, caller: Caller, body: FeedbackIn
) -> tuple[dict[str, Any], bool]:
    """Resolve the entity in the store (a warning becomes its project), then store the outcome once."""
    found = store.find_entity(body.entity_type, body.entity_id)
    if found is None or not caller.sees_unit(found.get("unit_id")):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"{body.entity_type} '{body.entity_id}' not found in the store")
    entity_type, entity_id, warning_id, scheme = body.entity_type, body.entity_id, None, body.scheme
    if body.entity_type == "warning":
        warning_id = body.entity_id
        if found.get("project_id") is None:
            raise HTTPException(422, f"warning '{body.entity_id}' concerns no project; send feedback on its entity")
        entity_type, entity_id = "project", str(found["project_id"])
        scheme = scheme or found.get("scheme")
    decided = now_local().isoformat(timespec="seconds") if body.decided_at is None else _local_text(body.decided_at)
    record = {
        "client_key": body.client_key,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "warning_id": warning_id,
        "outcome": body.outcome,
        "scheme": scheme,
        "note": body.note,
        "who": body.who or caller.key.name,
        "key_id": caller.key.key_id,
        "decided_at": decided,
    }
    try:
        saved = feedback.save(record)
    except FeedbackConflict as exc:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"client_key '{exc.args[0]}' was already used, for a different outcome or by another key",
        ) from exc
    return saved.row, saved.created


@router.post(
    "/feedback",
    response_model=FeedbackOut,
    status_code=status.HTTP_201_CREATED,
    summary="Record the outcome of a check",
    responses={
        **BAD_BODY,
        200: {"description": "replay of a client key already stored"},
        404: {"description": "no such entity in the store, or outside the key's scope"},
        409: {"description": "key reused"},
    },
)
def post_feedback(
    body: FeedbackIn,
    request: Request,
    response: Response,
    store: StoreDep,
    feedback: FeedbackDep,
    caller: Annotated[Caller, Depends(require(Permission.FEEDBACK))],
) -> dict[str, Any]:
    row, created = save_feedback(store, feedback, caller, body)
    if created:
        request.app.state.metrics.feedback.labels(body.outcome).inc()
    else:
        response.status_code = status.HTTP_200_OK
    return {**row, "created": created}


Filters = Annotated[FeedbackQuery, Query()]


def to_filter(query: FeedbackQuery) -> FeedbackFilter:
    """The query's filters as the case store compares them (timestamps as ``decided_at`` is stored)."""
    fields = query.model_dump(exclude={"since", "until"})
    return FeedbackFilter(**fields, since=_local_text(query.since), until=_local_text(query.until))


def _local_text(value: dt.datetime | None) -> str | None:
    """A timestamp as ``decided_at`` is stored: naive local ISO text (an offset is converted)."""
    return None if value is None else local_time(value).isoformat(timespec="seconds")


def entity_units(store: Store, targets: set[tuple[str, str]]) -> dict[tuple[str, str], str | None]:
    """(entity_type, entity_id) → the unit of that project, post, tender or warning in the store."""
    if not targets:
        return {}
    rows = store.rows("feedback_units", ids=sorted({entity_id for _, entity_id in targets}))
    return {(r["entity_type"], r["entity_id"]): r["unit_id"] for r in rows}


def visible_ids(store: Store, caller: Caller, targets: list[tuple[int, str, str]]) -> list[int]:
    """Ids of the rows whose target is in the caller's scope, in the given order.

    A target the store no longer holds has no unit: only a key that sees every unit lists it, as
    ``Caller.sees_unit`` decides for any record without a unit.
    """
    units = entity_units(store, {(et, eid) for _, et, eid in targets})
    return [fid for fid, et, eid in targets if caller.sees_unit(units.get((et, eid)))]


def _audit(audit: AuditLog, caller: Caller, action: str, rows: list[dict[str, Any]], path: str) -> None:
    """Which targets' outcomes the caller was shown (as reads of projects and posts are audited)."""
    targets = sorted({(str(r["entity_type"]), str(r["entity_id"])) for r in rows})
    key = caller.key
    audit.record(key_id=key.key_id, key_name=key.name, role=key.role, action=action, entities=targets, path=path)


@router.get(
    "/feedback",
    response_model=Page[FeedbackItem],
    summary="Stored outcomes of checks, filtered and paginated, newest first",
)
def list_feedback(
    request: Request,
    store: StoreDep,
    feedback: FeedbackDep,
    audit: AuditDep,
    caller: Reader,
    filters: Filters,
    page: PageQuery = 1,
    page_size: PageSizeQuery = None,
) -> dict[str, Any]:
    serve = request.app.state.config.serve
    size = min(page_size or serve.page_size, serve.max_page_size)
    f, offset = to_filter(filters), (page - 1) * size
    if caller.units is None:
        total, rows = feedback.page(f, offset=offset, limit=size)
    else:
        ids = visible_ids(store, caller, feedback.targets(f))
        total, rows = len(ids), feedback.by_ids(ids[offset : offset + size])
    _audit(audit, caller, "list", rows, str(request.url.path))
    return {"items": caller.shown(rows, store.people_names), "total": total, "page": page, "page_size": size}


def export_rows(store: Store, feedback: FeedbackStore, caller: Caller, f: FeedbackFilter) -> list[dict[str, Any]]:
    """Every row matching ``f`` that the caller may see, newest first, masked for its role."""
    if caller.units is None:
        rows = feedback.rows(f)
    else:
        rows = feedback.by_ids(visible_ids(store, caller, feedback.targets(f)))
    return list(caller.shown(rows, store.people_names))


#: a text cell starting with one of these is a formula to a spreadsheet (CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: notes come from API callers, and ``=HYPERLINK(…)`` in
    one would run when an inspector opens the export (the Parquet export keeps values untouched)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def csv_chunks(rows: list[dict[str, Any]]) -> Iterator[bytes]:
    """UTF-8 CSV with a byte-order mark, so that Excel opens the Chinese text as Chinese; a header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(LISTED)
    for start in range(0, max(len(rows), 1), CSV_CHUNK):
        writer.writerows([[cell(r[c]) for c in LISTED] for r in rows[start : start + CSV_CHUNK]])
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()


def write_parquet(rows: list[dict[str, Any]]) -> str:
    """The rows in a temporary Parquet file, typed as the run's ``feedback`` table is (``decided_at`` a
    TIMESTAMP: a notebook gets times, not text), plus ``case_id``; the caller removes the file."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(LISTED), dtype="object")
    handle, path = tempfile.mkstemp(prefix="yunshao-feedback-", suffix=".parquet")
    os.close(handle)
    casts = ", ".join(f'CAST("{name}" AS {type_}) AS "{name}"' for name, type_ in PARQUET_TYPES.items())
    con = duckdb.connect()
    try:
        con.register("_rows", frame)
        target = path.replace("'", "''")
        con.execute(f"COPY (SELECT {casts} FROM _rows) TO '{target}' (FORMAT parquet)")
    finally:
        con.close()
    return path


def _filename(extension: str) -> str:
    return f"feedback-{now_local():%Y%m%d-%H%M%S}.{extension}"


@router.get(
    "/feedback/export",
    summary="Every stored outcome matching the filters, as one CSV or Parquet file",
    response_class=Response,
    responses={
        200: {
            "description": "the rows newest first, the columns of `FeedbackItem`; CSV is UTF-8 with a byte-order mark",
            "content": {
                CSV_TYPE: {"schema": {"type": "string"}},
                PARQUET_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
def export_feedback(
    request: Request,
    store: StoreDep,
    feedback: FeedbackDep,
    audit: AuditDep,
    caller: Reader,
    filters: Filters,
    fmt: Annotated[Literal["csv", "parquet"], Query(alias="format", description="file format")] = "csv",
) -> Response:
    rows = export_rows(store, feedback, caller, to_filter(filters))
    _audit(audit, caller, "export", rows, str(request.url.path))
    disposition = {"Content-Disposition": f'attachment; filename="{_filename(fmt)}"'}
    if fmt == "csv":
        return StreamingResponse(csv_chunks(rows), media_type=CSV_TYPE, headers=disposition)
    path = write_parquet(rows)
    return FileResponse(path, media_type=PARQUET_TYPE, headers=disposition, background=BackgroundTask(os.unlink, path))
