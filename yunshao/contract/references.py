"""Checks across tables: ids that must resolve, node codes that must fit the project's domain."""

from __future__ import annotations

from yunshao.contract.checks import q
from yunshao.contract.document_paths import PATH_CHECK, PATH_COLUMN, verdict_table
from yunshao.contract.schema import LABEL_ENTITIES, NODES_BY_DOMAIN, Table

#: The table and key column each ``labels.entity_type`` points at.
LABEL_TARGETS = {
    "project": ("projects", "project_id"),
    "post": ("posts", "post_id"),
    "tender": ("tenders", "tender_id"),
}


def reference_checks(table: Table, present: set[str]) -> tuple[str, list[str]]:
    """LEFT JOIN clauses and reason expressions for ``_typed_<table>`` aliased ``t``.

    A reference into a table that the dataset does not hold is not checked (the contract makes most
    tables optional); a reference into this same table resolves against its own typed rows. A document
    path is checked when the loader registered its verdicts (``verdict_table`` among ``present``).
    """
    joins: list[str] = []
    reasons: list[str] = []
    for i, col in enumerate(c for c in table.columns if c.references):
        assert col.references is not None
        target, key = col.references.split(".")
        if target not in present:
            continue
        source = f"_typed_{table.name}" if target == table.name else q(target)
        alias = f"r{i}"
        joins.append(f"LEFT JOIN (SELECT DISTINCT {q(key)} AS k FROM {source}) {alias} ON t.{q(col.name)} = {alias}.k")
        reasons.append(
            f"CASE WHEN t.{q(col.name)} IS NOT NULL AND {alias}.k IS NULL THEN "
            f"'{col.name} reference: ''' || t.{q(col.name)} || ''' not found in {target}.{key}' END"
        )
    if "node_matches_domain" in table.extra_checks and "projects" in present:
        joins.append(
            "LEFT JOIN (SELECT project_id AS pid, domain AS pdomain FROM projects) pd ON t.project_id = pd.pid"
        )
        prefix = " ".join(f"WHEN '{d}' THEN '{next(iter(n))[0]}'" for d, n in NODES_BY_DOMAIN.items())
        reasons.append(
            f"CASE WHEN pd.pdomain IS NOT NULL AND t.node IS NOT NULL AND LEFT(t.node, 1) <> CASE pd.pdomain "
            f"{prefix} END THEN 'node domain: ' || t.node || ' is not a node of a ' || pd.pdomain || ' project' END"
        )
    if "label_entity_resolves" in table.extra_checks:
        for entity in LABEL_ENTITIES:
            target, key = LABEL_TARGETS[entity]
            if target not in present:
                continue
            alias = f"l_{entity}"
            joins.append(
                f"LEFT JOIN (SELECT DISTINCT {key} AS k FROM {target}) {alias} "
                f"ON t.entity_type = '{entity}' AND t.entity_id = {alias}.k"
            )
            reasons.append(
                f"CASE WHEN t.entity_type = '{entity}' AND {alias}.k IS NULL THEN "
                f"'entity_id reference: ''' || t.entity_id || ''' not found in {target}.{key}' END"
            )
    verdicts = verdict_table(table.name)
    if PATH_CHECK in table.extra_checks and verdicts in present:
        # one verdict per distinct path, worked out on the file system (contract/document_paths.py)
        joins.append(f"LEFT JOIN {verdicts} pv ON t.{q(PATH_COLUMN)} = pv.path")
        reasons.append("pv.reason")
    return " ".join(joins), reasons
