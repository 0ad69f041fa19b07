"""Benchmark: the 11 Cardinal indicators on 100,000 synthetic OCDS compiled releases.

Generates the releases itself (seeded), then runs ``compute_indicators_file`` with every indicator
enabled in a fresh subprocess three times, and prints one markdown row with the median wall time and
the median peak resident memory of those runs.

    .venv/bin/python benchmarks/ocds_indicators.py [--releases 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SETTINGS = """currency = USD
[R003]
[R018]
[R024]
[R025]
[R028]
[R030]
[R035]
[R036]
[R038]
[R048]
minimum_contracting_processes = 5
[R058]
"""

METHODS = ("open", "open", "open", "selective", "limited", "direct")
STATUSES = ("valid",) * 8 + ("disqualified", "withdrawn")


def synthetic_release(i: int, rng: random.Random) -> dict[str, object]:
    n_bids = rng.randint(1, 8)
    companies = rng.sample(range(5000), n_bids)
    base = rng.uniform(1e4, 1e7)
    bids = [
        {
            "id": f"b{k}",
            "status": rng.choice(STATUSES),
            "date": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00Z",
            "tenderers": [{"id": f"C{c}", "name": f"Company {c}"}],
            "value": {"amount": round(base * rng.uniform(0.9, 1.3), 2), "currency": "USD"},
        }
        for k, c in enumerate(companies)
    ]
    winner = min((b for b in bids if b["status"] == "valid"), key=lambda b: b["value"]["amount"], default=bids[0])  # type: ignore[index]
    day = rng.randint(1, 300)
    return {
        "ocid": f"ocds-bench-{i:07d}",
        "date": "2024-12-31T00:00:00Z",
        "buyer": {"id": f"GOV-{rng.randint(1, 300)}", "name": "Buyer"},
        "tender": {
            "id": "1",
            "status": rng.choice(("complete", "complete", "active", "cancelled")),
            "procurementMethod": rng.choice(METHODS),
            "procurementMethodDetails": rng.choice(("Licitación Pública", "Compra Menor", "Subasta")),
            "numberOfTenderers": n_bids,
            "procuringEntity": {"id": f"PE-{rng.randint(1, 500)}"},
            "tenderPeriod": {
                "startDate": "2024-01-01T00:00:00Z",
                "endDate": f"2024-{1 + day // 29:02d}-{1 + day % 28:02d}T00:00:00Z",
            },
            "value": {"amount": round(base * 1.2, 2), "currency": "USD"},
        },
        "bids": {"details": bids},
        "awards": [
            {
                "id": "a1",
                "status": rng.choice(("active",) * 9 + ("pending",)),
                "suppliers": winner["tenderers"],
                "value": winner["value"],
                "items": [
                    {
                        "id": str(k),
                        "classification": {"scheme": "CPV", "id": f"{rng.randint(10, 99)}{rng.randint(0, 999999):06d}"},
                    }
                    for k in range(rng.randint(1, 3))
                ],
            }
        ],
    }


def generate(path: Path, count: int) -> None:
    rng = random.Random(20240601)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            handle.write(json.dumps(synthetic_release(i, rng), ensure_ascii=False) + "\n")


def child(releases: Path, settings: Path) -> None:
    from yunshao.ocds.indicators import compute_indicators_file, dumps, load_settings

    start = time.perf_counter()
    result = compute_indicators_file(releases, load_settings(settings))
    text = dumps(result)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    flagged = {group: len(ids) for group, ids in result.items() if group != "Meta"}
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_mb, "flagged": flagged, "bytes": len(text)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--releases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="write the generated files here and keep them")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        releases, settings = folder / "releases.jsonl", folder / "settings.ini"
        generate(releases, args.releases)
        settings.write_text(SETTINGS, encoding="utf-8")
        size_mb = releases.stat().st_size / 1e6
        runs = []
        for _ in range(args.runs):
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(releases), str(settings)],
                check=True,
                capture_output=True,
                text=True,
            )
            runs.append(json.loads(done.stdout))
    seconds = statistics.median(r["seconds"] for r in runs)
    peak = statistics.median(r["peak_rss_mb"] for r in runs)
    print(f"<!-- flagged ids per group: {runs[0]['flagged']} -->")
    print("| releases | input | indicators | time (median of 3) | peak RSS | releases/s | machine |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {args.releases:,} | {size_mb:.0f} MB JSONL | all 11 | {seconds:.1f} s | {peak:.0f} MB "
        f"| {args.releases / seconds:,.0f} | {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()} |"
    )


if __name__ == "__main__":
    main()
