"""How well the rule catalog alone finds planted schemes, and how much it bothers clean projects.

Simulates a county (``yunshao.simulate``), loads it, builds features, runs the rules, and compares the
projects each scheme's rules flag with the simulator's truth (planted.parquet). A project counts as
flagged for a scheme when at least one warning of that scheme names it (``warnings.project_id``).
Clean projects are all projects with nothing planted, look-alikes included. Writes docs/rules-eval.md.

    .venv/bin/python benchmarks/rules_eval.py --projects 5000 --seed 7 [--profiles hillcounty devzone …]

``--profiles`` adds, per foreign profile (conventions the rules were not written for: other area
limits, meal norms, holiday habits, approval habits), recall and precision per scheme.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from yunshao.contract import load_dataset
from yunshao.engine import connect
from yunshao.rules.loader import load_rules
from yunshao.rules.runner import run_rules
from yunshao.settings import Settings
from yunshao.simulate import simulate

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules-eval.md"
SQL = Path(__file__).with_suffix(".sql")


def _queries() -> dict[str, str]:
    parts = re.split(r"^-- name: (\w+)\n", SQL.read_text(encoding="utf-8"), flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


QUERIES = _queries()


def build(folder: Path, settings: Settings) -> tuple[duckdb.DuckDBPyConnection, set[str], dict[str, float]]:
    """Load a dataset and its features into an in-memory DuckDB; returns stage timings."""
    timings: dict[str, float] = {}
    con = connect(None, settings.engine)
    t0 = time.perf_counter()
    report = load_dataset(folder, con, settings.load)
    timings["load"] = time.perf_counter() - t0
    present = report.present_tables
    try:
        from yunshao.features import build_features
    except ImportError:  # features not installed: rules read the contract tables only
        return con, present, timings
    t0 = time.perf_counter()
    build_features(con, settings, present)
    timings["features"] = time.perf_counter() - t0
    return con, present, timings


def evaluate(con: duckdb.DuckDBPyConnection, truth: Path) -> dict[str, pd.DataFrame]:
    """Per-scheme recall/precision, rule hits on clean projects, look-alike flag rates."""
    con.execute(f"CREATE OR REPLACE TABLE planted AS SELECT * FROM read_parquet('{truth / 'planted.parquet'}')")
    con.execute(f"CREATE OR REPLACE TABLE lookalikes AS SELECT * FROM read_parquet('{truth / 'lookalikes.parquet'}')")
    per_scheme = con.execute(QUERIES["per_scheme"]).df()
    per_scheme["recall"] = (per_scheme["hit"] / per_scheme["planted"]).round(3)
    per_scheme["precision"] = (per_scheme["hit"] / per_scheme["flagged"]).round(3)
    per_scheme["precision_any"] = (per_scheme["hit_any_scheme"] / per_scheme["flagged"]).round(3)
    per_scheme["recall_red"] = (per_scheme["hit_red"] / per_scheme["planted"]).round(3)
    per_scheme["precision_red"] = (per_scheme["hit_red"] / per_scheme["flagged_red"]).round(3)
    clean_rules = con.execute(QUERIES["clean_rules"]).df()
    overall = con.execute(QUERIES["overall"]).df()
    looks = con.execute(QUERIES["lookalikes"]).df()
    per_rule = con.execute(QUERIES["per_rule"]).df()
    return {
        "per_scheme": per_scheme,
        "clean_rules": clean_rules,
        "overall": overall,
        "lookalikes": looks,
        "per_rule": per_rule,
    }


def by_profile(
    profiles: list[str], projects: int, seed: int, work: Path, settings: Settings, default: dict[str, pd.DataFrame]
) -> pd.DataFrame:
    """Recall / precision per scheme, one column pair per profile (the default's first)."""
    frames = {"default": default["per_scheme"]}
    for profile in profiles:
        summary = simulate(work / profile, projects, seed, profile=profile)
        con, present, _ = build(work / profile, settings)
        run_rules(con, settings, present_tables=present)
        frames[profile] = evaluate(con, summary.truth)["per_scheme"]
        con.close()
    out = pd.DataFrame({"scheme": sorted(set().union(*(f["scheme"] for f in frames.values())))})
    for name, frame in frames.items():
        cell = frame.set_index("scheme").apply(lambda r: f"{r['recall']} / {r['precision']}", axis=1)
        out[name] = out["scheme"].map(cell).fillna("")
    return out


def time_rules(projects: int, seed: int, work: Path, settings: Settings) -> dict[str, float]:
    """Simulate ``projects`` projects and time loading, features and the rule engine on them."""
    folder = work / "big"
    t0 = time.perf_counter()
    simulate(folder, projects, seed)
    sim = time.perf_counter() - t0
    con, present, timings = build(folder, settings)
    events = con.execute("SELECT count(*) FROM approvals").fetchone()
    report = run_rules(con, settings, present_tables=present)
    con.close()
    return {
        "projects": projects,
        "events": float(events[0]) if events else 0.0,
        "simulate": sim,
        **timings,
        "rules": report.total_seconds,
        "warnings": float(report.warnings),
    }


def markdown(results: dict[str, pd.DataFrame], meta: dict[str, object]) -> str:
    def table(df: pd.DataFrame) -> str:
        if not len(df):
            return "(none)"
        head = "| " + " | ".join(map(str, df.columns)) + " |\n|" + "---|" * len(df.columns)
        rows = [
            "| " + " | ".join("" if pd.isna(v) else str(v) for v in row) + " |" for row in df.itertuples(index=False)
        ]
        return "\n".join([head, *rows])

    lines = [
        "# Rule catalog evaluation / 规则库评估",
        "",
        "Generated by `benchmarks/rules_eval.py` (do not edit by hand). Rules alone, no model: a project is",
        "flagged for a scheme when a warning of that scheme names it. Clean = not planted (look-alikes included).",
        "",
        f"Run: {json.dumps(meta, ensure_ascii=False)}",
        "",
        "## Per scheme",
        "",
        "`precision_any`: share of flagged projects that carry *some* planted scheme (a rule of one scheme often",
        "catches another scheme's traces, e.g. a relative's firm winning through a rigged tender).",
        "",
        table(results["per_scheme"]),
        "",
        "Reading the clean-project list: `BID-R39-IP` fires on the simulator's `park_shared_ip` look-alikes,",
        "yellow by design (a shared IP without a shared machine is never red); `MON-OVERPAY` and `SEQ-PREREQ`",
        "fire where the simulated clean trails pay up to 9 % above contract and audit, or lose a node row to",
        "quarantine; `PWR-RELM` (yellow) is the `relative_of_employee` look-alike, whose relative is a",
        "registered *manager* of the winner, which the catalog treats as a yellow conflict of interest.",
        "Township items: `HSG-AREA` fires where the county's homestead limit is above the shipped 125 m²",
        "(a region sets its own in `domains.thresholds`); `FIN-DUP` names every claim of a reused invoice,",
        "the first (lawful) one included, so half its hits are on clean claims by construction.",
        "",
        "## Projects flagged",
        "",
        table(results["overall"]),
        "",
        "## Rules firing on clean projects (most first)",
        "",
        table(results["clean_rules"].head(20)),
        "",
        "## Look-alikes (benign cases built to resemble schemes)",
        "",
        table(results["lookalikes"]),
        "",
        "## Per rule",
        "",
        table(results["per_rule"]),
        "",
    ]
    if "profiles" in results:
        lines += [
            "## Counties with other conventions",
            "",
            "The same catalog and default parameters on counties simulated with a foreign profile (same",
            "projects and seed): recall / precision per scheme. A drop here is a rule written for one county's",
            "conventions; the models learn the rest from each county's outcomes (docs/model-report.md).",
            "",
            table(results["profiles"]),
            "",
        ]
    if "timing" in results:
        lines += [
            "## Rule engine time",
            "",
            "Seconds on the shared 2-core build box with other jobs running (load average about 5);",
            "`rules_s` is `run_rules` alone (shared sub-queries + all rules + writing `warnings`), features not",
            "included; `rules_s_before_tuning` is the first version, before the shared sub-queries were",
            "materialised once and the shared-value rules narrowed their groups before describing them.",
            "",
            table(results["timing"]),
            "",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--big-projects", type=int, default=0, help="also time rules on this many projects")
    parser.add_argument("--timing-from", type=Path, help="JSON of an earlier --big-projects timing to include")
    parser.add_argument("--out", type=Path, default=DOCS)
    parser.add_argument("--profiles", nargs="*", default=[], help="foreign profiles to compare per scheme")
    args = parser.parse_args()
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="yunshao-rules-eval-") as tmp:
        work = Path(tmp)
        summary = simulate(work / "ds", args.projects, args.seed)
        con, present, timings = build(work / "ds", settings)
        report = run_rules(con, settings, present_tables=present)
        results = evaluate(con, summary.truth)
        meta: dict[str, object] = {
            "projects": args.projects,
            "seed": args.seed,
            "rules": len(load_rules()),
            "rules_ran": len(report.hits),
            "skipped": report.skipped,
            "warnings": report.warnings,
            "seconds": {k: round(v, 2) for k, v in {**timings, "rules": report.total_seconds}.items()},
        }
        con.close()
        if args.profiles:
            results["profiles"] = by_profile(args.profiles, args.projects, args.seed, work, settings, results)
        if args.big_projects:
            timing = time_rules(args.big_projects, args.seed, work, settings)
            results["timing"] = pd.DataFrame([{k: round(v, 1) for k, v in timing.items()}])
    if args.timing_from:
        timing = json.loads(args.timing_from.read_text(encoding="utf-8"))
        results["timing"] = pd.DataFrame([{k: round(v, 1) for k, v in timing.items()}])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown(results, meta), encoding="utf-8")
    print(markdown(results, meta))


if __name__ == "__main__":
    main()
