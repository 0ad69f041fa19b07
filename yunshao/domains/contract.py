"""Make the contract's node and domain vocabulary follow the active declarations.

The contract (``contract.schema``) is built once, at import, from the shipped declarations; its two
vocabulary columns, ``projects.domain`` and ``approvals.node``, are enums checked by the loader, and the
node-domain check tells domains apart by the first letter of their nodes (``NODES_BY_DOMAIN``). A run with
the user's folders calls ``activate`` before loading: the same process-wide contract then holds the user's
domains too, so their trails are validated, quarantined and labelled like the shipped ones. Activating the
shipped declarations alone puts everything back.
"""

from __future__ import annotations

from dataclasses import replace

from yunshao.contract import schema
from yunshao.domains.catalog import Declarations, load_domains
from yunshao.settings import DomainSettings

#: The vocabulary columns: (table, column) → which vocabulary their enum takes.
VOCABULARY = {("projects", "domain"): "domains", ("approvals", "node"): "nodes"}


def activate(settings: DomainSettings | None = None) -> Declarations:
    """Load the shipped declarations plus ``settings.dirs`` and make the contract take their vocabulary."""
    declarations = load_domains(tuple((settings or DomainSettings()).dirs))
    declarations.thresholds((settings or DomainSettings()).thresholds)  # a misspelt override stops here
    nodes = declarations.nodes_by_domain()
    schema.NODES_BY_DOMAIN.clear()
    schema.NODES_BY_DOMAIN.update(nodes)
    schema.ALL_NODES.clear()
    schema.ALL_NODES.update({k: v for by_code in nodes.values() for k, v in by_code.items()})
    values = {"domains": tuple(nodes), "nodes": tuple(schema.ALL_NODES)}
    for (table, column), vocabulary in VOCABULARY.items():
        old = schema.TABLES[table]
        columns = tuple(replace(c, values=values[vocabulary]) if c.name == column else c for c in old.columns)
        schema.TABLES[table] = replace(old, columns=columns)
    global _active
    _active = declarations
    return declarations


def active() -> Declarations:
    """The declarations the contract holds now: the shipped ones unless ``activate`` was given folders."""
    return _active


_active: Declarations = load_domains()
