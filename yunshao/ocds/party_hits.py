"""Flags on a tenderer, buyer or procuring entity → one row per project that party took part in.

Cardinal flags some indicators on a party rather than a procurement (R025 a tenderer who bids often and
rarely wins, R038 a buyer that disqualifies many bids, …). An inspector works project by project, so
each such flag is shown on every project of that party in the dataset: the ocids whose compiled release
names the party where Cardinal found it (``buyer.id``, ``tender.procuringEntity.id``, the tenderers of
``bids.details`` and the suppliers of ``awards``). The catalog rule ``OCDS-PARTY-FLAG`` turns those rows
into warnings naming the indicator and the party.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from yunshao.ocds.compiled import ReadLog, file_lines, read_compiled
from yunshao.ocds.indicators.base import BUYER, OCID, PROCURING_ENTITY, TENDERER
from yunshao.ocds.indicators.release import obj, path, str_at

PartyKey = tuple[str, str]  # (Cardinal group, party id)


@dataclass
class PartyProjects:
    name: str | None = None
    ocids: list[str] = field(default_factory=list)


def _references(entries: object) -> Iterator[dict[str, Any]]:
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            yield entry


def parties_of(data: dict[str, Any]) -> Iterator[tuple[str, str, str | None]]:
    """(group, id, name given with the reference) for every party Cardinal may flag in this release."""
    for group, reference in (
        (BUYER, obj(data.get("buyer"))),
        (PROCURING_ENTITY, obj(path(data, "tender", "procuringEntity"))),
    ):
        if reference is not None and isinstance(reference.get("id"), str):
            yield group, reference["id"], str_at(reference, "name")
    details = path(data, "bids", "details")
    for bid in details if isinstance(details, list) else []:
        for tenderer in _references(path(bid, "tenderers")):
            yield TENDERER, tenderer["id"], str_at(tenderer, "name")
    awards = data.get("awards")
    for award in awards if isinstance(awards, list) else []:
        for supplier in _references(path(award, "suppliers")):
            yield TENDERER, supplier["id"], str_at(supplier, "name")


def _party_names(data: dict[str, Any]) -> dict[str, str]:
    return {p["id"]: p["name"] for p in _references(data.get("parties")) if isinstance(p.get("name"), str)}


def party_projects(releases: Path, wanted: set[PartyKey]) -> dict[PartyKey, PartyProjects]:
    """For each wanted party, its name and the ocids it appears in (one more pass over the file)."""
    found: dict[PartyKey, PartyProjects] = {}
    # quiet: the indicators' pass already warned about every bad line
    for compiled in read_compiled(file_lines(releases), ReadLog(str(releases), quiet=True)):
        names: dict[str, str] | None = None
        for group, party_id, name in parties_of(compiled.data):
            if (group, party_id) not in wanted:
                continue
            entry = found.setdefault((group, party_id), PartyProjects())
            if not entry.ocids or entry.ocids[-1] != compiled.ocid:
                entry.ocids.append(compiled.ocid)
            if entry.name is None:
                names = names if names is not None else _party_names(compiled.data)
                entry.name = name or names.get(party_id)
    return found


def hits_by_project(hits: pd.DataFrame, releases: Path) -> pd.DataFrame:
    """The hits with ``project_id`` and ``party_name``: OCID flags as they are, each party flag once per
    project of the party (a party in no project keeps one row with no project)."""
    wanted = {(g, i) for g, i in zip(hits["group"], hits["id"], strict=True) if g != OCID}
    projects = party_projects(releases, wanted) if wanted else {}
    rows = []
    for hit in hits.to_dict("records"):
        if hit["group"] == OCID:
            rows.append({**hit, "project_id": hit["id"], "party_name": None})
            continue
        party = projects.get((hit["group"], hit["id"]), PartyProjects())
        ocids: list[str | None] = [*party.ocids] or [None]
        for ocid in ocids:
            rows.append({**hit, "project_id": ocid, "party_name": party.name})
    columns = [*hits.columns, "project_id", "party_name"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({c: "string" for c in columns if c != "value"} | {"value": "float64"})
