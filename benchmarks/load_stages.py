"""Where the contract loader's time goes: seconds per statement kind and table, median of several loads.

    .venv/bin/python benchmarks/load_stages.py DATASET [--runs 3] [--threads 2] [--memory-limit 2861MB]
        [--top 12]

Each run loads DATASET (`contract.loader.load_dataset`, as `yunshao run` does) into a fresh DuckDB file
in a temporary folder, through a connection that times every statement it executes; statements are
grouped by what they make (``_raw_approvals``, ``_typed_approvals``, ``approvals``, the quarantine
insert…). Printed: the median total and the median seconds of the costliest groups. To compare code
versions, run the script from /tmp with ``PYTHONPATH`` set to a worktree of the other version.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb

from yunshao.contract.loader import load_dataset

_MADE = re.compile(r"(CREATE OR REPLACE (?:TEMP )?(?:TABLE|VIEW) \S+|INSERT INTO \S+)")


class TimedConnection:
    """A DuckDB connection that adds each statement's seconds to ``seconds`` under what it makes."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self.seconds: dict[str, float] = defaultdict(float)

    def execute(self, sql: str, *args: Any) -> duckdb.DuckDBPyConnection:
        start = time.perf_counter()
        result = self._con.execute(sql, *args)
        made = _MADE.match(sql)
        self.seconds[made.group(1) if made else "other statements"] += time.perf_counter() - start
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def load_once(dataset: Path, threads: int, memory_limit: str) -> tuple[float, dict[str, float]]:
    """One load into a fresh store: total seconds and seconds per statement group."""
    with tempfile.TemporaryDirectory() as folder:
        con = duckdb.connect(str(Path(folder) / "store.duckdb"))
        con.execute(f"SET threads = {threads}")
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute("SET TimeZone = 'Asia/Shanghai'")
        timed = TimedConnection(con)
        start = time.perf_counter()
        load_dataset(dataset, timed)  # type: ignore[arg-type]  # duck-typed: only execute is timed
        total = time.perf_counter() - start
        con.close()
    return total, dict(timed.seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="2861MB")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    totals: list[float] = []
    groups: dict[str, list[float]] = defaultdict(list)
    for run in range(args.runs):
        total, seconds = load_once(args.dataset, args.threads, args.memory_limit)
        print(f"run {run + 1}: {total:.1f} s", flush=True)
        totals.append(total)
        for name, value in seconds.items():
            groups[name].append(value)
    print(f"load, median of {args.runs}: {statistics.median(totals):.1f} s")
    medians = {name: statistics.median(values) for name, values in groups.items()}
    for name, value in sorted(medians.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"{value:7.2f} s  {name}")


if __name__ == "__main__":
    main()
