"""The node reference table the trail SQL joins: legal rank, stage and whether a node may be skipped.

It is derived from the contract's node declaration (schema.NODES_BY_DOMAIN, in legal order), so the SQL
never lists node codes except where a feature is about one specific node.
"""

from __future__ import annotations

import pandas as pd

from yunshao.contract.outputs import FEATURE_NODES
from yunshao.contract.schema import NODES_BY_DOMAIN
from yunshao.engine.backend import Backend

#: Nodes that repeat or may legitimately be absent (change orders, progress payments).
OPTIONAL_NODES = frozenset({"C17", "C18"})

#: The tendering stage of construction: its absence is its own feature (emergency works are exempt).
TENDER_NODES = frozenset({"C09", "C10", "C11", "C12", "C13"})

CONSTRUCTION_STAGES = {
    "initiation": ("C01", "C02", "C03", "C04"),
    "design": ("C05", "C06", "C07", "C08"),
    "tendering": tuple(sorted(TENDER_NODES)),
    "construction": ("C14", "C15", "C16", "C17", "C18"),
    "completion": ("C19", "C20"),
}

REF_TABLE = FEATURE_NODES.name


def _stage(domain: str, node: str) -> str:
    if domain != "construction":
        return domain
    return next(stage for stage, nodes in CONSTRUCTION_STAGES.items() if node in nodes)


def node_frame() -> pd.DataFrame:
    """One row per node: node, domain, node_rank (1-based legal order), stage, mandatory, tendering."""
    rows = [
        {
            "node": node,
            "domain": domain,
            "node_rank": rank,
            "stage": _stage(domain, node),
            "mandatory": node not in OPTIONAL_NODES,
            "tendering": node in TENDER_NODES,
        }
        for domain, nodes in NODES_BY_DOMAIN.items()
        for rank, node in enumerate(nodes, start=1)
    ]
    return pd.DataFrame(rows).astype({"node_rank": "int64"})


#: The columns of ``feature_nodes`` as contract/outputs.py declares them.
NODE_COLUMNS: dict[str, str] = FEATURE_NODES.types()


def create_node_table(backend: Backend) -> None:
    """(Re)create ``feature_nodes`` (kept in the store: the pages read it too)."""
    backend.put(REF_TABLE, node_frame(), NODE_COLUMNS)
