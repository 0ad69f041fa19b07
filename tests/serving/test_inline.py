"""An API pass that creates the nodes read once as views (``Inline``) gives exactly the features and warnings
of a pass that materialises every node as a batch run does, and keeps the nodes read by several as tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from tests.serving.conftest import stub_scorer
from yunshao.contract import load_dataset
from yunshao.features.files import load_feature_files
from yunshao.features.graph import WIDE_TABLES, SqlGraph
from yunshao.features.runner import build_features
from yunshao.serving.batch_scoring import ScoringEngine
from yunshao.serving.models.contract_rows import ProjectBundle
from yunshao.serving.store import Store
from yunshao.settings import Settings

simulate_mod = pytest.importorskip("yunshao.simulate")


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[ProjectBundle]]:
    """A simulated county loaded as a store, and a few of its projects as bundles."""
    root = tmp_path_factory.mktemp("inline")
    simulate_mod.simulate(root / "ds", 90, 11)
    store = root / "yunshao.duckdb"
    with duckdb.connect(str(store)) as con:
        load_dataset(root / "ds", con)
    reader = Store(store)
    ids = [str(r[0]) for r in reader.cursor().execute("SELECT project_id FROM projects ORDER BY 1").fetchall()]
    bundles = [ProjectBundle.model_validate(reader.bundle(pid)) for pid in ids[::9]]
    reader.close()
    return store, bundles


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """The wide tables and the warnings, sorted so that row order does not matter."""
    out = {}
    for name in [*WIDE_TABLES.values(), "warnings"]:
        frame = con.execute(f"SELECT * FROM {name}").df()
        out[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return out


def _pass(store: Path, bundles: list[ProjectBundle], inline: bool) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Two passes (the first checks and caches the SQL, the second re-runs it) on one engine."""
    engine = ScoringEngine(store, Settings(), stub_scorer, inline=inline)
    try:
        engine.score(bundles[:1])
        results = engine.score(bundles)
        made = dict(engine.con.execute("SELECT table_name, table_type FROM information_schema.tables").fetchall())
        return results, {"tables": _tables(engine.con), "made": made}
    finally:
        engine.close()


def test_inlined_pass_equals_a_materialised_pass(county: tuple[Path, list[ProjectBundle]]) -> None:
    store, bundles = county
    plain_results, plain = _pass(store, bundles, inline=False)
    inline_results, inlined = _pass(store, bundles, inline=True)
    assert inline_results == plain_results
    assert len(plain["tables"]["warnings"]) > 0 and len(plain["tables"]["features_project"]) >= len(bundles)
    for name, frame in plain["tables"].items():
        pd.testing.assert_frame_equal(inlined["tables"][name], frame, check_dtype=True)
    views = {n for n, kind in inlined["made"].items() if kind == "VIEW"}
    assert any(n.startswith("feat_") for n in views)
    assert len(views) > len({n for n, kind in plain["made"].items() if kind == "VIEW"})


def test_policy_keeps_nodes_read_by_several_as_tables(county: tuple[Path, list[ProjectBundle]], tmp_path: Path) -> None:
    store, _ = county
    engine = ScoringEngine(store, Settings(), stub_scorer)
    inline = engine.inline
    engine.close()
    assert inline is not None and inline.rule_readers  # the rules count as readers of the steps they read
    con = duckdb.connect(str(store), read_only=True)
    present = set(Store(store).present_tables)
    mem = duckdb.connect()
    for name in present:
        mem.register("_t", con.sql(f"SELECT * FROM {name}").to_arrow_table())
        mem.execute(f"CREATE TABLE {name} AS SELECT * FROM _t")
    con.close()
    report = build_features(mem, Settings(), present, also_steps=inline.rule_readers, inline=inline)
    graph = SqlGraph(load_feature_files(), present)
    ran = {f.name: f for f in report.files if f.status == "ran" and f.kind != "wide"}
    readers = graph.readers(ran, inline.rule_readers)
    kinds = dict(mem.execute("SELECT table_name, table_type FROM information_schema.tables").fetchall())
    for name, run in ran.items():
        standin = any(n.startswith("read as empty") for n in run.notes)
        header_view = graph.by_name[name].materialize == "view"
        assert run.view == ((readers[name] == 1 or header_view) and not standin), name
        assert kinds[graph.by_name[name].relation] == ("VIEW" if run.view else "LOCAL TEMPORARY"), name
    shared = [n for n, r in ran.items() if readers[n] > 1]
    assert shared and not any(ran[n].view for n in shared)  # shared steps are made once, as tables
    assert any(r.view for r in ran.values() if r.kind == "features")  # a feature file: read by its wide table
    assert any(r.view for r in ran.values() if r.kind == "step")  # a step read by one file or one rule
    assert all(kinds[t] == "BASE TABLE" for t in WIDE_TABLES.values())
