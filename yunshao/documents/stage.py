"""The documents stage of a run: read the bid files a dataset lists, compare the bidders of each tender,
and keep what was found as the tables of ``documents.tables``.

It runs after loading and before the SQL graph, so the rules BID-DOC-* and the document features read
its tables like any other input. A file that cannot be read becomes a quarantine row naming the file and
the reason (its ``bid_documents`` row moves there, so nothing is lost and nothing is counted twice).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import pyarrow as pa

from yunshao.documents.errors import DocumentError
from yunshao.documents.extract import extract
from yunshao.documents.model import Extracted
from yunshao.documents.pool import worker_map
from yunshao.documents.records import BidderFiles, BidFile, CompareSettings, TenderResult
from yunshao.documents.tables import DOC_TABLES, create_empty
from yunshao.documents.tenders import as_tenders, compare_tenders

Progress = Callable[[str], None]
#: Files handed to one worker at a time: large enough to amortise the process hop, small enough to balance.
CHUNK = 16


class Listed(NamedTuple):
    """One row of ``bid_documents`` with its bid's tender and company."""

    document_id: str
    bid_id: str
    path: str
    kind: str
    tender_id: str
    company_id: str


@dataclass
class DocumentsReport:
    """What the stage read and found, for ``run.json``."""

    files: int = 0
    read: int = 0
    unreadable: int = 0
    scanned: int = 0
    tenders: int = 0
    pairs: int = 0
    meta_links: int = 0
    mixups: int = 0
    shared_people: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


def run_documents(
    con: duckdb.DuckDBPyConnection,
    dataset: Path,
    present: set[str],
    *,
    workers: int | None = None,
    settings: CompareSettings | None = None,
    progress: Progress | None = None,
) -> tuple[set[str], DocumentsReport]:
    """Run the stage when the dataset lists bid files; returns the tables now present and the report."""
    report = DocumentsReport()
    if "bid_documents" not in present:
        return present, report
    create_empty(con)
    listed = _listed(con)
    extracted = _extract_all(dataset, [r.path for r in listed], workers, progress)
    _quarantine_unreadable(con, listed, extracted, report)
    ok = [r for r in listed if isinstance(extracted[r.path], Extracted)]
    documents = _tender_documents(con, dataset)
    results = _compare_all(ok, extracted, documents, _bidders(con), settings, workers, progress)
    _write(con, ok, extracted, results, report)
    return present | set(DOC_TABLES), report


def _listed(con: duckdb.DuckDBPyConnection) -> list[Listed]:
    rows = con.execute(
        "SELECT d.document_id, d.bid_id, d.path, coalesce(d.kind, 'other') AS kind, b.tender_id, b.company_id "
        "FROM bid_documents d JOIN bids b USING (bid_id) ORDER BY b.tender_id, d.bid_id, d.document_id"
    ).fetchall()
    return [Listed(*row) for row in rows]


def _read_one(args: tuple[str, str]) -> Extracted | DocumentError:
    root, rel = args
    try:
        return extract(Path(root) / rel)
    except DocumentError as exc:
        return exc


def _extract_all(
    dataset: Path, paths: Iterable[str], workers: int | None, progress: Progress | None
) -> dict[str, Extracted | DocumentError]:
    """Every distinct path once, in worker processes (PDF and DOCX parsing is pure Python, GIL-bound)."""
    unique = sorted(set(paths))
    jobs = [(str(dataset), p) for p in unique]
    out: dict[str, Extracted | DocumentError] = {}
    with worker_map(workers, len(jobs), CHUNK) as run:
        for i, (path, result) in enumerate(zip(unique, run(_read_one, jobs), strict=True), 1):
            out[path] = result
            if progress and (i % 500 == 0 or i == len(unique)):
                progress(f"bid files read: {i:,} / {len(unique):,}")
    return out


def _quarantine_unreadable(
    con: duckdb.DuckDBPyConnection,
    listed: list[Listed],
    extracted: dict[str, Extracted | DocumentError],
    report: DocumentsReport,
) -> None:
    bad = [(row, extracted[row.path]) for row in listed if isinstance(extracted[row.path], DocumentError)]
    report.files = len(listed)
    report.unreadable = len(bad)
    report.read = len(listed) - len(bad)
    for row, err in bad:
        assert isinstance(err, DocumentError)
        reason = f"path: {err.reason} ({err.detail})"
        report.reasons[err.reason] = report.reasons.get(err.reason, 0) + 1
        values = {"document_id": row.document_id, "bid_id": row.bid_id, "path": row.path, "kind": row.kind}
        con.execute(
            "INSERT INTO quarantine VALUES ('bid_documents', to_json(?::MAP(VARCHAR, VARCHAR)), ?, ?, NULL)",
            [values, reason, row.path],
        )
        con.execute("DELETE FROM bid_documents WHERE document_id = ?", [row.document_id])


def _tender_documents(con: duckdb.DuckDBPyConnection, dataset: Path) -> dict[str, list[Extracted]]:
    """The tender documents per tender (unreadable ones were quarantined by the loader's checks or are
    skipped here: without them nothing is removed, which can only raise similarity)."""
    docs: dict[str, list[Extracted]] = defaultdict(list)
    if not _has_table(con, "tender_documents"):
        return docs
    for tender_id, rel in con.execute("SELECT tender_id, path FROM tender_documents").fetchall():
        try:
            docs[tender_id].append(extract(dataset / rel))
        except DocumentError:
            continue
    return docs


class _Declared(NamedTuple):
    """What a bid declares outside its files: its company's name, its people and its price."""

    company_name: str | None
    people: dict[str, str]
    price: float | None


def _bidders(con: duckdb.DuckDBPyConnection) -> dict[str, _Declared]:
    """Per bid: the company's name, the people the bid declared (project manager, leads, legal rep, the
    agent who signs for it) and its price."""
    rows = con.execute(
        """
        WITH named AS (
            SELECT b.bid_id,
                   unnest([b.project_manager_id, b.tech_lead_id, b.safety_lead_id, c.legal_rep_id, b.agent_person_id])
                   AS person_id
            FROM bids b LEFT JOIN companies c USING (company_id)
            WHERE b.bid_id IN (SELECT bid_id FROM bid_documents)
        )
        SELECT b.bid_id, c.name, b.price::DOUBLE, n.person_id, p.name
        FROM bids b
        LEFT JOIN companies c USING (company_id)
        LEFT JOIN named n ON n.bid_id = b.bid_id
        LEFT JOIN people p ON p.person_id = n.person_id
        WHERE b.bid_id IN (SELECT bid_id FROM bid_documents)
        """
    ).fetchall()
    out: dict[str, _Declared] = {}
    for bid_id, company_name, price, person_id, person_name in rows:
        declared = out.setdefault(bid_id, _Declared(company_name, {}, price))
        if person_id and person_name:
            declared.people[person_id] = person_name
    return out


def _compare_all(
    ok: list[Listed],
    extracted: dict[str, Extracted | DocumentError],
    documents: dict[str, list[Extracted]],
    bidders: dict[str, _Declared],
    settings: CompareSettings | None,
    workers: int | None,
    progress: Progress | None,
) -> dict[str, TenderResult]:
    per_tender: dict[str, dict[str, list[Listed]]] = defaultdict(lambda: defaultdict(list))
    for r in ok:
        per_tender[r.tender_id][r.bid_id].append(r)
    files = {
        tender_id: [
            BidderFiles(
                bid_id=bid_id,
                company_id=rows[0].company_id,
                company_name=(declared := bidders.get(bid_id, _Declared(None, {}, None))).company_name,
                people=declared.people,
                files=[BidFile(r.document_id, r.kind, _as_extracted(extracted[r.path])) for r in rows],
                price=declared.price,
            )
            for bid_id, rows in sorted(bids.items())
        ]
        for tender_id, bids in per_tender.items()
    }
    return compare_tenders(as_tenders(files, documents), settings, workers, progress)


def _as_extracted(value: Extracted | DocumentError) -> Extracted:
    assert isinstance(value, Extracted)
    return value


def _write(
    con: duckdb.DuckDBPyConnection,
    ok: list[Listed],
    extracted: dict[str, Extracted | DocumentError],
    results: dict[str, TenderResult],
    report: DocumentsReport,
) -> None:
    company = {r.bid_id: r.company_id for r in ok}
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in DOC_TABLES}
    for r in ok:
        e = _as_extracted(extracted[r.path])
        m = e.meta
        rows["doc_files"].append(
            (r.document_id, r.bid_id, r.tender_id, r.company_id, r.kind, e.kind, len(e.pages), len(e.text),
             e.scanned, m.author, m.last_modified_by, m.company, m.application, m.template, m.created, m.modified)
        )  # fmt: skip
        report.scanned += int(e.scanned)
    for tender_id, res in results.items():
        _result_rows(tender_id, res, company, rows)
    for name, table_rows in rows.items():
        if table_rows:
            batch = _arrow(table_rows, DOC_TABLES[name])  # noqa: F841  (read by DuckDB)
            con.execute(f"INSERT INTO {name} SELECT * FROM batch")
    report.tenders = len(results)
    report.pairs = len(rows["doc_pairs"])
    report.meta_links = len(rows["doc_meta_links"])
    report.mixups = len(rows["doc_mixups"])
    report.shared_people = len(rows["doc_shared_people"])


#: Arrow types of the stage's tables: declared, not guessed from a sample of rows (DuckDB types a pandas
#: column of Python objects from its first rows, and a run whose first thousand pairs share no rare token
#: made ``rare_tokens`` a list of type NULL)
_ARROW = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
    "VARCHAR[]": pa.list_(pa.string()),
}


def _arrow(rows: list[tuple[Any, ...]], types: dict[str, str]) -> pa.Table:
    columns = list(zip(*rows, strict=True))
    arrays = [
        pa.array([_naive(v) for v in values] if t == "TIMESTAMP" else values, type=_ARROW[t])
        for values, t in zip(columns, types.values(), strict=True)
    ]
    return pa.table(arrays, names=list(types))


def _naive(value: Any) -> Any:
    """A file's time in UTC without its zone (PDF dates carry one, .docx dates are UTC already)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _result_rows(
    tender_id: str, res: TenderResult, company: dict[str, str], rows: dict[str, list[tuple[Any, ...]]]
) -> None:
    for p in res.pairs:
        longest = max((s.chars for s in p.passages), default=0)
        rows["doc_pairs"].append(
            (tender_id, p.bid_a, p.bid_b, company[p.bid_a], company[p.bid_b], p.jaccard, p.containment,
             p.shared_chars, len(p.passages), longest, list(p.shared_rare_tokens), p.same_price_structure, p.score)
        )  # fmt: skip
        for rank, s in enumerate(p.passages, 1):
            rows["doc_passages"].append(
                (tender_id, p.bid_a, p.bid_b, rank, s.text, s.chars, s.rarity, s.document_a, s.start_a, s.end_a,
                 s.document_b, s.start_b, s.end_b)
            )  # fmt: skip
    for link in res.meta_links:
        rows["doc_meta_links"].append(
            (tender_id, link.bid_a, link.bid_b, company[link.bid_a], company[link.bid_b], link.field, link.value)
        )
    for mix in res.mixups:
        rows["doc_mixups"].append(
            (tender_id, mix.bid_id, company[mix.bid_id], mix.document_id, mix.named_bid_id, mix.named_company_id,
             mix.start, mix.end, mix.snippet, mix.place)
        )  # fmt: skip
    for person in res.shared_people:
        rows["doc_shared_people"].append(
            (tender_id, person.declared_by_bid_id, person.found_in_bid_id, person.person_id, person.name,
             person.document_id)
        )  # fmt: skip


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchone()
    return bool(found and found[0])
