"""The inline policy of an API pass is derived from the graph's consumer counts, rules included."""

from __future__ import annotations

from yunshao.contract.schema import TABLES
from yunshao.features.files import load_feature_files
from yunshao.features.graph import Inline, SqlGraph


def _graph() -> SqlGraph:
    return SqlGraph(load_feature_files(), set(TABLES))


def test_readers_count_files_wide_tables_and_rules() -> None:
    graph = _graph()
    nodes = graph.needed(graph.feature_targets())
    plain = graph.readers(nodes)
    step = next(n for n in sorted(nodes) if graph.by_name[n].kind == "step" and plain[n] == 1)
    assert graph.readers(nodes, {step: 2})[step] == 3  # two rules read it too
    for name in nodes:
        f = graph.by_name[name]
        by_files = sum(name in graph.by_name[m].depends for m in nodes)
        assert plain[name] == by_files + (f.kind == "features"), name


def test_nodes_read_once_are_views_and_shared_nodes_tables() -> None:
    graph = _graph()
    nodes = graph.needed(graph.feature_targets())
    readers = graph.readers(nodes)
    views = Inline({}).views(graph, nodes)
    assert views == {n for n in nodes if readers[n] == 1}
    assert {n for n in nodes if graph.by_name[n].kind == "features" and readers[n] == 1} <= views
    shared = {n for n in nodes if readers[n] > 1}
    assert shared and not shared & views
    # a step read once by a file becomes a table when a rule reads it as well
    once = next(n for n in sorted(views) if graph.by_name[n].kind == "step")
    assert once not in Inline({once: 1}).views(graph, nodes)
