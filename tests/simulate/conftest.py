from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.simulate.conformance import connect
from yunshao.simulate import SimulationSummary, simulate

N = 1_500
SEED = 11


@pytest.fixture(scope="session")
def sim(tmp_path_factory: pytest.TempPathFactory) -> SimulationSummary:
    """A small county written in chunks of 500 projects (three chunks)."""
    root = tmp_path_factory.mktemp("sim")
    seen: list[tuple[int, int]] = []
    summary = simulate(root / "data", N, SEED, chunk_projects=500, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (N, N) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    return summary


@pytest.fixture(scope="session")
def con(sim: SimulationSummary) -> duckdb.DuckDBPyConnection:
    c = connect(Path(sim.out))
    for name in ("planted", "lookalikes", "bad_rows"):
        c.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{sim.truth / (name + '.parquet')}')")
    return c
