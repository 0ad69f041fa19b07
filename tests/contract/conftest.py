"""A tiny hand-made dataset, written as files, that every loader test breaks in its own way."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest


def small_tables() -> dict[str, pd.DataFrame]:
    return {
        "units": pd.DataFrame(
            {"unit_id": ["U1", "U2"], "name": ["城东街道", "经济开发区"], "kind": ["township", "development_zone"]}
        ),
        "people": pd.DataFrame({"person_id": ["A", "B"], "name": ["张三", "李四"]}),
        "projects": pd.DataFrame(
            {
                "project_id": ["P1", "P2", "P3"],
                "domain": ["construction", "land", "construction"],
                "unit_id": ["U1", "U2", "U1"],
                "name": ["道路改造", "地块收储", "学校扩建"],
                "budget_amount": ["5000000", "1200000.50", "800000"],
                "approved_at": ["2024-03-01 09:00:00", "2024-04-01T10:00:00+08:00", "2024-05-01"],
                "status": ["ongoing", "completed", "ongoing"],
            }
        ),
        "approvals": pd.DataFrame(
            {
                "event_id": ["E1", "E2", "E3", "E4"],
                "project_id": ["P1", "P1", "P2", "P3"],
                "node": ["C01", "C02", "L01", "C01"],
                "action": ["submit", "approve", "submit", "submit"],
                "person_id": ["A", "B", "A", None],
                "occurred_at": ["2024-03-01T09:00:00", "2024-03-02T01:30:00Z", "2024-04-01 10:00", "2024-05-01 08:00"],
                "amount": [None, "100.5", None, None],
            }
        ),
    }


def write_csv(folder: Path, tables: dict[str, pd.DataFrame], encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False, encoding=encoding)
    return folder


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "ds", small_tables())
