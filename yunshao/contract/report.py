"""What loading a dataset did: rows read, kept and quarantined per table, and why."""

from __future__ import annotations

from dataclasses import dataclass, field


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
