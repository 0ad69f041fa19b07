"""Time the feature pipelines on a dataset folder: median of N runs of build_features, per file.

    .venv/bin/python benchmarks/features.py DATASET [--runs 3] [--threads 2] [--db /tmp/feat.duckdb]

The dataset is loaded once (into --db, reused when it already holds the tables and --reload is not
given), then build_features runs --runs times. Prints the load time, the median wall and CPU seconds of
the whole build, and for each file its rows and median wall and CPU seconds (CPU adds up all DuckDB
threads; on a busy machine it is the steadier figure).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from yunshao.contract import load_dataset
from yunshao.contract.schema import TABLES
from yunshao.engine import connect
from yunshao.engine.duck import table_names
from yunshao.features import FeatureReport, build_features
from yunshao.settings import EngineSettings, Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--db", type=Path, default=None, help="DuckDB file to load into (default: a temp file)")
    parser.add_argument("--reload", action="store_true", help="load the dataset even if --db holds it")
    args = parser.parse_args()

    settings = Settings(engine=EngineSettings(threads=args.threads))
    db = args.db or Path(tempfile.mkdtemp(prefix="yunshao-bench-")) / "bench.duckdb"
    con = connect(db, settings.engine)
    present = table_names(con) & set(TABLES)
    if args.reload or "projects" not in present:
        t0 = time.perf_counter()
        present = load_dataset(args.dataset, con, settings.load).present_tables
        print(f"load {time.perf_counter() - t0:.1f} s")
    events = con.execute("SELECT count(*) FROM approvals").fetchall()[0][0]
    projects = con.execute("SELECT count(*) FROM projects").fetchall()[0][0]
    print(f"{projects:,} projects, {events:,} approval events, tables: {', '.join(sorted(present))}")

    reports: list[FeatureReport] = []
    walls: list[float] = []
    cpus: list[float] = []
    for i in range(args.runs):
        w, c = time.perf_counter(), time.process_time()
        reports.append(build_features(con, settings, present))
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
        print(f"run {i + 1}: {walls[-1]:.2f} s wall, {cpus[-1]:.2f} s CPU")
    print(f"build_features median: {statistics.median(walls):.2f} s wall, {statistics.median(cpus):.2f} s CPU")
    print(f"{'file':30s} {'status':8s} {'rows':>12s} {'median s':>9s} {'CPU s':>7s}")
    for f in reports[0].files:
        secs = statistics.median(r.get(f.name).seconds for r in reports)
        cpu = statistics.median(r.get(f.name).cpu_seconds for r in reports)
        note = f.reason if f.status == "skipped" else ""
        print(f"{f.name:30s} {f.status:8s} {f.rows:12,d} {secs:9.2f} {cpu:7.2f} {note}")
    con.close()


if __name__ == "__main__":
    main()
