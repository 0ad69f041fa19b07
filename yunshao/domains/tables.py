"""The active declarations as tables the SQL graph reads, on any engine.

Feature files and rules join these instead of listing node codes: ``domain_nodes`` (legal order, stage,
mandatory), ``domain_prerequisites`` (a node and a node that must be done before it, with the threshold
the budget must reach for the pair to apply and what proves the needed node done), ``domain_approvers``,
``domain_thresholds`` (declared defaults with the region's overrides) and ``domain_exemptions`` (project
categories the prerequisites spare). They are intermediates of the run, like the steps: made as the run's temporary
relations from literal rows, so DuckDB and Spark read the same thing and the store holds none of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from yunshao.domains.catalog import Declarations
from yunshao.engine.backend import Backend
from yunshao.engine.sqlfile import sql_literal

#: Table → column → DuckDB type.
DOMAIN_TABLES: dict[str, dict[str, str]] = {
    "domain_nodes": {
        "domain": "VARCHAR",
        "node": "VARCHAR",
        "node_rank": "BIGINT",
        "zh": "VARCHAR",
        "en": "VARCHAR",
        "stage": "VARCHAR",
        "mandatory": "BOOLEAN",
        "tendering": "BOOLEAN",
    },
    "domain_prerequisites": {
        "domain": "VARCHAR",
        "node": "VARCHAR",
        "needs": "VARCHAR",
        "min_amount": "DOUBLE",
        "proof": "VARCHAR",
    },
    "domain_approvers": {
        "domain": "VARCHAR",
        "node": "VARCHAR",
        "unit_kind": "VARCHAR",
        "head": "BOOLEAN",
        "post_zh": "VARCHAR",
        "post_en": "VARCHAR",
    },
    "domain_thresholds": {"domain": "VARCHAR", "name": "VARCHAR", "value": "DOUBLE"},
    "domain_exemptions": {"domain": "VARCHAR", "category": "VARCHAR"},
}
TENDERING_STAGE = "tendering"
#: One row: the hash of the tables' SQL, so that an unchanged declaration is not made twice on a backend.
STAMP = "domain_tables_stamp"


def domain_rows(
    declarations: Declarations, thresholds: Mapping[str, Mapping[str, float]] | None = None
) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's rows, in the column order of ``DOMAIN_TABLES``."""
    values = declarations.thresholds(thresholds)
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in DOMAIN_TABLES}
    for d in declarations.domains:
        for rank, n in enumerate(d.nodes, start=1):
            stage = n.stage or d.id
            rows["domain_nodes"].append(
                (d.id, n.code, rank, n.zh, n.en, stage, not n.optional, stage == TENDERING_STAGE)
            )
        proof = {n.code: n.proof for n in d.nodes}
        for node, need in d.needs():
            amount = values[(d.id, need.min_amount)] if need.min_amount else None
            rows["domain_prerequisites"].append((d.id, node, need.node, amount, proof[need.node]))
        for node, a in d.approvers.items():
            rows["domain_approvers"].append((d.id, node, a.unit_kind, a.head, a.post.zh, a.post.en))
        rows["domain_thresholds"].extend((d.id, name, values[(d.id, name)]) for name in d.thresholds)
        rows["domain_exemptions"].extend((d.id, c) for c in d.exempt_categories)
    return rows


def relation_sql(columns: Mapping[str, str], rows: Sequence[tuple[Any, ...]]) -> str:
    """A SELECT of literal rows, typed; no rows is an empty typed relation (VALUES cannot be empty)."""
    typed = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in columns.items())
    names = ", ".join(f'"{c}"' for c in columns)
    if not rows:
        nulls = ", ".join(f'CAST(NULL AS {t}) AS "{c}"' for c, t in columns.items())
        return f"SELECT {nulls} FROM (SELECT 1 AS one) AS e WHERE 1 = 0"
    values = ", ".join("(" + ", ".join(sql_literal(v) for v in row) + ")" for row in rows)
    return f"SELECT {typed} FROM (VALUES {values}) AS v({names})"


def create_domain_tables(
    backend: Backend, declarations: Declarations, thresholds: Mapping[str, Mapping[str, float]] | None = None
) -> None:
    """(Re)create the declaration tables as the run's temporary relations, unless they are there already.

    The API runs a pass per request on the same connection, and the rules stage asks again after the
    features: rebuilding five tables from literal rows costs ~20 ms on DuckDB, checking a stamp ~1 ms.
    """
    sqls = {
        name: relation_sql(DOMAIN_TABLES[name], rows) for name, rows in domain_rows(declarations, thresholds).items()
    }
    stamp = hashlib.sha1("\x1f".join(sqls.values()).encode("utf-8")).hexdigest()
    if _stamped(backend, stamp):
        return
    for name, sql in sqls.items():
        backend.create(name, sql)
    backend.create(STAMP, f"SELECT {sql_literal(stamp)} AS stamp")


def _stamped(backend: Backend, stamp: str) -> bool:
    """Whether the tables of these very declarations and thresholds exist on this backend."""
    if not all(backend.has(name) for name in (STAMP, *DOMAIN_TABLES)):
        return False
    _, rows = backend.fetch(f"SELECT stamp FROM {STAMP}")
    return [tuple(r) for r in rows] == [(stamp,)]


def create_declared_tables(backend: Backend, settings: object) -> None:
    """The declaration tables of a run: the settings' folders and thresholds when ``settings`` is the whole
    Settings, else the active declarations (the stage-only settings carry neither)."""
    from yunshao.domains.catalog import load_domains
    from yunshao.domains.contract import active
    from yunshao.settings import Settings

    if not isinstance(settings, Settings):
        create_domain_tables(backend, active())
        return
    dirs = tuple(settings.domains.dirs)
    create_domain_tables(backend, load_domains(dirs) if dirs else active(), settings.domains.thresholds)
