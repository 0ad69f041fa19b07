"""``yunshao ocds import``: OCDS compiled releases (JSON Lines, optionally gzipped) → a contract dataset.

Writes one ``<table>.parquet`` per table, ``quarantine.parquet`` (table, row as JSON, reason naming
the OCDS field path or input line) and ``source.json``, which tells the pipeline the dataset came
from OCDS so that the Cardinal indicators run as catalog rules.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from yunshao.ocds.mapping import Mapped, Quarantined, ReleaseMapper
from yunshao.ocds.releases import BadLine, iter_json_objects, iter_lines

logger = logging.getLogger("yunshao.ocds.importer")

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


@dataclass
class ImportReport:
    releases: int = 0
    rows: Counter[str] = field(default_factory=Counter)
    quarantined: Counter[str] = field(default_factory=Counter)
    bad_lines: list[BadLine] = field(default_factory=list)


class _Collector:
    """Rows of all releases; units and companies merged by id (first non-empty value wins)."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {t: [] for t in COLUMNS}
        self.merged: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in MERGED_TABLES}
        self.quarantine: list[Quarantined] = []

    def take(self, mapped: Mapped) -> None:
        for table, rows in mapped.rows.items():
            if table in MERGED_TABLES:
                self._merge(table, rows)
            else:
                self.rows[table].extend(rows)
        self.quarantine.extend(mapped.quarantine)

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
    """Map every compiled release of ``releases`` into the dataset folder ``out``."""
    releases = Path(releases)
    out = Path(out)
    report = ImportReport()
    collector = _Collector()
    first_line: dict[str, int] = {}
    for line, data in iter_json_objects(iter_lines(releases), source=str(releases), bad_lines=report.bad_lines):
        ocid = data.get("ocid")
        if not isinstance(ocid, str) or not ocid:
            report.bad_lines.append(BadLine(line, f"ocid: {ocid!r} is not a non-empty string"))
            logger.warning("%s:%d: ocid is not a non-empty string; line skipped", releases, line)
            continue
        if ocid in first_line:
            reason = f"ocid: duplicate of line {first_line[ocid]}; compiled releases must be unique"
            collector.quarantine.append(Quarantined("projects", {"ocid": ocid, "line": line}, reason))
            continue
        first_line[ocid] = line
        report.releases += 1
        collector.take(ReleaseMapper(data, line).map())
    for bad in report.bad_lines:
        collector.quarantine.append(Quarantined("releases", {"line": bad.line}, f"line {bad.line}: {bad.reason}"))
    _write(out, releases, collector, report)
    return report


def _write(out: Path, releases: Path, collector: _Collector, report: ImportReport) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for table, rows in collector.tables().items():
        if rows or table in REQUIRED_TABLES:
            _frame(table, rows).to_parquet(out / f"{table}.parquet", index=False)
            report.rows[table] = len(rows)
    _quarantine_frame(collector.quarantine).to_parquet(out / "quarantine.parquet", index=False)
    report.quarantined.update(q.table for q in collector.quarantine)
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
