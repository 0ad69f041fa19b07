"""Fixtures over the hand-made dataset of handmade.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.analytics.handmade import CONTRACT_FRAMES, HAND_REPORT, add_run_tables, warnings_frame
from yunshao.contract import load_frames
from yunshao.engine import connect
from yunshao.settings import Settings


@pytest.fixture
def hand_con() -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect()
    report = load_frames(con, CONTRACT_FRAMES)
    assert report.rows_quarantined == 0, con.sql("FROM quarantine").df().to_dict("records")
    add_run_tables(con)
    yield con
    con.close()


@pytest.fixture
def hand_settings() -> Settings:
    return Settings(report=HAND_REPORT)


@pytest.fixture
def hand_dataset(tmp_path: Path) -> tuple[Path, Path]:
    """The same data as files: a dataset folder (CSV) and a run folder with warnings.parquet."""
    dataset = tmp_path / "dataset"
    run = tmp_path / "run"
    dataset.mkdir()
    run.mkdir()
    for name, frame in CONTRACT_FRAMES.items():
        frame.to_csv(dataset / f"{name}.csv", index=False)
    warnings_frame().to_parquet(run / "warnings.parquet", index=False)
    return dataset, run
