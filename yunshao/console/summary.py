"""The run's summary as people read it: counts, quarantine reasons, levels, the riskiest projects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
from rich.console import Console
from rich.table import Table

from yunshao.pipeline import RunResult


def print_run_summary(result: RunResult, console: Console, top: int = 10) -> None:
    """Rows read and quarantined, skipped families and rules, levels, then the ``top`` riskiest projects."""
    console.print(_load_table(result.load))
    reasons = result.load.get("reasons", [])
    if reasons:
        console.print(_reasons_table(reasons))
    for warning in result.load.get("warnings", []):
        console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False, soft_wrap=True)
    for label, skipped in (("feature families", _skipped(result.features)), ("rules", _skipped(result.rules))):
        if skipped:
            console.print(f"[yellow]skipped {label}[/yellow] ({len(skipped)}): {', '.join(skipped)}")
    levels = result.levels
    console.print(
        f"levels: [red]red {levels.get('red', 0)}[/red]  [yellow]yellow {levels.get('yellow', 0)}[/yellow]  "
        f"[green]green {levels.get('green', 0)}[/green]"
    )
    for note in result.scoring.get("notes", []):
        console.print(f"[cyan]model:[/cyan] {note}")
    console.print(_top_projects(Path(result.outputs["project_scores"]), top))
    console.print("outputs:")
    for path in result.outputs.values():
        console.print(f"  {path}")
    console.print(f"  {Path(result.out) / 'yunshao.duckdb'} (store)")
    timings = ", ".join(f"{k} {v:.1f}s" for k, v in result.seconds.items())
    console.print(f"time: {timings}")


def _load_table(load: dict[str, Any]) -> Table:
    table = Table(title="contract tables / 数据表", show_lines=False)
    for col in ("table", "read", "kept", "quarantined"):
        table.add_column(col, justify="right" if col != "table" else "left")
    for name, t in load.get("tables", {}).items():
        table.add_row(name, f"{t['read']:,}", f"{t['kept']:,}", f"{t['quarantined']:,}")
    absent = load.get("absent", [])
    if absent:
        table.caption = f"absent (optional): {', '.join(absent)}"
    return table


def _reasons_table(reasons: list[dict[str, Any]]) -> Table:
    table = Table(title="quarantine reasons / 隔离原因")
    table.add_column("table")
    table.add_column("column check")
    table.add_column("rows", justify="right")
    for r in reasons:
        table.add_row(r["table"], r["reason"], f"{r['count']:,}")
    return table


def _skipped(stage: dict[str, Any]) -> list[str]:
    skipped = stage.get("skipped", [])
    if isinstance(skipped, dict):
        return [f"{k} ({v})" for k, v in skipped.items()]
    return [str(s) for s in skipped]


def _top_projects(path: Path, top: int) -> Table:
    rows = duckdb.execute(
        f"SELECT project_id, risk_score, level, rule_hits, top_factors FROM read_parquet('{path}') "
        f"ORDER BY risk_score DESC, project_id LIMIT {int(top)}"
    ).fetchall()
    table = Table(title=f"top {top} riskiest projects / 风险最高的项目")
    for col in ("project", "score", "level", "rules", "top factors"):
        table.add_column(col)
    for project_id, score, level, hits, factors in rows:
        table.add_row(project_id, f"{score:.1f}", level, ", ".join(hits or [])[:60], _factors(factors))
    return table


def _factors(raw: str | None, n: int = 3) -> str:
    if not raw:
        return ""
    items = json.loads(raw)[:n]
    return "; ".join(
        f"{f.get('feature_zh') or f.get('feature')}={_fmt(f.get('value'))} ({f.get('contribution', 0):+.2f})"
        for f in items
    )


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)
