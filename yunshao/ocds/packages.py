"""What publishers ship, taken apart into releases: packages, records, arrays, JSON Lines.

A file is either JSON Lines (each line one JSON value) or one JSON document (a pretty-printed package
or array). Each value is a release, a compiled release, a record, a release package
(``{"releases": [...]}``), a record package (``{"records": [...]}``) or an array of any of these. A
record gives its ``compiledRelease`` when it has one, else its embedded releases (linked releases, which
hold only a ``url``, carry nothing to merge). Whatever cannot be a release at all (not JSON, not an
object, no string ``ocid``) is a :class:`Problem` naming its line and JSON path, never an exception.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from yunshao.ocds.releases import parse_line

JsonObject = dict[str, Any]
_LINK_KEYS = frozenset({"url", "date", "tag"})


@dataclass(frozen=True)
class Item:
    """One release or compiled release of the input, with where it was found."""

    ocid: str
    data: JsonObject
    compiled: bool
    line: int | None  # the line in JSON Lines; None in a single JSON document
    path: str  # the JSON path inside the line or document ("" for the whole value)

    @property
    def where(self) -> str:
        return describe(self.line, self.path)


@dataclass(frozen=True)
class Problem:
    """Something that cannot be a release: its line (if any) and a message naming the JSON path."""

    line: int | None
    message: str
    ocid: str | None = None  # the ocid it belonged to, when one is known (a record that cannot be compiled)

    @property
    def reason(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


Found = Item | Problem


def describe(line: int | None, path: str) -> str:
    """``line 4 releases[2]``, ``records[0].compiledRelease`` or ``line 4``: where a value was found."""
    parts = ([f"line {line}"] if line is not None else []) + ([path] if path else [])
    return " ".join(parts) or "the document"


def join(path: str, part: str) -> str:
    if not path:
        return part
    return f"{path}{part}" if part.startswith("[") else f"{path}.{part}"


def is_compiled(data: JsonObject) -> bool:
    """A compiled release says so in its ``tag`` (``["compiled"]``, as ocdsmerge and publishers write it)."""
    tag = data.get("tag")
    return tag == "compiled" or (isinstance(tag, list) and "compiled" in tag)


def _problem(line: int | None, path: str, message: str) -> Problem:
    return Problem(line, f"{path}: {message}" if path else message)


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__


def items_of_value(value: object, line: int | None, path: str = "") -> Iterator[Found]:
    """The releases in one parsed JSON value (a line's, or the whole document's). An array holding no
    object at all is one problem, not one per element."""
    if isinstance(value, list) and not any(isinstance(element, dict) for element in value):
        yield _problem(line, path, "not a JSON object but list")
    elif isinstance(value, list):
        for k, element in enumerate(value):
            yield from _items_of_object(element, line, join(path, f"[{k}]"))
    else:
        yield from _items_of_object(value, line, path)


def _items_of_object(value: object, line: int | None, path: str) -> Iterator[Found]:
    if not isinstance(value, dict):
        yield _problem(line, path, f"not a JSON object but {_kind(value)}")
    elif "ocid" not in value and isinstance(value.get("releases"), list):
        for k, release in enumerate(value["releases"]):
            yield release_item(release, line, join(path, f"releases[{k}]"))
    elif "ocid" not in value and isinstance(value.get("records"), list):
        for k, record in enumerate(value["records"]):
            yield from record_items(record, line, join(path, f"records[{k}]"))
    elif "compiledRelease" in value or isinstance(value.get("releases"), list):
        yield from record_items(value, line, path)
    else:
        yield release_item(value, line, path)


def release_item(value: object, line: int | None, path: str, compiled: bool | None = None) -> Found:
    """A release, or a compiled release when ``compiled`` says so or its tag does."""
    if not isinstance(value, dict):
        return _problem(line, path, f"not a JSON object but {_kind(value)}")
    ocid = value.get("ocid")
    if not isinstance(ocid, str) or not ocid.strip():
        found = "missing" if ocid is None else f"{ocid!r} is not a non-empty string"
        return _problem(line, join(path, "ocid"), found)
    return Item(ocid, value, is_compiled(value) if compiled is None else compiled, line, path)


def _with_ocid(release: JsonObject, ocid: object) -> JsonObject:
    """A release inside a record may leave its ocid to the record."""
    if "ocid" in release or not isinstance(ocid, str):
        return release
    return {"ocid": ocid, **release}


def _is_link(release: object) -> bool:
    return isinstance(release, dict) and "url" in release and set(release) <= _LINK_KEYS


def record_items(record: object, line: int | None, path: str) -> Iterator[Found]:
    """A record's compiled release when it has one, else its embedded releases (to be merged)."""
    if not isinstance(record, dict):
        yield _problem(line, path, f"not a JSON object but {_kind(record)}")
        return
    compiled = record.get("compiledRelease")
    if isinstance(compiled, dict):
        yield release_item(_with_ocid(compiled, record.get("ocid")), line, join(path, "compiledRelease"), True)
        return
    releases = record.get("releases")
    embedded = [(k, r) for k, r in enumerate(releases if isinstance(releases, list) else []) if not _is_link(r)]
    if not embedded:
        message = "missing, and the record's releases are absent or only links (url): nothing to compile"
        ocid = record.get("ocid")
        yield Problem(line, f"{join(path, 'compiledRelease')}: {message}", ocid if isinstance(ocid, str) else None)
        return
    for k, release in embedded:
        data = _with_ocid(release, record.get("ocid")) if isinstance(release, dict) else release
        yield release_item(data, line, join(path, f"releases[{k}]"), False)


def items_of_line(number: int, text: str) -> Iterator[Found]:
    """The releases of one JSON Lines line (blank lines give nothing)."""
    if not text.strip():
        return
    try:
        value = parse_line(text.rstrip("\r\n"))
    except json.JSONDecodeError as exc:
        yield Problem(number, f"invalid JSON: {exc.msg} (column {exc.colno})")
        return
    except ValueError as exc:
        yield Problem(number, f"invalid JSON: {exc}")
        return
    yield from items_of_value(value, number)
