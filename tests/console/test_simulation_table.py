"""`yunshao simulate` prints what it wrote as tables: rows per contract table, planted cases, look-alikes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from yunshao.cli import app


def test_simulate_prints_its_summary_as_tables(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["simulate", str(tmp_path / "ds"), "--projects", "60", "--seed", "4"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "SimulationSummary(" not in out
    assert out.startswith("simulated 60 projects (profile default, seed 4) in ")
    summary = json.loads((tmp_path / "ds_truth" / "summary.json").read_text(encoding="utf-8"))
    for title in ("rows 行数", "planted 植入案例", "look-alikes 良性相似"):
        assert title in out
    # each table's figures are the summary's own, contract tables with their Chinese names
    assert _cell_after(out, "bids 投标") == f"{summary['rows']['bids']:,}"
    assert _cell_after(out, "bid_rigging") == str(summary["planted"]["bid_rigging"])
    assert _cell_after(out, "projects 项目") == f"{summary['rows']['projects']:,}"
    assert _cell_after(out, "projects with a case 涉案项目") == str(summary["planted_projects"])


def _cell_after(out: str, label: str) -> str:
    """The cell right of ``label`` on the first line holding it (three tables share each line)."""
    cells = [c.strip() for c in next(line for line in out.splitlines() if label in line).split("│")]
    return cells[cells.index(label) + 1]
