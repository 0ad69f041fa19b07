"""The API benchmark scripts still run end to end (tiny budgets), so the figures in BENCHMARKS.md stay
reproducible with the commands written there."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from yunshao.pipeline import run
    from yunshao.settings import Settings
    from yunshao.simulate import simulate

    root = tmp_path_factory.mktemp("bench")
    simulate(root / "ds", 150, 5)
    settings = Settings()
    settings.model.use_champion = False
    run(root / "ds", root / "out", settings)
    return root / "out" / "yunshao.duckdb"


def _script(name: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / name), *args], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_api_load_reports_every_level_without_errors(store: Path) -> None:
    out = _script(
        "api_load.py", "--store", str(store), "--clients", "1,3", "--requests", "4", "--reads", "30",
        "--read-clients", "3", "--sample", "6", "--batch-size", "6", "--batch-rounds", "1",
        "--case-walks", "2", "--inbox", "10", "--case-clients", "2", "--port", str(_free_port()),
    )  # fmt: skip
    rows = [line.split("|") for line in out.splitlines() if line.startswith("| POST") or line.startswith("| GET")]
    assert [(r[1].strip(), int(r[2])) for r in rows] == [
        ("POST /v1/score", 1),
        ("POST /v1/score", 3),
        ("GET /v1/projects/{id}", 3),
        ("POST /v1/cases/{id}/transitions", 2),
        ("GET /v1/cases?mine=true", 2),
    ]
    assert [int(r[3]) for r in rows] == [4, 4, 30, 10, 10]  # requests sent = the budgets (2 walks × 5 steps)
    assert all(int(r[4]) == 0 for r in rows)  # errors
    assert re.search(r"batch: 6 bundles .* = \d+ projects/s", out)


def test_api_peers_agrees_with_the_run_at_the_default(store: Path) -> None:
    out = _script("api_peers.py", "--store", str(store), "--k", "200", "--sample", "4")
    row = next(line.split("|") for line in out.splitlines() if line.startswith("| 200 "))
    assert int(row[2]) == 4 and row[5].strip() == "100 %" and row[6].strip() == "100 %"
