"""Simulate + run at 100k, 1M and 10M approval events: wall time, peak memory, feature SQL alone.

    .venv/bin/python benchmarks/spine.py [--scales 100k,1M,10M] [--repeat 3] [--workdir /tmp/yunshao-bench]

Each `yunshao simulate` and `yunshao run` is its own process, so its peak RSS (ru_maxrss of the child)
is measured alone. Stage times come from OUT/run.json. Prints a markdown table of medians.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

YUNSHAO = str(Path(sys.executable).with_name("yunshao"))
EVENTS_PER_PROJECT_GUESS = 27.4  # measured: 10.04M events at 365k projects
SCALES = {"100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (GiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    # RUSAGE_CHILDREN keeps the maximum over all children waited for so far: run each measure in a fresh
    # interpreter (see main) so that this is the peak of this command alone.
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, peak_kib / 1024 / 1024


def count_events(dataset: Path) -> int:
    return int(duckdb.sql(f"SELECT count(*) FROM read_parquet('{dataset}/approvals*.parquet')").fetchall()[0][0])


def measure_once(kind: str, dataset: Path, out: Path, projects: int, seed: int) -> None:
    """Runs in a child interpreter; prints one JSON line."""
    if kind == "simulate":
        seconds, peak = timed([YUNSHAO, "simulate", str(dataset), "--projects", str(projects), "--seed", str(seed)])
        print(json.dumps({"seconds": seconds, "peak_gib": peak, "events": count_events(dataset)}))
    else:
        seconds, peak = timed([YUNSHAO, "run", str(dataset), "--out", str(out)])
        stages = json.loads((out / "run.json").read_text(encoding="utf-8"))["seconds"]
        print(json.dumps({"seconds": seconds, "peak_gib": peak, "stages": stages}))


def child(kind: str, dataset: Path, out: Path, projects: int, seed: int) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, str(dataset), str(out), str(projects), str(seed)]
    line = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return json.loads(line)


def bench_scale(label: str, events: int, repeat: int, workdir: Path) -> dict:
    projects = max(200, int(events / EVENTS_PER_PROJECT_GUESS))
    sims, runs = [], []
    for i in range(repeat):
        dataset, out = workdir / f"{label}-ds", workdir / f"{label}-out"
        sims.append(child("simulate", dataset, out, projects, 11))
        runs.append(child("run", dataset, out, projects, 11))
        print(
            f"  {label} #{i + 1}: simulate {sims[-1]['seconds']:.1f}s, run {runs[-1]['seconds']:.1f}s", file=sys.stderr
        )
    med = statistics.median
    return {
        "scale": label,
        "projects": projects,
        "events": sims[0]["events"],
        "simulate_s": med(s["seconds"] for s in sims),
        "simulate_gib": med(s["peak_gib"] for s in sims),
        "run_s": med(r["seconds"] for r in runs),
        "run_gib": med(r["peak_gib"] for r in runs),
        **{
            f"{k}_s": med(r["stages"].get(k, float("nan")) for r in runs)
            for k in ("load", "features", "rules", "models")
        },
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, dataset, out, projects, seed = sys.argv[2:7]
        measure_once(kind, Path(dataset), Path(out), int(projects), int(seed))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="100k,1M,10M")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/yunshao-bench"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows = [bench_scale(s, SCALES[s], args.repeat, args.workdir) for s in args.scales.split(",")]
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, cores={__import__('os').cpu_count()}, "
        f"python {platform.python_version()}, duckdb {duckdb.__version__}; median of {args.repeat} runs"
    )
    print(
        "| scale | projects | approval events | simulate s | simulate peak GiB | run s | run peak GiB "
        "| load s | features s | rules s | models s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['scale']} | {r['projects']:,} | {r['events']:,} | {r['simulate_s']:.1f} | {r['simulate_gib']:.2f} "
            f"| {r['run_s']:.1f} | {r['run_gib']:.2f} | {r['load_s']:.1f} | {r['features_s']:.1f} "
            f"| {r['rules_s']:.1f} | {r['models_s']:.1f} |"
        )


if __name__ == "__main__":
    main()
