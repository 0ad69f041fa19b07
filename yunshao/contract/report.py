"""What loading a dataset did: rows read, kept and quarantined per table, and why."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from yunshao.contract.errors import ContractError
from yunshao.engine.backend import Backend, as_backend


@dataclass
class TableReport:
    table: str
    files: list[str]
    read: int = 0
    kept: int = 0
    quarantined: int = 0
    encodings: dict[str, str] = field(default_factory=dict)  # file → encoding it was read in


@dataclass
class LoadReport:
    """Counts that must add up: for every table, read = kept + quarantined."""

    dataset: str
    tables: dict[str, TableReport] = field(default_factory=dict)
    absent: list[str] = field(default_factory=list)
    reasons: dict[tuple[str, str], int] = field(default_factory=dict)  # (table, "column check") → count
    notes: list[str] = field(default_factory=list)

    def present(self, table: str) -> bool:
        return table in self.tables

    @property
    def present_tables(self) -> set[str]:
        return set(self.tables)

    @property
    def rows_read(self) -> int:
        return sum(t.read for t in self.tables.values())

    @property
    def rows_quarantined(self) -> int:
        return sum(t.quarantined for t in self.tables.values())

    def heavy_losses(self, share: float) -> list[str]:
        """One line per table that lost more than ``share`` of its rows to quarantine.

        A few bad rows are normal; a large share usually means one systematic mistake (a column exported
        in another format, a renamed code list) that hides much of the data from the features and rules.
        """
        return [
            f"{t.table} lost {t.quarantined / t.read:.0%} of its rows to quarantine ({t.quarantined:,} of "
            f"{t.read:,}; over the {share:.0%} warning share): see quarantine.parquet for the reasons"
            for t in self.tables.values()
            if t.read and t.quarantined / t.read > share
        ]


def require_projects(con: duckdb.DuckDBPyConnection | Backend, report: LoadReport) -> None:
    """Stop, in one line, when no project survived validation: there is nothing to score.

    Without this the models stage failed deep inside scikit-learn ("Found array with 0 sample(s)") on,
    for instance, a Parquet export whose timestamps are integers, which quarantines every project.
    """
    projects = report.tables.get("projects")
    if projects is None or projects.kept:
        return
    if not projects.read:
        raise ContractError(f"{report.dataset}: table 'projects' holds no rows; nothing to score")
    sql = "SELECT reason, file, file_row FROM quarantine WHERE \"table\" = 'projects' ORDER BY file, file_row LIMIT 1"
    rows = as_backend(con).fetch(sql)[1]
    first = rows[0] if rows else None
    example = f" (e.g. {first[1]} row {first[2]}: {first[0]})" if first else ""
    raise ContractError(f"{report.dataset}: all {projects.read:,} projects were quarantined{example}; nothing to score")
