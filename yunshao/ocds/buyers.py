"""Which unit (单位) a compiled release belongs to, even when the publisher gave its buyer no id.

Many publishers name the buyer without an ``id``, or only list it in ``parties`` with the role
``buyer``. Dropping those releases lost most ocids of real multi-publisher files, so the buyer is looked
for in this order, the first found wins:

1. ``buyer.id``;
2. the ``id`` of the ``parties`` entry with role ``buyer`` (the one whose name matches ``buyer.name``
   when several are listed, else the first);
3. ``tender.procuringEntity.id`` (the previous fallback, kept);
4. the name, normalised (NFKC, casefold, whitespace collapsed), of ``buyer``, then of that ``parties``
   entry, then of ``tender.procuringEntity``: the unit id is ``name:<normalised name>``, so the same
   buyer spelled with other widths, cases or spaces is one unit.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from yunshao.ocds.indicators.release import is_number, obj, path, str_at

NAME_PREFIX = "name:"


@dataclass(frozen=True)
class Buyer:
    unit_id: str
    name: str | None
    field: str  # the OCDS field the unit id came from, e.g. "buyer.id" or "parties[2].name"


def normalise_name(name: str) -> str:
    """NFKC, casefold, whitespace collapsed: ``'  ＡＢＣ   Bureau'`` and ``'abc bureau'`` are one name."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def name_unit_id(name: str) -> str | None:
    normalised = normalise_name(name)
    return f"{NAME_PREFIX}{normalised}" if normalised else None


def org_id(value: object) -> str | None:
    """An organisation id: a non-blank string, or a number written as text."""
    if isinstance(value, str) and value.strip():
        return value
    if is_number(value):
        return str(value)
    return None


def _buyer_party(data: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    parties = data.get("parties")
    listed = [
        (k, p)
        for k, p in enumerate(parties if isinstance(parties, list) else [])
        if isinstance(p, dict) and isinstance(p.get("roles"), list) and "buyer" in p["roles"]
    ]
    if not listed:
        return None
    name = str_at(data, "buyer", "name")
    if name is not None:
        for k, party in listed:
            if isinstance(party.get("name"), str) and normalise_name(party["name"]) == normalise_name(name):
                return k, party
    return listed[0]


def find_buyer(data: dict[str, Any]) -> Buyer | None:
    """The release's unit, or None when neither buyer, buyer party nor procuring entity has an id or a name."""
    buyer = obj(data.get("buyer")) or {}
    party = _buyer_party(data)
    party_k, party_obj = party if party is not None else (-1, {})
    entity = obj(path(data, "tender", "procuringEntity")) or {}
    name = str_at(buyer, "name") or str_at(party_obj, "name") or str_at(entity, "name")
    by_id = (
        (buyer.get("id"), "buyer.id"),
        (party_obj.get("id"), f"parties[{party_k}].id"),
        (entity.get("id"), "tender.procuringEntity.id"),
    )
    for value, field in by_id:
        if (unit_id := org_id(value)) is not None:
            return Buyer(unit_id, name if field != "tender.procuringEntity.id" else str_at(entity, "name"), field)
    by_name = (
        (buyer.get("name"), "buyer.name"),
        (party_obj.get("name"), f"parties[{party_k}].name"),
        (entity.get("name"), "tender.procuringEntity.name"),
    )
    for value, field in by_name:
        if isinstance(value, str) and (unit_id := name_unit_id(value)) is not None:
            return Buyer(unit_id, value, field)
    return None
