"""The feature and step SQL files and what their headers declare: the nodes of the one SQL graph.

A feature file (``sql/``) is one SELECT returning one row per entity key; its YAML header is the single
place where the entity, the family, the source tables and every produced column (with its zh/en meaning)
are declared. A step (``steps/``) is a shared intermediate that feature files and rules read by its name
(``node_times``, ``bid_facts``, …), computed once per run. Both share one header format. What a file reads
of other files is not declared: it is parsed from its SQL (``engine.lineage``), so the graph's edges are
written once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from yunshao.contract.schema import TABLES
from yunshao.engine import SqlFile, read_sql_file
from yunshao.engine.lineage import referenced_tables

SQL_DIR = Path(__file__).parent / "sql"
STEPS_DIR = Path(__file__).parent / "steps"

#: Entities with a wide table, and the key column(s) of each.
ENTITY_KEYS: dict[str, tuple[str, ...]] = {
    "project": ("project_id",),
    "tender": ("tender_id",),
    "post": ("post_id",),
}

#: Header ``type`` → DuckDB column type.
FEATURE_TYPES: dict[str, str] = {
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
}


class FeatureHeaderError(ValueError):
    """A feature file's header is incomplete or inconsistent (names the file and the field)."""


@dataclass(frozen=True)
class FeatureColumn:
    """One column of a wide feature table, as the catalog shows it."""

    name: str
    entity: str
    family: str
    type: str
    zh: str
    en: str
    meaning_zh: str
    meaning_en: str
    requires: tuple[str, ...]
    file: str

    @property
    def duckdb_type(self) -> str:
        return FEATURE_TYPES[self.type]


@dataclass(frozen=True)
class FeatureFile:
    """A parsed feature or step file."""

    name: str
    entity: str
    family: str
    kind: str  # "features" (a feat_<name> table joined into the wide table) or "step" (shared input)
    requires: tuple[str, ...]  # contract tables that must all be present
    requires_any: tuple[tuple[str, ...], ...]  # groups of which at least one table must be present
    optional: tuple[str, ...]  # contract tables read when present, read as empty otherwise
    materialize: str  # "table" or "view"
    relation: str  # name of what it creates
    features: tuple[FeatureColumn, ...]
    sql: SqlFile
    depends: tuple[str, ...] = ()  # steps, feature files and wide tables it reads (parsed from its SQL)

    @property
    def key(self) -> tuple[str, ...]:
        return ENTITY_KEYS[self.entity]

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.key, *(f.name for f in self.features))


def _tuple(value: object, path: Path, field_name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise FeatureHeaderError(f"{path}: header field '{field_name}' must be a list of names")


def _check_tables(names: tuple[str, ...], path: Path, field_name: str) -> None:
    unknown = [n for n in names if n not in TABLES]
    if unknown:
        raise FeatureHeaderError(f"{path}: '{field_name}' names unknown contract tables: {', '.join(unknown)}")


def _features(
    raw: object, path: Path, entity: str, family: str, requires: tuple[str, ...]
) -> tuple[FeatureColumn, ...]:
    if not isinstance(raw, list) or not raw:
        raise FeatureHeaderError(f"{path}: header field 'features' must be a non-empty list")
    specs: list[FeatureColumn] = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise FeatureHeaderError(f"{path}: features[{i}] must be a mapping")
        missing = [k for k in ("name", "type", "zh", "en", "meaning_zh", "meaning_en") if not item.get(k)]
        if missing:
            raise FeatureHeaderError(f"{path}: features[{i}] lacks {', '.join(missing)}")
        if item["type"] not in FEATURE_TYPES:
            raise FeatureHeaderError(
                f"{path}: features[{i}] ({item['name']}) has type '{item['type']}', "
                f"expected one of {', '.join(FEATURE_TYPES)}"
            )
        specs.append(
            FeatureColumn(
                name=str(item["name"]),
                entity=entity,
                family=family,
                type=str(item["type"]),
                zh=str(item["zh"]),
                en=str(item["en"]),
                meaning_zh=str(item["meaning_zh"]).strip(),
                meaning_en=str(item["meaning_en"]).strip(),
                requires=requires,
                file=path.name,
            )
        )
    return tuple(specs)


def parse_feature_file(path: Path, kind: str = "features") -> FeatureFile:
    """Read one file (``kind`` "features" or "step") and check its header; errors name the file and the field."""
    sql = read_sql_file(path)
    h = sql.header
    for field_name in ("entity", "family"):
        if not h.get(field_name):
            raise FeatureHeaderError(f"{path}: header lacks '{field_name}'")
    entity = str(h["entity"])
    if entity not in ENTITY_KEYS:
        raise FeatureHeaderError(f"{path}: entity '{entity}' is not one of {', '.join(ENTITY_KEYS)}")
    stale = [k for k in ("kind", "depends", "as") if k in h]
    if stale:
        raise FeatureHeaderError(
            f"{path}: header field(s) {', '.join(stale)}: kind, as and depends are no longer read (a step "
            "is a file in steps/, named as the relation it creates; what a file reads is parsed from its SQL)"
        )
    requires = _tuple(h.get("requires"), path, "requires")
    optional = _tuple(h.get("optional"), path, "optional")
    any_raw = h.get("requires_any") or []
    if not isinstance(any_raw, list):
        raise FeatureHeaderError(f"{path}: 'requires_any' must be a list of lists of tables")
    requires_any = tuple(_tuple(g, path, "requires_any") for g in any_raw)
    for names, field_name in ((requires, "requires"), (optional, "optional")):
        _check_tables(names, path, field_name)
    for group in requires_any:
        _check_tables(group, path, "requires_any")
    materialize = h.get("materialize", "table")
    if materialize is True:
        materialize = "table"
    if materialize not in ("table", "view"):
        raise FeatureHeaderError(f"{path}: materialize must be 'table', 'view' or true")
    features: tuple[FeatureColumn, ...] = ()
    if kind == "features":
        features = _features(h.get("features"), path, entity, str(h["family"]), requires)
    relation = path.stem if kind == "step" else f"feat_{path.stem}"
    return FeatureFile(
        name=path.stem,
        entity=entity,
        family=str(h["family"]),
        kind=kind,
        requires=requires,
        requires_any=requires_any,
        optional=optional,
        materialize=str(materialize),
        relation=relation,
        features=features,
        sql=sql,
    )


@lru_cache(maxsize=4)
def load_feature_files(sql_dir: Path = SQL_DIR, steps_dir: Path | None = STEPS_DIR) -> tuple[FeatureFile, ...]:
    """The steps and the feature files, sorted by name, each with what it reads of the others.

    Duplicate column names, two files of one name, and a contract table read but not declared in the
    header are errors naming the file.
    """
    steps = sorted(steps_dir.glob("*.sql")) if steps_dir is not None else []
    parsed = [
        *(parse_feature_file(p, "step") for p in steps),
        *(parse_feature_file(p) for p in sorted(sql_dir.glob("*.sql"))),
    ]
    files = tuple(sorted(_with_depends(parsed), key=lambda f: f.name))
    _check_unique_columns(files)
    return files


def steps_of(files: tuple[FeatureFile, ...]) -> dict[str, FeatureFile]:
    """The steps by the name of the relation they create (which rules read too)."""
    return {f.relation: f for f in files if f.kind == "step"}


def _with_depends(files: list[FeatureFile]) -> list[FeatureFile]:
    """Each file with the files and wide tables its SQL reads; undeclared contract tables are refused."""
    by_relation = {f.relation: f.name for f in files}
    names = [f.name for f in files]
    clash = sorted({n for n in names if names.count(n) > 1})
    if clash:
        raise FeatureHeaderError(f"two files are named {', '.join(clash)} (a step and a feature file?)")
    wide = {f"features_{e}" for e in ENTITY_KEYS}
    out = []
    for f in files:
        reads = referenced_tables(f.sql.body)
        declared = {*f.requires, *f.optional, *(t for g in f.requires_any for t in g)}
        # a required contract table is always there; any other must be declared so the file is skipped
        # (or reads an empty stand-in) when the dataset lacks it
        undeclared = sorted(t for t in reads if t in TABLES and not TABLES[t].required and t not in declared)
        if undeclared:
            raise FeatureHeaderError(
                f"{f.sql.path}: reads contract table(s) {', '.join(undeclared)} not named in requires, "
                "requires_any or optional"
            )
        depends = sorted({by_relation[t] for t in reads if t in by_relation} | (reads & wide))
        out.append(replace(f, depends=tuple(depends)))
    return out


def _check_unique_columns(files: tuple[FeatureFile, ...]) -> None:
    seen: dict[tuple[str, str], str] = {}
    for f in files:
        for spec in f.features:
            key = (f.entity, spec.name)
            if spec.name in f.key or key in seen:
                other = seen.get(key, f.name)
                raise FeatureHeaderError(
                    f"{f.sql.path}: feature '{spec.name}' of entity {f.entity} is also declared by {other}.sql"
                )
            seen[key] = f.name
