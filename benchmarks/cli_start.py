"""Time and memory of the CLI's start-up: `yunshao --help` and `yunshao rules list`, each a fresh process.

    .venv/bin/python benchmarks/cli_start.py [--runs 5] [--yunshao .venv/bin/yunshao]

A command a user types to look around should answer at once, so what is measured is the whole process:
wall time from spawn to exit and its peak resident memory (the child's ru_maxrss, read through wait4 so
each run is measured on its own). Prints the median of --runs runs per command as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

COMMANDS: tuple[tuple[str, ...], ...] = (("--help",), ("rules", "list"))


@dataclass(frozen=True)
class Sample:
    """One process: wall seconds and peak RSS in MiB."""

    seconds: float
    peak_mib: float


def default_cli() -> str:
    """The venv's `yunshao` beside this interpreter, else the one on PATH."""
    beside = Path(sys.executable).with_name("yunshao")
    return str(beside) if beside.exists() else (shutil.which("yunshao") or "yunshao")


def measure(argv: list[str]) -> Sample:
    """Run one process to completion; its own peak RSS comes from wait4, not from the whole process tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {err.strip()[-500:]}")
    return Sample(seconds=seconds, peak_mib=usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux


def median_of(argv: list[str], runs: int) -> Sample:
    """Median wall time and median peak RSS of `runs` runs (one warm-up run first fills the page cache)."""
    measure(argv)
    samples = [measure(argv) for _ in range(runs)]
    return Sample(
        seconds=statistics.median(s.seconds for s in samples),
        peak_mib=statistics.median(s.peak_mib for s in samples),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--yunshao", default=default_cli(), help="the CLI executable to time")
    args = parser.parse_args()

    print("| command | runs | wall s (median) | peak RSS MiB (median) |\n|---|---:|---:|---:|")
    for command in COMMANDS:
        sample = median_of([args.yunshao, *command], args.runs)
        print(f"| yunshao {' '.join(command)} | {args.runs} | {sample.seconds:.2f} | {sample.peak_mib:.0f} |")


if __name__ == "__main__":
    main()
