"""Time a full run against an update by a 1 % delta: median of N runs each.

    .venv/bin/python benchmarks/update.py --projects 5000 [--runs 3] [--share 0.01] [--seed 7] [--work DIR]
    .venv/bin/python benchmarks/update.py --dataset SIMULATED [--runs 1] …   # a county simulated before

A county of --projects is simulated and cut as ``tests/pipeline/test_update.py`` cuts it
(``tests/pipeline/update_county.py``): the newest --share of the projects held out with all their rows, plus new
versions of a few stored rows (three tenders' bids, a contract, a project, a new outcome). The base is
run once; then, --runs times each: ``yunshao run`` over base + delta as a user would (training in the run),
the same full run scored with the base run's model (no training: what the update must beat on its own
terms), and ``yunshao update`` of a fresh copy of the base store. Prints each time, the medians, and how
many projects the update re-scored.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the county cut lives with its test

from tests.pipeline.update_county import Split, split_county
from yunshao.pipeline import run
from yunshao.settings import Settings
from yunshao.simulate import simulate
from yunshao.training import scoring
from yunshao.update import update


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--share", type=float, default=0.01, help="share of projects in the delta")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=None, help="folder for the data (default: a temp folder)")
    parser.add_argument("--dataset", type=Path, default=None, help="a `yunshao simulate` folder to cut instead")
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="yunshao-update-bench-"))
    settings = Settings()
    settings.model.use_champion = False
    county = args.dataset or work / "sim"
    if args.dataset is None:
        simulate(county, args.projects, args.seed)
    split = split_county(county, work / "split", hold_share=args.share, seed=args.seed, newest=True)
    started = time.perf_counter()
    run(split.base, work / "base", settings)
    print(f"base run: {time.perf_counter() - started:.1f} s")
    projects = duckdb.connect(str(work / "base" / "yunshao.duckdb"), read_only=True)
    n = projects.execute("SELECT count(*) FROM projects").fetchone()
    projects.close()
    changed = ", ".join(f"{t} {len(k)}" for t, k in split.changed.items())
    print(f"{n[0] if n else 0:,} projects in the base; delta: {len(split.held)} new projects with all their rows, "
          f"changed rows {changed}")  # fmt: skip
    for i in range(args.runs):  # each update starts from its own copy of the base store, made untimed
        shutil.rmtree(work / f"update{i}", ignore_errors=True)
        shutil.copytree(work / "base", work / f"update{i}")
    medians = {
        "full run (trains)": _timed(args.runs, lambda i: run(split.full, work / f"full{i}", settings)),
        "full run, base model": _timed(args.runs, lambda i: _full_with_base_model(split, work, i, settings)),
        "update": _timed(args.runs, lambda i: _update(work, i, split, settings)),
    }
    for name, median in medians.items():
        print(f"median {name}: {median:.1f} s")


def _timed(runs: int, step: Callable[[int], object]) -> float:
    walls = []
    for i in range(runs):
        start = time.perf_counter()
        step(i)
        walls.append(time.perf_counter() - start)
        print(f"  run {i + 1}: {walls[-1]:.1f} s")
    return statistics.median(walls)


def _full_with_base_model(split: Split, work: Path, i: int, settings: Settings) -> None:
    with duckdb.connect(str(work / "base" / "yunshao.duckdb"), read_only=True) as con:
        model = scoring.load_store_model(con)
    chosen = scoring._choose_model
    scoring._choose_model = lambda *args: (model, None)  # type: ignore[assignment]
    try:
        run(split.full, work / f"fullbase{i}", settings)
    finally:
        scoring._choose_model = chosen


def _update(work: Path, i: int, split: Split, settings: Settings) -> None:
    result = update(split.delta, work / f"update{i}", settings)
    print(f"  re-scored {result.scoring['rescored']:,} of {result.scoring['projects']:,} projects; {result.seconds}")


if __name__ == "__main__":
    main()
