"""A power item declared without code: a county's `wetland_permit` file is validated by the contract and
gets SEQ-PREREQ warnings on its trails; a threshold set in the settings changes the result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from yunshao.contract import TABLES, load_frames
from yunshao.domains.contract import activate
from yunshao.engine import connect
from yunshao.rules.loader import load_rules
from yunshao.rules.runner import run_rules
from yunshao.settings import DomainSettings, EngineSettings, Settings

#: W03 (the permit) needs the site survey W02 always, and the application's expert review W01 only from
#: a budget of 100,000 yuan (the declared default of `review_amount`).
WETLAND = """
id: wetland_permit
name: {zh: 湿地占用许可, en: wetland permit}
nodes:
  - {code: W01, zh: 专家评审, en: expert review}
  - {code: W02, zh: 现场踏勘, en: site survey}
  - {code: W03, zh: 许可, en: permit}
prerequisites:
  W03: [W02, {node: W01, min_amount: review_amount}]
thresholds:
  review_amount: {value: 100000, zh: 须专家评审的金额（元）, en: amount from which experts review (yuan), source: test}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "wetland_permit.yaml").write_text(WETLAND, encoding="utf-8")
    return tmp_path


def _events(project: str, nodes: list[str], approved: bool = True) -> list[dict[str, Any]]:
    rows = []
    for i, node in enumerate(nodes, start=1):
        day = f"2024-03-{i:02d}"
        rows.append(
            dict(
                event_id=f"{project}-{node}-S",
                project_id=project,
                node=node,
                action="submit",
                occurred_at=f"{day} 09:00:00",
            )
        )
        if approved:
            rows.append(
                dict(
                    event_id=f"{project}-{node}-A",
                    project_id=project,
                    node=node,
                    action="approve",
                    occurred_at=f"{day} 15:00:00",
                )
            )
    return rows


def _load(projects: list[dict[str, Any]], events: list[dict[str, Any]]) -> tuple[duckdb.DuckDBPyConnection, set[str]]:
    frames = {
        "units": pd.DataFrame([{"unit_id": "U1", "kind": "township"}]),
        "projects": pd.DataFrame([{"unit_id": "U1", "status": "ongoing", **p} for p in projects]),
        "approvals": pd.DataFrame(events),
    }
    frames = {n: f.reindex(columns=list(TABLES[n].column_names)) for n, f in frames.items()}
    con = connect(None, EngineSettings(threads=1))
    report = load_frames(con, frames)
    return con, set(report.present_tables)


def _prereq_hits(con: duckdb.DuckDBPyConnection, present: set[str], settings: Settings) -> list[tuple[Any, ...]]:
    rules = [r for r in load_rules() if r.id == "SEQ-PREREQ"]
    run_rules(con, settings, lang="en", present_tables=present, rules=rules)
    return con.execute(
        "SELECT entity_id, json_extract_string(evidence, '$.missing_nodes') FROM warnings ORDER BY entity_id"
    ).fetchall()


def test_without_the_declaration_the_contract_refuses_the_trail() -> None:
    con, _ = _load([{"project_id": "W1", "domain": "wetland_permit"}], _events("W1", ["W01"]))
    reasons = {r[0] for r in con.execute("SELECT reason FROM quarantine").fetchall()}
    assert any(r.startswith("domain enum: unknown value") for r in reasons), reasons


def test_the_declared_trail_validates_and_a_foreign_node_is_quarantined(folder: Path) -> None:
    activate(DomainSettings(dirs=[folder]))
    foreign = dict(event_id="X", project_id="W1", node="C04", action="submit", occurred_at="2024-03-09 09:00:00")
    events = [*_events("W1", ["W01", "W02", "W03"]), foreign]
    con, _ = _load([{"project_id": "W1", "domain": "wetland_permit"}], events)
    quarantined = con.execute('SELECT "table", "row", reason FROM quarantine').fetchall()
    assert len(quarantined) == 1
    assert quarantined[0][0] == "approvals" and '"X"' in quarantined[0][1]
    assert "C04 is not a node of a wetland_permit project" in quarantined[0][2]
    assert con.execute("SELECT count(*) FROM approvals").fetchone() == (6,)


def test_seq_prereq_fires_on_a_trail_that_skips_w02_and_not_on_one_that_has_it(folder: Path) -> None:
    settings = Settings(domains=DomainSettings(dirs=[folder]))
    activate(settings.domains)
    projects = [
        {"project_id": "W1", "domain": "wetland_permit", "budget_amount": 50_000.0},  # W01, W02, W03: lawful
        {"project_id": "W2", "domain": "wetland_permit", "budget_amount": 50_000.0},  # skips W02
        {"project_id": "W3", "domain": "wetland_permit", "budget_amount": 50_000.0},  # W02 submitted, not approved
    ]
    events = (
        _events("W1", ["W01", "W02", "W03"])
        + _events("W2", ["W01", "W03"])
        + _events("W3", ["W02"], approved=False)
        + _events("W3", ["W03"])
    )
    con, present = _load(projects, events)
    assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (0,)
    assert _prereq_hits(con, present, settings) == [("W2", '["W02"]'), ("W3", '["W02"]')]


def test_a_threshold_override_changes_the_result(folder: Path) -> None:
    """W4 (budget 50,000) has no expert review W01: below the default 100,000 it needs none; with the
    county's threshold at 40,000 it does."""
    projects = [{"project_id": "W4", "domain": "wetland_permit", "budget_amount": 50_000.0}]
    events = _events("W4", ["W02", "W03"])
    default = Settings(domains=DomainSettings(dirs=[folder]))
    activate(default.domains)
    con, present = _load(projects, events)
    assert _prereq_hits(con, present, default) == []
    county = Settings(domains=DomainSettings(dirs=[folder], thresholds={"wetland_permit": {"review_amount": 40_000}}))
    assert _prereq_hits(con, present, county) == [("W4", '["W01"]')]
