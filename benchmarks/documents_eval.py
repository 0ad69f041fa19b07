"""How well does the documents stage find the traces a simulated bid-rigging ring leaves in its files?

    .venv/bin/python benchmarks/documents_eval.py [--projects 1000] [--seeds 1] [--profiles default hillcounty]
        [--work /tmp/documents_eval] [--out-md docs/documents-eval.md]

Per profile × seed a county is simulated with bid files (``yunshao simulate --documents``) and run twice:
once as simulated, once from a copy of the dataset folder without ``bid_documents`` (no documents stage).
Judged against the simulator's truth (``OUT_truth/documents_truth.parquet`` and ``planted.parquet``):

1. per planted signal, recall at the level the signal lives (pair of bids, bid + named bid, tender) in the
   stage's tables, and whether the corresponding rule fired on that tender;
2. per document rule, tender-level precision against "the tender has a planted ring", recall of ring
   tenders, and hits on tenders whose only traces are lawful look-alikes;
3. the models' project-level AP with and without documents, on projects without a handed-over label.

Nothing is tuned here: the figures are whatever the run measures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
YUNSHAO = str(Path(sys.executable).with_name("yunshao"))
RULES = ("BID-DOC-META", "BID-DOC-TEXT", "BID-DOC-MIX", "BID-DOC-PM", "BID-AGENT", "BID-BROKER")
#: signal → (table the stage should hold it in, rule(s) expected to fire on the tender, " or " between)
SIGNALS = {
    "shared_author": ("doc_meta_links (author / last_modified_by)", "BID-DOC-META"),
    "shared_company_meta": ("doc_meta_links (company) or doc_mixups (company property)", "BID-DOC-META or BID-DOC-MIX"),
    "shared_passage": ("doc_passages", "BID-DOC-TEXT"),
    "same_price_structure": ("doc_pairs.same_price_structure", "BID-DOC-TEXT"),
    "same_pm_name": ("doc_shared_people", "BID-DOC-PM"),
    "company_mixup": ("doc_mixups", "BID-DOC-MIX"),
    "broker": (None, "BID-BROKER"),
}
LOOKALIKES = ("tender_boilerplate", "agency_template", "consortium", "default_office_company")


def _sh(*args: str) -> None:
    # fit the model in each run: a champion in the registry would score both runs with one foreign model
    env = {**os.environ, "YUNSHAO_MODEL__USE_CHAMPION": "false"}
    subprocess.run([YUNSHAO, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def _pair(a: Any, b: Any) -> frozenset[str]:
    return frozenset((str(a), str(b)))


def _tender_hits(run: Path) -> dict[str, set[str]]:
    """Rule → tenders it warned on."""
    w = pd.read_parquet(run / "warnings.parquet")
    w = w[w["rule_id"].isin(RULES)]
    out: dict[str, set[str]] = {r: set() for r in RULES}
    for rule, etype, eid, ev in zip(w["rule_id"], w["entity_type"], w["entity_id"], w["evidence"], strict=True):
        tid = eid if etype == "tender" else (json.loads(ev or "{}").get("tender_id"))
        if tid:
            out[rule].add(str(tid))
    return out


def signal_recall(truth: pd.DataFrame, con: duckdb.DuckDBPyConnection, hits: dict[str, set[str]]) -> list[dict]:
    meta = con.execute("SELECT bid_a, bid_b, field FROM doc_meta_links").df()
    author = {_pair(a, b) for a, b, f in meta.itertuples(index=False) if f in ("author", "last_modified_by")}
    company = {_pair(a, b) for a, b, f in meta.itertuples(index=False) if f == "company"}
    passages = {_pair(a, b) for a, b in con.execute("SELECT DISTINCT bid_a, bid_b FROM doc_passages").fetchall()}
    price = {
        _pair(a, b) for a, b in con.execute("SELECT bid_a, bid_b FROM doc_pairs WHERE same_price_structure").fetchall()
    }
    people = {_pair(a, b) for a, b in con.execute("SELECT DISTINCT bid_a, bid_b FROM doc_shared_people").fetchall()}
    mix = {
        (str(a), str(b))
        for a, b in con.execute("SELECT bid_id, named_bid_id FROM doc_mixups WHERE place = 'text'").fetchall()
    }
    mix_property = {
        (str(a), str(b))
        for a, b in con.execute("SELECT bid_id, named_bid_id FROM doc_mixups WHERE place = 'company'").fetchall()
    }
    found = {
        "shared_author": lambda r: _pair(r.bid_id, r.other_bid_id) in author,
        "shared_company_meta": lambda r: (
            _pair(r.bid_id, r.other_bid_id) in company or (str(r.bid_id), str(r.other_bid_id)) in mix_property
        ),
        "shared_passage": lambda r: _pair(r.bid_id, r.other_bid_id) in passages,
        "same_price_structure": lambda r: _pair(r.bid_id, r.other_bid_id) in price,
        "same_pm_name": lambda r: _pair(r.bid_id, r.other_bid_id) in people,
        "company_mixup": lambda r: (str(r.bid_id), str(r.other_bid_id)) in mix,
    }
    rows = []
    planted = truth[truth["planted"]]
    for signal, (table, rule) in SIGNALS.items():
        sub = planted[planted["signal"] == signal]
        if signal == "broker":  # one row per bid handled; it lives at the tender
            sub = sub.drop_duplicates("tender_id")
        n = len(sub)
        in_table = sum(bool(found[signal](r)) for r in sub.itertuples()) if signal in found else None
        warned = set().union(*(hits[r] for r in rule.split(" or "))) if rule else set()
        fired = sum(str(t) in warned for t in sub["tender_id"]) if rule else None
        rows.append(
            {
                "signal": signal,
                "unit": "tender"
                if signal == "broker"
                else ("bid → named bid" if signal == "company_mixup" else "pair of bids"),
                "planted": n,
                "table": table,
                "found": in_table,
                "rule": rule,
                "fired": fired,
            }
        )
    return rows


def rule_precision(truth: pd.DataFrame, ring_tenders: set[str], hits: dict[str, set[str]]) -> list[dict]:
    look = set(truth.loc[truth["signal"].isin(LOOKALIKES) & ~truth["planted"], "tender_id"].astype(str))
    only_look = look - ring_tenders
    rows = []
    for rule in RULES:
        h = hits[rule]
        tp = len(h & ring_tenders)
        rows.append(
            {
                "rule": rule,
                "tenders_hit": len(h),
                "ring_hit": tp,
                "precision": tp / len(h) if h else None,
                "recall": tp / len(ring_tenders) if ring_tenders else None,
                "lookalike_only_hits": len(h & only_look),
            }
        )
    return rows


def _ap(run: Path, truth_dir: Path, dataset: Path) -> dict[str, float | None]:
    from yunshao.training.evaluate import average_precision

    scores = pd.read_parquet(run / "project_scores.parquet").set_index("project_id")["risk_score"]
    labels = pd.read_parquet(dataset / "labels.parquet")
    handed = set(labels.loc[labels["entity_type"] == "project", "entity_id"].astype(str))
    planted = pd.read_parquet(truth_dir / "planted.parquet")
    schemes = planted.groupby("project_id")["scheme"].agg(set)
    keep = [p for p in scores.index if str(p) not in handed]
    s = scores.reindex(keep).to_numpy()
    any_scheme = np.array([p in schemes.index for p in keep], dtype=int)
    rigging = np.array([p in schemes.index and "bid_rigging" in schemes[p] for p in keep], dtype=int)
    out = {"ap_all": average_precision(any_scheme, s), "ap_bid_rigging": average_precision(rigging, s)}
    out.update({"judged": len(keep), "planted": int(any_scheme.sum()), "rigging": int(rigging.sum())})
    return {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in out.items()}


def evaluate(profile: str, seed: int, n: int, work: Path) -> dict[str, Any]:
    key = f"{profile}-n{n}-s{seed}"
    ds, truth_dir = work / key, work / f"{key}_truth"
    run_with, run_without, ds_without = work / f"{key}.run", work / f"{key}.run-nodocs", work / f"{key}-nodocs"
    if not (truth_dir / "documents_truth.parquet").exists():
        _sh("simulate", str(ds), "--projects", str(n), "--seed", str(seed), "--documents", "--profile", profile)
    start = time.perf_counter()
    _sh("run", str(ds), "--out", str(run_with))
    wall_with = time.perf_counter() - start
    if ds_without.exists():
        shutil.rmtree(ds_without)
    shutil.copytree(ds, ds_without, ignore=shutil.ignore_patterns("bid_documents*", "documents"))
    start = time.perf_counter()
    _sh("run", str(ds_without), "--out", str(run_without))
    wall_without = time.perf_counter() - start

    truth = pd.read_parquet(truth_dir / "documents_truth.parquet")
    planted = pd.read_parquet(truth_dir / "planted.parquet")
    ring_tenders = set(
        planted.loc[(planted["scheme"] == "bid_rigging") & (planted["entity_type"] == "tender"), "entity_id"].astype(
            str
        )
    )
    ring_tenders |= set(truth.loc[truth["planted"], "tender_id"].astype(str))
    hits = _tender_hits(run_with)
    con = duckdb.connect(str(run_with / "yunshao.duckdb"), read_only=True)
    try:
        signals = signal_recall(truth, con, hits)
        tenders = con.execute("SELECT count(*) FROM tenders").fetchone()[0]
        files = con.execute("SELECT count(*) FROM doc_files").fetchone()[0]
    finally:
        con.close()
    seconds = json.loads((run_with / "run.json").read_text()).get("seconds", {})
    return {
        "profile": profile,
        "seed": seed,
        "projects": n,
        "tenders": int(tenders),
        "files": int(files),
        "ring_tenders": len(ring_tenders),
        "signals": signals,
        "rules": rule_precision(truth, ring_tenders, hits),
        "ap_with": _ap(run_with, truth_dir, ds),
        "ap_without": _ap(run_without, truth_dir, ds_without),
        "seconds": seconds,
        "wall_with": round(wall_with, 1),
        "wall_without": round(wall_without, 1),
    }


def _f(v: Any, d: int = 2) -> str:
    return "n/a" if v is None else (f"{v:.{d}f}" if isinstance(v, float) else str(v))


def render(results: list[dict[str, Any]]) -> str:
    lines = [
        "| county | tenders | bid files | ring tenders | documents stage (s) | run with / without (s) |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['profile']} s{r['seed']} ({r['projects']}) | {r['tenders']} | {r['files']} | "
            f"{r['ring_tenders']} | {_f(r['seconds'].get('documents'), 1)} | "
            f"{r['wall_with']} / {r['wall_without']} |"
        )
    lines += [
        "",
        "**1. Planted signals found** (found in the stage's table / rule fired on the tender, of planted)",
        "",
        "| signal | unit | table | rule | " + " | ".join(f"{r['profile']} s{r['seed']}" for r in results) + " |",
        "|---|---|---|---|" + "---|" * len(results),
    ]
    for k, signal in enumerate(SIGNALS):
        first = results[0]["signals"][k]
        cells = []
        for r in results:
            s = r["signals"][k]
            found = "—" if s["found"] is None else s["found"]
            fired = "—" if s["fired"] is None else s["fired"]
            cells.append(f"{found} / {fired} of {s['planted']}")
        lines.append(
            f"| {signal} | {first['unit']} | {first['table'] or '—'} | {first['rule'] or '—'} | "
            + " | ".join(cells)
            + " |"
        )
    lines += [
        "",
        '**2. Rules at the tender level** (precision against "the tender has a planted ring")',
        "",
        "| county | rule | tenders hit | ring tenders hit | precision | recall of ring tenders | "
        "hits on look-alike-only tenders |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        for q in r["rules"]:
            lines.append(
                f"| {r['profile']} s{r['seed']} | {q['rule']} | {q['tenders_hit']} | {q['ring_hit']} | "
                f"{_f(q['precision'])} | {_f(q['recall'])} | {q['lookalike_only_hits']} |"
            )
    lines += [
        "",
        "**3. Models with and without the documents** (project AP, projects without a handed-over label)",
        "",
        "| county | judged (planted / bid_rigging) | AP bid_rigging with / without | AP all schemes with / without |",
        "|---|---|---|---|",
    ]
    for r in results:
        a, b = r["ap_with"], r["ap_without"]
        lines.append(
            f"| {r['profile']} s{r['seed']} | {a['judged']} ({a['planted']} / {a['rigging']}) | "
            f"{_f(a['ap_bid_rigging'], 3)} / {_f(b['ap_bid_rigging'], 3)} | "
            f"{_f(a['ap_all'], 3)} / {_f(b['ap_all'], 3)} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--profiles", nargs="+", default=["default", "hillcounty", "rivercity"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/documents_eval"))
    parser.add_argument("--out-md", type=Path, default=ROOT / "docs" / "documents-eval.md")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    for profile in args.profiles:
        for seed in args.seeds:
            start = time.perf_counter()
            r = evaluate(profile, seed, args.projects, args.work)
            (args.work / f"{profile}-n{args.projects}-s{seed}.json").write_text(json.dumps(r, default=str))
            print(f"{profile} s{seed}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
            results.append(r)
    text = render(results)
    print(text)
    command = (
        f"benchmarks/documents_eval.py --projects {args.projects} --seeds {' '.join(map(str, args.seeds))} "
        f"--profiles {' '.join(args.profiles)}"
    )
    header = (
        "# Bid documents on simulated rings / 投标文件检测评估\n\n"
        f"<!-- Generated by `{command}`; rerun it to refresh, do not edit the figures by hand. -->\n\n"
        "How the figures are made: [documents.md](documents.md), section *How well it works on simulated rings*.\n\n"
    )
    args.out_md.write_text(header + text, encoding="utf-8")


if __name__ == "__main__":
    main()
