"""One compiled release seen through the spec's typing rules and shared definitions.

JSON types are checked exactly: ``"100"`` is not a number, ``5`` is not an id and ``true`` is not
the integer 1. Shared definitions (submitted bids, final awards, single award, price-comparison
filter) are computed once per release and cached, because several indicators read them.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any, TypeGuard

NOT_SUBMITTED = frozenset({"invited", "withdrawn"})
FINAL_AWARD_STATUSES = frozenset({"active", "cancelled", "unsuccessful"})

JsonObject = dict[str, Any]


def is_str(value: object) -> bool:
    return isinstance(value, str)


def is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_json_integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def obj(value: object) -> JsonObject | None:
    return value if isinstance(value, dict) else None


def path(value: object, *keys: str) -> object:
    """Follow object keys; anything that is not an object on the way gives ``None``."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def str_at(value: object, *keys: str) -> str | None:
    found = path(value, *keys)
    return found if isinstance(found, str) else None


def number_at(value: object, *keys: str) -> float | None:
    found = path(value, *keys)
    return float(found) if is_number(found) else None


def string_ids(entries: object) -> list[str]:
    """The string ``id`` of each object in an array (tenderers, suppliers)."""
    if not isinstance(entries, list):
        return []
    return [e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)]


def single_string_id(entries: object) -> str | None:
    """The id when the array has exactly 1 entry and that entry has a string id."""
    if isinstance(entries, list) and len(entries) == 1:
        ids = string_ids(entries)
        return ids[0] if ids else None
    return None


def bid_status(bid: JsonObject) -> str | None:
    return str_at(bid, "status")


class Release:
    """A release that passed the global skips, with lazily computed shared facts."""

    def __init__(self, data: JsonObject, ocid: str) -> None:
        self.data = data
        self.ocid = ocid

    @cached_property
    def tender(self) -> JsonObject | None:
        return obj(self.data.get("tender"))

    @cached_property
    def method_details(self) -> str | None:
        return str_at(self.tender, "procurementMethodDetails")

    @cached_property
    def bid_details(self) -> list[Any] | None:
        """``bids.details`` when ``bids`` is an object and ``details`` an array."""
        details = path(self.data, "bids", "details")
        return details if isinstance(details, list) else None

    @cached_property
    def awards(self) -> list[Any] | None:
        awards = self.data.get("awards")
        return awards if isinstance(awards, list) else None

    def bid_objects(self) -> Iterator[JsonObject]:
        for bid in self.bid_details or ():
            if isinstance(bid, dict):
                yield bid

    @cached_property
    def submitted_bids(self) -> list[JsonObject]:
        """Bids with a string status other than invited or withdrawn."""
        return [b for b in self.bid_objects() if is_str(s := b.get("status")) and s not in NOT_SUBMITTED]

    @cached_property
    def active_awards(self) -> list[JsonObject]:
        return [a for a in self.awards or () if isinstance(a, dict) and a.get("status") == "active"]

    @cached_property
    def final_awards(self) -> list[JsonObject] | None:
        """FA: the active awards, or ``None`` when the release fails (no arrays, or a pending award)."""
        if self.awards is None or self.bid_details is None:
            return None
        for award in self.awards:
            status = path(award, "status")
            if isinstance(status, str) and status not in FINAL_AWARD_STATUSES:
                return None
        return self.active_awards

    @cached_property
    def single_award_supplier(self) -> str | None:
        """SA: the supplier id when exactly 1 final award with exactly 1 supplier with a string id."""
        final = self.final_awards
        if final is None or len(final) != 1:
            return None
        return single_string_id(final[0].get("suppliers"))

    def passes_price_comparison(self, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
        details = self.method_details
        if details is None:
            return not include
        if include:
            return details in include
        return details not in exclude
