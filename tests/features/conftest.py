"""Helpers for the feature tests: load hand-made frames through the contract and build the features."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import duckdb
import pandas as pd
import pytest

from yunshao.contract import load_frames
from yunshao.engine import connect
from yunshao.features import FeatureReport, build_features
from yunshao.settings import Settings


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = connect()
    yield c
    c.close()


@pytest.fixture(scope="module")
def module_con() -> Iterator[duckdb.DuckDBPyConnection]:
    """One database per test module, for fixtures that build once and are only read."""
    c = connect()
    yield c
    c.close()


def build(
    con: duckdb.DuckDBPyConnection, frames: Mapping[str, pd.DataFrame], settings: Settings | None = None
) -> FeatureReport:
    """Load ``frames`` (nothing may be quarantined) and build every feature table."""
    report = load_frames(con, frames)
    assert report.rows_quarantined == 0, con.execute("SELECT * FROM quarantine").fetchall()
    return build_features(con, settings or Settings(), report.present_tables)


def row(con: duckdb.DuckDBPyConnection, table: str, key: str, value: str) -> dict[str, Any]:
    """One row of a table as a dict (NULL as None)."""
    cur = con.execute(f"SELECT * FROM {table} WHERE {key} = ?", [value])
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    assert len(rows) == 1, f"{table}: {len(rows)} rows for {key}={value}"
    return dict(zip(names, rows[0], strict=True))


def events(*rows: tuple[Any, ...]) -> pd.DataFrame:
    """Approval events from (project, node, action, person, occurred_at[, channel[, amount[, post]]]) tuples."""
    out = []
    for i, r in enumerate(rows):
        project, node, action, person, at, *rest = r
        channel = rest[0] if len(rest) > 0 else "online"
        amount = rest[1] if len(rest) > 1 else None
        post = rest[2] if len(rest) > 2 else None
        out.append(
            {
                "event_id": f"E{i + 1}",
                "project_id": project,
                "node": node,
                "action": action,
                "person_id": person,
                "post_id": post,
                "occurred_at": at,
                "channel": channel,
                "amount": amount,
            }
        )
    return pd.DataFrame(out)


def projects(*rows: tuple[Any, ...]) -> pd.DataFrame:
    """Projects from (project_id, domain, budget[, category[, unit_id[, approved_at[, parent]]]]) tuples."""
    out = []
    for r in rows:
        pid, domain, budget, *rest = r
        out.append(
            {
                "project_id": pid,
                "domain": domain,
                "unit_id": rest[1] if len(rest) > 1 else "U1",
                "budget_amount": budget,
                "category": rest[0] if len(rest) > 0 else None,
                "approved_at": rest[2] if len(rest) > 2 else None,
                "parent_project_id": rest[3] if len(rest) > 3 else None,
            }
        )
    return pd.DataFrame(out)
