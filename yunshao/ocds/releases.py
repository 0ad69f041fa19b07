"""Reading OCDS JSON Lines (plain or gzip) with line numbers.

A bad line is reported with its number and skipped, never fatal: one broken release in a
publisher's dump should not hide the other hundred thousand.
"""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

logger = logging.getLogger("yunshao.ocds.releases")


@dataclass(frozen=True)
class BadLine:
    line: int
    reason: str


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def open_text(path: Path) -> IO[str]:
    """Open ``.jsonl`` or ``.jsonl.gz`` (detected by the gzip magic bytes, not the name)."""
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", errors="surrogateescape", newline="\n")
    return path.open("r", encoding="utf-8", errors="surrogateescape", newline="\n")


def iter_lines(path: Path) -> Iterator[str]:
    with open_text(path) as handle:
        yield from handle


def parse_line(text: str) -> Any:
    """JSON as strictly as serde_json: NaN/Infinity literals and undecodable bytes are errors."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("line is not valid UTF-8") from exc
    return json.loads(text, parse_constant=_reject_constant)


def iter_json_objects(
    lines: Iterable[str], source: str = "<input>", bad_lines: list[BadLine] | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object). Blank lines are skipped silently; invalid JSON and non-objects
    are logged with their line number, recorded in ``bad_lines`` if given, and skipped."""
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            value = parse_line(text)
        except ValueError as exc:
            reason = f"invalid JSON: {exc}"
            logger.warning("%s:%d: %s; line skipped", source, number, reason)
            if bad_lines is not None:
                bad_lines.append(BadLine(number, reason))
            continue
        if not isinstance(value, dict):
            reason = f"not a JSON object but {type(value).__name__}"
            logger.warning("%s:%d: %s; line skipped", source, number, reason)
            if bad_lines is not None:
                bad_lines.append(BadLine(number, reason))
            continue
        yield number, value
