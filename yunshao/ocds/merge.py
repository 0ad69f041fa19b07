"""The releases of one ocid → one compiled release, with the Open Contracting Partnership's ``ocdsmerge``.

The rule (docs/ocds.md, "Merge"): a compiled release given in the input (``tag`` containing
``compiled``, or a record's ``compiledRelease``) is used as it is, and a second one of the same ocid is a
duplicate; an ocid with a single release uses that release as it is (merging one release changes
nothing but its ``id`` and ``tag``, and keeps Cardinal-format files byte-for-byte the same input); several
releases are merged in ``date`` order by ``ocdsmerge`` with the merge rules of the OCDS 1.1.4 release
schema shipped in ``yunshao/ocds/schema`` (never downloaded).
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ocdsmerge import CompiledRelease, Merger
from ocdsmerge.exceptions import OCDSMergeError

from yunshao.ocds.packages import Item, JsonObject
from yunshao.ocds.schema import release_schema

#: how many places a merged compiled release lists in its ``where`` before ``…``
_SHOWN = 5


@dataclass(frozen=True)
class Compiled:
    """One compiled release per ocid, with where it came from and what merging it noticed."""

    ocid: str
    data: JsonObject
    line: int | None  # its (first) line in JSON Lines
    where: str
    releases: int = 1  # releases merged into it (1 when given compiled or alone)
    notes: tuple[str, ...] = ()


@dataclass
class Grouped:
    """A compiled release plus the other compiled releases of its ocid, which are duplicates."""

    compiled: Compiled
    duplicates: list[tuple[Item, Item]] = field(default_factory=list)  # (duplicate, the one kept)


@cache
def _merger() -> Merger:
    """Merge rules from the shipped schema, built once: ``Merger()`` without a schema would download one."""
    return Merger(schema=copy.deepcopy(release_schema()))


def merge_rules() -> dict[tuple[str, ...], str]:
    """The merge rules in force (JSON path → ``omitWhenMerged`` / ``wholeListMerge``), for tests and docs."""
    return dict(_merger().merge_rules)


def compile_group(items: list[Item]) -> Grouped:
    """The compiled release of one ocid's items (in file order)."""
    given = [item for item in items if item.compiled]
    if given:
        return _given(given[0], items)
    if len(items) == 1:
        only = items[0]
        return Grouped(Compiled(only.ocid, only.data, only.line, only.where))
    return Grouped(merge_releases(items))


def _given(kept: Item, items: list[Item]) -> Grouped:
    duplicates = [(item, kept) for item in items if item.compiled and item is not kept]
    releases = sum(not item.compiled for item in items)
    notes = (
        (f"ocid: {releases} release(s) not merged: the compiled release at {kept.where} is used",) if releases else ()
    )
    return Grouped(Compiled(kept.ocid, kept.data, kept.line, kept.where, 1, notes), duplicates)


def _order(item: Item) -> tuple[bool, str]:
    """ocdsmerge's order (``date`` as a string); releases without a string date go first, in file order."""
    date = item.data.get("date")
    return (isinstance(date, str), date if isinstance(date, str) else "")


def _where(items: list[Item]) -> str:
    lines = sorted({item.line for item in items if item.line is not None})
    if len(lines) == len(items):
        shown = ", ".join(str(n) for n in lines[:_SHOWN])
        return f"lines {shown}{', …' if len(lines) > _SHOWN else ''}"
    shown = ", ".join(item.where for item in items[:_SHOWN])
    return shown + (", …" if len(items) > _SHOWN else "")


def merge_releases(items: list[Item]) -> Compiled:
    """Several releases of one ocid merged by ocdsmerge, oldest first."""
    ordered = sorted(items, key=_order)  # stable: ties keep file order
    notes = []
    undated = [item.where for item in ordered if not isinstance(item.data.get("date"), str)]
    if undated:
        notes.append(f"date: missing or not a string in {len(undated)} release(s) ({', '.join(undated[:_SHOWN])}); "
                     "merged first, in file order")  # fmt: skip
    data, problems = _merge([item.data for item in ordered])
    if data is None:
        latest = ordered[-1]
        notes.append(f"ocid: releases cannot be merged ({problems[0]}); the latest release ({latest.where}) is used")
        data = latest.data
    else:
        notes.extend(f"ocdsmerge: {p}" for p in problems)
    first = items[0]
    return Compiled(first.ocid, data, first.line, _where(items), len(items), tuple(notes))


def _merge(releases: list[JsonObject]) -> tuple[JsonObject | None, list[str]]:
    """ocdsmerge's compiled release and its warnings, or None and the error when the releases clash."""
    merger = _merger()
    compiled = CompiledRelease(merge_rules=merger.merge_rules, rule_overrides=merger.rule_overrides)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            for release in releases:
                compiled.append(release)
            data: dict[str, Any] = compiled.asdict()
        except (OCDSMergeError, TypeError, AttributeError, ValueError) as exc:
            return None, [str(exc).splitlines()[0] if str(exc) else type(exc).__name__]
    return data, sorted({str(w.message) for w in caught})
