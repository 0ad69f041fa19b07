"""The one SQL graph: steps, feature files and the wide tables, in dependency order, on any backend.

Nodes are the files of ``steps/`` and ``sql/`` (``features.files``) plus one wide table per entity; edges
are what each file's SQL reads (parsed, never declared twice). Rules attach to the same graph: the steps a
rule reads are computed by the same code, once per run, whichever stage asks first. One policy holds for
every absent input: a file whose required tables are absent is skipped with the reason; an absent table a
file declares ``optional`` is read as an empty table typed from the contract (never guessed).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter

from yunshao.contract.schema import TABLES
from yunshao.documents.tables import DOC_TABLES
from yunshao.engine.backend import Backend
from yunshao.engine.lineage import referenced_tables
from yunshao.features.files import ENTITY_KEYS, FeatureFile, FeatureHeaderError

NOT_NEEDED = "not needed: nothing that reads it can run"
WIDE_TABLES = {entity: f"features_{entity}" for entity in ENTITY_KEYS}


class SqlGraph:
    """The files of one run and the tables present; answers what runs, in which order, and why not."""

    def __init__(self, files: Iterable[FeatureFile], present: Collection[str]) -> None:
        self.files = tuple(files)
        self.by_name = {f.name: f for f in self.files}
        self.present = set(present)
        self._runnable: dict[str, bool] = {}

    def order(self) -> list[str]:
        """Every node in dependency order; ties broken by name so that runs are reproducible."""
        graph: dict[str, set[str]] = {f.name: set(f.depends) for f in self.files}
        for entity, wide in WIDE_TABLES.items():
            graph[wide] = {f.name for f in self.files if f.kind == "features" and f.entity == entity}
        for name, deps in graph.items():
            unknown = deps - set(graph)
            if unknown:
                raise FeatureHeaderError(f"{name}: reads unknown {', '.join(sorted(unknown))}")
        sorter = TopologicalSorter(graph)
        try:
            sorter.prepare()
        except CycleError as exc:
            raise FeatureHeaderError(f"feature files depend on each other in a cycle: {exc.args[1]}") from exc
        order: list[str] = []
        while sorter.is_active():
            ready = sorted(sorter.get_ready())
            order.extend(ready)
            sorter.done(*ready)
        return order

    def tables_missing(self, f: FeatureFile) -> str | None:
        """Why the dataset cannot feed ``f`` directly (its own required tables), or None."""
        missing = [t for t in f.requires if t not in self.present]
        if missing:
            return f"table {', '.join(missing)} absent"
        for group in f.requires_any:
            if not any(t in self.present for t in group):
                return f"none of {', '.join(group)} present"
        return None

    def runnable(self, name: str) -> bool:
        """Its tables are present and every file it reads can run (wide tables always exist)."""
        if name not in self._runnable:
            f = self.by_name.get(name)
            if f is None:
                return name in WIDE_TABLES.values()
            deps = [d for d in f.depends if d not in WIDE_TABLES.values()]
            self._runnable[name] = self.tables_missing(f) is None and all(self.runnable(d) for d in deps)
        return self._runnable[name]

    def needed(self, targets: Iterable[str]) -> set[str]:
        """The runnable ``targets`` and every file they read, transitively.

        A step that nothing runnable reads (e.g. the key-staff step without social insurance or
        certificates) is skipped rather than computed for nothing.
        """
        return self.closure(n for n in targets if self.runnable(n))

    def closure(self, names: Iterable[str]) -> set[str]:
        """``names`` and every file they read, transitively (wide tables excluded)."""
        seen: set[str] = set()
        stack = [n for n in names if n in self.by_name]
        while stack:
            name = stack.pop()
            if name not in seen:
                seen.add(name)
                stack.extend(d for d in self.by_name[name].depends if d in self.by_name)
        return seen

    def readers(self, nodes: Collection[str], outside: Mapping[str, int] | None = None) -> dict[str, int]:
        """How many consumers read each node in a pass that runs ``nodes``.

        A consumer is a node of ``nodes`` whose SQL reads it, the wide table a feature file is joined into,
        or a reader outside the graph (``outside``: the rules, by step name). Counted over what runs, so a
        step whose other readers are skipped counts as read once.
        """
        count: dict[str, int] = {name: (outside or {}).get(name, 0) for name in nodes}
        for name in nodes:
            f = self.by_name[name]
            count[name] += 1 if f.kind == "features" else 0  # its wide table
            for dep in f.depends:
                if dep in count:
                    count[dep] += 1
        return count

    def feature_targets(self) -> list[str]:
        return [f.name for f in self.files if f.kind == "features"]

    def skip_reason(self, f: FeatureFile, skipped: dict[str, str]) -> str | None:
        """Why ``f`` cannot run given what was skipped before it, or None."""
        missing = self.tables_missing(f)
        if missing:
            return missing
        # a step left out only because nothing that reads it can run is not what stopped this file
        failed = [d for d in f.depends if skipped.get(d, NOT_NEEDED) != NOT_NEEDED]
        if failed:
            return f"needs {', '.join(failed)}, which was skipped"
        return None


@dataclass(frozen=True)
class Inline:
    """The API pass's policy: a node read by exactly one consumer is created as a view, not a table.

    On the few hundred rows of a bundle and its peers, ``CREATE TEMP TABLE … AS`` costs several times the
    query itself (writing and then re-reading the rows); a node read once is cheaper folded into its
    reader's plan. Nodes read by several consumers stay tables so their query runs once; a batch run
    passes no policy and keeps every header's ``materialize``. ``rule_readers``: how many rules read each
    step (rules are consumers outside the graph, found by step name in their SQL).
    """

    rule_readers: Mapping[str, int] = field(default_factory=dict)

    def views(self, graph: SqlGraph, nodes: Collection[str]) -> frozenset[str]:
        """The nodes of this pass to create as views: read by exactly one consumer."""
        return frozenset(n for n, k in graph.readers(nodes, self.rule_readers).items() if k == 1)


def stand_ins(backend: Backend, f: FeatureFile | Collection[str], present: Collection[str]) -> list[str]:
    """Create empty typed tables for the optional inputs the dataset lacks; returns their names.

    A caller may declare a table present that it keeps to itself (the scoring API holds no labels): an
    optional input the backend cannot read is read as empty too.
    """
    optional = f.optional if isinstance(f, FeatureFile) else tuple(f)
    made = [t for t in optional if t not in present or not backend.has(t)]
    for t in made:
        backend.empty(t, {c.name: c.duckdb_type for c in TABLES[t].columns})
    if isinstance(f, FeatureFile):  # the documents stage's tables, when the stage did not run (no files read)
        stage = [t for t in sorted(referenced_tables(f.sql.body) & set(DOC_TABLES)) if not backend.has(t)]
        for t in stage:
            backend.empty(t, DOC_TABLES[t])
        made += stage
    return made


def drop_stand_ins(backend: Backend, tables: Iterable[str]) -> None:
    for t in tables:
        backend.drop(t)
