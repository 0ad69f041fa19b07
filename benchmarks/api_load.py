"""Load test of the scoring API on loopback: latency of single-project scoring (with explanation) at 1, 10
and 50 concurrent clients, and the throughput of batch scoring. Bounded in requests and in time.

    .venv/bin/python benchmarks/api_load.py --store OUT/yunshao.duckdb [--requests 200] [--seconds 60]

Starts ``uvicorn yunshao.serving.asgi:create`` as a subprocess (one worker, like ``yunshao serve``), with
a temporary admin key, and sends the store's own projects as bundles. Prints a Markdown table (paste it
into BENCHMARKS.md) and, with --json, writes the figures.

    .venv/bin/python benchmarks/api_load.py --store OUT/yunshao.duckdb --passes 15 [--pass-sizes 1,10,200]

instead scores in process (no server, no HTTP) and prints the median milliseconds of one pass per stage
and per node kind, with every node materialised (as a batch run) and with the nodes read once inlined as
views (as the API runs): where the milliseconds of a pass go.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from yunshao.serving.keys import KeyStore
from yunshao.serving.store import Store

ROOT = Path(__file__).resolve().parents[1]


def _start(
    store: Path, keys_db: Path, state_db: Path, port: int, workdir: Path, workers: int = 1
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "YUNSHAO_SERVE__STORE": str(store),
        "YUNSHAO_SERVE__KEYS_DB": str(keys_db),
        "YUNSHAO_SERVE__STATE_DB": str(state_db),
        "PYTHONPATH": str(ROOT),
    }
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "yunshao.serving.asgi:create",
        "--factory",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(cmd, env=env, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def _wait(base: str, proc: subprocess.Popen[bytes], seconds: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            reply = httpx.get(base + "/health", timeout=2)
            if reply.status_code == 200:
                return dict(reply.json())
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("server did not start")


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _load(
    base: str,
    key: str,
    bodies: list[bytes],
    clients: int,
    requests: int,
    seconds: float,
    reads: list[str] | None = None,
) -> dict[str, Any]:
    """``clients`` closed-loop clients share a budget of ``requests`` or ``seconds``, whichever ends first.

    Each request scores a bundle (``POST /v1/score``), or, given ``reads``, reads one of those stored projects
    back (``GET /v1/projects/{id}``: the run's answer, its hits and factors, audited).
    """
    latencies: list[float] = []
    errors = 0
    sent = 0
    stop_at = time.monotonic() + seconds
    headers = {"X-API-Key": key, "Content-Type": "application/json"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120, limits=limits) as http:

        async def client(n: int) -> None:
            nonlocal errors, sent
            rng = random.Random(n)
            while sent < requests and time.monotonic() < stop_at:
                sent += 1
                t0 = time.perf_counter()
                try:
                    if reads:
                        reply = await http.get(f"/v1/projects/{rng.choice(reads)}")
                    else:
                        reply = await http.post("/v1/score", content=rng.choice(bodies))
                    answer = reply.json() if reply.status_code == 200 else {}
                    ok = (answer.get("project") or answer).get("risk_score") is not None
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t0)
                errors += 0 if ok else 1

        started = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(clients)))
        wall = time.perf_counter() - started
    return {
        "kind": "read" if reads else "score",
        "clients": clients,
        "requests": len(latencies),
        "errors": errors,
        "p50_ms": 1000 * _pct(latencies, 0.50),
        "p99_ms": 1000 * _pct(latencies, 0.99),
        "mean_ms": 1000 * statistics.fmean(latencies) if latencies else float("nan"),
        "req_per_s": len(latencies) / wall if wall else float("nan"),
    }


def _batch(base: str, key: str, bundles: list[dict[str, Any]], size: int, rounds: int) -> dict[str, Any]:
    body = json.dumps({"bundles": bundles[:size]}, ensure_ascii=False).encode()
    times = []
    with httpx.Client(
        base_url=base, headers={"X-API-Key": key, "Content-Type": "application/json"}, timeout=600
    ) as http:
        for _ in range(rounds):
            t0 = time.perf_counter()
            reply = http.post("/v1/score/batch", content=body)
            times.append(time.perf_counter() - t0)
            if reply.status_code != 200:
                raise SystemExit(f"batch failed: {reply.status_code} {reply.text[:300]}")
    median = statistics.median(times)
    return {
        "size": size,
        "rounds": rounds,
        "median_s": median,
        "seconds": times,
        "projects_per_s": size / median,
        "body_mb": len(body) / 1e6,
    }


def _pass_medians(store: Path, bundles: list[dict[str, Any]], size: int, passes: int, inline: bool) -> dict[str, float]:
    """Median seconds per stage and node kind of ``passes`` in-process passes of ``size`` bundles each."""
    from yunshao.serving.batch_scoring import ScoringEngine
    from yunshao.serving.loaded_model import load_model, score_fn
    from yunshao.serving.models.contract_rows import ProjectBundle
    from yunshao.settings import Settings

    settings = Settings()
    settings.model.use_champion = False
    loaded, _ = load_model(settings, store)
    if loaded is None:
        raise SystemExit("the store holds no model")
    models = [ProjectBundle.model_validate(b) for b in bundles]
    engine = ScoringEngine(store, settings, score_fn(loaded, settings), inline=inline)
    engine.score(models[:size])  # warm-up: catalogs read, checked SQL kept
    seen: dict[str, list[float]] = {}
    for n in range(passes):
        start = (n * size) % max(1, len(models) - size)
        engine.score(models[start : start + size])
        for name, seconds in {**engine.timings.steps, **engine.timings.nodes}.items():
            seen.setdefault(name, []).append(seconds)
    engine.close()
    return {name: statistics.median(values) for name, values in seen.items()}


def _profile(store: Path, bundles: list[dict[str, Any]], sizes: list[int], passes: int) -> None:
    cols = ("tables", "step_nodes", "features_nodes", "wide_nodes", "features", "rule_steps", "rule_sql", "rules")
    cols += ("model", "assemble", "total")
    print(f"| bundles | nodes read once | {' | '.join(cols)} |")
    print(f"|---:|---|{'---:|' * len(cols)}")
    for size in sizes:
        for inline in (False, True):
            med = _pass_medians(store, bundles, size, passes, inline)
            row = " | ".join(f"{1000 * med.get(c, 0.0):.0f}" for c in cols)
            print(f"| {size} | {'views' if inline else 'tables'} | {row} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True, help="OUT/yunshao.duckdb of a `yunshao run`")
    parser.add_argument("--clients", default="1,10,50", help="concurrency levels")
    parser.add_argument("--requests", type=int, default=200, help="request budget per level")
    parser.add_argument("--seconds", type=float, default=60.0, help="time budget per level")
    parser.add_argument("--sample", type=int, default=200, help="distinct projects sent as bundles")
    parser.add_argument("--batch-size", type=int, default=2000, help="bundles per batch call")
    parser.add_argument("--batch-rounds", type=int, default=3, help="batch calls; the median is reported")
    parser.add_argument("--reads", type=int, default=2000, help="request budget of the read level (0: none)")
    parser.add_argument("--read-clients", type=int, default=50)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--passes", type=int, default=0, help="in process: time this many passes per size")
    parser.add_argument("--pass-sizes", default="1,10,200", help="bundles per in-process pass")
    args = parser.parse_args()

    store = args.store / "yunshao.duckdb" if args.store.is_dir() else args.store
    reader = Store(store)
    ids = [r["project_id"] for r in reader.rows("warm_project")]
    all_ids = [
        str(r[0]) for r in reader.cursor().execute("SELECT project_id FROM projects ORDER BY project_id").fetchall()
    ]
    rng = random.Random(0)
    chosen = rng.sample(all_ids, min(max(args.sample, args.batch_size), len(all_ids))) or ids
    bundles = [b for b in (reader.bundle(p) for p in chosen) if b]
    reader.close()
    bodies = [json.dumps(b, ensure_ascii=False).encode() for b in bundles[: args.sample]]
    args.batch_size = min(args.batch_size, len(bundles))  # distinct projects: keys must be unique per call
    if args.passes:
        _profile(store, bundles, [int(n) for n in args.pass_sizes.split(",")], args.passes)
        return

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        key = KeyStore(work / "keys.sqlite").create("admin", "bench")[1]
        base = f"http://127.0.0.1:{args.port}"
        t0 = time.perf_counter()
        proc = _start(store, work / "keys.sqlite", work / "state.sqlite", args.port, work, args.workers)
        try:
            health = _wait(base, proc)
            startup = time.perf_counter() - t0
            if not health.get("scoring"):
                raise SystemExit(f"scoring is not available: {health}")
            levels = [
                asyncio.run(_load(base, key, bodies, int(c), args.requests, args.seconds))
                for c in args.clients.split(",")
                if c.strip()
            ]
            if args.reads:
                read_ids = [str(b["project"]["project_id"]) for b in bundles[: args.sample]]
                levels.append(asyncio.run(_load(base, key, [], args.read_clients, args.reads, args.seconds, read_ids)))
            batch = _batch(base, key, bundles, args.batch_size, args.batch_rounds)
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    print(
        f"\nstore {store} · {len(bodies)} distinct bundles · model {health.get('model_version')} · "
        f"start-up {startup:.1f}s · {os.cpu_count()} cores · {platform.python_version()}\n"
    )
    print("| request | clients | requests | errors | p50 ms | p99 ms | mean ms | req/s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in levels:
        what = "GET /v1/projects/{id}" if r["kind"] == "read" else "POST /v1/score"
        print(
            f"| {what} | {r['clients']} | {r['requests']} | {r['errors']} | {r['p50_ms']:.0f} | {r['p99_ms']:.0f} | "
            f"{r['mean_ms']:.0f} | {r['req_per_s']:.1f} |"
        )
    print(
        f"\nbatch: {batch['size']} bundles ({batch['body_mb']:.1f} MB) in {batch['median_s']:.2f}s (median of "
        f"{batch['rounds']}) = {batch['projects_per_s']:.0f} projects/s"
    )
    if args.json:
        args.json.write_text(
            json.dumps({"levels": levels, "batch": batch, "health": health, "startup_s": startup}, indent=2)
        )


if __name__ == "__main__":
    main()
