"""A key's scope resolved to the units it may see: the named units and regions and every unit under them.

Scopes name unit ids (``U01``) or regions (``units.region``); ``units.parent_unit_id`` gives the tree, so
a county key scoped to its county unit sees its townships and their villages. An empty scope sees all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping


def visible_units(scope: Iterable[str], units: Iterable[tuple[str, str | None, str | None]]) -> frozenset[str] | None:
    """The unit ids a scope covers (None: no scope, everything); ``units`` are (unit_id, parent, region)."""
    wanted = set(scope)
    if not wanted:
        return None
    children: dict[str, list[str]] = defaultdict(list)
    roots: set[str] = set()
    for unit_id, parent, region in units:
        if parent:
            children[parent].append(unit_id)
        if unit_id in wanted or (region is not None and region in wanted):
            roots.add(unit_id)
    roots |= wanted  # a unit named in the scope but not (yet) in the store still counts
    return frozenset(_descendants(roots, children))


def _descendants(roots: set[str], children: Mapping[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        unit = stack.pop()
        if unit in seen:  # a cycle in parent_unit_id must not hang the request
            continue
        seen.add(unit)
        stack.extend(children.get(unit, ()))
    return seen


def superiors(units: Iterable[tuple[str, str | None, str | None]]) -> dict[str, str | None]:
    """unit_id → its parent unit (escalation goes there)."""
    return {unit_id: parent for unit_id, parent, _ in units}
