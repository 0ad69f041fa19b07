"""Time of the posts step of the models stage (``training.scoring.posts_of``) on a run's store.

    .venv/bin/python benchmarks/posts_stage.py --store OUT/yunshao.duckdb [--runs 3]

Reads the store read-only: the project data, the stored model, the run's project scores and outcomes (as
``score_run`` has them when it reaches the posts), then scores the posts ``--runs`` times and prints each
wall time and the median. At 10M events the step groups 2.6M post-project links.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import duckdb

from yunshao.settings import Settings
from yunshao.training.dataset import load_project_data
from yunshao.training.labels import make_targets, read_outcomes
from yunshao.training.scoring import load_store_model, posts_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    settings = Settings()
    with duckdb.connect(str(args.store), read_only=True) as con:
        data = load_project_data(con)
        model = load_store_model(con)
        scores = con.execute("SELECT * FROM project_scores").df().set_index("project_id").reindex(data.index)
        outcomes = read_outcomes(con)
        targets = make_targets(outcomes, "project", data.index, partial_weight=settings.model.partial_weight)
        times = []
        for run in range(args.runs):
            start = time.perf_counter()
            posts = posts_of(con, scores, model, data, outcomes, settings, targets)
            times.append(time.perf_counter() - start)
            print(f"run {run + 1}: {times[-1]:.2f} s ({len(posts.frame):,} posts)", flush=True)
    print(f"median {statistics.median(times):.2f} s over {args.runs} runs")


if __name__ == "__main__":
    main()
