"""The text of an OCDS file (plain or gzip) and strict JSON parsing.

What the text holds (packages, records, JSON Lines …) is :mod:`yunshao.ocds.packages`' business; a bad
line is reported with its number and skipped there, never fatal: one broken release in a publisher's
dump should not hide the other hundred thousand.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


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
    """The file's lines; a UTF-8 byte-order mark (some publishers' exports start with one) is dropped."""
    with open_text(path) as handle:
        first = True
        for text in handle:
            yield text.removeprefix("\ufeff") if first else text
            first = False


def parse_line(text: str) -> Any:
    """JSON as strictly as serde_json: NaN/Infinity literals and undecodable bytes are errors."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("line is not valid UTF-8") from exc
    return json.loads(text, parse_constant=_reject_constant)
