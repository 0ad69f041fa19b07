"""SQL files with a structured header.

Each feature or rule query is one ``.sql`` file. Its header, a YAML block inside ``/* --- ... --- */`` at
the top, is the catalog entry (names, meanings, source tables), so documentation is generated from the
code and never written twice. Parameters are written ``{{ name }}`` and rendered from settings as SQL
literals, which keeps the files runnable on both DuckDB and Spark (neither shares the other's
parameter syntax).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_HEADER = re.compile(r"^\s*/\*\s*---\s*\n(?P<yaml>.*?)\n\s*---\s*\*/", re.DOTALL)
_PARAM = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


@dataclass(frozen=True)
class SqlFile:
    path: Path
    header: dict[str, Any]
    body: str
    params: frozenset[str] = field(default_factory=frozenset)

    @property
    def name(self) -> str:
        return self.path.stem


def read_sql_file(path: Path) -> SqlFile:
    """Read a ``.sql`` file and its YAML header (an empty header when there is none)."""
    text = path.read_text(encoding="utf-8")
    match = _HEADER.match(text)
    header: dict[str, Any] = {}
    body = text
    if match:
        try:
            header = yaml.safe_load(match.group("yaml")) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"{path}: the header is not valid YAML: {exc}") from exc
        body = text[match.end() :]
    return SqlFile(path=path, header=header, body=body, params=frozenset(_PARAM.findall(body)))


def sql_literal(value: Any) -> str:
    """A Python value as a SQL literal that DuckDB and Spark both read the same way."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(float(value)) if isinstance(value, float) else str(value)
    text = str(value).replace("'", "''")
    return f"'{text}'"


def render_sql(sql: str, params: dict[str, Any], *, source: str = "<sql>") -> str:
    """Substitute ``{{ name }}`` placeholders; a placeholder with no value is an error naming it."""

    def repl(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            raise KeyError(f"{source}: parameter '{name}' has no value")
        return sql_literal(params[name])

    return _PARAM.sub(repl, sql)
