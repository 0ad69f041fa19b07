"""What ``yunshao update`` prints: the delta per table, quarantine reasons, what changed, levels, time."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from yunshao.update.runner import UpdateResult


def print_update_summary(result: UpdateResult, console: Console) -> None:
    """The delta's rows per table (kept, replaced, appended, quarantined), then what was recomputed."""
    table = Table(title="delta / 增量数据")
    for col in ("table", "read", "kept", "replaced", "appended", "quarantined"):
        table.add_column(col, justify="left" if col == "table" else "right")
    for name, t in result.tables.items():
        table.add_row(name, *(f"{t.get(c, 0):,}" for c in ("read", "kept", "replaced", "appended", "quarantined")))
    console.print(table)
    for reason, n in result.quarantine_reasons.items():
        console.print(f"[yellow]quarantined[/yellow] {reason}: {n}")
    changed = {k: ("all" if v is None else f"{v:,}") for k, v in result.changed.items()}
    console.print(
        f"changed: projects {changed.get('projects')}, tenders {changed.get('features_tender')}, "
        f"posts {changed.get('features_post')}, warnings {changed.get('warnings')}, "
        f"post scores {changed.get('post_scores')}"
    )
    s = result.scoring
    levels = s.get("levels", {})
    console.print(
        f"re-scored {s.get('rescored', 0):,} of {s.get('projects', 0):,} projects with the store's model; "
        f"levels: [red]red {levels.get('red', 0)}[/red]  [yellow]yellow {levels.get('yellow', 0)}[/yellow]  "
        f"[green]green {levels.get('green', 0)}[/green]"
    )
    console.print("outputs:")
    for path in result.outputs.values():
        console.print(f"  {path}")
    console.print(f"  {result.store} (store)")
    console.print("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in result.seconds.items()))
