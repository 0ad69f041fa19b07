"""DuckDB against Spark local[2] on the same dataset: wall time per stage and peak memory of the process tree.

    .venv/bin/python benchmarks/engines.py DATASET [--engines duckdb,spark] [--repeat 3] [--workdir DIR]

Each run is `yunshao run DATASET --out … --engine E` in its own process. A Spark run is two processes (the
Python driver and the JVM it starts), so peak memory is the largest sum of resident memory over the whole
process tree, sampled every 0.2 s with psutil (``ru_maxrss`` would report only the larger of the two).
Stage times come from OUT/run.json; a Spark run has a ``store`` stage (its relations copied into the DuckDB
store). Prints a markdown table of medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import psutil

YUNSHAO = str(Path(sys.executable).with_name("yunshao"))
STAGES = ("load", "features", "rules", "store", "models", "outputs")


def tree_rss(root: psutil.Process) -> int:
    """Resident bytes of a process and all its descendants (0 for those that ended meanwhile)."""
    total = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            continue
    return total


def run_once(dataset: Path, out: Path, engine: str) -> dict:
    """One run: wall seconds, peak GiB of the process tree, stage seconds."""
    cmd = [YUNSHAO, "run", str(dataset), "--out", str(out), "--engine", engine]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = [0]
    watcher = psutil.Process(proc.pid)

    def sample() -> None:
        while proc.poll() is None:
            try:
                peak[0] = max(peak[0], tree_rss(watcher))
            except psutil.Error:
                return
            time.sleep(0.2)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    _, err = proc.communicate()
    thread.join()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        log = out.with_suffix(".stderr")
        log.write_text(err, encoding="utf-8")
        raise SystemExit(f"{' '.join(cmd)} failed (whole stderr in {log}):\n{err[-2000:]}")
    stages = json.loads((out / "run.json").read_text(encoding="utf-8"))["seconds"]
    return {"seconds": seconds, "peak_gib": peak[0] / 2**30, "stages": stages}


def events(dataset: Path) -> int:
    rows = duckdb.sql(f"SELECT count(*) FROM read_parquet('{dataset}/approvals*.parquet')").fetchall()
    return int(rows[0][0])


def row(engine: str, runs: list[dict], n_events: int) -> str:
    def med(values: list[float]) -> str:
        return f"{statistics.median(values):.1f}"

    stage_cells = [
        med([r["stages"].get(s, 0.0) for r in runs]) if any(s in r["stages"] for r in runs) else "–" for s in STAGES
    ]
    wall = statistics.median(r["seconds"] for r in runs)
    return (
        f"| {engine} | {n_events:,} | {len(runs)} | {wall:.1f} | {med([r['peak_gib'] for r in runs])} | "
        + " | ".join(stage_cells)
        + f" | {n_events / wall / 1000:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/yunshao-engines"))
    args = parser.parse_args()
    n_events = events(args.dataset)
    lines = [
        "| engine | approval events | runs | run s | peak GiB | "
        + " | ".join(f"{s} s" for s in STAGES)
        + " | k events/s |",
        "|---|---:|---:|---:|---:|" + "---:|" * (len(STAGES) + 1),
    ]
    for engine in args.engines.split(","):
        runs = []
        for i in range(args.repeat):
            result = run_once(args.dataset, args.workdir / f"{engine}-{i}", engine)
            done = f"{engine} run {i + 1}/{args.repeat}: {result['seconds']:.1f} s, {result['peak_gib']:.2f} GiB"
            print(done, result["stages"], flush=True)
            runs.append(result)
        lines.append(row(engine, runs, n_events))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
