"""Load test of the API on loopback: latency of single-project scoring (with explanation) at 1, 10 and 50
concurrent clients, the throughput of batch scoring, and the inspectors' workbench at 50 clients: case
transitions (assign → check → verdict → rectify → close, each case walked by one client) and inbox reads
(``GET /v1/cases?mine=true``). Bounded in requests and in time.

    .venv/bin/python benchmarks/api_load.py --store OUT/yunshao.duckdb [--requests 200] [--seconds 60]
    .venv/bin/python benchmarks/api_load.py --store OUT/yunshao.duckdb --clients "" --reads 0 --batch-rounds 0 \
        --case-walks 200 --inbox 2000      # the workbench alone

Starts ``uvicorn yunshao.serving.asgi:create`` as a subprocess (one worker, like ``yunshao serve``), with
a temporary admin key and a fresh case store, which the server fills from the store's warnings when it
starts (``cases.sync_on_start``, as ``yunshao cases sync`` does), and sends the store's own projects as
bundles. Prints a Markdown table (paste it into BENCHMARKS.md) and, with --json, writes the figures.

    .venv/bin/python benchmarks/api_load.py --store OUT/yunshao.duckdb --passes 15 [--pass-sizes 1,10,200]

instead scores in process (no server, no HTTP) and prints the median milliseconds of one pass per stage
and per node kind, with every node materialised (as a batch run) and with the nodes read once inlined as
views (as the API runs): where the milliseconds of a pass go.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
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


#: one request of a closed-loop client: method, path, body, and whether the reply counts as a success
Call = tuple[str, str, bytes | None, Callable[[httpx.Response], bool]]
#: the rows of the printed table
LABELS = {
    "score": "POST /v1/score",
    "read": "GET /v1/projects/{id}",
    "transition": "POST /v1/cases/{id}/transitions",
    "inbox": "GET /v1/cases?mine=true",
}
#: the name of the benchmark's key: the inspector the walked cases are assigned to, so its inbox holds them
KEY_NAME = "bench"


async def _load(
    base: str,
    key: str,
    kind: str,
    calls: Callable[[int], Iterator[Call]],
    clients: int,
    requests: int,
    seconds: float,
) -> dict[str, Any]:
    """``clients`` closed-loop clients share a budget of ``requests`` or ``seconds``, whichever ends first;
    client ``n`` sends what ``calls(n)`` yields, one request at a time, until the budget or its calls end.
    Every request is timed; a failed check, a refused request or a transport error is an error."""
    latencies: list[float] = []
    errors = 0
    sent = 0
    stop_at = time.monotonic() + seconds
    headers = {"X-API-Key": key, "Content-Type": "application/json"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120, limits=limits) as http:

        async def client(n: int) -> None:
            nonlocal errors, sent
            for method, path, body, good in calls(n):
                if sent >= requests or time.monotonic() >= stop_at:
                    return
                sent += 1
                t0 = time.perf_counter()
                try:
                    ok = good(await http.request(method, path, content=body))
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t0)
                errors += 0 if ok else 1

        started = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(clients)))
        wall = time.perf_counter() - started
    return {
        "kind": kind,
        "clients": clients,
        "requests": len(latencies),
        "errors": errors,
        "p50_ms": 1000 * _pct(latencies, 0.50),
        "p99_ms": 1000 * _pct(latencies, 0.99),
        "mean_ms": 1000 * statistics.fmean(latencies) if latencies else float("nan"),
        "req_per_s": len(latencies) / wall if wall else float("nan"),
    }


def _scored(reply: httpx.Response) -> bool:
    """A score (``POST /v1/score``) or a stored project (``GET /v1/projects/{id}``) with its risk."""
    answer = reply.json() if reply.status_code == 200 else {}
    return (answer.get("project") or answer).get("risk_score") is not None


def _score_calls(bodies: list[bytes]) -> Callable[[int], Iterator[Call]]:
    """Each client scores bundles of the store's projects, drawn at random."""

    def calls(n: int) -> Iterator[Call]:
        rng = random.Random(n)
        while True:
            yield "POST", "/v1/score", rng.choice(bodies), _scored

    return calls


def _read_calls(ids: list[str]) -> Callable[[int], Iterator[Call]]:
    """Each client reads stored projects back: the run's answer, its hits and factors, audited."""

    def calls(n: int) -> Iterator[Call]:
        rng = random.Random(n)
        while True:
            yield "GET", f"/v1/projects/{rng.choice(ids)}", None, _scored

    return calls


def _walk(today: dt.date) -> list[tuple[dict[str, Any], str]]:
    """The steps of a case from new to closed through a confirmed verdict, and the state each reaches."""
    due, fixed_by = (today + dt.timedelta(days=30)).isoformat(), (today + dt.timedelta(days=60)).isoformat()
    return [
        ({"action": "assign", "assigned_unit": "bench-unit", "inspector": KEY_NAME, "deadline": due}, "assigned"),
        ({"action": "check", "note": "核查中"}, "checking"),
        ({"action": "verdict", "verdict": "confirmed", "note": "属实"}, "confirmed"),
        ({"action": "rectify", "measures": "退还多付款项", "rectify_deadline": fixed_by}, "rectifying"),
        ({"action": "close", "closing_evidence": "整改报告及退款凭证"}, "closed"),
    ]


def _reached(state: str) -> Callable[[httpx.Response], bool]:
    return lambda reply: reply.status_code == 200 and reply.json().get("state") == state


def _walk_calls(case_ids: list[int], today: dt.date) -> Callable[[int], Iterator[Call]]:
    """Each client takes the next case no client has taken and walks it to closed, one transition a call."""
    queue = list(reversed(case_ids))  # shared by the clients: a case is walked by one of them only
    steps = [(json.dumps(body, ensure_ascii=False).encode(), _reached(state)) for body, state in _walk(today)]

    def calls(n: int) -> Iterator[Call]:
        while queue:
            path = f"/v1/cases/{queue.pop()}/transitions"
            for body, good in steps:
                yield "POST", path, body, good

    return calls


def _inbox_calls() -> Callable[[int], Iterator[Call]]:
    """Each client reads the key's inbox (its cases by deadline, first page), which must not be empty."""

    def good(reply: httpx.Response) -> bool:
        return reply.status_code == 200 and reply.json()["total"] > 0

    def calls(n: int) -> Iterator[Call]:
        while True:
            yield "GET", "/v1/cases?mine=true", None, good

    return calls


def _new_cases(base: str, key: str, wanted: int) -> list[int]:
    """Ids of up to ``wanted`` cases still new (the server opened them from the store's warnings)."""
    ids: list[int] = []
    with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as http:
        page = 1
        while len(ids) < wanted:
            reply = http.get("/v1/cases", params={"state": "new", "page_size": 500, "page": page})
            items = reply.raise_for_status().json()["items"]
            if not items:
                break
            ids.extend(int(c["case_id"]) for c in items)
            page += 1
    return ids[:wanted]


def _cases(base: str, key: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Case transitions on distinct cases, then inbox reads, each at ``--case-clients``."""
    levels = []
    if args.case_walks:
        ids = _new_cases(base, key, args.case_walks)
        if len(ids) < args.case_walks:
            print(f"note: the store opened {len(ids)} cases; walking those", file=sys.stderr)
        walks = _walk_calls(ids, dt.date.today())
        levels.append(asyncio.run(_load(base, key, "transition", walks, args.case_clients, 5 * len(ids), args.seconds)))
    if args.inbox:
        inbox = _inbox_calls()
        levels.append(asyncio.run(_load(base, key, "inbox", inbox, args.case_clients, args.inbox, args.seconds)))
    return levels


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
    cols: tuple[str, ...] = (
        "tables",
        "step_nodes",
        "features_nodes",
        "wide_nodes",
        "features",
        "rule_steps",
        "rule_sql",
        "rules",
    )
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
    parser.add_argument("--batch-rounds", type=int, default=3, help="batch calls; median reported (0: none)")
    parser.add_argument("--reads", type=int, default=2000, help="request budget of the read level (0: none)")
    parser.add_argument("--read-clients", type=int, default=50)
    parser.add_argument("--case-walks", type=int, default=200, help="distinct cases walked to closed (0: none)")
    parser.add_argument("--inbox", type=int, default=2000, help="request budget of the inbox level (0: none)")
    parser.add_argument("--case-clients", type=int, default=50, help="clients of the transition and inbox levels")
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
    scoring = any(c.strip() for c in args.clients.split(",")) or args.batch_rounds > 0
    wanted = max(args.sample if scoring or args.reads else 0, args.batch_size if args.batch_rounds else 0)
    chosen = rng.sample(all_ids, min(wanted, len(all_ids))) or ids
    bundles = [b for b in (reader.bundle(p) for p in chosen) if b]
    reader.close()
    bodies = [json.dumps(b, ensure_ascii=False).encode() for b in bundles[: args.sample]]
    args.batch_size = min(args.batch_size, len(bundles))  # distinct projects: keys must be unique per call
    if args.passes:
        _profile(store, bundles, [int(n) for n in args.pass_sizes.split(",")], args.passes)
        return

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        key = KeyStore(work / "keys.sqlite").create("admin", KEY_NAME)[1]
        base = f"http://127.0.0.1:{args.port}"
        t0 = time.perf_counter()
        proc = _start(store, work / "keys.sqlite", work / "state.sqlite", args.port, work, args.workers)
        try:
            health = _wait(base, proc)
            startup = time.perf_counter() - t0
            if scoring and not health.get("scoring"):
                raise SystemExit(f"scoring is not available: {health}")
            levels = [
                asyncio.run(_load(base, key, "score", _score_calls(bodies), int(c), args.requests, args.seconds))
                for c in args.clients.split(",")
                if c.strip()
            ]
            if args.reads:
                read_ids = [str(b["project"]["project_id"]) for b in bundles[: args.sample]]
                reads = _read_calls(read_ids)
                levels.append(asyncio.run(_load(base, key, "read", reads, args.read_clients, args.reads, args.seconds)))
            levels += _cases(base, key, args)
            batch = _batch(base, key, bundles, args.batch_size, args.batch_rounds) if args.batch_rounds else None
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    print(
        f"\nstore {store} · {len(bodies) if scoring or args.reads else 0} distinct bundles · "
        f"model {health.get('model_version')} · "
        f"start-up {startup:.1f}s · {os.cpu_count()} cores · {platform.python_version()}\n"
    )
    print("| request | clients | requests | errors | p50 ms | p99 ms | mean ms | req/s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in levels:
        print(
            f"| {LABELS[r['kind']]} | {r['clients']} | {r['requests']} | {r['errors']} | {r['p50_ms']:.0f} | "
            f"{r['p99_ms']:.0f} | {r['mean_ms']:.0f} | {r['req_per_s']:.1f} |"
        )
    if batch:
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
