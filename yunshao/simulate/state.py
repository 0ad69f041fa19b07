"""What the simulator carries from one block to the next, and what it collects for the end.

Blocks are generated in a fixed order, so this state is the same whatever the chunk size: the written
data never depends on `chunk_projects`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Truth:
    project_id: str
    scheme: str
    entity_type: str
    entity_id: str
    strength: str
    detail: dict[str, Any]


@dataclass
class State:
    pm_busy: dict[int, list[tuple[float, float, int]]] = field(default_factory=dict)
    ring_turn: dict[tuple[int, int], int] = field(default_factory=dict)
    next_id: dict[str, int] = field(default_factory=dict)
    truth: list[Truth] = field(default_factory=list)
    lookalikes: list[tuple[str, str]] = field(default_factory=list)  # (project_id, kind)
    extra_relations: set[tuple[int, int, int]] = field(default_factory=set)
    bad_rows: list[tuple[str, str, str]] = field(default_factory=list)  # (table, key, defect)
    bad_csv: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    clean_sample: list[tuple[str, int, float]] = field(default_factory=list)  # (project_id, domain, t0)
    project_t0: dict[str, float] = field(default_factory=dict)  # planted and look-alike projects only
    corrupt_load: dict[int, int] = field(default_factory=dict)  # corrupt post -> planted projects handed to it
    responsible: dict[str, int] = field(default_factory=dict)  # project_id -> corrupt post that signs it
    practices: list[tuple[str, str, str]] = field(default_factory=list)  # (entity_type, entity_id, practice)

    def take(self, kind: str, n: int) -> int:
        """First of n new consecutive ids of a kind."""
        first = self.next_id.get(kind, 0)
        self.next_id[kind] = first + n
        return first
