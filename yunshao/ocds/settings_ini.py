"""A reader for Cardinal's INI settings files.

Cardinal's files are plain INI with a few rules that ``configparser`` does not follow: names are
case-sensitive, ``[A.b]`` is sub-table ``b`` of ``A``, only whole-line comments exist (a trailing
``# ...`` stays in the value), surrounding quotes are removed and backslash escapes are interpreted.
This module only reads the file into sections of raw strings; typing happens in
``yunshao.ocds.indicators.settings``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

TOP_LEVEL = ""

_ESCAPES = {
    "\\": "\\",
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "r": "\r",
    "n": "\n",
    "'": "'",
    '"': '"',
    ";": ";",
    "#": "#",
    "=": "=",
    ":": ":",
}


class SettingsError(ValueError):
    """A settings file that Cardinal would refuse: the message names the file and line."""


@dataclass(frozen=True)
class IniValue:
    value: str
    line: int


@dataclass
class IniDocument:
    """Sections by full name (``""`` for keys before the first section, ``"R003.procurement_method_details"``
    for a sub-table), each an ordered mapping of key to value."""

    source: str
    sections: dict[str, dict[str, IniValue]] = field(default_factory=dict)
    section_lines: dict[str, int] = field(default_factory=dict)

    def error(self, line: int, message: str) -> SettingsError:
        return SettingsError(f"{self.source}:{line}: {message}")


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _unescape(text: str, doc: IniDocument, line: int) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch != "\\" or i + 1 >= len(text):
            out.append(ch)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt == "x":
            digits = text[i + 2 : i + 6]
            if len(digits) != 4 or any(c not in "0123456789abcdefABCDEF" for c in digits):
                raise doc.error(line, f"bad escape \\x{digits!s} (expected 4 hex digits)")
            out.append(chr(int(digits, 16)))
            i += 6
        else:
            out.append(ch + nxt)
            i += 2
    return "".join(out)


def _split_key_value(text: str) -> tuple[str, str] | None:
    """Split at the first ``=`` or ``:`` that is not backslash-escaped."""
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in "=:":
            return text[:i], text[i + 1 :]
        i += 1
    return None


def parse_ini(text: str, source: str = "<settings>") -> IniDocument:
    doc = IniDocument(source=source)
    current = TOP_LEVEL
    doc.sections[TOP_LEVEL] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in ";#":
            continue
        if line.startswith("["):
            if not line.endswith("]"):
                raise doc.error(number, f"unterminated section header {line!r}")
            current = line[1:-1].strip()
            if not current:
                raise doc.error(number, "empty section name")
            doc.sections.setdefault(current, {})
            doc.section_lines.setdefault(current, number)
            continue
        pair = _split_key_value(line)
        if pair is None:
            raise doc.error(number, f"expected 'key = value', got {line!r}")
        key = _unescape(_unquote(pair[0].strip()), doc, number)
        if not key:
            raise doc.error(number, "empty key")
        value = _unescape(_unquote(pair[1].strip()), doc, number)
        doc.sections[current][key] = IniValue(value=value, line=number)
    return doc


def read_ini(path: Path) -> IniDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read settings file: {exc}") from exc
    return parse_ini(text, source=str(path))
