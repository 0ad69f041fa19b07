"""``yunshao ocds import``: OCDS data as publishers ship it → a contract dataset.

Any file :mod:`yunshao.ocds.compiled` reads (release or record packages, arrays, JSON Lines, gzip)
becomes one compiled release per ocid, and each compiled release one project. Writes one
``<table>.parquet`` per table, ``quarantine.parquet`` (table, row as JSON, reason naming the OCDS field
path or input line: what could not be kept), ``notes.parquet`` (the same columns: data-quality notes on
rows that were kept, e.g. a unit identified by its name or a method read from a local phrase) and
``source.json``, which tells the pipeline the dataset came from OCDS so that the Cardinal indicators run
as catalog rules.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from yunshao.ocds.compiled import ReadLog, file_lines, read_compiled
from yunshao.ocds.mapping import Mapped, Quarantined, ReleaseMapper
from yunshao.ocds.merge import Compiled

# Contract columns written by the import, in contract order; extra columns follow them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "units": ("unit_id", "name"),
    "projects": ("project_id", "domain", "unit_id", "name", "category", "budget_amount", "status"),
    "approvals": (
        "event_id",
        "project_id",
        "node",
        "action",
        "unit_id",
        "occurred_at",
        "amount",
        "channel",
        "note",
    ),
    "tenders": (
        "tender_id",
        "project_id",
        "method",
        "announced_at",
        "bid_deadline",
        "opened_at",
        "awarded_at",
        "ceiling_price",
        "winner_company_id",
        "award_price",
    ),
    "bids": ("bid_id", "tender_id", "company_id", "price", "submitted_at", "status"),
    "companies": ("company_id", "name", "credit_code", "address", "phone", "email"),
    "contracts": ("contract_id", "project_id", "tender_id", "company_id", "kind", "signed_at", "amount"),
    "payments": ("payment_id", "project_id", "contract_id", "kind", "amount", "paid_at", "payee_company_id"),
}
REQUIRED_TABLES = ("projects", "approvals")
AMOUNT_COLUMNS = frozenset({"budget_amount", "amount", "ceiling_price", "award_price", "price"})
MERGED_TABLES = {"units": "unit_id", "companies": "company_id"}
#: (table, amount column, the column holding that amount's OCDS currency)
CURRENCY_COLUMNS = (
    ("projects", "budget_amount", "currency"),
    ("approvals", "amount", "currency"),
    ("tenders", "ceiling_price", "currency"),
    ("tenders", "award_price", "award_currency"),
    ("bids", "price", "currency"),
    ("contracts", "amount", "currency"),
    ("payments", "amount", "currency"),
)
NO_CURRENCY = "(none)"


@dataclass
class ImportReport:
    releases: int = 0  # compiled releases mapped, one per ocid
    rows: Counter[str] = field(default_factory=Counter)
    quarantined: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)
    currencies: Counter[str] = field(default_factory=Counter)  # amounts kept, by their OCDS currency
    read: ReadLog | None = None

    @property
    def projects(self) -> int:
        return self.rows.get("projects", 0)


class _Collector:
    """Rows of all releases; units and companies merged by id (first non-empty value wins)."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {t: [] for t in COLUMNS}
        self.merged: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in MERGED_TABLES}
        self.quarantine: list[Quarantined] = []
        self.notes: list[Quarantined] = []

    def take(self, mapped: Mapped) -> None:
        for table, rows in mapped.rows.items():
            if table in MERGED_TABLES:
                self._merge(table, rows)
            else:
                self.rows[table].extend(rows)
        self.quarantine.extend(mapped.quarantine)
        self.notes.extend(mapped.notes)

    def _merge(self, table: str, rows: list[dict[str, Any]]) -> None:
        key = MERGED_TABLES[table]
        known = self.merged[table]
        for row in rows:
            current = known.setdefault(row[key], {})
            for column, value in row.items():
                if current.get(column) is None and value is not None:
                    current[column] = value

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        out = dict(self.rows)
        for table in MERGED_TABLES:
            out[table] = list(self.merged[table].values())
        return out


def _frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    columns = list(COLUMNS[table])
    extras = sorted({c for row in rows for c in row} - set(columns))
    frame = pd.DataFrame.from_records(rows, columns=columns + extras)
    for column in frame.columns:
        if column in AMOUNT_COLUMNS:
            frame[column] = frame[column].astype("float64")
        else:
            frame[column] = frame[column].astype("string")
    return frame


def _quarantine_frame(items: list[Quarantined]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "table": pd.array([q.table for q in items], dtype="string"),
            "row": pd.array([json.dumps(q.row, ensure_ascii=False, default=str) for q in items], dtype="string"),
            "reason": pd.array([q.reason for q in items], dtype="string"),
        }
    )


def import_releases(releases: Path, out: Path) -> ImportReport:
    """Map every compiled release of ``releases`` (merged per ocid when given as releases) into ``out``.

    Raises :class:`yunshao.ocds.compiled.OcdsInputError` when the file is one JSON document that does
    not parse; anything smaller (a bad line, a release without ocid) is quarantined."""
    releases = Path(releases)
    out = Path(out)
    log = ReadLog(str(releases))
    report = ImportReport(read=log)
    collector = _Collector()
    for compiled in read_compiled(file_lines(releases), log):
        report.releases += 1
        collector.take(ReleaseMapper(compiled.data, compiled.line, compiled.where).map())
        collector.notes.extend(_reading_notes(compiled))
    collector.quarantine.extend(_read_quarantine(log))
    _write(out, releases, collector, report)
    return report


def _reading_notes(compiled: Compiled) -> list[Quarantined]:
    row = {"ocid": compiled.ocid, "line": compiled.line, "at": compiled.where, "releases": compiled.releases}
    return [Quarantined("projects", row, note) for note in compiled.notes]


def _read_quarantine(log: ReadLog) -> list[Quarantined]:
    """What reading could not make a compiled release of: bad values, and second compiled releases."""
    out = [Quarantined("releases", {"line": p.line}, p.reason) for p in log.problems]
    for duplicate, kept in log.duplicates:
        row = {"ocid": duplicate.ocid, "line": duplicate.line, "at": duplicate.where}
        reason = f"ocid: duplicate of {kept.where}; compiled releases must be unique"
        out.append(Quarantined("projects", row, reason))
    return out


def _count_currencies(tables: dict[str, list[dict[str, Any]]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for table, amount, currency in CURRENCY_COLUMNS:
        for row in tables.get(table, []):
            if row.get(amount) is not None:
                counts[row.get(currency) or NO_CURRENCY] += 1
    return counts


def _write(out: Path, releases: Path, collector: _Collector, report: ImportReport) -> None:
    out.mkdir(parents=True, exist_ok=True)
    tables = collector.tables()
    for table, rows in tables.items():
        if rows or table in REQUIRED_TABLES:
            _frame(table, rows).to_parquet(out / f"{table}.parquet", index=False)
            report.rows[table] = len(rows)
    _quarantine_frame(collector.quarantine).to_parquet(out / "quarantine.parquet", index=False)
    _quarantine_frame(collector.notes).to_parquet(out / "notes.parquet", index=False)
    report.quarantined.update(q.table for q in collector.quarantine)
    report.notes.update(n.table for n in collector.notes)
    report.currencies = _count_currencies(tables)
    marker = {"source": "ocds", "releases": str(releases.resolve())}
    (out / "source.json").write_text(json.dumps(marker, ensure_ascii=False) + "\n", encoding="utf-8")


def ocds_releases_of(dataset: Path) -> Path | None:
    """The releases file a dataset was imported from, when its ``source.json`` says it came from OCDS.

    The pipeline uses this to run the Cardinal indicators as catalog rules on OCDS-sourced datasets."""
    marker = Path(dataset) / "source.json"
    if not marker.is_file():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict) or data.get("source") != "ocds" or not isinstance(data.get("releases"), str):
        return None
    return Path(data["releases"])
