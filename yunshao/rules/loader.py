"""Find, read and validate rule files before anything runs.

A rule is checked against an empty copy of the contract (every table, no rows): DuckDB binds its SQL,
so a misspelt column or a syntax error is refused at start naming the file, not discovered mid-run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from yunshao.contract.outputs import WARNINGS
from yunshao.contract.schema import TABLES
from yunshao.rules.model import PLACEHOLDER, SQL_PARAM, Rule, RuleError, parse_rule

try:  # libyaml's loader, when PyYAML was built with it, reads the catalog ten times faster than pure Python
    from yaml import CSafeLoader as YamlLoader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as YamlLoader  # type: ignore[assignment]

if TYPE_CHECKING:  # DuckDB, the engine and the settings only for binding SQL: `rules list` never binds it
    import duckdb

    from yunshao.settings import RuleSettings

PACKAGE = Path(__file__).parent
CATALOG = PACKAGE / "catalog"

#: The warnings table as the rules stage creates it and escalation rules read it (contract/outputs.py; the
#: models stage adds ``low_confirmation`` later).
WARNINGS_COLUMNS: dict[str, str] = WARNINGS.types(stage="rules")


def read_rule_file(path: Path) -> Rule:
    """One rule from YAML; its SQL inline under ``sql:`` or in the sibling ``<ID>.sql``."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YamlLoader)  # a safe loader, C or Python
    except yaml.YAMLError as exc:
        raise RuleError(f"{path}: <yaml>: not valid YAML: {exc}") from None
    sibling = path.with_suffix(".sql")
    if isinstance(data, dict) and "sql" not in data and sibling.exists():
        from yunshao.engine import read_sql_file

        data["sql"] = read_sql_file(sibling).body.strip()
    return parse_rule(data, path)


def rule_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise RuleError(f"{folder}: <folder>: rules folder not found")
    return sorted([*folder.rglob("*.yaml"), *folder.rglob("*.yml")])


def step_names() -> set[str]:
    """The steps of the SQL graph, which rules read by name (``bid_facts``, ``node_times``, …)."""
    from yunshao.features.files import load_feature_files, steps_of

    return set(steps_of(load_feature_files()))


def load_rules(
    extra_dirs: Sequence[Path] = (), *, builtin: bool = True, settings: RuleSettings | None = None
) -> list[Rule]:
    """The built-in catalog plus user folders, every rule validated; duplicate ids are refused."""
    from yunshao.settings import RuleSettings

    paths = [*(rule_files(CATALOG) if builtin else []), *(p for d in extra_dirs for p in rule_files(Path(d)))]
    stamp = tuple((str(p), p.stat().st_mtime_ns, _mtime(p.with_suffix(".sql"))) for p in paths)
    return list(_load_validated(stamp, (settings or RuleSettings()).model_dump_json()))


def _mtime(path: Path) -> int:
    return path.stat().st_mtime_ns if path.exists() else 0


@lru_cache(maxsize=16)
def _load_validated(stamp: tuple[tuple[str, int, int], ...], settings_json: str) -> tuple[Rule, ...]:
    """Parsing and binding ~80 rules takes a second; unchanged files under unchanged settings are reused."""
    rules = [read_rule_file(Path(p)) for p, _, _ in stamp]
    seen: dict[str, Path] = {}
    for rule in rules:
        if rule.id in seen:
            raise RuleError(f"{rule.path}: id: '{rule.id}' is already declared in {seen[rule.id]}")
        seen[rule.id] = rule.path
    from yunshao.settings import RuleSettings

    validate_sql(rules, RuleSettings.model_validate_json(settings_json))
    return tuple(rules)


def validate_sql(rules: Iterable[Rule], settings: RuleSettings) -> None:
    """Bind every rule's SQL against an empty contract; check its columns, params and guide."""
    from yunshao.rules.params import global_params

    con = _empty_contract(settings)
    regional = global_params(settings)
    for rule in rules:
        _check_rule_sql(con, rule, regional)
    con.close()


def _empty_contract(settings: RuleSettings) -> duckdb.DuckDBPyConnection:
    import duckdb

    con = duckdb.connect(":memory:")
    for table in TABLES.values():
        con.execute(f'CREATE TABLE "{table.name}" ({table.ddl()})')
    cols = ", ".join(f"{k} {v}" for k, v in WARNINGS_COLUMNS.items())
    con.execute(f"CREATE TABLE warnings ({cols})")
    from yunshao.ocds.hits import HITS_COLUMNS, HITS_TABLE  # input tables that are not the contract's

    con.execute(f"CREATE TABLE {HITS_TABLE} ({', '.join(f'{k} {v}' for k, v in HITS_COLUMNS.items())})")
    from yunshao.documents.tables import create_empty  # the documents stage's tables (bid files read)

    create_empty(con)
    from yunshao.features.runner import create_steps

    create_steps(con, settings, set(TABLES), step_names())
    return con


def _check_rule_sql(con: duckdb.DuckDBPyConnection, rule: Rule, regional: dict[str, object]) -> None:
    import duckdb

    from yunshao.documents.tables import DOC_TABLES
    from yunshao.engine import render_sql
    from yunshao.ocds.hits import HITS_TABLE

    where = f"{rule.path}: "

    known = {*TABLES, "warnings", HITS_TABLE, *DOC_TABLES, *step_names()}
    unknown = [t for t in rule.requires if t not in known and not t.startswith("features_")]
    if unknown:
        raise RuleError(f"{where}requires: unknown table(s) {', '.join(unknown)}")
    not_contract = [t for t in rule.optional if t not in TABLES]
    if not_contract:
        raise RuleError(f"{where}optional: {', '.join(not_contract)} not contract tables")
    undeclared = sorted(set(SQL_PARAM.findall(rule.sql)) - set(rule.params))
    if undeclared:
        raise RuleError(f"{where}sql: parameter(s) {', '.join(undeclared)} not declared under params")
    values = {k: regional.get(k, p.default) for k, p in rule.params.items()}
    sql = render_sql(rule.sql, values, source=str(rule.path))
    if any(t.startswith("features_") for t in rule.requires):
        try:
            con.extract_statements(sql)
        except duckdb.Error as exc:
            raise RuleError(f"{where}sql: {str(exc).splitlines()[0]}") from None
        return
    try:
        columns = [r[0] for r in con.execute(f"DESCRIBE ({sql})").fetchall()]
    except duckdb.Error as exc:
        raise RuleError(f"{where}sql: {str(exc).splitlines()[0]}") from None
    if "entity_id" not in columns:
        raise RuleError(f"{where}sql: the query must return an entity_id column (it returns {columns})")
    missing = [k for k in rule.key if k not in columns]
    if missing:
        raise RuleError(f"{where}key: column(s) {', '.join(missing)} not returned by the sql")
    evidence = set(columns)
    for lang in ("zh", "en"):
        text = getattr(rule.guide, lang)
        for field in ("what", "how"):
            bad = sorted(set(PLACEHOLDER.findall(getattr(text, field))) - evidence)
            if bad:
                raise RuleError(f"{where}guide.{lang}.{field}: {{{bad[0]}}} is not a column of the sql")
