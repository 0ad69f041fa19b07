"""The summary ``yunshao simulate`` prints: what it wrote, as tables a reader can scan.

The dataclass's ``repr`` listed the same facts as nested Python dicts; here the rows per contract table
(with their Chinese names), the planted cases per scheme and the benign look-alikes are three tables
side by side under one line saying where the data and the truth went.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.columns import Columns
from rich.console import Console, Group, RenderableType
from rich.table import Table

if TYPE_CHECKING:
    from yunshao.simulate.runner import SimulationSummary


def simulation_summary(summary: SimulationSummary) -> RenderableType:
    """A headline and the three tables (contract rows, planted cases, look-alikes)."""
    from yunshao.contract.schema import TABLES

    head = (
        f"simulated {summary.n_projects:,} projects (profile {summary.profile}, seed {summary.seed}) "
        f"in {summary.seconds:.1f} s → {summary.out}; truth → {summary.truth}"
    )
    rows = _counts(
        "rows 行数",
        "table 表",
        {f"{name} {TABLES[name].zh}" if name in TABLES else name: n for name, n in summary.rows.items()},
    )
    planted = _counts("planted 植入案例", "scheme 类型", summary.planted)
    planted.add_section()
    planted.add_row("projects with a case 涉案项目", f"{summary.planted_projects:,}")
    lookalikes = _counts("look-alikes 良性相似", "kind 类型", summary.lookalikes)
    lookalikes.add_section()
    lookalikes.add_row("bad rows 坏行", f"{summary.bad_rows:,}")
    lookalikes.add_row("labels handed over 移交标签", f"{summary.labels:,}")
    return Group(head, Columns([rows, planted, lookalikes]))


def _counts(title: str, key: str, counts: Mapping[str, int]) -> Table:
    table = Table(key, "n", title=title)
    table.columns[1].justify = "right"
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    return table


def print_simulation_summary(summary: SimulationSummary, console: Console) -> None:
    console.print(simulation_summary(summary), highlight=False)
