"""The bid-file comparison of one tender: who bid, how alike their files are, where, and what the rules made of it.

The documents stage leaves its findings in the store (``yunshao/documents/tables.py``) but no text, so the
side-by-side view reads the files again from the dataset folder the run read (``run.json``'s ``dataset``;
``bid_documents.path`` is relative to it), once per process per file. A store of a run without bid files
has none of the stage's tables: the pages then say that no bid file was read, which is a fact about the
run and no error.

Scope and masking follow the other records: a tender is seen through its project's unit (out of scope
reads as absent, 404), people's names are masked for roles without NAMES, and the people a page names are
written to the audit log.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from yunshao.documents.errors import DocumentError
from yunshao.serving.api.deps import AuditDep, Caller, StoreDep
from yunshao.serving.api.rendering import Inspector, page_lang, render
from yunshao.serving.codes import rule_catalog, translator
from yunshao.serving.core.audit import AuditLog
from yunshao.serving.core.security import Permission
from yunshao.serving.documents_report import docx_bytes, rule_guides
from yunshao.serving.reads import readable
from yunshao.serving.store import Store, parse_json

router = APIRouter(include_in_schema=False)
Id = Annotated[str, PathParam(min_length=1, max_length=200)]
#: The rules whose warnings on a tender come from its bid files (or from who handled the bids).
DOC_RULES = ("BID-DOC-TEXT", "BID-DOC-MIX", "BID-DOC-META", "BID-DOC-PM", "BID-AGENT", "BID-BROKER")
#: Characters of the file shown on each side of a passage: enough to read the sentence it sits in.
WINDOW = 160
#: Passages listed per pair (the stage ranks them by length and rarity; the first few carry the case).
MAX_PASSAGES = 30
#: Passages per pair in the exported report.
REPORT_PASSAGES = 5
#: Files kept extracted per process (a tender has a handful of bidders, each a few files).
TEXT_CACHE = 32
#: Cell colours from score 0 (white) to 1 (the pages' red, #c81e1e).
LOW, HIGH = (255, 255, 255), (200, 30, 30)
CELL_W, CELL_H, LABEL_W, HEAD_H = 104, 54, 210, 30
#: The matrix's cells share this width when there are many bidders, down to what "100.0%" needs.
MATRIX_W, MIN_CELL_W = 900, 62
#: A pair of bids as the stage stored it, whichever of the two the URL names first.
EITHER_ORDER = "((bid_a = $a AND bid_b = $b) OR (bid_a = $b AND bid_b = $a))"


def _rows(store: Store, query: str, **params: Any) -> list[dict[str, Any]]:
    """Rows of an ad hoc query as dicts (the store's ``rows`` reads only its named SQL files)."""
    cur = store.cursor()
    try:
        result = cur.execute(query, params)
        cols = [d[0] for d in result.description or []]
        return [dict(zip(cols, row, strict=True)) for row in result.fetchall()]
    finally:
        cur.close()


def has_doc_tables(store: Store) -> bool:
    """Whether the run that wrote the store read bid files at all (it then left ``doc_files``)."""
    return bool(_rows(store, "SELECT 1 FROM information_schema.tables WHERE table_name = 'doc_files' LIMIT 1"))


def read_any(store: Store, tender_id: str) -> bool:
    """Whether the run read at least one bid file of the tender (else there is nothing to compare)."""
    found = _rows(store, "SELECT 1 FROM doc_files WHERE tender_id = $tid LIMIT 1", tid=tender_id)
    return bool(found)


def read_tender(store: Store, caller: Caller, tender_id: str) -> dict[str, Any] | None:
    """The tender with its project and unit; None when unknown or outside the caller's scope."""
    found = _rows(
        store,
        "SELECT t.tender_id, t.project_id, t.method, t.announced_at, t.ceiling_price, t.award_price, "
        "t.winner_company_id, p.name AS project_name, p.unit_id, u.name AS unit_name "
        "FROM tenders t LEFT JOIN projects p ON p.project_id = t.project_id "
        "LEFT JOIN units u ON u.unit_id = p.unit_id WHERE t.tender_id = $tid",
        tid=tender_id,
    )
    if not found or not caller.sees_unit(found[0]["unit_id"]):
        return None
    return found[0]


def _bidders(store: Store, tender_id: str, with_docs: bool) -> list[dict[str, Any]]:
    files = "(SELECT count(*) FROM doc_files f WHERE f.bid_id = b.bid_id)" if with_docs else "CAST(0 AS BIGINT)"
    return _rows(
        store,
        f"SELECT b.bid_id, b.company_id, c.name AS company_name, b.price, {files} AS files "
        "FROM bids b LEFT JOIN companies c ON c.company_id = b.company_id WHERE b.tender_id = $tid "
        "ORDER BY b.bid_id",
        tid=tender_id,
    )


def _tender_rows(store: Store, table: str, tender_id: str, order: str) -> list[dict[str, Any]]:
    return _rows(store, f"SELECT * FROM {table} WHERE tender_id = $tid ORDER BY {order}", tid=tender_id)


def _doc_warnings(store: Store, tender_id: str) -> list[dict[str, Any]]:
    found = _rows(
        store,
        "SELECT warning_id, entity_type, entity_id, rule_id, severity, evidence, guide, project_id, post_id, "
        "scheme FROM warnings WHERE entity_type = 'tender' AND entity_id = $tid AND list_contains($rules, rule_id) "
        "ORDER BY CASE severity WHEN 'red' THEN 0 ELSE 1 END, rule_id, warning_id",
        tid=tender_id,
        rules=list(DOC_RULES),
    )
    return [{**w, "evidence": parse_json(w["evidence"])} for w in found]


def _colour(score: float | None) -> str:
    s = min(1.0, max(0.0, float(score or 0.0)))
    return "#" + "".join(f"{round(lo + (hi - lo) * s):02x}" for lo, hi in zip(LOW, HIGH, strict=True))


def pair_key(a: str, b: str) -> tuple[str, str]:
    """A pair of bids in the order that does not depend on which one was named first."""
    return (a, b) if a <= b else (b, a)


def similarity_matrix(tender_id: str, bidders: list[dict[str, Any]], pairs: list[dict[str, Any]]) -> dict[str, Any]:
    """The bidder × bidder grid as the SVG draws it: each cell's place, colour, values and link."""
    by_pair = {pair_key(p["bid_a"], p["bid_b"]): p for p in pairs}
    size = len(bidders)
    cell_w = max(MIN_CELL_W, min(CELL_W, MATRIX_W // max(1, size)))  # many bidders: narrower cells, same page
    cells = []
    for i, row in enumerate(bidders):
        for j, col in enumerate(bidders):
            cell: dict[str, Any] = {"x": LABEL_W + j * cell_w, "y": HEAD_H + i * CELL_H, "diagonal": i == j}
            pair = None if i == j else by_pair.get(pair_key(row["bid_id"], col["bid_id"]))
            if pair is not None:
                score = float(pair["score"] or 0.0)
                cell.update(
                    id=f"cell-{row['bid_id']}-{col['bid_id']}",
                    href=f"/pages/tenders/{tender_id}/documents/{row['bid_id']}/{col['bid_id']}",
                    fill=_colour(score),
                    ink="#ffffff" if score > 0.55 else "#1f2933",
                    score=score,
                    containment=f"{float(pair['containment'] or 0.0) * 100:.1f}%",
                    longest=int(pair["longest_passage"] or 0),
                )
            else:
                cell.update(fill="#e4e7eb" if i == j else "#ffffff", ink="#52606d")
            cells.append(cell)
    legend = [{"x": LABEL_W + k * 40, "fill": _colour(k / 4), "label": f"{k / 4:.2f}"} for k in range(5)]
    return {
        "cells": cells,
        "rows": [{"y": HEAD_H + i * CELL_H, "n": i + 1, "b": b} for i, b in enumerate(bidders)],
        "cols": [{"x": LABEL_W + j * cell_w + cell_w // 2, "n": j + 1} for j in range(size)],
        "legend": legend,
        "legend_y": HEAD_H + size * CELL_H + 14,
        "width": max(LABEL_W + size * cell_w, LABEL_W + 5 * 40) + 8,
        "height": HEAD_H + size * CELL_H + 50,
        "cell_w": cell_w,
        "cell_h": CELL_H,
    }


def _names(store: Store, kind: str, ids: set[str]) -> dict[str, str]:
    return {ref: str(name) for ref, (name, _) in store.names_of(kind, ids).items() if name}


def _findings(store: Store, tender_id: str) -> dict[str, list[dict[str, Any]]]:
    """The documents stage's rows of one tender, table by table (the store has the tables)."""
    return {
        "pairs": _tender_rows(store, "doc_pairs", tender_id, "score DESC, bid_a, bid_b"),
        "meta": _tender_rows(store, "doc_meta_links", tender_id, "field, value, bid_a, bid_b"),
        "mixups": _tender_rows(store, "doc_mixups", tender_id, "bid_id, document_id, start"),
        "people": _tender_rows(store, "doc_shared_people", tender_id, "person_id, bid_a, bid_b, document_id"),
        "passages": _tender_rows(store, "doc_passages", tender_id, "bid_a, bid_b, rank"),
    }


def _with_names(
    tender_id: str, found: dict[str, list[dict[str, Any]]], company_of: dict[str, Any], names: dict[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """The stage's rows with the companies' names beside their ids, and each pair with its top passages; a
    person's name moves under ``person_name``, a key that masking hides whatever it holds."""
    top: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for s in found["passages"]:
        top.setdefault(pair_key(s["bid_a"], s["bid_b"]), []).append(s)

    def pair_names(row: dict[str, Any]) -> dict[str, Any]:
        return {
            "name_a": company_of.get(row["bid_a"], row.get("company_a")),
            "name_b": company_of.get(row["bid_b"], row.get("company_b")),
        }

    return {
        "pairs": [
            {
                **p,
                **pair_names(p),
                "href": f"/pages/tenders/{tender_id}/documents/{p['bid_a']}/{p['bid_b']}",
                "top": top.get(pair_key(p["bid_a"], p["bid_b"]), [])[:REPORT_PASSAGES],
            }
            for p in found["pairs"]
        ],
        "meta": [{**m, **pair_names(m)} for m in found["meta"]],
        "mixups": [
            {
                **m,
                "name": names.get(str(m["company_id"]), m["company_id"]),
                "named": names.get(str(m["named_company_id"]), m["named_company_id"]),
            }
            for m in found["mixups"]
        ],
        "people": [
            {
                **{k: v for k, v in p.items() if k != "name"},
                "person_name": p["name"],
                "company_a": company_of.get(p["bid_a"]),
                "company_b": company_of.get(p["bid_b"]),
            }
            for p in found["people"]
        ],
    }


def tender_documents(
    store: Store, audit: AuditLog, caller: Caller, tender_id: str, lang: str, path: str, action: str = "read"
) -> dict[str, Any] | None:
    """Everything the comparison page and the report show of one tender, masked for the caller and audited
    (``action`` is ``read`` for the page, ``export`` for the report); None when the tender is unknown or out
    of scope."""
    tender = read_tender(store, caller, tender_id)
    if tender is None:
        return None
    with_docs = has_doc_tables(store)
    bidders = _bidders(store, tender_id, with_docs)
    empty: dict[str, list[dict[str, Any]]] = {"pairs": [], "meta": [], "mixups": [], "people": [], "passages": []}
    found = _findings(store, tender_id) if with_docs else empty
    companies = {str(b["company_id"]) for b in bidders if b["company_id"]}
    companies |= {str(m[k]) for m in found["mixups"] for k in ("company_id", "named_company_id") if m[k]}
    names = _names(store, "company", companies)
    company_of = {b["bid_id"]: names.get(str(b["company_id"]), b["company_id"]) for b in bidders}
    named = _with_names(tender_id, found, company_of, names)
    warnings = readable(store, audit, caller, _doc_warnings(store, tender_id), lang, path)
    people = sorted({str(p["person_id"]) for p in named["people"] if p["person_id"]})
    key = caller.key
    audit.record(
        key_id=key.key_id,
        key_name=key.name,
        role=key.role,
        action=action,
        entities=[("tender", tender_id), *(("person", p) for p in people if caller.can(Permission.NAMES))],
        path=path,
    )
    detail = {
        "tender": tender,
        "bidders": [{**b, "company_name": company_of[b["bid_id"]]} for b in bidders],
        "read_any": with_docs and read_any(store, tender_id),
        "matrix": similarity_matrix(tender_id, bidders, found["pairs"]),
        **named,
        "warnings": warnings,
        "guides": rule_guides([rule_catalog()[r] for r in DOC_RULES if r in rule_catalog()], lang),
    }
    return caller.shown(detail, store.people_names)


def dataset_roots(store: Store) -> list[Path]:
    """Where the dataset the run read may be: ``run.json`` records it as given on the command line, so a
    relative path is tried from here and from beside the store."""
    recorded = store.run_info.get("dataset")
    if not recorded:
        return []
    given = Path(str(recorded))
    if given.is_absolute():
        return [given]
    return [Path.cwd() / given, store.path.parent / given, store.path.parent.parent / given]


@functools.lru_cache(maxsize=TEXT_CACHE)
def _extracted(path: str, mtime_ns: int) -> str:
    """A file's extracted text, cached by path and modification time (a failure is not cached)."""
    from yunshao.documents.extract import extract

    return extract(Path(path)).text


def file_text(store: Store, document_id: str | None) -> str | None:
    """The extracted text of a bid file, or None when the file or its record is gone or unreadable."""
    if not document_id:
        return None
    found = _rows(store, "SELECT path FROM bid_documents WHERE document_id = $d LIMIT 1", d=document_id)
    if not found or not found[0]["path"]:
        return None
    for root in dataset_roots(store):
        candidate = (root / str(found[0]["path"])).resolve()
        if not candidate.is_relative_to(root.resolve()) or not candidate.is_file():
            continue
        try:
            return _extracted(str(candidate), candidate.stat().st_mtime_ns)
        except (DocumentError, OSError):
            return None
    return None


def window(text: str | None, start: int | None, end: int | None) -> dict[str, Any] | None:
    """The passage in its file: up to ``WINDOW`` characters before and after, the passage itself to mark."""
    if text is None or start is None or end is None or not 0 <= start <= end <= len(text):
        return None
    lo, hi = max(0, start - WINDOW), min(len(text), end + WINDOW)
    return {
        "before": ("…" if lo > 0 else "") + text[lo:start],
        "marked": text[start:end],
        "after": text[end:hi] + ("…" if hi < len(text) else ""),
    }


def side_by_side(store: Store, tender_id: str, bid_a: str, bid_b: str) -> list[dict[str, Any]]:
    """The pair's passages, ``bid_a``'s side first whichever order the stage stored the pair in."""
    rows = _rows(
        store,
        f"SELECT * FROM doc_passages WHERE tender_id = $tid AND {EITHER_ORDER} ORDER BY rank LIMIT $n",
        tid=tender_id,
        a=bid_a,
        b=bid_b,
        n=MAX_PASSAGES,
    )
    out = []
    for r in rows:
        sides = [(r["document_a"], r["start_a"], r["end_a"]), (r["document_b"], r["start_b"], r["end_b"])]
        if r["bid_a"] != bid_a:
            sides.reverse()
        shown = []
        for document, start, end in sides:
            shown.append(
                {
                    "document": document,
                    "start": start,
                    "end": end,
                    "window": window(file_text(store, document), start, end),
                }
            )
        out.append({"rank": r["rank"], "text": r["text"], "chars": r["chars"], "rarity": r["rarity"], "sides": shown})
    return out


def _detail_or_404(
    request: Request, store: Store, audit: AuditLog, caller: Caller, tender_id: str, action: str = "read"
) -> dict[str, Any]:
    detail = tender_documents(store, audit, caller, tender_id, page_lang(request), str(request.url.path), action)
    if detail is None:
        raise HTTPException(404, f"tender '{tender_id}' not found")
    return detail


@router.get("/pages/tenders/{tender_id}/documents", response_class=HTMLResponse)
def documents_page(tender_id: Id, request: Request, store: StoreDep, audit: AuditDep, caller: Inspector) -> Response:
    detail = _detail_or_404(request, store, audit, caller, tender_id)
    return render(request, "documents.html", {"d": detail, "caller": caller, "code": translator(page_lang(request))})


@router.get("/pages/tenders/{tender_id}/documents/report")
def documents_report(
    tender_id: Id,
    request: Request,
    store: StoreDep,
    audit: AuditDep,
    caller: Inspector,
    format: Literal["html", "docx"] = "html",
) -> Response:
    detail = _detail_or_404(request, store, audit, caller, tender_id, action="export")
    lang = page_lang(request)
    if format == "docx":
        body = docx_bytes(detail, lang)
        filename = "tender-" + re.sub(r"[^A-Za-z0-9._-]", "_", tender_id) + "-documents.docx"  # a safe header
        return Response(
            body,
            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    return render(request, "documents_report.html", {"d": detail, "caller": caller, "code": translator(lang)})


@router.get("/pages/tenders/{tender_id}/documents/{bid_a}/{bid_b}", response_class=HTMLResponse)
def pair_page(
    tender_id: Id, bid_a: Id, bid_b: Id, request: Request, store: StoreDep, audit: AuditDep, caller: Inspector
) -> Response:
    tender = read_tender(store, caller, tender_id)
    if tender is None:
        raise HTTPException(404, f"tender '{tender_id}' not found")
    tables = has_doc_tables(store)
    with_docs = tables and read_any(store, tender_id)
    bidders = {b["bid_id"]: b for b in _bidders(store, tender_id, tables)}
    if bid_a not in bidders or bid_b not in bidders or bid_a == bid_b:
        raise HTTPException(404, f"bids '{bid_a}', '{bid_b}' of tender '{tender_id}' not found")
    names = _names(store, "company", {str(b["company_id"]) for b in bidders.values() if b["company_id"]})
    pair = None
    if with_docs:
        found = _rows(
            store,
            f"SELECT * FROM doc_pairs WHERE tender_id = $tid AND {EITHER_ORDER}",
            tid=tender_id,
            a=bid_a,
            b=bid_b,
        )
        pair = found[0] if found else None
    key = caller.key
    audit.record(
        key_id=key.key_id, key_name=key.name, role=key.role, action="read", entities=[("tender", tender_id)],
        path=str(request.url.path),
    )  # fmt: skip
    context = {
        "tender": tender,
        "with_docs": with_docs,
        "a": {
            **bidders[bid_a],
            "company_name": names.get(str(bidders[bid_a]["company_id"]), bidders[bid_a]["company_id"]),
        },
        "b": {
            **bidders[bid_b],
            "company_name": names.get(str(bidders[bid_b]["company_id"]), bidders[bid_b]["company_id"]),
        },
        "pair": pair,
        "passages": side_by_side(store, tender_id, bid_a, bid_b) if with_docs else [],
        "caller": caller,
    }
    shown = caller.shown(context, store.people_names)
    return render(request, "documents_pair.html", {**shown, "code": translator(page_lang(request))})
