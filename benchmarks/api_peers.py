"""What the peer neighbourhood of a scored bundle buys, and what it costs: for each value of
``serve.neighbour_projects``, the store's own projects are scored one bundle per pass (in process, no HTTP)
and compared with what `yunshao run` wrote for them (level, rule hits, risk score), with the pass's time.

    .venv/bin/python benchmarks/api_peers.py --store OUT/yunshao.duckdb [--k 200,50,10,0] [--sample 40]

Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from yunshao.serving.batch_scoring import ScoringEngine
from yunshao.serving.loaded_model import load_model, score_fn
from yunshao.serving.models.contract_rows import ProjectBundle
from yunshao.serving.store import Store
from yunshao.settings import Settings


def _stored(store: Store) -> dict[str, tuple[str, float, set[str]]]:
    rows = store.cursor().execute("SELECT project_id, level, risk_score, rule_hits FROM project_scores").fetchall()
    return {str(r[0]): (r[1], float(r[2]), set(r[3] or [])) for r in rows}


def _measure(
    store_path: Path, k: int, bundles: list[ProjectBundle], want: dict[str, tuple[str, float, set[str]]]
) -> dict[str, float]:
    settings = Settings()
    settings.model.use_champion = False  # the model the run kept: the one that wrote the compared scores
    settings.serve.neighbour_projects = k
    loaded, _ = load_model(settings, store_path)
    if loaded is None:
        raise SystemExit("the store holds no model")
    engine = ScoringEngine(store_path, settings, score_fn(loaded, settings), model_version=loaded.version)
    engine.score(bundles[:1])  # warm-up: catalogs read, checked SQL kept
    seconds, level_ok, hits_ok, diffs, peers = [], 0, 0, [], []
    for bundle in bundles:
        t0 = time.perf_counter()
        result = engine.score([bundle])[0]
        seconds.append(time.perf_counter() - t0)
        peers.append(engine.con.execute("SELECT count(*) FROM projects").fetchall()[0][0] - 1)
        level, risk, hits = want[result["project_id"]]
        level_ok += result["level"] == level
        hits_ok += {h["rule_id"] for h in result["rule_hits"]} == hits
        diffs.append(abs((result["risk_score"] or 0.0) - risk))
    engine.close()
    n = len(bundles)
    return {
        "k": k,
        "n": n,
        "peers": statistics.median(peers),
        "pass_ms": 1000 * statistics.median(seconds),
        "level": level_ok / n,
        "hits": hits_ok / n,
        "risk_diff": max(diffs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--k", default="200,50,10,0", help="values of serve.neighbour_projects")
    parser.add_argument("--sample", type=int, default=40, help="projects scored per value")
    args = parser.parse_args()
    path = args.store / "yunshao.duckdb" if args.store.is_dir() else args.store
    store = Store(path)
    want = _stored(store)
    ids = sorted(want)
    chosen = random.Random(0).sample(ids, min(args.sample, len(ids)))
    bundles = [ProjectBundle.model_validate(store.bundle(pid)) for pid in chosen]
    store.close()
    print(
        "| neighbour_projects | projects | median peers | pass ms (median) | same level | same hits | max risk diff |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for k in (int(v) for v in args.k.split(",")):
        r = _measure(path, k, bundles, want)
        print(
            f"| {r['k']} | {r['n']} | {r['peers']:.0f} | {r['pass_ms']:.0f} | {100 * r['level']:.0f} % | "
            f"{100 * r['hits']:.0f} % | {r['risk_diff']:.2f} |"
        )


if __name__ == "__main__":
    main()
