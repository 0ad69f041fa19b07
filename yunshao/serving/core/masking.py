"""Masking of personal names and ``id_hash`` for roles without the right to see them.

Rows carry names in columns ending ``person_name`` (or ``name`` inside a person) and ``id_hash``; rule
evidence is free JSON, so keys that name a person (``*name*`` together with ``person``/``approver``/
``holder``/``legal_rep``) and ``id_hash`` are masked wherever they sit, and so is any string equal to a
name the store holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MASK = "***"
_PERSON_WORDS = ("person", "approver", "holder", "legal_rep", "people", "official", "relative", "spouse")


def _is_personal_key(key: str) -> bool:
    k = key.lower()
    if k in ("id_hash", "person_id_hash") or k.endswith("_id_hash"):
        return True
    return "name" in k and any(w in k for w in _PERSON_WORDS)


def mask(value: Any, names: frozenset[str] = frozenset()) -> Any:
    """A copy of ``value`` (dicts, lists, scalars) with personal fields and known names replaced."""
    if isinstance(value, dict):
        return {k: (MASK if _is_personal_key(k) and v is not None else mask(v, names)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v, names) for v in value]
    if isinstance(value, str) and value in names:
        return MASK
    return value


def persons_shown(rows: Iterable[dict[str, Any]]) -> set[str]:
    """Ids of people whose names a response reveals (for the audit log)."""
    return {str(r["person_id"]) for r in rows if r.get("person_id") and r.get("person_name")}
