"""Time of the subgroup screens (``yunshao.ocds.screens_subgroups``) on a large bids file.

    .venv/bin/python benchmarks/screens_subgroups.py [--tenders 100000] [--runs 3]

A bids file of ``--tenders`` tenders with 2–15 bids each (uniform, lognormal prices, fixed seed) is
summarised ``--runs`` times; prints the bids, the median wall time and the rows per second. The
supervised mode of ``yunshao screens --labels`` computes these once per file, before fitting.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from yunshao.ocds.screens_subgroups import subgroup_features


def bids_file(tenders: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    counts = rng.integers(2, 16, tenders)
    ids = pd.Series(np.repeat(np.arange(tenders), counts)).map("T{:07d}".format)
    return pd.DataFrame({"tender_id": ids, "price": rng.lognormal(13.0, 1.0, len(ids))})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    bids = bids_file(args.tenders)
    times = []
    for run in range(args.runs):
        start = time.perf_counter()
        subgroup_features(bids)
        times.append(time.perf_counter() - start)
        print(f"run {run + 1}: {times[-1]:.1f} s", flush=True)
    median = statistics.median(times)
    rate = args.tenders / median
    print(f"{args.tenders:,} tenders, {len(bids):,} bids: median {median:.1f} s = {rate:,.0f} tenders/s")


if __name__ == "__main__":
    main()
