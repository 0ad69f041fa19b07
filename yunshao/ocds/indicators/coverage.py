"""Why an indicator found nothing: how many compiled releases lacked the fields it needs.

Each indicator class declares ``needs``, the field paths it reads (``[]`` steps into every element of
an array). A compiled release lacks a path when no value there is a non-empty string or a number (JSON
types, as the indicators read them: ``"100"`` is an amount no indicator uses, but it is not missing
either, so strings count as present whatever they hold). The report goes to stderr, so an empty ``{}``
on stdout explains itself: ``R003: 0 flags; 412 of 610 compiled releases lack
tender.tenderPeriod.startDate (400), tender.tenderPeriod.endDate (412)``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from yunshao.ocds.compiled import ReadLog
from yunshao.ocds.indicators.release import is_number


def _step(values: list[Any], segment: str) -> list[Any]:
    name, into = (segment[:-2], True) if segment.endswith("[]") else (segment, False)
    out: list[Any] = []
    for value in values:
        found = value.get(name) if isinstance(value, dict) else None
        if into:
            out.extend(found if isinstance(found, list) else [])
        elif found is not None:
            out.append(found)
    return out


def has_path(data: object, field_path: str) -> bool:
    """Whether ``field_path`` (e.g. ``bids.details[].value.amount``) holds a string or a number."""
    values: list[Any] = [data]
    for segment in field_path.split("."):
        values = _step(values, segment)
        if not values:
            return False
    return any((isinstance(v, str) and v.strip()) or is_number(v) for v in values)


@dataclass
class Coverage:
    """Counts, per indicator, of the compiled releases it saw and of those lacking what it needs."""

    needs: dict[str, tuple[str, ...]]
    read: ReadLog | None = None
    seen: int = 0
    skipped: int = 0
    lacking: Counter[str] = field(default_factory=Counter)
    missing: dict[str, Counter[str]] = field(default_factory=dict)
    flags: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, data: dict[str, Any]) -> None:
        self.seen += 1
        wanted = {p for paths in self.needs.values() for p in paths}
        absent = {p for p in wanted if not has_path(data, p)}
        if not absent:
            return
        for code, paths in self.needs.items():
            lacked = [p for p in paths if p in absent]
            if lacked:
                self.lacking[code] += 1
                self.missing.setdefault(code, Counter()).update(lacked)

    def count_flags(self, output: dict[str, Any]) -> None:
        """Flags per indicator and group, from the Cardinal-shaped output."""
        for group, entities in output.items():
            if group == "Meta":
                continue
            for flags in entities.values():
                for code in flags:
                    self.flags.setdefault(code, Counter())[group] += 1

    def line(self, code: str) -> str:
        """``R003: 2 flags (OCID 2); 412 of 610 compiled releases lack …``."""
        by_group = self.flags.get(code, Counter())
        total = sum(by_group.values())
        groups = ", ".join(f"{g} {n}" for g, n in sorted(by_group.items()))
        head = f"{code}: {total} flag{'s' if total != 1 else ''}" + (f" ({groups})" if groups else "")
        paths = self.needs[code]
        if not self.lacking.get(code):
            return f"{head}; all {self.seen} compiled releases have {', '.join(paths)}"
        missing = self.missing[code]
        lacked = ", ".join(f"{p} ({missing[p]})" for p in paths if missing.get(p))
        return f"{head}; {self.lacking[code]} of {self.seen} compiled releases lack {lacked}"

    def lines(self) -> list[str]:
        out = [self.read.summary()] if self.read is not None else []
        out.append(
            f"indicators: {self.seen} compiled releases scored, {self.skipped} skipped "
            "(cancelled tender or excluded procurementMethodDetails)"
        )
        out.extend(self.line(code) for code in self.needs)
        return out
