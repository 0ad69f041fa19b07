"""Code values (`procurement`, `open`, `bid_rigging`, node codes, rule ids, …) as a person reads them.

The codes are declared where they belong — the contract's enum columns and schemes (``contract/schema.py``),
the rules' severities, entities and schemes (``rules/model.py``, ``rules/catalog``) — and only translated
here, so a new code in the contract or a new scheme in the catalog is one new translation, never a second
list. The words live in ``messages/codes.yaml`` as ``code_<value>``, or ``code_<key>__<value>`` where one
evidence key reads a code another way (``unmet: investment`` is the amount invested, not the domain).
Node codes carry their names in the contract already; actions, outcomes, severities and the address
entities ``project``/``post``/``person`` are words of ``base.yaml``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import get_args

from yunshao.contract.schema import ALL_NODES, SCHEMES, TABLES, Kind
from yunshao.rules.loader import CATALOG, read_rule_file, rule_files
from yunshao.rules.model import Entity, Rule, Severity
from yunshao.serving.i18n import ACTION_KEYS, MESSAGES, node_name

CODE_PREFIX = "code_"


@cache
def rule_catalog() -> dict[str, Rule]:
    """The built-in rules by id, parsed once per process.

    Parsed only (no SQL binding, which ``load_rules`` does for a run): the run already validated them, and a
    page needs just their names and guides. A run's own ``--rules-dir`` is not recorded, so warnings of such
    rules keep the guide the run wrote.
    """
    return {rule.id: rule for rule in (read_rule_file(path) for path in rule_files(CATALOG))}


@cache
def declared_codes() -> frozenset[str]:
    """Every code the contract and the rules declare, node codes aside (they translate themselves)."""
    enums = {v for table in TABLES.values() for col in table.columns if col.kind is Kind.ENUM for v in col.values}
    rules = {*get_args(Severity), *get_args(Entity), *(rule.scheme for rule in rule_catalog().values())}
    return frozenset(enums | rules | set(SCHEMES)) - set(ALL_NODES)


def code_name(value: str, lang: str, key: str | None = None) -> str:
    """``value`` in ``lang``; a value that is no known code is returned as it is (free text stays free)."""
    if value in ALL_NODES:
        return node_name(value, lang)
    words = MESSAGES[lang]
    for wanted in (f"{CODE_PREFIX}{key}__{value}" if key else None, f"{CODE_PREFIX}{value}"):
        if wanted and wanted in words:
            return words[wanted]
    base = ACTION_KEYS.get(value, value)
    if value in declared_codes() and base in words:
        return words[base]
    return value


def rule_name(rule_id: str, lang: str) -> str:
    """The catalog's name of a rule; empty for a rule the catalog does not hold (a county's own)."""
    rule = rule_catalog().get(rule_id)
    return rule.label(lang) if rule else ""


def translator(lang: str) -> Callable[[object], str]:
    """``code(value)`` for the templates: a code in ``lang``, empty for none."""

    def code(value: object) -> str:
        return code_name(str(value), lang) if value not in (None, "") else ""

    return code
