"""Any OCDS file → one compiled release per ocid, streamed.

Both ``yunshao ocds import`` and ``yunshao ocds indicators`` read through :func:`read_compiled`, so
they see the same compiled releases.

Memory. JSON Lines (plain or gzip) are read twice, line by line: the first pass counts the releases of
each ocid, the second hands an ocid's compiled release on as soon as its last release has been read. An
ocid with one release or one compiled release (Cardinal's format) is never held; only ocids whose
releases are still to come are, so a file sorted or grouped by ocid needs almost nothing, and the worst
case (every ocid's releases spread from the first line to the last) holds the releases of the open ocids.
A single JSON document (a pretty-printed package or array) has no lines to stream and is parsed whole.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from yunshao.ocds.merge import Compiled, compile_group
from yunshao.ocds.packages import Found, Item, Problem, items_of_line, items_of_value
from yunshao.ocds.releases import iter_lines, parse_line

logger = logging.getLogger("yunshao.ocds.releases")

Lines = Callable[[], Iterable[str]]


class OcdsInputError(ValueError):
    """The file as a whole cannot be read (a broken JSON document): one line naming file, line and column."""


@dataclass
class ReadLog:
    """What reading found besides the compiled releases, for the quarantine, the notes and the summary."""

    source: str
    problems: list[Problem] = field(default_factory=list)
    duplicates: list[tuple[Item, Item]] = field(default_factory=list)  # (duplicate, the compiled release kept)
    releases: int = 0  # releases read
    given: int = 0  # compiled releases read
    merged: int = 0  # ocids whose compiled release was merged from several releases
    format: str = "JSON Lines"
    quiet: bool = False  # a second pass over a file already reported: record, do not log again
    ocids: set[str] = field(default_factory=set)  # every distinct ocid met, compiled or not

    def _place(self, line: int | None) -> str:
        return f"{self.source}:{line}" if line is not None else self.source

    def problem(self, problem: Problem) -> None:
        self.problems.append(problem)
        if problem.ocid is not None:
            self.ocids.add(problem.ocid)
        if not self.quiet:
            logger.warning("%s: %s; skipped", self._place(problem.line), problem.message)

    def duplicate(self, item: Item, kept: Item) -> None:
        self.duplicates.append((item, kept))
        if self.quiet:
            return
        path = f"{item.path}." if item.path else ""
        logger.warning(
            "%s: %socid: %s is a second compiled release (first at %s); skipped",
            self._place(item.line),
            path,
            item.ocid,
            kept.where,
        )

    def summary(self) -> str:
        """One line: what was read and what it became."""
        skipped = len(self.problems) + len(self.duplicates)
        return (
            f"read {self.format}: {self.releases} releases and {self.given} compiled releases; "
            f"{self.merged} ocids merged from several releases; {skipped} values skipped"
        )


def file_lines(path: Path) -> Lines:
    """The file's lines, as often as asked (plain or gzip, detected by magic bytes)."""
    return lambda: iter_lines(path)


def sequence_lines(lines: Iterable[str]) -> Lines:
    """Lines given in memory; an iterator is kept as a list so that it can be read twice."""
    kept: Sequence[str] = lines if isinstance(lines, Sequence) else list(lines)
    return lambda: kept


def read_compiled(lines: Lines, log: ReadLog) -> Iterator[Compiled]:
    """One compiled release per ocid, in the order each ocid's last release appears."""
    document = _document(lines, log.source)
    if document is None:
        counts = Counter(found.ocid for found in _jsonl(lines) if isinstance(found, Item))
        log.ocids.update(counts)
        yield from _grouped(_jsonl(lines), counts, log)
        return
    log.format = "a JSON document"
    found = list(items_of_value(document, None))
    counts = Counter(item.ocid for item in found if isinstance(item, Item))
    log.ocids.update(counts)
    yield from _grouped(iter(found), counts, log)


def _jsonl(lines: Lines) -> Iterator[Found]:
    for number, text in enumerate(lines(), start=1):
        yield from items_of_line(number, text)


def _grouped(found: Iterator[Found], counts: Counter[str], log: ReadLog) -> Iterator[Compiled]:
    pending: dict[str, list[Item]] = {}
    for value in found:
        if isinstance(value, Problem):
            log.problem(value)
            continue
        log.given += value.compiled
        log.releases += not value.compiled
        if counts[value.ocid] <= 1:
            yield _resolve([value], log)
            continue
        group = pending.setdefault(value.ocid, [])
        group.append(value)
        if len(group) >= counts[value.ocid]:
            yield _resolve(pending.pop(value.ocid), log)
    for group in pending.values():  # only if the file changed between the two passes
        yield _resolve(group, log)


def _resolve(items: list[Item], log: ReadLog) -> Compiled:
    grouped = compile_group(items)
    for duplicate, kept in grouped.duplicates:
        log.duplicate(duplicate, kept)
    log.merged += grouped.compiled.releases > 1
    return grouped.compiled


def _first_lines(lines: Lines, wanted: int) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for number, text in enumerate(lines(), start=1):
        if text.strip():
            out.append((number, text))
            if len(out) == wanted:
                break
    return out


def _parses(text: str) -> bool:
    try:
        parse_line(text)
    except ValueError:
        return False
    return True


def _document(lines: Lines, source: str) -> object | None:
    """The parsed document when the file is one pretty-printed JSON value, None when it is JSON Lines.

    A first line that is a lone ``[`` or ``{`` opens a document. Otherwise the file is JSON Lines when its
    first non-blank line is a JSON value, or its second is (the first being broken), or it has one line;
    anything else is read as one document, and if that does not parse the error names line and column."""
    head = _first_lines(lines, 2)
    opens = bool(head) and head[0][1].strip() in ("[", "{")
    if not opens and (len(head) < 2 or _parses(head[0][1]) or _parses(head[1][1])):
        return None
    text = "".join(lines())
    try:
        return parse_line(text)
    except json.JSONDecodeError as exc:
        raise OcdsInputError(f"{source}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except ValueError as exc:
        raise OcdsInputError(f"{source}: invalid JSON: {exc}") from None
